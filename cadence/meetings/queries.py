"""Reads of 1:1s and coaching notes, shared by the pages and the API. Every read starts
from ``cadence.meetings.access`` and loads what its page shows in a fixed number of
queries, however long the series."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cadence.accounts.types import Actor
from cadence.goals import access as goals_access
from cadence.goals import queries as goals_queries
from cadence.goals.health import AT_RISK, OFF_TRACK
from cadence.goals.models import Goal
from cadence.meetings import access
from cadence.meetings.models import (
    ActionItem,
    CoachingNote,
    Meeting,
    OneOnOne,
    PrivateNote,
    TalkingPoint,
)
from cadence.people.access import acting_person
from cadence.people.models import Person

HISTORY = 12  # earlier meetings listed on a meeting's page
OFFERED_GOALS = 10


def other_side(me: Person, series: OneOnOne) -> Person:
    return series.report if me.pk == series.manager_id else series.manager


@dataclass(frozen=True)
class SeriesRow:
    series: OneOnOne
    other: Person
    i_manage: bool
    next_meeting: Meeting | None
    open_actions: int


def my_series(user: Actor) -> list[SeriesRow]:
    """The user's 1:1 series with their next meeting, in three queries."""
    me = acting_person(user)
    if me is None:
        return []
    series = list(access.one_on_ones_of(user).order_by("-active", "id"))
    if not series:
        return []
    now = timezone.now()
    nexts: dict[int, Meeting] = {}
    for m in Meeting.objects.filter(
        one_on_one__in=series, state=Meeting.State.SCHEDULED, scheduled_at__gte=now
    ).order_by("one_on_one_id", "scheduled_at"):
        nexts.setdefault(m.one_on_one_id, m)
    counts: dict[int, int] = {}
    for series_id in ActionItem.objects.filter(
        meeting__one_on_one__in=series, done_at__isnull=True
    ).values_list("meeting__one_on_one_id", flat=True):
        counts[series_id] = counts.get(series_id, 0) + 1
    rows = [
        SeriesRow(s, other_side(me, s), s.manager_id == me.pk, nexts.get(s.pk), counts.get(s.pk, 0))
        for s in series
    ]
    rows.sort(
        key=lambda r: (
            not r.series.active,
            r.next_meeting.scheduled_at
            if r.next_meeting
            else datetime.datetime.max.replace(tzinfo=datetime.UTC),
        )
    )
    return rows


def series_meetings(series: OneOnOne, *, limit: int = 60) -> tuple[list[Meeting], list[Meeting]]:
    """(coming, past) meetings of a series: the next ones first; the latest past first."""
    now = timezone.now()
    base = Meeting.objects.filter(one_on_one=series)
    coming = list(base.filter(scheduled_at__gte=now).order_by("scheduled_at")[:limit])
    past = list(base.filter(scheduled_at__lt=now).order_by("-scheduled_at")[:limit])
    return coming, past


def meetings_of(series: OneOnOne) -> QuerySet[Meeting]:
    """All meetings of a series (the caller read it through access), latest first."""
    return Meeting.objects.filter(one_on_one=series).order_by("-scheduled_at", "-id")


@dataclass
class MeetingPage:
    meeting: Meeting
    me: Person
    other: Person
    points: Sequence[TalkingPoint]
    actions: list[ActionItem]
    private_note: PrivateNote | None
    previous: Meeting | None
    following: Meeting | None
    history: list[Meeting] = field(default_factory=list)
    open_actions_before: list[ActionItem] = field(default_factory=list)


def agenda(meeting: Meeting) -> list[TalkingPoint]:
    """The meeting's talking points in their order, each with ``carried_on`` (whether a
    later agenda continues it, so it cannot be removed), in one query."""
    return list(
        TalkingPoint.objects.filter(meeting=meeting)
        .annotate(carried_on=Exists(TalkingPoint.objects.filter(carried_from=OuterRef("pk"))))
        .select_related("author", "goal", "carried_from__meeting")
        .order_by("order", "id")
    )


def meeting_page(user: Actor, meeting: Meeting) -> MeetingPage:
    """What a meeting's page shows its participant, in a fixed number of queries: the
    agenda, the action items, the reader's own private note (nobody else's), the
    meetings either side and the series' open action items from earlier meetings."""
    me = acting_person(user)
    assert me is not None  # the meeting came through access: the reader takes part
    series = meeting.one_on_one
    points = agenda(meeting)
    actions = list(
        ActionItem.objects.filter(meeting=meeting).select_related("owner").order_by("due_on", "id")
    )
    note = PrivateNote.objects.filter(meeting=meeting, author=me).first()
    around = Meeting.objects.filter(one_on_one=series).exclude(pk=meeting.pk)
    previous = (
        around.filter(scheduled_at__lt=meeting.scheduled_at).order_by("-scheduled_at").first()
    )
    following = (
        around.filter(scheduled_at__gt=meeting.scheduled_at)
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("scheduled_at")
        .first()
    )
    history = list(
        around.filter(scheduled_at__lt=meeting.scheduled_at, state=Meeting.State.HELD).order_by(
            "-scheduled_at"
        )[:HISTORY]
    )
    earlier_actions = list(
        ActionItem.objects.filter(
            meeting__one_on_one=series,
            meeting__scheduled_at__lt=meeting.scheduled_at,
            done_at__isnull=True,
        )
        .select_related("owner", "meeting")
        .order_by("due_on", "id")[:50]
    )
    return MeetingPage(
        meeting=meeting,
        me=me,
        other=other_side(me, series),
        points=points,
        actions=actions,
        private_note=note,
        previous=previous,
        following=following,
        history=history,
        open_actions_before=earlier_actions,
    )


def offered_goals(user: Actor, meeting: Meeting) -> list[goals_queries.FlaggedGoal]:
    """The report's active goals at risk, off track or stale that the reader may read
    (through the goals' own access rules), not yet on this agenda."""
    series = meeting.one_on_one
    on_agenda = TalkingPoint.objects.filter(meeting=meeting, goal__isnull=False).values("goal_id")
    goals = (
        goals_access.goals_visible_to(user)
        .filter(owner_person_id=series.report_id, state=Goal.State.ACTIVE)
        .exclude(pk__in=on_agenda)
        .order_by("due_on", "id")
    )
    flagged = [goals_queries.flag(g) for g in goals_queries.with_key_results(goals)[:100]]
    worrying = [
        f
        for f in flagged
        if f.stale or (f.health is not None and f.health.status in (AT_RISK, OFF_TRACK))
    ]
    return worrying[:OFFERED_GOALS]


def offered_goal(user: Actor, meeting: Meeting, goal_id: object) -> Goal | None:
    try:
        pk = int(str(goal_id))
    except (TypeError, ValueError):
        return None
    for flagged in offered_goals(user, meeting):
        if flagged.goal.pk == pk:
            return flagged.goal
    return None


def open_actions_for(person: Person) -> QuerySet[ActionItem]:
    """Open action items of the person's 1:1s — theirs and the other participant's —
    for the home page: both see them until done."""
    return (
        ActionItem.objects.filter(
            Q(meeting__one_on_one__manager=person) | Q(meeting__one_on_one__report=person),
            done_at__isnull=True,
        )
        .exclude(meeting__state=Meeting.State.CANCELLED)
        .select_related("owner", "meeting__one_on_one__manager", "meeting__one_on_one__report")
        .order_by("due_on", "id")
    )


def feed_meetings(person: Person, *, since: datetime.datetime) -> QuerySet[Meeting]:
    """The meetings a person's calendar feed lists (from ``since`` on)."""
    return (
        Meeting.objects.filter(
            Q(one_on_one__manager=person) | Q(one_on_one__report=person),
            scheduled_at__gte=since,
        )
        .select_related("one_on_one__manager", "one_on_one__report")
        .order_by("scheduled_at", "id")
    )


# --- coaching notes ---------------------------------------------------------------------


@dataclass(frozen=True)
class JournalRow:
    person: Person
    current: bool
    notes: int
    latest: datetime.date | None


def coaching_overview(user: Actor) -> list[JournalRow]:
    """The manager's journals: current direct reports first, then former ones."""
    me = acting_person(user)
    if me is None:
        return []
    people = list(access.coaching_reports(me).order_by("last_name", "first_name", "id"))
    stats: dict[int, tuple[int, datetime.date]] = {}
    for report_id, written_on in CoachingNote.objects.filter(manager=me).values_list(
        "report_id", "written_on"
    ):
        count, latest = stats.get(report_id, (0, written_on))
        stats[report_id] = (count + 1, max(latest, written_on))
    rows = [
        JournalRow(
            p,
            access.may_write_coaching(me, p),
            stats.get(p.pk, (0, None))[0],
            stats.get(p.pk, (0, None))[1],
        )
        for p in people
    ]
    rows.sort(key=lambda r: not r.current)
    return rows


def journal(user: Actor, report: Person) -> QuerySet[CoachingNote]:
    """The user's own notes about ``report``, newest first."""
    me = acting_person(user)
    if me is None:
        return CoachingNote.objects.none()
    return CoachingNote.objects.filter(manager=me, report=report).order_by("-written_on", "-id")


def shared_with_hr(user: Actor) -> QuerySet[CoachingNote]:
    """Notes managers shared with HR (HR admins only; empty for anyone else)."""
    return (
        access.coaching_notes_visible_to(user)
        .filter(shared_with_hr_at__isnull=False)
        .order_by("-shared_with_hr_at", "-id")
    )


def coaching_notes_for_review(
    manager: Person, report: Person, start: datetime.date, end: datetime.date
) -> list[CoachingNote]:
    """The manager's own notes about ``report`` dated ``start``–``end`` (inclusive),
    oldest first: the reference shown beside that manager's review form. Only ever
    show it to ``manager`` — the notes are theirs alone."""
    return list(
        CoachingNote.objects.filter(
            manager=manager, report=report, written_on__gte=start, written_on__lte=end
        ).order_by("written_on", "id")
    )


__all__ = [
    "JournalRow",
    "MeetingPage",
    "SeriesRow",
    "agenda",
    "coaching_notes_for_review",
    "coaching_overview",
    "feed_meetings",
    "journal",
    "meeting_page",
    "my_series",
    "offered_goals",
    "open_actions_for",
    "series_meetings",
    "shared_with_hr",
]
