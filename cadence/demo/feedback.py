"""The demo's feedback and praise: HR's company values, feedback between colleagues over
the last six months (some of it public praise on the wall, with reactions), answers to
requests, and open requests for the demo logins — so the employee and the manager both
find requests waiting on their home page, and HR one report to review.

Everything goes through the feedback services, as the people would have done it.
Deterministic and loaded once: a demo with feedback is left as it is.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from cadence.feedback import services
from cadence.feedback.models import CompanyValue, Feedback, FeedbackRequest
from cadence.goals.models import Goal
from cadence.people.models import Person
from cadence.planning.models import Competency, PerformancePeriod

VALUES = [
    ("Customer first", "We start from what the customer needs, and finish there too."),
    ("Own it", "We see things through, and say so when we cannot."),
    ("Build trust", "We are candid, kind and keep our word."),
    ("Learn every day", "We share what we learn and ask when we do not know."),
    ("Win together", "We help the team over the line, not only our own part."),
]
GIVERS_SHARE = 0.55  # people with a manager who gave feedback to a peer
PUBLIC_SHARE = 0.45
PRAISE = [
    "{name} stayed late to get the customer's data migrated before their launch. "
    "The customer wrote to thank us by name.",
    "Thank you {name} for the clear write-up of the outage: everyone knew what to do.",
    "{name} took the new starters through our tools in their first week; they were "
    "shipping on day three.",
    "{name} spotted the pricing mistake before it reached the proposal. Saved us a lot.",
    "{name} ran the planning workshop so well that we finished an hour early.",
]
PRIVATE = [
    "In the review meeting you cut Maria short twice. Let people finish; your points "
    "land better when they do.",
    "Your status updates are thorough; a two-line summary at the top would help the "
    "people who only need the headline.",
    "You handled the escalation calmly. Next time, loop in support earlier so they can "
    "warn other customers.",
    "The design document was strong. Consider asking for review before the details are "
    "settled, not after.",
    "Thank you for covering the on-call week at short notice; it did not go unnoticed.",
]
ANSWERS = [
    "You kept the project moving when priorities changed. Writing decisions down would "
    "help the next team that picks it up.",
    "Strong on the customer side; I would like to see you delegate more of the detail.",
]
PROJECTS = ["Atlas launch", "Billing migration", "Q3 customer survey", "Onboarding revamp"]


def load_feedback_demo(
    *,
    logins: dict[str, Person],
    today: datetime.date | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """Load once; False when there is feedback already."""
    if Feedback.objects.exists():
        return False
    today = today or timezone.localdate()
    rng = random.Random(today.year + 9)
    with transaction.atomic():
        values = _values()
        current = PerformancePeriod.objects.filter(
            state=PerformancePeriod.State.ACTIVE, kind=PerformancePeriod.Kind.YEAR
        ).first()
        competencies = list(
            Competency.objects.filter(group__framework__period=current).order_by("id")
            if current
            else []
        )
        given = _feedback(values, competencies, rng)
        requests = _requests(logins)
    say(
        f"Feedback: {len(values)} company values, {given} feedback and praise, "
        f"{requests} requests for feedback"
    )
    return True


def _values() -> list[CompanyValue]:
    existing = {v.name: v for v in CompanyValue.objects.all()}
    return [
        existing.get(name) or services.value_create(actor=None, name=name, description=text)
        for name, text in VALUES
    ]


def _when(rng: random.Random) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=rng.randint(1, 180), hours=rng.randint(0, 9))


def _feedback(
    values: list[CompanyValue], competencies: list[Competency], rng: random.Random
) -> int:
    people = list(
        Person.objects.filter(status=Person.Status.ACTIVE, manager__isnull=False)
        .select_related("manager")
        .order_by("id")
    )
    teams: dict[int, list[Person]] = defaultdict(list)
    for p in people:
        teams[p.manager_id or 0].append(p)
    goals: dict[int, list[Goal]] = defaultdict(list)
    for goal in Goal.objects.filter(owner_type=Goal.Owner.PERSON).order_by("id"):
        if goal.owner_person_id:
            goals[goal.owner_person_id].append(goal)
    count = 0
    praised = []
    for giver in people:
        peers = [p for p in teams[giver.manager_id or 0] if p.pk != giver.pk]
        if not peers or rng.random() > GIVERS_SHARE:
            continue
        for receiver in rng.sample(peers, k=min(len(peers), rng.choice([1, 1, 2]))):
            public = rng.random() < PUBLIC_SHARE
            text = rng.choice(PRAISE if public else PRIVATE).format(name=receiver.first_name)
            feedback = services.feedback_give(
                giver=giver,
                receiver=receiver,
                text=text,
                visibility=Feedback.Visibility.PUBLIC if public else Feedback.Visibility.PRIVATE,
                values=rng.sample(values, k=rng.choice([1, 1, 2])),
                competencies=[rng.choice(competencies)]
                if competencies and rng.random() < 0.4
                else [],
                created_at=_when(rng),
            )
            count += 1
            if public:
                praised.append((feedback, peers + [giver]))
        # Managers give their reports feedback on a goal now and then.
        if giver.manager and rng.random() < 0.25 and goals.get(giver.pk):
            services.feedback_give(
                giver=giver.manager,
                receiver=giver,
                text=rng.choice(PRIVATE),
                goal=rng.choice(goals[giver.pk]),
                values=[rng.choice(values)],
                created_at=_when(rng),
            )
            count += 1
    for feedback, crowd in praised:
        for person in rng.sample(crowd, k=min(len(crowd), rng.randint(0, 4))):
            if person.pk != feedback.receiver_id:
                services.reaction_toggle(
                    feedback=feedback, person=person, kind=rng.choice(["applause", "heart"])
                )
    return count


def _requests(logins: dict[str, Person]) -> int:
    employee, manager = logins.get("employee"), logins.get("manager")
    if employee is None or manager is None:
        return 0
    peers = list(
        Person.objects.filter(manager=manager, status=Person.Status.ACTIVE)
        .exclude(pk=employee.pk)
        .order_by("id")[:4]
    )
    if len(peers) < 2:
        return 0
    due = timezone.localdate() + datetime.timedelta(days=10)
    made = 0
    # The employee asked two peers about a project: one answered, one has not yet.
    own = services.request_create(
        requester=employee,
        subject=employee,
        recipients=peers[:2],
        topic=FeedbackRequest.Topic.PROJECT,
        topic_text=PROJECTS[0],
        message="What went well and what should I change next time?",
        due_on=due,
    )
    services.ask_answer(ask=own.asks.order_by("id")[0], text=ANSWERS[0])
    made += 1
    # The manager asks about the employee: waiting for a peer.
    about = services.request_create(
        requester=manager,
        subject=employee,
        recipients=[peers[1]],
        topic=FeedbackRequest.Topic.PROJECT,
        topic_text=PROJECTS[1],
        message="For the mid-year conversation: how did the migration go from your side?",
        due_on=due,
    )
    made += 1 if about.pk else 0
    # A peer asks the employee, and someone asks the manager: their home pages.
    services.request_create(
        requester=peers[0],
        subject=peers[0],
        recipients=[employee],
        topic=FeedbackRequest.Topic.SKILL,
        topic_text="Writing design documents",
        due_on=due,
    )
    services.request_create(
        requester=peers[1],
        subject=peers[1],
        recipients=[manager, employee],
        topic=FeedbackRequest.Topic.PROJECT,
        topic_text=PROJECTS[2],
    )
    made += 2
    # One reported praise waits for HR.
    praise = (
        Feedback.objects.filter(visibility=Feedback.Visibility.PUBLIC)
        .exclude(receiver=employee)
        .exclude(giver=employee)
        .order_by("id")
        .first()
    )
    if praise is not None:
        services.abuse_report(
            feedback=praise,
            reporter=employee,
            reason="This reads as sarcasm about a colleague's mistake.",
        )
    return made
