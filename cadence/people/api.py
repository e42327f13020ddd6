"""People and departments over the API, with the same rules as the pages.

Each operation is parse → access → query → respond, like the views. The people
lists return ``Rows`` (cadence.core.pagination): one query of only the columns a
card shows, shaped by ``person_cards`` into what ``PersonCard`` documents without a
model instance or a schema validation per row — a page of 200 people costs the same
queries as a page of 2, and a few milliseconds.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cadence.core.api_types import SEARCH, Day, Id, Text
from cadence.core.pagination import KeysetPagination, Rows, paginate_rows, url_of
from cadence.people import access, queries, services
from cadence.people.forms import PersonForm
from cadence.people.models import Department, Person
from cadence.people.queries import full_name

router = Router(tags=["people"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class DepartmentRef(Schema):
    id: int
    name: str
    full_name: str


class PersonRef(Schema):
    id: int
    full_name: str


class PersonCard(Schema):
    """What every employee may see of a colleague they may see at all."""

    id: int
    first_name: str
    last_name: str
    full_name: str
    work_email: str
    job_title: str
    location: str
    status: Person.Status = Field(
        description="'left' only appears to those allowed to see people who left."
    )
    department: DepartmentRef | None
    manager: PersonRef | None
    url: str = Field(description="The person's page in Cadence.")

    @staticmethod
    def resolve_url(obj: Person) -> str:
        return reverse("people:person", args=[obj.pk])

    @staticmethod
    def resolve_manager(obj: Person, context: dict[str, Any]) -> Person | None:
        # A manager who left stays linked until HR assigns a new one; only those who
        # may see people who left see them here.
        manager = obj.manager
        if manager is None or not access.can_view_person(context["request"].user, manager):
            return None
        return manager


class EmploymentDetails(Schema):
    employee_id: str | None
    level: str
    start_date: datetime.date | None
    left_on: datetime.date | None
    custom_attributes: dict[str, Any] = Field(
        description="Sensitive attributes (gender, birth date, …) for HR admins only."
    )


class PersonOut(PersonCard):
    time_zone: str = Field(
        description="IANA name (Europe/Berlin); empty when the person uses the "
        "organisation's. Reminders and digests reach them at their local hour."
    )
    employment: EmploymentDetails | None = Field(
        description="Only for the person, their manager chain, HR admins and executives."
    )
    direct_report_ids: list[int] = Field(description="Active direct reports.")

    @staticmethod
    def resolve_employment(obj: Person, context: dict[str, Any]) -> dict[str, Any] | None:
        user = context["request"].user
        if not access.can_view_employment(user, obj):
            return None
        return {
            "employee_id": obj.employee_id,
            "level": obj.level,
            "start_date": obj.start_date,
            "left_on": obj.left_on,
            "custom_attributes": {a.key: v for a, v in access.visible_attributes(user, obj)},
        }

    @staticmethod
    def resolve_direct_report_ids(obj: Person) -> list[int]:
        return list(queries.direct_reports_query(obj).values_list("pk", flat=True))


class DepartmentOut(Schema):
    id: int
    name: str
    full_name: str
    parent_id: int | None
    headcount: int = Field(description="Active people in this department (not below it).")


def _require_directory(request: HttpRequest) -> None:
    # An account with neither a person nor an organisation-wide role: as on the pages.
    if not access.can_view_directory(request.user):
        raise Http404


def person_cards(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``queries.people_api_rows`` rows as ``PersonCard`` shows them, field for field
    (tests/people/test_api.py compares the two)."""
    url = url_of("people:person")
    return [
        {
            "id": row["id"],
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "full_name": full_name(row["first_name"], row["last_name"], row["work_email"]),
            "work_email": row["work_email"],
            "job_title": row["job_title"],
            "location": row["location"],
            "status": row["status"],
            "department": {
                "id": row["department_id"],
                "name": row["department__name"],
                "full_name": row["department__full_name"],
            }
            if row["department_id"] is not None
            else None,
            # A manager who left stays linked until HR assigns a new one; only those
            # who may see people who left see them here (PersonCard.resolve_manager).
            "manager": {
                "id": row["manager_id"],
                "full_name": full_name(
                    row["manager__first_name"],
                    row["manager__last_name"],
                    row["manager__work_email"],
                ),
            }
            if row["manager_id"] is not None and row["manager_shown"]
            else None,
            "url": url(row["id"]),
        }
        for row in rows
    ]


@router.get("/people", response=list[PersonCard], summary="List people (the directory)")
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_people(
    request: HttpRequest,
    q: Text = Query(
        "",
        max_length=SEARCH,
        description="Words found in the name, email, title, or the employee ID of "
        "people whose employment details the caller may see.",
    ),
    department_id: Id | None = Query(None, description="This department and those below."),
    include_left: bool = Query(False, description="HR admins and executives only."),
) -> Rows:
    _require_directory(request)
    department = None
    if department_id is not None:
        department = access.department_for_read(request.user, department_id)
    people = queries.directory_search(
        request.user, q=q, department=department, include_left=include_left
    )
    return Rows(queries.people_api_rows(request.user, people), person_cards)


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, person_id: Id) -> Person:
    return access.person_for_read(request.user, person_id)


@router.get(
    "/people/{person_id}/reports",
    response=list[PersonCard],
    summary="Active people below a person in the manager chain",
)
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_reports(
    request: HttpRequest,
    person_id: Id,
    direct_only: bool = Query(False, description="Direct reports only."),
) -> Rows:
    manager = access.team_for_read(request.user, person_id)
    if direct_only:
        people = queries.active_direct_reports(manager)
    else:
        # The id breaks no tie (a path ends with the person's id) but gives the cursor
        # its key.
        people = queries.whole_line(manager).order_by("reporting_path", "id")
    return Rows(queries.people_api_rows(request.user, people), person_cards)


@router.get("/departments", response=list[DepartmentOut], summary="List departments")
@paginate(KeysetPagination, page_size=100, max_page_size=MAX_PAGE_SIZE)
def list_departments(request: HttpRequest) -> QuerySet[Department]:
    _require_directory(request)
    return queries.departments_with_headcount().order_by("full_name", "id")


@router.get("/departments/{department_id}", response=DepartmentOut, summary="One department")
def get_department(request: HttpRequest, department_id: Id) -> Department:
    department = access.department_for_read(request.user, department_id)
    return queries.department_with_headcount(department.pk)


# --- HR admins keep the directory by hand (the pages' PersonForm checks both) ---------


class PersonWrite(Schema):
    """Fields of a person record. On PATCH every field is optional and only those given
    change; ``manager`` is the manager's work email or employee ID, "" for none."""

    first_name: Text | None = Field(None, max_length=150)
    last_name: Text | None = Field(None, max_length=150)
    work_email: Text | None = Field(None, max_length=254)
    employee_id: Text | None = Field(None, max_length=64)
    job_title: Text | None = Field(None, max_length=200)
    level: Text | None = Field(None, max_length=50)
    department_id: Id | None = Field(None, description="null for no department.")
    location: Text | None = Field(None, max_length=200)
    start_date: Day | None = None
    time_zone: Text | None = Field(
        None,
        max_length=64,
        description='An IANA name such as "Europe/Berlin"; "" for the organisation\'s.',
    )
    manager: Text | None = Field(
        None, max_length=254, description='The manager\'s work email or employee ID; "" for none.'
    )


class LeaveIn(Schema):
    left_on: Day = Field(description="The person's last day.")


def _form_data(payload: PersonWrite, base: dict[str, Any]) -> dict[str, Any]:
    given = payload.dict(exclude_unset=True)
    if "department_id" in given:
        given["department"] = given.pop("department_id")
    data = {**base, **given}
    return {k: "" if v is None else v for k, v in data.items()}


def _person_out(person_id: Id) -> Person:
    return Person.objects.select_related("department", "manager", "user").get(pk=person_id)


@router.post("/people", response={201: PersonOut}, summary="Add a person (HR admins)")
@transaction.atomic
def create_person(request: HttpRequest, payload: PersonWrite) -> Status:
    access.require_people_manager(request.user)
    form = PersonForm(_form_data(payload, {}), user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    person = services.person_create(actor=request.user, **form.cleaned_data)
    return Status(201, _person_out(person.pk))


@router.patch("/people/{person_id}", response=PersonOut, summary="Change a person (HR admins)")
@transaction.atomic
def update_person(request: HttpRequest, person_id: Id, payload: PersonWrite) -> Person:
    person = access.person_for_edit(request.user, person_id)
    form = PersonForm(user=request.user, person=person)
    base = {name: form[name].value() for name in form.fields}
    form = PersonForm(_form_data(payload, base), user=request.user, person=person)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    services.person_update(actor=request.user, person=person, **form.changes())
    return _person_out(person.pk)


@router.post(
    "/people/{person_id}/leave", response=PersonOut, summary="Mark a person as left (HR admins)"
)
@transaction.atomic
def mark_person_left(request: HttpRequest, person_id: Id, payload: LeaveIn) -> Person:
    person = access.person_for_edit(request.user, person_id)
    services.person_mark_left(actor=request.user, person=person, left_on=payload.left_on)
    return _person_out(person.pk)


@router.post(
    "/people/{person_id}/reactivate",
    response=PersonOut,
    summary="Reactivate a person who left (HR admins)",
)
@transaction.atomic
def reactivate_person(request: HttpRequest, person_id: Id) -> Person:
    person = access.person_for_edit(request.user, person_id)
    services.person_reactivate(actor=request.user, person=person)
    return _person_out(person.pk)
