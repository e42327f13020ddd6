"""Reads of HR's cycle dashboard, shared by the page and ``GET /api/v1/reviews/cycles/{id}/
dashboard``: where the cycle stands in its phase, completion by reviewer type, by the
reviewee's department and by the review's manager, and how many are late.

Every figure comes from a handful of grouped counts whatever the cycle's size — one over
the reviews, one over the assignments grouped by (department, manager, type), one over
the nominations while peers are chosen, and the departments' names — counted with
``Count(..., filter=Q(...))`` in the database and summed in Python. At 100,000 reviews
and ~700,000 assignments that takes a second or two on SQLite, so the counted figures
are kept ``DASHBOARD_CACHE_SECONDS`` per cycle (the key changes with the phase, the
writing deadline and the day, so a phase change or a moved deadline counts afresh) and
the ``review-dashboards`` sweep counts them ahead of HR every two minutes. A page of
managers only adds their names, 50 at a time.

A writer is **late** as the nudge counts them (``nudges.nudge_late_writers``): an
assignment still to write or in draft, of a review still open, once the cycle's writing
deadline (every reviewer type's) has passed. No row here names a writer: the figures are
by reviewee's department and by the review's manager only.
"""

import base64
import binascii
import bisect
import datetime
import json
import pickle
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.notifications import schedule
from cadence.people.display import person_shown
from cadence.people.models import Department, Person
from cadence.reviews.models import Assignment, PeerNomination, Review, ReviewCycle, ReviewerType

# Kept longer than the sweep's period, so a live cycle's page always finds figures.
DASHBOARD_CACHE_SECONDS = 300
MANAGER_PAGE_SIZE = 50
MAX_MANAGER_PAGE_SIZE = 200

Phase = ReviewCycle.Phase
A = Assignment.State
OPEN_STATES = (A.OPEN, A.DRAFT)
# The deadline HR works towards in each phase.
PHASE_DEADLINES = {
    Phase.NOMINATION: "nomination_deadline",
    Phase.APPROVAL: "approval_deadline",
    Phase.WRITING: "writing_deadline",
    Phase.CALIBRATION: "calibration_deadline",
    Phase.ACKNOWLEDGEMENT: "acknowledgement_deadline",
}
PEER_PHASES = (Phase.NOMINATION, Phase.APPROVAL)
CALIBRATION_PHASES = (Phase.CALIBRATION, Phase.RELEASE, Phase.ACKNOWLEDGEMENT, Phase.CLOSED)
RELEASE_PHASES = (Phase.RELEASE, Phase.ACKNOWLEDGEMENT, Phase.CLOSED)


@dataclass(slots=True)
class Completion:
    """Assignments of one group (a reviewer type, a department, a manager): submitted,
    draft, still to write, declined (peers who said no) and late. Closed assignments
    (moved, or of people who left) count nowhere."""

    submitted: int = 0
    draft: int = 0
    to_write: int = 0
    declined: int = 0
    late: int = 0
    reviews: int = 0

    @property
    def total(self) -> int:
        """What is expected of the writers: submitted, draft and still to write."""
        return self.submitted + self.draft + self.to_write

    @property
    def unsubmitted(self) -> int:
        return self.draft + self.to_write

    @property
    def percent(self) -> int | None:
        """Percent submitted of what is expected (None when nothing is)."""
        return round(100 * self.submitted / self.total) if self.total else None

    def add(self, other: "Completion") -> None:
        self.submitted += other.submitted
        self.draft += other.draft
        self.to_write += other.to_write
        self.declined += other.declined
        self.late += other.late
        self.reviews += other.reviews


@dataclass(slots=True)
class TypeRow:
    type: str
    label: str
    counts: Completion


@dataclass(slots=True)
class DepartmentRow:
    department_id: int | None
    name: str  # "" for people without a department
    counts: Completion


@dataclass(slots=True)
class ManagerRow:
    manager_id: int | None  # None: reviews without a manager (the top of the organisation)
    counts: Completion
    name: str = ""
    url: str | None = None

    @classmethod
    def of(cls, row: tuple[int | None, int, int, int, int, int, int]) -> "ManagerRow":
        manager, reviews, submitted, draft, to_write, declined, late = row
        return cls(manager, Completion(submitted, draft, to_write, declined, late, reviews))


def _manager_key(row: tuple[int | None, int, int, int, int, int, int]) -> tuple[int, int, int]:
    """The sort and cursor key: most late first, then most unsubmitted, then id."""
    manager, _reviews, _submitted, draft, to_write, _declined, late = row
    return (-late, -(draft + to_write), manager or 0)


@dataclass(slots=True)
class ReviewFigures:
    total: int = 0
    open: int = 0
    released: int = 0
    acknowledged: int = 0
    closed: int = 0
    scored: int = 0
    calibrated: int = 0


@dataclass(slots=True)
class NominationFigures:
    """Open reviews while peers are chosen: with peers waiting for approval, with at
    least ``peers_min`` approved, and still short of it."""

    reviews: int
    with_proposed: int
    with_enough: int
    short: int
    peers_min: int


@dataclass
class Dashboard:
    cycle_id: int
    phase: str
    phase_label: str
    deadline: datetime.date | None
    today: datetime.date
    late_counted: bool  # the writing deadline has passed: open and draft count as late
    counted_at: datetime.datetime
    reviews: ReviewFigures
    nominations: NominationFigures | None
    types: list[TypeRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    # (manager id, reviews, submitted, draft, to write, declined, late), most late first
    # (``_manager_key``): plain tuples, as ~10,000 of them are kept in the cache.
    managers: list[tuple[int | None, int, int, int, int, int, int]] = field(default_factory=list)
    total: Completion = field(default_factory=Completion)

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.today > self.deadline

    @property
    def days_left(self) -> int | None:
        return (self.deadline - self.today).days if self.deadline is not None else None

    @property
    def days_ago(self) -> int | None:
        return -self.days_left if self.days_left is not None else None

    @property
    def shows_nominations(self) -> bool:
        return self.nominations is not None

    @property
    def shows_calibration(self) -> bool:
        return self.phase in CALIBRATION_PHASES

    @property
    def shows_release(self) -> bool:
        return self.phase in RELEASE_PHASES


def _key(cycle: ReviewCycle, today: datetime.date) -> str:
    """``v1``: the shape of the kept ``Dashboard`` (change it when the dataclasses change)."""
    launched = cycle.launched_at.timestamp() if cycle.launched_at else 0
    return (
        f"reviews-dashboard:v1:{cycle.pk}:{launched}:{cycle.phase}:{cycle.writing_deadline}:"
        f"{cycle.peers_min}:{today.isoformat()}"
    )


def _keep(cycle: ReviewCycle, today: datetime.date, found: Dashboard) -> None:
    # Compressed: the figures of 10,000 managers pickle to ~1 MB, compressed to ~50 kB
    # (the database cache base64-encodes what it keeps).
    cache.set(
        _key(cycle, today),
        zlib.compress(pickle.dumps(found, pickle.HIGHEST_PROTOCOL)),
        DASHBOARD_CACHE_SECONDS,
    )


def dashboard(cycle: ReviewCycle, today: datetime.date | None = None) -> Dashboard:
    """The cycle's figures as last counted (by the ``review-dashboards`` sweep, or here
    when nothing is kept)."""
    today = today or timezone.localdate()
    kept = cache.get(_key(cycle, today))
    if kept is not None:
        found: Dashboard = pickle.loads(zlib.decompress(kept))  # noqa: S301 - our own bytes
        return found
    found = count_dashboard(cycle, today)
    _keep(cycle, today, found)
    return found


# Cycles whose figures move: from the launch until the last acknowledgement.
LIVE_PHASES = (
    Phase.NOMINATION,
    Phase.APPROVAL,
    Phase.WRITING,
    Phase.CALIBRATION,
    Phase.RELEASE,
    Phase.ACKNOWLEDGEMENT,
)


def dashboards_sweep(now: datetime.datetime) -> int:
    """The ``review-dashboards`` sweep: count each live cycle's figures before HR asks
    (a second or two per cycle at 100,000 people), so the page reads kept figures. Run
    twice it counts twice and changes nothing else. Returns how many cycles it counted."""
    today = timezone.localdate(now)
    counted = 0
    for cycle in ReviewCycle.objects.filter(phase__in=LIVE_PHASES).order_by("pk"):
        _keep(cycle, today, count_dashboard(cycle, today))
        counted += 1
    return counted


def register() -> None:
    schedule.register_sweep(
        schedule.Sweep(
            name="review-dashboards",
            run=dashboards_sweep,
            cron="*/2 * * * *",
            description="Count the live review cycles' dashboard figures ahead of HR.",
            unit="cycle",
        )
    )


def _reviews(cycle: ReviewCycle) -> tuple[ReviewFigures, dict[tuple, int]]:
    """Reviews by state, scored and calibrated, and how many per (department, manager)."""
    R = Review.State
    rows = (
        Review.objects.filter(cycle=cycle)
        .values_list("reviewee__department_id", "manager_id")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(state=R.OPEN)),
            released=Count("id", filter=Q(state=R.RELEASED)),
            acknowledged=Count("id", filter=Q(state=R.ACKNOWLEDGED)),
            closed=Count("id", filter=Q(state=R.CLOSED)),
            scored=Count("id", filter=Q(score__isnull=False)),
            calibrated=Count("id", filter=Q(calibrated_score__isnull=False)),
        )
        .order_by()
    )
    figures = ReviewFigures()
    by_group: dict[tuple, int] = {}
    for department, manager, n, *counts in rows:
        by_group[(department, manager)] = n
        figures.total += n
        figures.open += counts[0]
        figures.released += counts[1]
        figures.acknowledged += counts[2]
        figures.closed += counts[3]
        figures.scored += counts[4]
        figures.calibrated += counts[5]
    return figures, by_group


def _nominations(cycle: ReviewCycle) -> NominationFigures | None:
    if cycle.phase not in PEER_PHASES or ReviewerType.PEER not in cycle.review_types:
        return None
    N = PeerNomination.State
    per_review = (
        Review.objects.filter(cycle=cycle, state=Review.State.OPEN)
        .annotate(
            proposed=Count("nominations", filter=Q(nominations__state=N.PROPOSED)),
            approved=Count("nominations", filter=Q(nominations__state=N.APPROVED)),
        )
        .order_by()
    )
    found = per_review.aggregate(
        reviews=Count("id"),
        with_proposed=Count("id", filter=Q(proposed__gt=0)),
        with_enough=Count("id", filter=Q(approved__gte=cycle.peers_min)),
    )
    return NominationFigures(
        reviews=found["reviews"],
        with_proposed=found["with_proposed"],
        with_enough=found["with_enough"],
        short=found["reviews"] - found["with_enough"],
        peers_min=cycle.peers_min,
    )


def count_dashboard(cycle: ReviewCycle, today: datetime.date) -> Dashboard:
    """Count every figure now: four grouped queries whatever the cycle's size (three
    outside the peers' phases)."""
    late_counted = today > cycle.writing_deadline
    reviews, reviews_by_group = _reviews(cycle)
    rows = (
        Assignment.objects.filter(cycle=cycle)
        .values_list("review__reviewee__department_id", "review__manager_id", "type")
        .annotate(
            submitted=Count("id", filter=Q(state=A.SUBMITTED)),
            draft=Count("id", filter=Q(state=A.DRAFT)),
            to_write=Count("id", filter=Q(state=A.OPEN)),
            declined=Count("id", filter=Q(state=A.DECLINED)),
            late=Count("id", filter=Q(state__in=OPEN_STATES, review__state=Review.State.OPEN)),
        )
        .order_by()
    )
    by_type: dict[str, Completion] = defaultdict(Completion)
    by_department: dict[int | None, Completion] = defaultdict(Completion)
    by_manager: dict[int | None, Completion] = defaultdict(Completion)
    for department, manager, kind, submitted, draft, to_write, declined, late in rows:
        counts = Completion(submitted, draft, to_write, declined, late if late_counted else 0)
        by_type[kind].add(counts)
        by_department[department].add(counts)
        by_manager[manager].add(counts)
    for (department, manager), n in reviews_by_group.items():
        by_department[department].reviews += n
        by_manager[manager].reviews += n
    total = Completion()
    for counts in by_type.values():
        total.add(counts)
    total.reviews = reviews.total

    names: dict[int | None, str] = dict(
        Department.objects.filter(pk__in=[d for d in by_department if d is not None]).values_list(
            "pk", "full_name"
        )
    )
    departments = sorted(
        (DepartmentRow(d, names.get(d, ""), c) for d, c in by_department.items()),
        key=lambda row: (row.department_id is None, row.name.casefold(), row.department_id or 0),
    )
    managers = sorted(
        (
            (m, c.reviews, c.submitted, c.draft, c.to_write, c.declined, c.late)
            for m, c in by_manager.items()
        ),
        key=_manager_key,
    )
    deadline_field = PHASE_DEADLINES.get(ReviewCycle.Phase(cycle.phase))
    return Dashboard(
        cycle_id=cycle.pk,
        phase=cycle.phase,
        phase_label=str(ReviewCycle.Phase(cycle.phase).label),
        deadline=getattr(cycle, deadline_field) if deadline_field else None,
        today=today,
        late_counted=late_counted,
        counted_at=timezone.now(),
        reviews=reviews,
        nominations=_nominations(cycle),
        types=[
            TypeRow(kind, str(label), by_type.get(kind, Completion()))
            for kind, label in ReviewerType.choices
            if kind in cycle.review_types or kind in by_type
        ],
        departments=departments,
        managers=managers,
        total=total,
    )


# --- the managers, page by page ----------------------------------------------------------


@dataclass
class ManagerPage:
    rows: list[ManagerRow]
    next_cursor: str | None
    first: bool  # no cursor was given (or it was not one of this list)


def encode_cursor(key: tuple[int, int, int]) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int, int]:
    """The key in ``cursor``; ValueError for anything that is not a cursor of this list."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise ValueError(cursor) from None
    if (
        not isinstance(values, list)
        or len(values) != 3
        or not all(type(v) is int and abs(v) < 2**63 for v in values)
    ):
        raise ValueError(cursor)
    return (values[0], values[1], values[2])


def manager_page(
    user: Actor,
    board: Dashboard,
    cursor: str | None,
    size: int | None = None,
    *,
    strict: bool = False,
) -> ManagerPage:
    """The managers after ``cursor`` (most late first), ``size`` of them, named as the
    reader may see them (one query for the page's names). A cursor that is not one of
    this list starts again from the first page, or raises ValueError when ``strict``."""
    size = size or MANAGER_PAGE_SIZE
    start, first = 0, True
    if cursor:
        try:
            key = decode_cursor(cursor)
        except ValueError:
            if strict:
                raise
        else:
            start = bisect.bisect_right([_manager_key(row) for row in board.managers], key)
            first = False
    rows = [ManagerRow.of(row) for row in board.managers[start : start + size]]
    more = start + size < len(board.managers)
    people = Person.objects.in_bulk([r.manager_id for r in rows if r.manager_id is not None])
    shown = []
    for row in rows:
        person = people.get(row.manager_id) if row.manager_id is not None else None
        if person is None:
            name, url = _("No manager"), None
        else:
            seen = person_shown(user, person)
            name, url = seen.name, seen.url
        shown.append(ManagerRow(row.manager_id, row.counts, name, url))
    return ManagerPage(
        rows=shown,
        next_cursor=encode_cursor(_manager_key(board.managers[start + size - 1]))
        if more and rows
        else None,
        first=first,
    )
