"""Feedback, praise, requests for feedback, abuse reports and company values over the
API, with the same rules as the pages (``cadence.feedback.access``) and the same writes
(``cadence.feedback.services``)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cadence.core.api_types import LONG_TEXT, Day, Id, Text
from cadence.core.pagination import Rows, paginate_rows
from cadence.feedback import access, queries, services
from cadence.feedback.models import (
    AbuseReport,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    Reaction,
)
from cadence.people import access as people_access
from cadence.people.display import person_shown
from cadence.planning.models import Competency

router = Router(tags=["feedback"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --- output ------------------------------------------------------------------------------


class TagOut(Schema):
    id: int
    name: str


class FeedbackOut(Schema):
    id: int
    giver_id: int | None = Field(description="Null when the reader may not know who it is.")
    giver_name: str
    receiver_id: int | None
    receiver_name: str
    text: str
    visibility: Feedback.Visibility
    values: list[TagOut]
    competencies: list[TagOut]
    goal_id: int | None = Field(description="Only when the reader may read the goal.")
    goal_title: str | None
    answers_request_id: int | None
    reactions: dict[str, int] = Field(description="Public praise: count per reaction kind.")
    my_reactions: list[str]
    hidden: bool = Field(description="True only for HR admins reading a hidden feedback.")
    created_at: datetime.datetime
    url: str


class ReactionOut(Schema):
    kind: Reaction.Kind
    on: bool
    reactions: dict[str, int]


class ReportOut(Schema):
    id: int
    feedback_id: int
    reporter_id: int
    reporter_name: str
    reason: str
    outcome: AbuseReport.Outcome
    created_at: datetime.datetime


class AskOut(Schema):
    id: int
    request_id: int
    recipient_id: int | None
    recipient_name: str
    state: FeedbackAsk.State
    decline_reason: str
    answered_at: datetime.datetime | None
    answer_id: int | None = Field(description="The answer, when the reader may read it.")


class RequestOut(Schema):
    id: int
    requester_id: int | None
    requester_name: str
    subject_id: int | None
    subject_name: str
    topic: FeedbackRequest.Topic
    topic_text: str
    goal_id: int | None
    competency_id: int | None
    competency_name: str | None
    message: str
    due_on: datetime.date | None
    created_at: datetime.datetime
    asks: list[AskOut] = Field(
        description="Every ask for the requester and the subject; "
        "an asked colleague sees only theirs."
    )


class ValueOut(Schema):
    id: int
    name: str
    description: str
    active: bool


# --- input -------------------------------------------------------------------------------


class FeedbackIn(Schema):
    receiver_id: Id
    text: Text = Field(min_length=1, max_length=LONG_TEXT)
    visibility: Feedback.Visibility = Feedback.Visibility.PRIVATE
    value_ids: list[Id] = Field(default_factory=list, max_length=20)
    competency_ids: list[Id] = Field(default_factory=list, max_length=20)
    goal_id: Id | None = None


class AnswerIn(Schema):
    text: Text = Field(min_length=1, max_length=LONG_TEXT)
    visibility: Feedback.Visibility = Feedback.Visibility.PRIVATE
    value_ids: list[Id] = Field(default_factory=list, max_length=20)
    competency_ids: list[Id] = Field(default_factory=list, max_length=20)


class RequestIn(Schema):
    recipient_ids: list[Id] = Field(min_length=1, max_length=services.MAX_ASKED)
    subject_id: Id | None = Field(None, description="Yourself (default) or someone in your line.")
    topic: FeedbackRequest.Topic
    topic_text: Text = Field("", max_length=200)
    goal_id: Id | None = None
    competency_id: Id | None = None
    message: Text = Field("", max_length=2000)
    due_on: Day | None = None


class ReasonIn(Schema):
    reason: Text = Field(min_length=1, max_length=500)


class ReactionIn(Schema):
    kind: Reaction.Kind


class ValueIn(Schema):
    name: Text = Field(min_length=1, max_length=100)
    description: Text = Field("", max_length=500)


class ValuePatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    description: Text | None = Field(None, max_length=500)
    active: bool | None = None


# --- shaping -------------------------------------------------------------------------------


def _card_out(card: queries.Card) -> dict[str, Any]:
    f = card.feedback
    return {
        "id": f.pk,
        "giver_id": card.giver.person_id,
        "giver_name": card.giver.name,
        "receiver_id": card.receiver.person_id,
        "receiver_name": card.receiver.name,
        "text": f.text,
        "visibility": f.visibility,
        "values": [{"id": v.pk, "name": v.name} for v in card.values],
        "competencies": [{"id": c.pk, "name": c.name} for c in card.competencies],
        "goal_id": card.goal.pk if card.goal else None,
        "goal_title": card.goal.title if card.goal else None,
        "answers_request_id": None,
        "reactions": card.reactions if card.is_public else {},
        "my_reactions": sorted(card.mine),
        "hidden": f.hidden_at is not None,
        "created_at": f.created_at,
        "url": reverse("feedback:detail", args=[f.pk]),
    }


def _shape(user: Any) -> Any:
    def shape(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [r["id"] for r in rows]
        cards = queries.cards_of_ids(user, ids)
        requests = queries.requests_answered(ids)
        out = []
        for card in cards:
            item = _card_out(card)
            item["answers_request_id"] = requests.get(card.feedback.pk)
            out.append(item)
        return out

    return shape


def _one(user: Any, feedback: Feedback) -> dict[str, Any]:
    return _shape(user)([{"id": feedback.pk}])[0]


def _requests_out(user: Any, requests: list[FeedbackRequest]) -> list[dict[str, Any]]:
    """Requests as ``RequestOut``: three queries for any number of them (the asks, the
    answers the reader may read, the goals they may read)."""
    asks = queries.asks_of(user, requests)
    answers = {
        a.pk: answer
        for group in asks.values()
        for a in group
        if (answer := queries.answer_id(a)) is not None
    }
    readable = set(
        access.feedback_visible_to(user)
        .filter(pk__in=list(answers.values()))
        .values_list("pk", flat=True)
    )
    goals = access.readable_goal_ids(user, {r.goal_id for r in requests if r.goal_id})
    me = people_access.acting_person(user)
    me_id = me.pk if me else None
    out = []
    for request in requests:
        requester = person_shown(user, request.requester)
        subject = person_shown(user, request.subject)
        shown_asks = []
        for a in asks[request.pk]:
            shown = person_shown(user, a.recipient)
            answer = answers.get(a.pk)
            shown_asks.append(
                {
                    "id": a.pk,
                    "request_id": request.pk,
                    "recipient_id": shown.person_id,
                    "recipient_name": shown.name,
                    "state": a.state,
                    # Said to the requester: not shown to the subject they were asked about.
                    "decline_reason": a.decline_reason
                    if me_id in (request.requester_id, a.recipient_id)
                    else "",
                    "answered_at": a.answered_at,
                    "answer_id": answer if answer in readable else None,
                }
            )
        out.append(
            {
                "id": request.pk,
                "requester_id": requester.person_id,
                "requester_name": requester.name,
                "subject_id": subject.person_id,
                "subject_name": subject.name,
                "topic": request.topic,
                "topic_text": request.topic_text,
                "goal_id": request.goal_id if request.goal_id in goals else None,
                "competency_id": request.competency_id,
                "competency_name": request.competency.name if request.competency else None,
                "message": request.message,
                "due_on": request.due_on,
                "created_at": request.created_at,
                "asks": shown_asks,
            }
        )
    return out


def _request_out(user: Any, request: FeedbackRequest) -> dict[str, Any]:
    return _requests_out(user, [request])[0]


def _competencies(ids: list[int]) -> list[Competency]:
    if not ids:
        return []
    allowed = {c.pk: c for c in queries.current_competencies()}
    if any(i not in allowed for i in ids):
        raise ValidationError(
            {"competency_ids": _("Competencies: choose from this period's framework.")}
        )
    return [allowed[i] for i in dict.fromkeys(ids)]


# --- feedback ------------------------------------------------------------------------------


@router.get("/feedback", response=list[FeedbackOut], summary="Feedback the caller may read")
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_feedback(
    request: HttpRequest,
    box: str = Query("received", pattern="^(received|given)$", description="received or given."),
    person: Id | None = Query(None, description="Whose feedback (default: the caller's)."),
    q: Text = Query("", max_length=100, description="Words the feedback contains."),
) -> Rows:
    people_access.require_member(request.user)
    if person is None:
        who = access.require_giver(request.user)
    else:
        who = people_access.person_for_read(request.user, person)
    rows = (queries.received if box == "received" else queries.given)(request.user, who)
    return Rows(queries.api_rows(queries.search(rows, q)), _shape(request.user))


@router.post("/feedback", response={201: FeedbackOut}, summary="Give feedback or praise")
def give_feedback(request: HttpRequest, payload: FeedbackIn) -> Status:
    me = access.require_giver(request.user)
    with transaction.atomic():
        receiver = access.receiver_for_give(request.user, payload.receiver_id, field="receiver_id")
        goal = access.goal_for_link(request.user, payload.goal_id)
        feedback = services.feedback_give(
            giver=me,
            receiver=receiver,
            text=payload.text,
            visibility=payload.visibility,
            values=access.values_for_tagging(request.user, payload.value_ids),
            competencies=_competencies(payload.competency_ids),
            goal=goal,
        )
    return Status(201, _one(request.user, feedback))


@router.get("/feedback/{feedback_id}", response=FeedbackOut, summary="One feedback")
def get_feedback(request: HttpRequest, feedback_id: Id) -> dict[str, Any]:
    return _one(request.user, access.feedback_for_read(request.user, feedback_id))


@router.post(
    "/feedback/{feedback_id}/reactions",
    response=ReactionOut,
    summary="Add a reaction to public praise, or take it back",
)
def toggle_reaction(request: HttpRequest, feedback_id: Id, payload: ReactionIn) -> dict[str, Any]:
    feedback = access.feedback_for_react(request.user, feedback_id)
    me = access.require_giver(request.user)
    on = services.reaction_toggle(feedback=feedback, person=me, kind=payload.kind)
    card = queries.card_of(request.user, feedback)
    return {"kind": payload.kind, "on": on, "reactions": card.reactions}


@router.post("/feedback/{feedback_id}/reports", response={201: ReportOut}, summary="Report to HR")
def report_feedback(request: HttpRequest, feedback_id: Id, payload: ReasonIn) -> Status:
    feedback = access.feedback_for_report(request.user, feedback_id)
    me = access.require_giver(request.user)
    report = services.abuse_report(feedback=feedback, reporter=me, reason=payload.reason)
    return Status(201, _report_out(report))


def _report_out(report: AbuseReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "feedback_id": report.feedback_id,
        "reporter_id": report.reporter_id,
        "reporter_name": report.reporter.full_name,
        "reason": report.reason,
        "outcome": report.outcome,
        "created_at": report.created_at,
    }


@router.get("/praise", response=list[FeedbackOut], summary="The praise wall")
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def praise_wall(
    request: HttpRequest,
    department: Id | None = Query(None, description="Praise of its people (sub-departments too)."),
    value: Id | None = Query(None, description="Only praise tagged with this company value."),
) -> Rows:
    people_access.require_member(request.user)
    dep = people_access.department_for_read(request.user, department) if department else None
    val = None
    if value is not None:
        val = access.value_for_filter(request.user, value)
        if val is None:
            raise ValidationError({"value": _("Value: no company value has this id.")})
    rows = queries.wall(request.user, department=dep, value=val)
    return Rows(queries.api_rows(rows), _shape(request.user))


# --- HR: reports and hiding ---------------------------------------------------------------


@router.get("/feedback-reports", response=list[ReportOut], summary="Reports waiting for HR")
def list_reports(request: HttpRequest) -> list[dict[str, Any]]:
    return [_report_out(r) for r in queries.open_reports(request.user)]


@router.post(
    "/feedback/{feedback_id}/hide", response=FeedbackOut, summary="HR hides reported feedback"
)
def hide_feedback(request: HttpRequest, feedback_id: Id, payload: ReasonIn) -> dict[str, Any]:
    with transaction.atomic():
        feedback = access.feedback_for_moderation(request.user, feedback_id)
        services.feedback_hide(actor=request.user, feedback=feedback, reason=payload.reason)
    return _one(request.user, feedback)


@router.post(
    "/feedback/{feedback_id}/keep", response=FeedbackOut, summary="HR keeps reported feedback"
)
def keep_feedback(request: HttpRequest, feedback_id: Id) -> dict[str, Any]:
    with transaction.atomic():
        feedback = access.feedback_for_moderation(request.user, feedback_id)
        services.feedback_keep(actor=request.user, feedback=feedback)
    return _one(request.user, feedback)


# --- requests -------------------------------------------------------------------------------


@router.get("/feedback-requests", response=list[RequestOut], summary="Requests I made or about me")
def list_requests(request: HttpRequest) -> list[dict[str, Any]]:
    access.require_giver(request.user)
    return _requests_out(request.user, queries.my_requests(request.user))


@router.post("/feedback-requests", response={201: RequestOut}, summary="Ask for feedback")
def create_request(request: HttpRequest, payload: RequestIn) -> Status:
    me = access.require_giver(request.user)
    with transaction.atomic():
        subject = access.subject_for_request(request.user, payload.subject_id)
        recipients = access.recipients_for_request(request.user, subject, payload.recipient_ids)
        goal = access.goal_for_link(request.user, payload.goal_id)
        competency = None
        if payload.competency_id is not None:
            competency = _competencies([payload.competency_id])[0]
        created = services.request_create(
            requester=me,
            subject=subject,
            recipients=recipients,
            topic=payload.topic,
            topic_text=payload.topic_text,
            goal=goal,
            competency=competency,
            message=payload.message,
            due_on=payload.due_on,
        )
    return Status(
        201, _request_out(request.user, access.request_for_read(request.user, created.pk))
    )


@router.get("/feedback-requests/{request_id}", response=RequestOut, summary="One request")
def get_request(request: HttpRequest, request_id: Id) -> dict[str, Any]:
    return _request_out(request.user, access.request_for_read(request.user, request_id))


@router.get("/feedback-asks", response=list[RequestOut], summary="Requests waiting for my answer")
def list_asks(request: HttpRequest) -> list[dict[str, Any]]:
    access.require_giver(request.user)
    asks = list(queries.pending_asks(request.user)[:200])
    return _requests_out(request.user, [a.request for a in asks])


@router.post(
    "/feedback-asks/{ask_id}/answer", response={201: FeedbackOut}, summary="Answer a request"
)
def answer_ask(request: HttpRequest, ask_id: Id, payload: AnswerIn) -> Status:
    with transaction.atomic():
        ask = access.ask_for_answer(request.user, ask_id)
        feedback = services.ask_answer(
            ask=ask,
            text=payload.text,
            visibility=payload.visibility,
            values=access.values_for_tagging(request.user, payload.value_ids),
            competencies=_competencies(payload.competency_ids),
        )
    return Status(201, _one(request.user, feedback))


@router.post("/feedback-asks/{ask_id}/decline", response=RequestOut, summary="Decline a request")
def decline_ask(request: HttpRequest, ask_id: Id, payload: ReasonIn) -> dict[str, Any]:
    with transaction.atomic():
        ask = access.ask_for_answer(request.user, ask_id)
        services.ask_decline(ask=ask, reason=payload.reason)
    return _request_out(request.user, access.request_for_read(request.user, ask.request_id))


# --- company values -------------------------------------------------------------------------


@router.get("/company-values", response=list[ValueOut], summary="The company values")
def list_values(request: HttpRequest, active: bool | None = None) -> list[CompanyValue]:
    people_access.require_member(request.user)
    return queries.values_listed(active)


@router.post("/company-values", response={201: ValueOut}, summary="Add a company value (HR)")
def create_value(request: HttpRequest, payload: ValueIn) -> Status:
    access.require_values_manager(request.user)
    return Status(201, services.value_create(actor=request.user, **payload.dict()))


@router.patch(
    "/company-values/{value_id}", response=ValueOut, summary="Rename or (de)activate (HR)"
)
def update_value(request: HttpRequest, value_id: Id, payload: ValuePatch) -> CompanyValue:
    with transaction.atomic():
        value = access.value_for_edit(request.user, value_id)
        return services.value_update(
            actor=request.user, value=value, **payload.dict(exclude_unset=True)
        )
