"""The demo's 1:1s: every two weeks for the demo manager with each report and with their
own manager, and for a few other managers' teams, over the last three months — agendas
(some points carried over), shared notes, private notes, action items (some still open,
one overdue) — and the manager's coaching notes, one shared with HR.

Everything goes through the meetings services, as the people would have done it; each
past meeting is marked held, which carries its open points to the next. Deterministic
and loaded once: a demo with 1:1s is left as it is.
"""

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from cadence.meetings import services, services_notes
from cadence.meetings.models import Meeting, OneOnOne
from cadence.people.models import Person

WEEKS = 13  # history
OTHER_MANAGERS = 3
POINTS = [
    "How the release went",
    "Workload for the next sprint",
    "Feedback on the design review",
    "Training budget for next quarter",
    "Hiring for the open role",
    "On-call rota",
    "Progress on the migration",
    "Holiday plans and cover",
    "Career conversation: next step",
    "Customer escalation follow-up",
]
NOTES = [
    "Release went smoothly; we agreed to write up what made it calmer than last time.",
    "Talked through the sprint: two items move to next sprint so the migration can land.",
    "Design review: good structure, more detail needed on the rollback plan.",
    "Agreed to look for a course on negotiation; budget is there for this quarter.",
]
ACTIONS = [
    "Write the release retrospective",
    "Book the negotiation course",
    "Share the rollback plan draft",
    "Set up a meeting with the support lead",
    "Update the on-call rota",
    "Draft the job description",
]
COACHING = [
    "Handled the customer escalation calmly and kept everyone informed. Worth naming in the "
    "review.",
    "Seems stretched this month. Offered to move the reporting task elsewhere; they preferred "
    "to keep it but asked for a deadline change.",
    "Ran the planning session for the first time. Good preparation, could let others speak "
    "earlier.",
    "Asked about the team lead path. Agreed to give them the onboarding of the next starter.",
]


def _pairs(logins: dict[str, Person]) -> list[tuple[Person, Person]]:
    manager = logins["manager"]
    active = Person.objects.filter(status=Person.Status.ACTIVE)
    pairs = [(manager, r) for r in active.filter(manager=manager).order_by("id")]
    if manager.manager_id:
        boss = active.filter(pk=manager.manager_id).first()
        if boss is not None:
            pairs.append((boss, manager))
    others = (
        active.filter(direct_reports__isnull=False)
        .exclude(pk__in=[manager.pk, manager.manager_id or 0])
        .distinct()
        .order_by("id")[:OTHER_MANAGERS]
    )
    for other in others:
        pairs += [(other, r) for r in active.filter(manager=other).order_by("id")[:4]]
    return pairs


def _meet(rng: random.Random, series: OneOnOne, meeting: Meeting, index: int) -> None:
    manager, report = series.manager, series.report
    for author in (report, manager):
        if rng.random() < 0.8:
            services.point_add(actor=None, meeting=meeting, text=rng.choice(POINTS), author=author)
    points = list(meeting.talking_points.all())
    for point in points:
        if rng.random() < 0.7:
            services.point_resolve(actor=None, point=point, resolved=True)
    services.notes_save(
        actor=None, meeting=meeting, text=rng.choice(NOTES), version=meeting.notes_version
    )
    if rng.random() < 0.4 and report.user is not None:
        services.private_note_save(
            actor=report.user, meeting=meeting, text="Remember to ask about the conference."
        )
    if rng.random() < 0.6:
        due = timezone.localtime(meeting.scheduled_at).date() + datetime.timedelta(days=10)
        item = services.action_add(
            actor=None,
            meeting=meeting,
            owner=report if rng.random() < 0.7 else manager,
            text=rng.choice(ACTIONS),
            due_on=due,
            author=manager,
        )
        # Most are done by the next meeting; the latest meeting's stay open, and a few
        # older ones are overdue.
        if index > 0 and rng.random() < 0.8:
            services.action_done(actor=None, item=item, done=True)
    services.meeting_finish(actor=None, meeting=meeting)


def load_meetings_demo(
    *,
    logins: dict[str, Person],
    today: datetime.date | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """Load once; False when there are 1:1s already."""
    if OneOnOne.objects.exists():
        return False
    today = today or timezone.localdate()
    rng = random.Random(today.year + 11)
    now = timezone.now()
    start = today - datetime.timedelta(weeks=WEEKS)
    start -= datetime.timedelta(days=start.weekday())  # a Monday
    made = 0
    with transaction.atomic():
        for i, (manager, report) in enumerate(_pairs(logins)):
            first = start + datetime.timedelta(days=i % 5)  # spread over the week
            series = services.series_create(
                actor=None,
                manager=manager,
                report=report,
                cadence=OneOnOne.Cadence.BIWEEKLY,
                first_on=first,
                starts_at=datetime.time(9 + i % 7, 0 if i % 2 else 30),
                now=datetime.datetime.combine(first, datetime.time(0, 0), tzinfo=datetime.UTC)
                - datetime.timedelta(days=1),
            )
            series.refresh_from_db()
            past = list(
                Meeting.objects.filter(one_on_one=series, scheduled_at__lt=now).order_by(
                    "scheduled_at"
                )
            )
            for index, meeting in enumerate(past):
                meeting.one_on_one = series
                _meet(rng, series, meeting, len(past) - 1 - index)
            services.meetings_ensure(series, now=now)
            made += 1
        manager = logins["manager"]
        reports = list(
            Person.objects.filter(manager=manager, status=Person.Status.ACTIVE).order_by("id")
        )
        for r, report in enumerate(reports):
            for k in range(3):
                note = services_notes.coaching_note_add(
                    actor=None,
                    manager=manager,
                    report=report,
                    text=COACHING[(r + k) % len(COACHING)],
                    written_on=today - datetime.timedelta(days=10 + 27 * k + r),
                )
                if r == 0 and k == 0:
                    services_notes.coaching_note_share(actor=None, note=note, shared=True)
    say(f"1:1s: {made} series with three months of meetings")
    return True
