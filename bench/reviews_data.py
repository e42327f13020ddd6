"""A review cycle in its writing phase over a whole organisation: the dataset of the
review workloads (``review_pages``, ``review_reminders``).

On a copy of ``bench/goals_data.py``'s dataset (people, a year of goals, key results and
check-ins), through the reviews services:

* a template (``template_create``, ``section_add``) with rating and free-text questions
  for every review type and a goals section for the self and manager reviews. No
  competencies section: the seeded organisation has no competency framework;
* a cycle over everyone with every review type, deadlines around today (nomination and
  approval past, writing in two weeks), launched with ``cycle_launch``; 4 approved peer
  nominations per review (plain SQL, as ``workloads/cycle_launch.py`` does: the
  nominations phase writes them), then ``cycle_advance`` to approval and to writing —
  which turns the nominations into peer assignments and tells every writer: at 100,000
  people ~700,000 assignments and as many notifications;
* one chosen reviewee — a manager of a team, with goals and check-ins, and a manager of
  their own — whose self, 4 peer and upward reviews are submitted with
  ``answers_submit`` and whose manager review is a draft (``answers_save``): the form
  their manager is writing shows the submitted self-review beside the evidence;
* a sprinkling over the rest of the cycle, in plain SQL: 15 % of the assignments with a
  draft, 15 % submitted (answers to the rating and text questions), so HR's dashboard
  has figures and ~490,000 assignments stay open for the reminders.

That is the *writing* file. The *released* file is a copy of it where the manager review
is submitted, the cycle advanced to calibration and the chosen review released
(``results.release``) — the reviewee's results page needs it, the open form does not.

Both files are cached by a fingerprint of the migrations, the goals dataset and the
reviews code this build runs (``support.cached_file``). What the workloads need (the
cycle, the chosen review, who is who) is kept in a small ``bench_reviews_info`` table.
"""

import contextlib
import datetime
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import support

PEERS = 4
DRAFT_PERCENT = 15
SUBMITTED_PERCENT = 15
CYCLE_NAME = "Bench annual review"
TEMPLATE_NAME = "Bench annual review"
WRITING_DAYS = 14  # the writing deadline, from the day the dataset is built
INFO_TABLE = "bench_reviews_info"
QUESTIONS = (
    ("rating", "Delivers what was agreed", True),
    ("rating", "Works well with others", True),
    ("text", "What should they keep doing?", True),
    ("text", "What could they do differently?", False),
)


@dataclass(frozen=True)
class Info:
    """What a workload needs of the prepared cycle (ids)."""

    cycle_id: int
    review_id: int  # the chosen reviewee's review
    reviewee_id: int
    manager_id: int  # the chosen reviewee's manager (writes the manager review)
    manager_assignment_id: int
    hr_user_id: int


def _key() -> str:
    return support.source_fingerprint(
        "cadence/*/migrations/*.py",
        "cadence/demo/organisation.py",
        "bench/goals_data.py",
        "bench/reviews_data.py",
        "cadence/reviews/services/*.py",
        "cadence/reviews/notifications.py",
        "cadence/reviews/forms_writing.py",
        "cadence/notifications/sweeps.py",
    )


def reviews_databases(size: int, fresh: bool = False) -> tuple[Path, Path]:
    """The cached ``(writing, released)`` databases for ``size`` people."""
    from bench.goals_data import goals_database

    source = goals_database(size, fresh)
    key = _key()

    def build_writing(path: Path) -> None:
        support.copy_database(source, path)
        with support.work_dir() as tmp, support.Stopwatch() as sw:
            counts = _build_writing(path, tmp)
        support.log(f"reviews ({size:,}): {counts} in {sw.seconds:.1f} s")

    writing = support.cached_file(
        f"reviews-{size}-{key}-writing.sqlite3",
        build_writing,
        fresh=fresh,
        replaces=f"reviews-{size}-*-writing.sqlite3",
    )

    def build_released(path: Path) -> None:
        support.copy_database(writing, path)
        with support.work_dir() as tmp, support.Stopwatch() as sw:
            _build_released(path, tmp)
        support.log(f"reviews ({size:,}): released file in {sw.seconds:.1f} s")

    released = support.cached_file(
        f"reviews-{size}-{key}-released.sqlite3",
        build_released,
        fresh=fresh,
        replaces=f"reviews-{size}-*-released.sqlite3",
    )
    return writing, released


def read_info(db: Path) -> Info:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = dict(conn.execute(f"SELECT key, value FROM {INFO_TABLE}"))  # noqa: S608
    return Info(**{name: int(rows[name]) for name in Info.__dataclass_fields__})


def _save_info(info: Info) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {INFO_TABLE} (key TEXT PRIMARY KEY, value)")
        cursor.executemany(
            f"INSERT OR REPLACE INTO {INFO_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
            list(info.__dict__.items()),
        )


# --- the writing file ----------------------------------------------------------------------


def _hr_admin() -> Any:
    """An HR admin (the seed has none): the first active person without reports."""
    from django.db.models import Exists, OuterRef

    from cadence.people.models import Person

    person = (
        Person.objects.filter(status=Person.Status.ACTIVE, user__isnull=False)
        .filter(~Exists(Person.objects.filter(manager=OuterRef("pk"))))
        .order_by("id")
        .first()
    )
    assert person is not None and person.user is not None
    person.user.is_hr_admin = True
    person.user.save(update_fields=["is_hr_admin"])
    return person.user


def _template(hr: Any) -> Any:
    from cadence.reviews.models import ReviewerType, Section
    from cadence.reviews.services import templates

    every = [t.value for t in ReviewerType]
    template = templates.template_create(actor=hr, name=TEMPLATE_NAME)
    templates.section_add(
        actor=hr,
        template=template,
        data=templates.SectionData(
            title="How the year went",
            questions=[
                templates.QuestionData(text=text, kind=kind, reviewer_types=every, required=req)
                for kind, text, req in QUESTIONS
            ],
        ),
    )
    templates.section_add(
        actor=hr,
        template=template,
        data=templates.SectionData(
            title="Goals of the period",
            kind=Section.Kind.GOALS,
            reviewer_types=[ReviewerType.SELF, ReviewerType.MANAGER],
        ),
    )
    return template


def _nominate(cycle_id: int) -> int:
    """PEERS approved nominations per review: the next participants in id order who are
    neither the reviewee nor their manager (the nominations phase's outcome, in SQL)."""
    from django.db import connection, transaction

    from cadence.reviews.models import Review

    reviews = list(
        Review.objects.filter(cycle_id=cycle_id)
        .order_by("reviewee_id")
        .values_list("id", "reviewee_id", "manager_id")
    )
    people = [reviewee for _id, reviewee, _m in reviews]
    now = connection.ops.adapt_datetimefield_value(datetime.datetime.now(tz=datetime.UTC))
    rows = []
    for n, (review_id, reviewee, manager) in enumerate(reviews):
        chosen, step = 0, 1
        while chosen < PEERS and step < len(people):
            peer = people[(n + step) % len(people)]
            step += 1
            if peer in (reviewee, manager):
                continue
            rows.append((review_id, peer, "approved", "", now))
            chosen += 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO reviews_peernomination (review_id, nominee_id, state, reason, created_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
    return len(rows)


def _chosen_reviewee(cycle_id: int) -> Any:
    """A participant who leads a team (5–12 active reports, none of whom manage anyone:
    upward reviews above the anonymity threshold), has goals with check-ins and an
    active manager who is not the top of the organisation — a manager of managers, the
    common writer of a manager review (``review_pages`` times the top's form apart)."""
    from django.db.models import Count, Exists, OuterRef, Q

    from cadence.goals.models import CheckIn
    from cadence.people.models import Person

    with_check_ins = CheckIn.objects.values("key_result__goal__owner_person_id")
    candidates = (
        Person.objects.filter(
            status=Person.Status.ACTIVE,
            manager__status=Person.Status.ACTIVE,
            manager__manager__isnull=False,
            reviews_received__cycle_id=cycle_id,
            pk__in=with_check_ins,
        )
        .filter(~Exists(Person.objects.filter(manager__manager=OuterRef("pk"))))
        .annotate(
            team=Count(
                "direct_reports",
                filter=Q(direct_reports__status=Person.Status.ACTIVE),
                distinct=True,
            )
        )
        .filter(team__gte=5, team__lte=12)
        .order_by("id")
    )
    person = candidates.first()
    if person is None:
        raise RuntimeError("No manager with a team, a manager and check-ins to review.")
    return person


def _answers(form: Any, writer: str) -> dict[str, Any]:
    """An answer to every item of ``form``: ratings 3–5, a sentence for text items."""
    from cadence.reviews.forms_writing import RATING, AnswerValue

    answers = {}
    for n, (key, item) in enumerate(sorted(form.items.items())):
        if item.kind == RATING:
            answers[key] = AnswerValue(rating=3 + (n + len(writer)) % 3, text="")
        else:
            answers[key] = AnswerValue(text=f"{item.title} — {writer}'s answer, in a few lines.")
    return answers


def _write(assignment_id: int, *, submit: bool) -> None:
    """The writer of ``assignment_id`` answers every item, through the services."""
    from cadence.reviews import access
    from cadence.reviews.models import Assignment
    from cadence.reviews.services import writing

    stored = Assignment.objects.select_related("writer__user").get(pk=assignment_id)
    user = stored.writer.user
    assert user is not None, "every seeded person has a login"
    assignment = access.assignment_for_read(user, assignment_id)
    answers = _answers(writing.form_for(user, assignment), stored.writer.full_name)
    if submit:
        writing.answers_submit(
            actor=user, assignment=assignment, version=assignment.version, answers=answers
        )
    else:
        writing.answers_save(
            actor=user, assignment=assignment, version=assignment.version, answers=answers
        )


def _sprinkle(cycle_id: int, review_id: int) -> dict[str, int]:
    """Drafts and submissions over the rest of the cycle (plain SQL): the answers to the
    questions (not the goals), the states and versions the services would leave."""
    from django.db import connection, transaction

    from cadence.reviews.models import Question

    now = connection.ops.adapt_datetimefield_value(datetime.datetime.now(tz=datetime.UTC))
    questions = list(
        Question.objects.filter(section__version__cycles=cycle_id).values_list("pk", "kind")
    )
    picked = (
        "cycle_id = %s AND review_id <> %s AND state = 'open'"
        f" AND (id * 37) % 100 < {DRAFT_PERCENT + SUBMITTED_PERCENT}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for pk, kind in questions:
            value = "3 + id % 3, ''" if kind == "rating" else "NULL, 'Keeps the team informed.'"
            cursor.execute(
                "INSERT INTO reviews_answer (assignment_id, item, question_id, goal_id,"
                " competency_id, rating, text, choice, updated_at)"
                f" SELECT id, %s, %s, NULL, NULL, {value}, '', %s"  # noqa: S608
                f" FROM reviews_assignment WHERE {picked}",
                [f"q:{pk}", pk, now, cycle_id, review_id],
            )
        cursor.execute(
            "UPDATE reviews_assignment SET state = 'submitted', version = 1, submitted_at = %s"
            f" WHERE {picked} AND (id * 37) % 100 >= {DRAFT_PERCENT}",  # noqa: S608
            [now, cycle_id, review_id],
        )
        submitted = cursor.rowcount
        cursor.execute(
            f"UPDATE reviews_assignment SET state = 'draft', version = 1 WHERE {picked}",  # noqa: S608
            [cycle_id, review_id],
        )
        drafts = cursor.rowcount
    return {"drafts": drafts, "submitted": submitted}


def _build_writing(db: Path, tmp: Path) -> dict[str, Any]:
    support.use_database(db, tmp)
    from django.db import transaction

    from bench.goals_data import PERIOD_NAME
    from cadence.planning.models import PerformancePeriod
    from cadence.reviews.models import Assignment, ReviewCycle, ReviewerType
    from cadence.reviews.services import cycles

    hr = _hr_admin()
    template = _template(hr)
    period = PerformancePeriod.objects.get(name=PERIOD_NAME)
    today = datetime.datetime.now(tz=datetime.UTC).date()
    cycle = cycles.cycle_create(
        actor=hr,
        name=CYCLE_NAME,
        template=template,
        period=period,
        review_types=[t.value for t in ReviewerType],
        nomination_deadline=today - datetime.timedelta(days=10),
        approval_deadline=today - datetime.timedelta(days=5),
        writing_deadline=today + datetime.timedelta(days=WRITING_DAYS),
    )
    with support.Stopwatch() as sw:
        launched = cycles.cycle_launch(actor=hr, cycle=cycle)
    support.log(f"launch: {launched.reviews:,} reviews in {sw.seconds:.1f} s")
    nominations = _nominate(cycle.pk)
    with support.Stopwatch() as sw:
        cycle = cycles.cycle_advance(actor=hr, cycle=cycle, phase=ReviewCycle.Phase.APPROVAL)
        cycle = cycles.cycle_advance(actor=hr, cycle=cycle, phase=ReviewCycle.Phase.WRITING)
    support.log(f"approval → writing (peer assignments, notifications) in {sw.seconds:.1f} s")
    reviewee = _chosen_reviewee(cycle.pk)
    review = cycle.reviews.get(reviewee=reviewee)
    mine = Assignment.objects.filter(review=review)
    for assignment in mine.exclude(type=ReviewerType.MANAGER).order_by("type", "id"):
        _write(assignment.pk, submit=True)
    manager_assignment = mine.get(type=ReviewerType.MANAGER)
    _write(manager_assignment.pk, submit=False)
    sprinkled = _sprinkle(cycle.pk, review.pk)
    with transaction.atomic():
        _save_info(
            Info(
                cycle_id=cycle.pk,
                review_id=review.pk,
                reviewee_id=reviewee.pk,
                manager_id=manager_assignment.writer_id,
                manager_assignment_id=manager_assignment.pk,
                hr_user_id=hr.pk,
            )
        )
    return {
        "reviews": launched.reviews,
        "nominations": nominations,
        "assignments": Assignment.objects.filter(cycle=cycle).count(),
        "chosen_reviewee_writers": mine.count(),
        **sprinkled,
    }


# --- the released file ---------------------------------------------------------------------


def _build_released(db: Path, tmp: Path) -> None:
    """The manager review submitted, the cycle in calibration, the chosen review released."""
    info = read_info(db)
    support.use_database(db, tmp)
    from cadence.accounts.models import User
    from cadence.reviews.models import Review, ReviewCycle
    from cadence.reviews.services import cycles, results

    _write(info.manager_assignment_id, submit=True)
    hr = User.objects.get(pk=info.hr_user_id)
    cycle = ReviewCycle.objects.get(pk=info.cycle_id)
    cycles.cycle_advance(actor=hr, cycle=cycle, phase=ReviewCycle.Phase.CALIBRATION)
    results.release(actor=hr, reviews=[Review.objects.get(pk=info.review_id)])
