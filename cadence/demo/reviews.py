"""The demo's review cycles: last year's annual review, completed (nominated, written,
calibrated, released, acknowledged), and this year's in its writing phase, so a newcomer
can click through every phase with the printed logins.

Everything goes through the reviews services, as the people would have done it. Two
things a service rightly refuses are done on the rows: last year's period is closed (a
cycle is created only on an open one), so it is opened for the time of the load and
closed again; and last year's dates, which must lie in the past while every service
works on today, are moved back once the cycle is done. Deterministic, loaded once: a
cycle that exists is left as it is.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cadence.accounts.models import User
from cadence.goals.models import Goal
from cadence.people.models import Person
from cadence.planning.models import CompetencyFramework, PerformancePeriod
from cadence.reviews.forms_writing import CHOICE, RATING, AnswerValue, Item
from cadence.reviews.models import (
    Assignment,
    PeerNomination,
    RatingChange,
    Review,
    ReviewCycle,
    ReviewerType,
    ReviewTemplate,
    Section,
)
from cadence.reviews.services import cycles, nominations, results, templates, writing
from cadence.reviews.services.templates import QuestionData, ScalePointData, SectionData

TEMPLATE_NAME = "Annual performance review"
# How much of each cycle is done: the demo's load time grows with every review written
# through the services (~15 ms each), so these are what to turn for a faster demo.
PEERS_SHARE = 0.3  # reviewees who nominate three peers (the employee login always does)
LAST_YEAR_WRITTEN = 0.62  # assignments submitted last year
NOW_SUBMITTED, NOW_DRAFTED = 0.16, 0.09  # this year, so far
SELF, MANAGER, PEER, UPWARD = (t.value for t in ReviewerType)
ALL_TYPES = [SELF, MANAGER, PEER, UPWARD]
Phase = ReviewCycle.Phase

SCALE = [
    (1, "Below expectations", "Misses several expectations of the role; needs a clear plan."),
    (2, "Partly meets", "Meets some expectations; needs support or reminders on others."),
    (3, "Meets expectations", "Does what the role asks, reliably and without chasing."),
    (4, "Exceeds", "Often goes beyond the role: others notice and rely on it."),
    (5, "Far exceeds", "Sets the standard others learn from, well beyond the team."),
]
READINESS = ["Ready for the next step now", "Ready in a year or two", "Growing in the role"]
# (text, kind, reviewer types, required, help text)
QUESTIONS: list[tuple[str, str, list[str], bool, str]] = [
    (
        "Delivers what was agreed",
        RATING,
        [SELF, MANAGER, PEER],
        True,
        "Think of the commitments of the year: were they met, on time and to the bar?",
    ),
    (
        "Works well with others",
        RATING,
        [SELF, MANAGER, PEER],
        True,
        "Shares context, asks for help early, makes the people around them better.",
    ),
    ("What went particularly well this year?", "text", [SELF, MANAGER, PEER], True, ""),
    ("What would make the biggest difference next year?", "text", [SELF, MANAGER, PEER], False, ""),
    ("Readiness for a bigger role", CHOICE, [MANAGER], True, "Your view, not a promise."),
    ("Gives clear direction and context", RATING, [UPWARD], True, ""),
    ("Supports my growth", RATING, [UPWARD], True, ""),
    ("What should your manager keep doing, or change?", "text", [UPWARD], False, ""),
    ("What do you want to focus on next year?", "text", [SELF], False, ""),
]

# Short comments that read like a real company, by the rating they go with.
PRAISE = [
    "Took the migration over the line when it stalled in spring; calm under pressure.",
    "The onboarding rework cut the time to first ticket in half. Great ownership.",
    "Always the first to write things down: the team's runbooks are mostly theirs.",
    "Handled the difficult customer escalation in March with real care.",
    "Mentored two new starters who are now fully independent.",
    "Consistently raised the quality bar in code reviews without slowing anyone down.",
    "Very reliable: when they say Friday, it is Friday.",
    "Brought sales and engineering together on the pricing change.",
]
STEADY = [
    "Solid year. Delivered the planned work with few surprises.",
    "Good collaborator; could speak up earlier when something is off track.",
    "Does what is asked well; I would like to see more initiative on the roadmap.",
    "Dependable on day-to-day work; the bigger projects needed more structure.",
    "Clear improvement in the second half after the team change.",
]
CONCERN = [
    "Several deadlines slipped without warning; we agreed a weekly check-in.",
    "The quality of hand-overs needs work — others had to redo parts twice.",
    "Struggled with the new scope; needs more support and clearer priorities.",
]
NEXT_YEAR = [
    "Lead a project end to end, including the stakeholder updates.",
    "Present our work to the wider department at least twice.",
    "Delegate more and grow the junior people in the team.",
    "Go deeper on the product side: shadow customer calls.",
    "Write more design docs before building.",
    "",
]
SELF_FOCUS = [
    "Get better at estimating and saying no early.",
    "Take on the on-call lead role.",
    "Finish the certification I started.",
    "Spend more time with customers.",
]
UPWARD_NOTES = [
    "Keep the weekly 1:1s — they are the most useful hour of my week.",
    "More context on why priorities change would help a lot.",
    "Great at shielding the team; could share the roadmap earlier.",
    "Feedback is honest and kind. Please keep it coming.",
    "Sometimes decisions arrive late; a shared decision log would help.",
]
ACK_COMMENTS = [
    "Thanks — a fair summary. I would like to talk about the readiness point.",
    "Agreed on most of it; the spring delays were partly outside my control.",
    "Useful feedback, especially from peers.",
    "",
]
CALIBRATIONS = [
    "Aligned with the department's calibration session: delivery on the launch was understated.",
    "Brought in line with peers at the same level after the calibration meeting.",
    "The manager review predates the Q4 incident follow-up; adjusted after discussion.",
]


def load_review_demo(
    *,
    hr_user: User,
    logins: dict[str, Person],
    today: datetime.date | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """Load the template and both cycles once; False when there was nothing to add."""
    today = today or timezone.localdate()
    year = today.year
    previous = PerformancePeriod.objects.filter(name=f"FY{year - 1}").first()
    current = PerformancePeriod.objects.filter(name=f"FY{year}").first()
    if previous is None or current is None:
        return False
    rng = random.Random(year * 7)
    loaded = False
    with transaction.atomic():
        template = ReviewTemplate.objects.filter(name=TEMPLATE_NAME).first() or _template(hr_user)
    last_name, this_name = f"FY{year - 1} annual review", f"FY{year} annual review"
    if not ReviewCycle.objects.filter(name=last_name).exists():
        with transaction.atomic():
            _last_year(hr_user, template, previous, last_name, logins, today, rng)
        loaded = True
    if not ReviewCycle.objects.filter(name=this_name).exists():
        with transaction.atomic():
            _this_year(hr_user, template, current, this_name, logins, today, rng)
        loaded = True
    if loaded:
        submitted = Assignment.objects.filter(state=Assignment.State.SUBMITTED).count()
        say(
            f"Demo reviews: {last_name} (closed) and {this_name} (writing), "
            f"{Assignment.objects.count()} assignments, {submitted} submitted"
        )
    return loaded


# --- the template ------------------------------------------------------------------------


def _template(hr_user: User) -> ReviewTemplate:
    template = templates.template_create(
        actor=hr_user,
        name=TEMPLATE_NAME,
        description="The yearly review: looking back on the year, its goals and competencies.",
    )
    templates.scale_set(
        actor=hr_user,
        template=template,
        points=[ScalePointData(value=v, label=label, description=d) for v, label, d in SCALE],
    )
    templates.section_add(
        actor=hr_user,
        template=template,
        data=SectionData(
            title="Looking back on the year",
            questions=[
                QuestionData(
                    text=text,
                    kind=kind,
                    reviewer_types=types,
                    required=required,
                    help_text=help_text,
                    choices=READINESS if kind == CHOICE else [],
                )
                for text, kind, types, required, help_text in QUESTIONS
            ],
        ),
    )
    templates.section_add(
        actor=hr_user,
        template=template,
        data=SectionData(
            title="Goals of the year",
            kind=Section.Kind.GOALS,
            reviewer_types=[SELF, MANAGER],
            required=True,
        ),
    )
    templates.section_add(
        actor=hr_user,
        template=template,
        data=SectionData(
            title="Competencies",
            kind=Section.Kind.COMPETENCIES,
            reviewer_types=[SELF, MANAGER],
            required=False,
        ),
    )
    return template


# --- writing -----------------------------------------------------------------------------


def _comment(level: float, rng: random.Random) -> str:
    pool = PRAISE if level >= 3.8 else (STEADY if level >= 2.6 else CONCERN)
    return rng.choice(pool)


def _answers(
    items: dict[str, Item], kind: str, level: float, rng: random.Random, share: float = 1.0
) -> dict[str, AnswerValue]:
    """Answers to ``share`` of the form's items, around the reviewee's ``level``
    (self-reviews a little kinder, as they are)."""
    bias = 0.3 if kind == SELF else 0.0
    answers: dict[str, AnswerValue] = {}
    for key, item in items.items():
        if share < 1.0 and rng.random() > share:
            continue
        if item.kind == RATING:
            rating = round(min(5.0, max(1.0, rng.gauss(level + bias, 0.6))))
            answers[key] = AnswerValue(rating=int(rating))
        elif item.kind == CHOICE:
            index = 0 if level >= 4.0 else (1 if level >= 3.2 else 2)
            answers[key] = AnswerValue(choice=item.choices[index])
        else:
            title = item.title.lower()
            if "manager" in title:
                text = rng.choice(UPWARD_NOTES)
            elif "focus" in title:
                text = rng.choice(SELF_FOCUS)
            elif "next year" in title:
                text = rng.choice(NEXT_YEAR)
            else:
                text = _comment(level, rng)
            if text or item.required:
                answers[key] = AnswerValue(text=text or rng.choice(STEADY))
    return answers


class Writer:
    """Writes assignments through the writing services. The form a peer or upward
    writer answers holds only questions, the same for every reviewee of the cycle, so it
    is built once per type; so are all forms of a period without goals or a competency
    framework. Otherwise self and manager forms hold the reviewee's goals and
    competencies and are built per assignment (the services build it again to check)."""

    def __init__(self, rng: random.Random, period: PerformancePeriod) -> None:
        self.rng = rng
        self.forms: dict[tuple[int, str], dict[str, Item]] = {}
        self.questions_only = not (
            Goal.objects.filter(period=period).exists()
            or CompetencyFramework.objects.filter(
                Q(period=period) | Q(period__isnull=True)
            ).exists()
        )

    def items(self, assignment: Assignment, writer: User) -> dict[str, Item]:
        shared = self.questions_only or assignment.type in (PEER, UPWARD)
        key = (assignment.cycle_id, assignment.type)
        if shared and key in self.forms:
            return self.forms[key]
        items = writing.form_for(writer, assignment).items
        if shared:
            self.forms[key] = items
        return items

    def write(self, assignment: Assignment, level: float, *, submit: bool) -> Assignment:
        writer = assignment.writer.user
        if writer is None:
            return assignment
        items = self.items(assignment, writer)
        if submit:
            return writing.answers_submit(
                actor=writer,
                assignment=assignment,
                version=assignment.version,
                answers=_answers(items, assignment.type, level, self.rng),
            )
        return writing.answers_save(
            actor=writer,
            assignment=assignment,
            version=assignment.version,
            answers=_answers(items, assignment.type, level, self.rng, share=0.5),
        )


def _levels(reviews: list[Review], rng: random.Random) -> dict[int, float]:
    """How each reviewee really did: most meet expectations, some exceed, a few not."""
    return {r.reviewee_id: min(4.8, max(1.6, rng.gauss(3.4, 0.6))) for r in reviews}


# --- nominations -------------------------------------------------------------------------


def _nominate(
    cycle: ReviewCycle,
    reviews: list[Review],
    rng: random.Random,
    must: set[int],
    share: float,
) -> list[Review]:
    """Three peers each for ``share`` of the reviewees (everyone in ``must``): colleagues with the
    same manager first, then the department, within the cycle's load cap. Proposed by
    the reviewee, approved by the manager."""
    people = list(
        Person.objects.filter(status=Person.Status.ACTIVE).values(
            "id", "manager_id", "department_id"
        )
    )
    by_manager: dict[int | None, list[int]] = defaultdict(list)
    by_department: dict[int | None, list[int]] = defaultdict(list)
    for p in people:
        by_manager[p["manager_id"]].append(p["id"])
        by_department[p["department_id"]].append(p["id"])
    info = {p["id"]: p for p in people}
    load: dict[int, int] = defaultdict(int)
    persons = Person.objects.in_bulk([p["id"] for p in people])
    nominated = []
    for review in reviews:
        me = info.get(review.reviewee_id)
        if me is None or review.manager_id is None:
            continue
        if review.reviewee_id not in must and rng.random() > share:
            continue
        candidates = [
            *rng.sample(by_manager[me["manager_id"]], len(by_manager[me["manager_id"]])),
            *rng.sample(
                by_department[me["department_id"]], len(by_department[me["department_id"]])
            ),
        ]
        picks: list[int] = []
        for pid in candidates:
            # Not the reviewee, nor anyone who writes them a manager or upward review.
            if pid in picks or pid in (review.reviewee_id, review.manager_id):
                continue
            if info[pid]["manager_id"] == review.reviewee_id:
                continue
            if load[pid] >= cycle.peer_load_cap:
                continue
            picks.append(pid)
            if len(picks) == 3:
                break
        if len(picks) < 3:
            continue
        reviewee = review.reviewee.user
        if reviewee is None:
            continue
        for pid in picks:
            nominations.nomination_propose(actor=reviewee, review=review, nominee=persons[pid])
            load[pid] += 1
        nominated.append(review)
    return nominated


def _approve(reviews: list[Review]) -> None:
    for review in reviews:
        manager = review.manager.user if review.manager else None
        if manager is not None:
            nominations.nomination_approve_all(actor=manager, review=review)


def _cycle(
    hr_user: User,
    template: ReviewTemplate,
    period: PerformancePeriod,
    name: str,
    first_day: datetime.date,
) -> ReviewCycle:
    d = datetime.timedelta
    cycle = cycles.cycle_create(
        actor=hr_user,
        name=name,
        template=template,
        period=period,
        review_types=ALL_TYPES,
        nomination_deadline=first_day,
        approval_deadline=first_day + d(days=7),
        writing_deadline=first_day + d(days=28),
        calibration_deadline=first_day + d(days=42),
        acknowledgement_deadline=first_day + d(days=56),
        grace_days=2,
        peers_min=3,
        peers_max=5,
    )
    cycles.cycle_launch(actor=hr_user, cycle=cycle)
    return cycle


def _reviews(cycle: ReviewCycle) -> list[Review]:
    return list(
        Review.objects.filter(cycle=cycle)
        .select_related("reviewee__user", "manager__user", "cycle")
        .order_by("id")
    )


def _assignments(cycle: ReviewCycle) -> list[Assignment]:
    return list(
        Assignment.objects.filter(cycle=cycle)
        .select_related("writer__user", "review", "cycle")
        .order_by("id")
    )


# --- last year: the whole cycle, done ----------------------------------------------------


def _last_year(
    hr_user: User,
    template: ReviewTemplate,
    period: PerformancePeriod,
    name: str,
    logins: dict[str, Person],
    today: datetime.date,
    rng: random.Random,
) -> None:
    closed = period.is_closed
    if closed:  # a cycle is made only on an open period; it is closed again below
        PerformancePeriod.objects.filter(pk=period.pk).update(state=PerformancePeriod.State.ACTIVE)
        period.refresh_from_db()
    # Run on today's dates (the services refuse a past deadline's work), moved back below.
    first_day = today + datetime.timedelta(days=1)
    cycle = _cycle(hr_user, template, period, name, first_day)
    reviews = _reviews(cycle)
    levels = _levels(reviews, rng)
    employee = logins["employee"].pk
    nominated = _nominate(cycle, reviews, rng, must={employee}, share=PEERS_SHARE)
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.APPROVAL)
    _approve(nominated)
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.WRITING)
    writer = Writer(rng, period)
    for assignment in _assignments(cycle):
        # Most wrote theirs; the employee login's review is complete.
        if assignment.review.reviewee_id == employee or rng.random() < LAST_YEAR_WRITTEN:
            writer.write(assignment, levels[assignment.review.reviewee_id], submit=True)
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.CALIBRATION)
    reviews = _reviews(cycle)
    for review in reviews:
        results.score_compute(review=review)
    scored = [(r, r.score) for r in reviews if r.score is not None and r.reviewee_id != employee]
    for (review, score), reason in zip(
        rng.sample(scored, min(3, len(scored))), CALIBRATIONS, strict=False
    ):
        step = Decimal("0.25") if score <= 4 else Decimal("-0.25")
        results.calibrate(actor=hr_user, review=review, score=score + step, reason=reason)
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.RELEASE)
    results.release(actor=hr_user, reviews=results.open_reviews(cycle))
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.ACKNOWLEDGEMENT)
    for review in _reviews(cycle):
        reviewee = review.reviewee.user
        if reviewee is not None and (review.reviewee_id == employee or rng.random() < 0.85):
            results.acknowledge(actor=reviewee, review=review, comment=rng.choice(ACK_COMMENTS))
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.CLOSED)
    _into_the_past(cycle, period, today, first_day)
    if closed:
        PerformancePeriod.objects.filter(pk=period.pk).update(state=PerformancePeriod.State.CLOSED)


def _into_the_past(
    cycle: ReviewCycle, period: PerformancePeriod, today: datetime.date, first_day: datetime.date
) -> None:
    """Move the cycle's dates to where they were: launched in the period's last weeks,
    written in January, released in February (or earlier if today is that early)."""
    launch = min(period.ends_on - datetime.timedelta(days=20), today - datetime.timedelta(days=90))
    shift: datetime.timedelta = launch - (first_day - datetime.timedelta(days=7))
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        nomination_deadline=F("nomination_deadline") + shift,
        approval_deadline=F("approval_deadline") + shift,
        writing_deadline=F("writing_deadline") + shift,
        calibration_deadline=F("calibration_deadline") + shift,
        acknowledgement_deadline=F("acknowledgement_deadline") + shift,
        launched_at=F("launched_at") + shift - datetime.timedelta(days=6),
        created_at=F("created_at") + shift - datetime.timedelta(days=5),
    )
    # Each moment lands in its phase: nominations in the first week, writing over the
    # following weeks, release and acknowledgement after calibration.
    week = datetime.timedelta(days=7)
    PeerNomination.objects.filter(review__cycle=cycle).update(
        created_at=F("created_at") + shift - datetime.timedelta(days=4),
        decided_at=F("decided_at") + shift + datetime.timedelta(days=3),
    )
    Assignment.objects.filter(cycle=cycle).update(opened_at=F("opened_at") + shift)
    spread = list(
        Assignment.objects.filter(cycle=cycle, submitted_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    rng = random.Random(cycle.pk)
    for pk in spread:  # a few hundred rows: submitted over three weeks of writing
        Assignment.objects.filter(pk=pk).update(
            submitted_at=F("submitted_at")
            + shift
            + week * 2
            + datetime.timedelta(hours=rng.randint(0, 300))
        )
    RatingChange.objects.filter(review__cycle=cycle).update(
        changed_at=F("changed_at") + shift + week * 5
    )
    Review.objects.filter(cycle=cycle, released_at__isnull=False).update(
        released_at=F("released_at") + shift + week * 7
    )
    Review.objects.filter(cycle=cycle, acknowledged_at__isnull=False).update(
        acknowledged_at=F("acknowledged_at") + shift + week * 8
    )
    Review.objects.filter(cycle=cycle, commented_at__isnull=False).update(
        commented_at=F("commented_at") + shift + week * 8
    )


# --- this year: in the writing phase now -------------------------------------------------


def _this_year(
    hr_user: User,
    template: ReviewTemplate,
    period: PerformancePeriod,
    name: str,
    logins: dict[str, Person],
    today: datetime.date,
    rng: random.Random,
) -> None:
    # Nominations closed two weeks ago, approval last week; writing ends in two weeks.
    cycle = _cycle(hr_user, template, period, name, today - datetime.timedelta(days=14))
    reviews = _reviews(cycle)
    levels = _levels(reviews, rng)
    employee = logins["employee"].pk
    nominated = _nominate(cycle, reviews, rng, must={employee}, share=PEERS_SHARE)
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.APPROVAL)
    _approve(nominated)
    cycles.cycle_advance(actor=hr_user, cycle=cycle, phase=Phase.WRITING)
    # The four logins each keep something of their own to write.
    keep_open = {p.pk for p in logins.values()}
    writer = Writer(rng, period)
    for assignment in _assignments(cycle):
        if assignment.writer_id in keep_open and assignment.type in (SELF, PEER):
            continue
        roll = rng.random()
        level = levels[assignment.review.reviewee_id]
        if roll < NOW_SUBMITTED:
            writer.write(assignment, level, submit=True)
        elif roll < NOW_SUBMITTED + NOW_DRAFTED:
            writer.write(assignment, level, submit=False)
