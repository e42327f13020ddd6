"""Development plans over the API, with the same rules as the pages
(``cadence.development.access``) and the same writes (``cadence.development.services``).

Items of the agreed plan arrive by themselves (copied when the plan is agreed); these
endpoints read them, add items later, change them, and manage their actions and the
person's career aspiration. A manager reads the team's status, HR the coverage.
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cadence.core import csv_export
from cadence.core.api_types import LONG_TEXT, Day, Id, Text
from cadence.core.pagination import Rows, paginate_rows
from cadence.development import access, exports, queries, services
from cadence.development.models import DevelopmentAction, DevelopmentItem
from cadence.people import access as people_access
from cadence.people.models import Department, Person
from cadence.planning.models import Competency

router = Router(tags=["development"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# Literals rather than the models' choices: planning's plan items have a Status of
# their own, and the document names each choices class by its model.
ItemStatus = Literal["planned", "in_progress", "done", "dropped"]
ActionKind = Literal["course", "stretch", "mentoring", "other"]


# --- output ------------------------------------------------------------------------------


class DevelopmentActionOut(Schema):
    id: int
    item_id: int
    kind: ActionKind
    description: str
    due_on: datetime.date | None
    done: bool
    done_at: datetime.datetime | None


class DevelopmentPlanItemOut(Schema):
    id: int
    person_id: int
    person_name: str
    title: str = Field(description="The skill's words, else the competency's name.")
    competency_id: int | None
    competency_name: str | None
    competency_group: str | None
    skill: str
    target_level: str
    expected_behaviour: str = Field(
        description="What the framework expects of the competency at the target level."
    )
    owner_id: int
    owner_name: str
    due_on: datetime.date | None
    status: ItemStatus
    overdue: bool
    evidence: str
    completed_at: datetime.datetime | None
    from_plan: bool = Field(description="Copied from the person's agreed performance plan.")
    actions: list[DevelopmentActionOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    url: str


class CareerAspirationOut(Schema):
    person_id: int
    text: str = Field(description="Empty when the person has written none.")
    updated_at: datetime.datetime | None


class DevelopmentTeamRowOut(Schema):
    person_id: int
    person_name: str
    planned: int
    in_progress: int
    done: int
    dropped: int
    overdue: int
    next_due: datetime.date | None


class DevelopmentTeamOut(Schema):
    count: int = Field(description="People in the team; rows holds the first 500 by name.")
    rows: list[DevelopmentTeamRowOut]


class CompetencyCoverageOut(Schema):
    competency_id: int
    competency_name: str
    group: str
    period: str | None
    people_with_item: int
    people_done: int
    people_without_item: int
    population: int
    percent: int | None


# --- input -------------------------------------------------------------------------------


class DevelopmentItemCreateIn(Schema):
    person_id: Id
    competency_id: Id | None = Field(
        None, description="A competency of the framework of a current period."
    )
    skill: Text = Field("", max_length=services.SKILL_MAX)
    target_level: Text = Field("", max_length=50, description="Empty: the person's level.")
    owner_id: Id | None = Field(None, description="The person (default) or one of their managers.")
    due_on: Day | None = None


class DevelopmentItemPatchIn(Schema):
    competency_id: Id | None = None
    skill: Text | None = Field(None, max_length=services.SKILL_MAX)
    target_level: Text | None = Field(None, max_length=50)
    owner_id: Id | None = None
    due_on: Day | None = None
    status: ItemStatus | None = None
    evidence: Text | None = Field(
        None, max_length=2000, description="Required to mark the item done."
    )


class DevelopmentActionIn(Schema):
    kind: ActionKind
    description: Text = Field(min_length=1, max_length=services.ACTION_MAX)
    due_on: Day | None = None


class DevelopmentActionPatchIn(Schema):
    kind: ActionKind | None = None
    description: Text | None = Field(None, min_length=1, max_length=services.ACTION_MAX)
    due_on: Day | None = None
    done: bool | None = None


class CareerAspirationIn(Schema):
    text: Text = Field(max_length=LONG_TEXT, description="Empty removes the aspiration.")


# --- helpers -----------------------------------------------------------------------------


def _action_out(action: DevelopmentAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "item_id": action.item_id,
        "kind": action.kind,
        "description": action.description,
        "due_on": action.due_on,
        "done": action.done_at is not None,
        "done_at": action.done_at,
    }


def _items_out(items: list[DevelopmentItem]) -> list[dict[str, Any]]:
    """Items (loaded by ``queries.items_of``) as ``DevelopmentPlanItemOut`` shows them:
    one more query for the expected behaviours of the whole page."""
    out = []
    for view in queries.item_views(items):
        item, competency = view.item, view.item.competency
        out.append(
            {
                "id": item.pk,
                "person_id": item.person_id,
                "person_name": item.person.full_name,
                "title": item.title,
                "competency_id": item.competency_id,
                "competency_name": competency.name if competency else None,
                "competency_group": competency.group.name if competency else None,
                "skill": item.skill,
                "target_level": item.target_level,
                "expected_behaviour": view.expected,
                "owner_id": item.owner_id,
                "owner_name": item.owner.full_name,
                "due_on": item.due_on,
                "status": item.status,
                "overdue": view.overdue,
                "evidence": item.evidence,
                "completed_at": item.completed_at,
                "from_plan": item.plan_item_id is not None,
                "actions": [_action_out(a) for a in item.actions.all()],
                "created_at": item.created_at,
                "updated_at": item.updated_at,
                "url": reverse("development:item", args=[item.pk]),
            }
        )
    return out


def _page(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return _items_out(queries.items_by_ids([row["id"] for row in rows]))


def _read(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = access.item_for_read(request.user, item_id)
    return _items_out(queries.items_by_ids([item.pk]))[0]


def _competency(competency_id: int | None) -> Competency | None:
    """A competency named by id among those offered (every member may read the
    framework); the service refuses one outside them with a field error."""
    if competency_id is None:
        return None
    found = services.offered_competencies().filter(pk=competency_id).first()
    if found is None:
        raise ValidationError(
            {"competency_id": _("no competency of a current framework has this id.")}
        )
    return found


def _owner(person: Person, owner_id: int | None) -> Person | None:
    if owner_id is None:
        return None
    owner = access.owner_candidates(person).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner_id": _("the person themself or one of their managers.")})
    return owner


# --- items -------------------------------------------------------------------------------


@router.get(
    "/development/items",
    response=list[DevelopmentPlanItemOut],
    summary="Development items the caller may read, oldest first",
)
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_items(
    request: HttpRequest,
    person_id: Id | None = Query(None, description="One person's items."),  # noqa: B008
    status: ItemStatus | None = Query(None),  # noqa: B008
) -> Rows:
    people_access.require_member(request.user)
    items = access.items_visible_to(request.user)
    if person_id is not None:
        person = access.person_for_read(request.user, person_id)
        items = items.filter(person=person)
    if status is not None:
        items = items.filter(status=status)
    fields = ("id",)  # a tuple, not literals: the rows are plain dicts to Rows
    return Rows(items.order_by("id").values(*fields), _page)


@router.get(
    "/development/items/{item_id}",
    response=DevelopmentPlanItemOut,
    summary="One development item with its actions",
)
def get_item(request: HttpRequest, item_id: Id) -> dict[str, Any]:
    return _read(request, item_id)


@router.post(
    "/development/items",
    response={201: DevelopmentPlanItemOut},
    summary="Add a development item for a person (themself or in the caller's line)",
)
@transaction.atomic
def create_item(request: HttpRequest, payload: DevelopmentItemCreateIn) -> Status:
    person = access.person_for_edit(request.user, payload.person_id)
    item = services.item_add(
        actor=request.user,
        person=person,
        competency=_competency(payload.competency_id),
        skill=payload.skill,
        target_level=payload.target_level,
        owner=_owner(person, payload.owner_id),
        due_on=payload.due_on,
    )
    return Status(201, _read(request, item.pk))


@router.patch(
    "/development/items/{item_id}",
    response=DevelopmentPlanItemOut,
    summary="Change a development item (done needs the evidence)",
)
@transaction.atomic
def patch_item(
    request: HttpRequest, item_id: Id, payload: DevelopmentItemPatchIn
) -> dict[str, Any]:
    item = access.item_for_edit(request.user, item_id)
    given = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "competency_id" in given:
        changes["competency"] = _competency(given.pop("competency_id"))
    if "owner_id" in given:
        owner = given.pop("owner_id")
        changes["owner"] = _owner(item.person, owner) if owner is not None else item.person
    for name, value in given.items():
        changes[name] = "" if value is None and name != "due_on" else value
    services.item_update(actor=request.user, item=item, **changes)
    return _read(request, item.pk)


@router.delete(
    "/development/items/{item_id}",
    response={204: None},
    summary="Remove an item added by mistake (an item of the agreed plan is dropped instead)",
)
@transaction.atomic
def delete_item(request: HttpRequest, item_id: Id) -> Status:
    item = access.item_for_edit(request.user, item_id)
    services.item_remove(actor=request.user, item=item)
    return Status(204, None)


# --- actions -----------------------------------------------------------------------------


@router.post(
    "/development/items/{item_id}/actions",
    response={201: DevelopmentActionOut},
    summary="Add an action (a course, a stretch assignment, mentoring) to an item",
)
@transaction.atomic
def create_action(request: HttpRequest, item_id: Id, payload: DevelopmentActionIn) -> Status:
    item = access.item_for_edit(request.user, item_id)
    action = services.action_add(
        actor=request.user,
        item=item,
        kind=payload.kind,
        description=payload.description,
        due_on=payload.due_on,
    )
    return Status(201, _action_out(action))


@router.patch(
    "/development/actions/{action_id}",
    response=DevelopmentActionOut,
    summary="Change an action or mark it done",
)
@transaction.atomic
def patch_action(
    request: HttpRequest, action_id: Id, payload: DevelopmentActionPatchIn
) -> dict[str, Any]:
    action = access.action_for_edit(request.user, action_id)
    given = payload.dict(exclude_unset=True)
    if given.get("kind") is None:
        given.pop("kind", None)
    if given.get("description") is None:
        given.pop("description", None)
    if "done" in given and given["done"] is None:
        given.pop("done")
    return _action_out(services.action_update(actor=request.user, action=action, **given))


@router.delete("/development/actions/{action_id}", response={204: None}, summary="Remove an action")
@transaction.atomic
def delete_action(request: HttpRequest, action_id: Id) -> Status:
    action = access.action_for_edit(request.user, action_id)
    services.action_remove(actor=request.user, action=action)
    return Status(204, None)


# --- career aspiration -------------------------------------------------------------------


def _aspiration_out(person: Person) -> dict[str, Any]:
    aspiration = access.aspiration_of(person)
    return {
        "person_id": person.pk,
        "text": aspiration.text if aspiration else "",
        "updated_at": aspiration.updated_at if aspiration else None,
    }


@router.get(
    "/development/people/{person_id}/aspiration",
    response=CareerAspirationOut,
    summary="A person's career aspirations (the person, their managers and HR)",
)
def get_aspiration(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    return _aspiration_out(access.person_for_read(request.user, person_id))


@router.put(
    "/development/people/{person_id}/aspiration",
    response=CareerAspirationOut,
    summary="Write one's own career aspirations",
)
@transaction.atomic
def put_aspiration(
    request: HttpRequest, person_id: Id, payload: CareerAspirationIn
) -> dict[str, Any]:
    person = access.person_for_read(request.user, person_id)
    if not access.can_write_aspiration(request.user, person):
        raise access.Refused(
            _("Only %(person)s writes their career aspirations.") % {"person": person.full_name}
        )
    services.aspiration_set(actor=request.user, person=person, text=payload.text)
    return _aspiration_out(person)


# --- the team and coverage ---------------------------------------------------------------


@router.get(
    "/development/team",
    response=DevelopmentTeamOut,
    summary="The development status of the caller's team (managers)",
)
def get_team(
    request: HttpRequest,
    line: Literal["direct", "all"] = Query(  # noqa: B008
        "direct", description="direct reports (default) or everyone in the caller's line."
    ),
) -> dict[str, Any]:
    me = access.require_team_viewer(request.user)
    rows, count = queries.team_rows(me, whole_line=line == "all")
    return {
        "count": count,
        "rows": [
            {
                "person_id": r.person.pk,
                "person_name": r.person.full_name,
                "planned": r.planned,
                "in_progress": r.in_progress,
                "done": r.done,
                "dropped": r.dropped,
                "overdue": r.overdue,
                "next_due": r.next_due,
            }
            for r in rows
        ],
    }


def _department(request: HttpRequest, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    return people_access.department_for_read(request.user, department_id)


def _csv_document(what: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": what,
                "content": {csv_export.CONTENT_TYPE: {"schema": {"type": "string"}}},
            }
        }
    }


@router.get(
    "/development/team.csv",
    summary="The team's development status as CSV (managers): everyone, not the first 500",
    openapi_extra=_csv_document(
        "A header row, then one row per person by name: work email, employee ID, department, "
        "job title, items by status, overdue, next due (ISO date). An attachment, streamed."
    ),
)
def get_team_csv(
    request: HttpRequest,
    line: Literal["direct", "all"] = Query(  # noqa: B008
        "direct", description="direct reports (default) or everyone in the caller's line."
    ),
) -> StreamingHttpResponse:
    me = access.require_team_viewer(request.user)
    return exports.team_csv_response(me, whole_line=line == "all")


@router.get(
    "/development/coverage.csv",
    summary="The competency coverage as CSV (HR)",
    openapi_extra=_csv_document(
        "A header row, then one row per competency of the current frameworks: group, period, "
        "the department (or the whole organisation), people with an item, done, without, "
        "active people, coverage %. An attachment."
    ),
)
def get_coverage_csv(
    request: HttpRequest,
    department_id: Id | None = Query(  # noqa: B008
        None, description="One department, its sub-departments included."
    ),
) -> StreamingHttpResponse:
    access.require_coverage_viewer(request.user)
    return exports.coverage_csv_response(_department(request, department_id))


@router.get(
    "/development/coverage",
    response=list[CompetencyCoverageOut],
    summary="People with a development item per competency of the current frameworks (HR)",
)
def get_coverage(
    request: HttpRequest,
    department_id: Id | None = Query(  # noqa: B008
        None, description="One department, its sub-departments included."
    ),
) -> list[dict[str, Any]]:
    access.require_coverage_viewer(request.user)
    department = _department(request, department_id)
    return [
        {
            "competency_id": r.competency.pk,
            "competency_name": r.competency.name,
            "group": r.competency.group.name,
            "period": r.competency.group.framework.period.name
            if r.competency.group.framework.period
            else None,
            "people_with_item": r.with_item,
            "people_done": r.done,
            "people_without_item": r.without,
            "population": r.population,
            "percent": r.percent,
        }
        for r in queries.coverage(department)
    ]
