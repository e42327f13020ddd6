"""Reads of feedback, praise and requests — every list starts from ``access`` so a reader
only ever meets what they may read, and each page costs a fixed number of queries
whatever its length (``cards``)."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from ninja.errors import ValidationError as NinjaValidationError

from cadence.accounts.types import Actor
from cadence.core.pagination import KeysetPagination
from cadence.feedback import access
from cadence.feedback.models import (
    AbuseReport,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    Reaction,
)
from cadence.goals.models import Goal
from cadence.people.access import acting_person
from cadence.people.display import PersonShown, person_shown
from cadence.people.models import Department, Person
from cadence.planning import queries as planning_queries
from cadence.planning.models import Competency

PAGE_SIZE = 20


@dataclass
class Card:
    """One feedback as the pages show it to one reader."""

    feedback: Feedback
    giver: PersonShown
    receiver: PersonShown
    values: list[CompanyValue]
    competencies: list[Competency]
    goal: Goal | None  # only when the reader may read the goal
    reactions: dict[str, int] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)

    @property
    def is_public(self) -> bool:
        return self.feedback.visibility == Feedback.Visibility.PUBLIC

    def reaction_rows(self) -> list[tuple[str, str, int, bool]]:
        """(kind, words, count, mine) for every kind, in order."""
        return [
            (k.value, str(k.label), self.reactions.get(k.value, 0), k.value in self.mine)
            for k in Reaction.Kind
        ]


def with_tags(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    return rows.select_related("giver", "receiver", "goal").prefetch_related(
        Prefetch("values", queryset=CompanyValue.objects.order_by("order", "name")),
        Prefetch("competencies", queryset=Competency.objects.order_by("name")),
    )


def cards(user: Actor, feedbacks: list[Feedback]) -> list[Card]:
    """Feedback already loaded through ``with_tags`` as cards: one query for the goals
    the reader may read, one for the reactions' counts, one for the reader's own."""
    goals = access.readable_goal_ids(user, {f.goal_id for f in feedbacks if f.goal_id})
    public = [f.pk for f in feedbacks if f.visibility == Feedback.Visibility.PUBLIC]
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, set[str]] = {}
    if public:
        for fid, kind, n in (
            Reaction.objects.filter(feedback_id__in=public)
            .values_list("feedback_id", "kind")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts.setdefault(fid, {})[kind] = n
        me = acting_person(user)
        if me is not None:
            for fid, kind in Reaction.objects.filter(feedback_id__in=public, person=me).values_list(
                "feedback_id", "kind"
            ):
                mine.setdefault(fid, set()).add(kind)
    return [
        Card(
            feedback=f,
            giver=person_shown(user, f.giver),
            receiver=person_shown(user, f.receiver),
            values=list(f.values.all()),
            competencies=list(f.competencies.all()),
            goal=f.goal if f.goal_id in goals else None,
            reactions=counts.get(f.pk, {}),
            mine=mine.get(f.pk, set()),
        )
        for f in feedbacks
    ]


def cards_of_ids(user: Actor, ids: list[int]) -> list[Card]:
    """Cards of feedback ids already read through ``access`` (an API page), in order."""
    loaded = {f.pk: f for f in with_tags(Feedback.objects.filter(pk__in=ids))}
    return cards(user, [loaded[i] for i in ids if i in loaded])


def requests_answered(feedback_ids: list[int]) -> dict[int, int]:
    """Feedback id → the request it answers, for feedback already read through access."""
    return dict(
        FeedbackAsk.objects.filter(answer__in=feedback_ids).values_list("answer", "request_id")
    )


def values_listed(active: bool | None = None) -> list[CompanyValue]:
    rows = CompanyValue.objects.all()
    return list(rows if active is None else rows.filter(active=active))


def offered_values() -> QuerySet[CompanyValue]:
    """The values a giver may tag with: those in use."""
    return CompanyValue.objects.filter(active=True)


def offered_competencies(competencies: list[Competency]) -> QuerySet[Competency]:
    return Competency.objects.filter(pk__in=[c.pk for c in competencies]).order_by(
        "group__order", "order", "name"
    )


def card_of(user: Actor, feedback: Feedback) -> Card:
    """One feedback (already read through ``access``) as a card."""
    return cards(user, list(with_tags(Feedback.objects.filter(pk=feedback.pk))))[0]


@dataclass
class Page:
    cards: list[Card]
    next: str | None


def page_of(
    user: Actor, rows: QuerySet[Feedback], cursor: str | None, size: int = PAGE_SIZE
) -> Page:
    """A page of ``rows`` newest first from ``cursor`` (a bad cursor: the first page)."""
    ordered = with_tags(rows.order_by("-created_at", "-id"))
    paginator = KeysetPagination(page_size=size)
    try:
        result = paginator.paginate_queryset(
            ordered,
            KeysetPagination.Input(cursor=cursor or None, page_size=size),
            None,  # type: ignore[arg-type]
        )
    except NinjaValidationError:
        result = paginator.paginate_queryset(
            ordered,
            KeysetPagination.Input(cursor=None, page_size=size),
            None,  # type: ignore[arg-type]
        )
    return Page(cards(user, list(result["items"])), result["next"])


def api_rows(rows: QuerySet[Feedback]) -> QuerySet[Feedback, dict[str, Any]]:
    """``rows`` newest first as the keys the API's cursor needs (each page is then
    loaded as cards: ``cards``)."""
    fields = ("id", "created_at")
    return rows.order_by("-created_at", "-id").values(*fields)


def search(rows: QuerySet[Feedback], q: str) -> QuerySet[Feedback]:
    q = (q or "").strip()[:100]
    return rows.filter(text__icontains=q) if q else rows


def received(user: Actor, person: Person) -> QuerySet[Feedback]:
    """What ``person`` received that the reader may read."""
    return access.feedback_visible_to(user).filter(receiver=person)


def given(user: Actor, person: Person) -> QuerySet[Feedback]:
    return access.feedback_visible_to(user).filter(giver=person)


def counts_for(user: Actor, person: Person) -> dict[str, int]:
    """How much the reader sees of what ``person`` received and gave (one query)."""
    me = access.feedback_visible_to(user)
    row = me.filter(Q(receiver=person) | Q(giver=person)).aggregate(
        received=Count("id", filter=Q(receiver=person)),
        given=Count("id", filter=Q(giver=person)),
        praise=Count("id", filter=Q(receiver=person, visibility=Feedback.Visibility.PUBLIC)),
    )
    return {k: int(v or 0) for k, v in row.items()}


def department_filter(department: Department) -> Q:
    return Q(receiver__department=department) | Q(
        receiver__department__full_name__startswith=department.full_name + "/"
    )


def wall(
    user: Actor, *, department: Department | None = None, value: CompanyValue | None = None
) -> QuerySet[Feedback]:
    rows = access.public_praise_visible_to(user)
    if department is not None:
        rows = rows.filter(department_filter(department))
    if value is not None:
        rows = rows.filter(_tagged_with(value))
    return rows


COMMON_VALUE = 2_000  # praise with a value, from which the wall is walked (below)


def _tagged_with(value: CompanyValue) -> Q:
    """Praise tagged with ``value``, in the form SQLite reads fastest. A value on many
    praise: a correlated EXISTS, so the wall is walked newest first and stops at a
    page (a join would sort every praise of the value: ~100 ms at 60,000 praise). A
    value on few: the join (the walk would read the whole wall to fill a page). One
    query tells them apart, reading at most ``COMMON_VALUE`` tags."""
    tags = Feedback.values.through.objects.filter(companyvalue_id=value.pk)
    on_wall = tags.filter(
        feedback__visibility=Feedback.Visibility.PUBLIC, feedback__hidden_at__isnull=True
    )
    if on_wall[:COMMON_VALUE].count() >= COMMON_VALUE:
        return Q(Exists(tags.filter(feedback_id=OuterRef("pk"))))
    return Q(values=value)


def departments() -> QuerySet[Department]:
    """Every department, for the wall's filter (the directory is every member's)."""
    return Department.objects.order_by("full_name")


def active_values() -> list[CompanyValue]:
    return list(CompanyValue.objects.filter(active=True))


def all_values() -> list[CompanyValue]:
    return list(CompanyValue.objects.all())


def current_competencies() -> list[Competency]:
    """The competencies of the current period's framework (none without one)."""
    period = planning_queries.default_period(planning_queries.periods())
    if period is None:
        return []
    return list(
        Competency.objects.filter(group__framework__period=period).order_by(
            "group__order", "order", "name"
        )
    )


def recognition(user: Actor, person: Person, limit: int = 5) -> dict[str, Any]:
    """The public praise ``person`` received, for their profile: the latest few, how
    many in all and the values they were most praised for."""
    rows = access.public_praise_visible_to(user).filter(receiver=person)
    latest = list(with_tags(rows.order_by("-created_at", "-id"))[:limit])
    total = rows.count() if len(latest) == limit else len(latest)
    top = (
        []
        if not total
        else list(
            rows.filter(values__isnull=False)
            .values_list("values__name")
            .annotate(n=Count("id"))
            .order_by("-n", "values__name")[:3]
        )
    )
    return {"cards": cards(user, latest), "total": total, "top_values": top}


# --- requests -----------------------------------------------------------------------------


def pending_asks(user: Actor) -> QuerySet[FeedbackAsk]:
    me = acting_person(user)
    if me is None:
        return FeedbackAsk.objects.none()
    return (
        FeedbackAsk.objects.filter(recipient=me, state=FeedbackAsk.State.PENDING)
        .select_related("request__requester", "request__subject", "request__competency")
        .order_by("request__due_on", "-request__created_at", "pk")
    )


def my_requests(user: Actor) -> list[FeedbackRequest]:
    """Requests I made or that are about me, newest first (the latest 50), each with how
    many were asked, answered and declined."""
    me = acting_person(user)
    if me is None:
        return []
    return list(
        FeedbackRequest.objects.filter(Q(requester=me) | Q(subject=me))
        .select_related("requester", "subject", "goal", "competency")
        .annotate(
            asked=Count("asks"),
            answered=Count("asks", filter=Q(asks__state=FeedbackAsk.State.ANSWERED)),
            declined=Count("asks", filter=Q(asks__state=FeedbackAsk.State.DECLINED)),
        )
        .order_by("-created_at", "-id")[:50]
    )


def asks_of(user: Actor, requests: list[FeedbackRequest]) -> dict[int, list[FeedbackAsk]]:
    """The asks of ``requests`` the reader may see (``access.sees_all_asks``: all of
    them for the requester and the subject, their own for a colleague asked), with
    their recipients and answers, in one query."""
    me = acting_person(user)
    out: dict[int, list[FeedbackAsk]] = {r.pk: [] for r in requests}
    if me is None or not requests:
        return out
    rows = (
        FeedbackAsk.objects.filter(request__in=[r.pk for r in requests])
        .filter(Q(request__requester=me) | Q(request__subject=me) | Q(recipient=me))
        .select_related("recipient", "answer")
        .order_by("request_id", "pk")
    )
    for ask in rows:
        out[ask.request_id].append(ask)
    return out


def request_asks(user: Actor, request: FeedbackRequest) -> list[FeedbackAsk]:
    return asks_of(user, [request])[request.pk]


def answer_id(ask: FeedbackAsk) -> int | None:
    """The feedback answering ``ask`` (loaded with it), if any."""
    try:
        return ask.answer.pk
    except Feedback.DoesNotExist:
        return None


# --- HR's queue -----------------------------------------------------------------------------


def open_reports(user: Actor) -> list[AbuseReport]:
    return list(
        access.reports_queue(user)
        .filter(outcome=AbuseReport.Outcome.OPEN)
        .select_related("feedback__giver", "feedback__receiver", "reporter")
        .order_by("created_at", "pk")[:200]
    )


def open_report_count(user: Actor) -> int:
    return access.reports_queue(user).filter(outcome=AbuseReport.Outcome.OPEN).count()


def reports_of(user: Actor, feedback: Feedback) -> list[AbuseReport]:
    return list(
        access.reports_queue(user)
        .filter(feedback=feedback)
        .select_related("reporter", "resolved_by")
        .order_by("created_at", "pk")
    )


# --- for the review form ----------------------------------------------------------------


def feedback_for_review(
    reader: Actor, reviewee: Person, start: datetime.date, end: datetime.date
) -> list[Card]:
    """What ``reader`` may read of the feedback ``reviewee`` received from ``start`` to
    ``end`` (both included), newest first: the evidence a review form shows beside its
    questions. The reading rule is ``access.feedback_visible_to``: the reviewee and
    their manager chain see private feedback and praise, a peer writer only praise,
    HR only praise (private feedback reaches HR only through a report). Hidden feedback
    is never evidence. At most 100 items, four queries."""
    rows = received(reader, reviewee).filter(created_at__date__gte=start, created_at__date__lte=end)
    return cards(reader, list(with_tags(rows.order_by("-created_at", "-id"))[:100]))
