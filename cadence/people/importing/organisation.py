"""The organisation as a plan sees it: every person as a plain tuple, read in one query."""

import datetime
import json
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, TextField
from django.db.models.functions import Cast

from cadence.people.importing.values import full_name
from cadence.people.models import CustomAttribute, Department, Person


class Existing(NamedTuple):
    id: int
    first_name: str
    last_name: str
    work_email: str
    employee_id: str | None
    job_title: str
    level: str
    department: str
    location: str
    start_date: datetime.date | None
    status: str
    left_on: datetime.date | None
    manager_id: int | None
    custom_attributes: dict
    user_id: int | None
    time_zone: str

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name, self.work_email)


def database_snapshot() -> tuple:
    """Cheap fingerprint of what a plan depends on: when it is unchanged at apply time,
    the plan is still right and need not be computed again."""
    user_model = get_user_model()
    people = Person.objects.aggregate(n=Count("id"), top=Max("id"), touched=Max("updated_at"))
    users = user_model.objects.aggregate(n=Count("id"), top=Max("id"))
    return (
        people["n"],
        people["top"],
        people["touched"],
        users["n"],
        users["top"],
        Department.objects.count(),
        CustomAttribute.objects.count(),
    )


def load_people() -> list[Existing]:
    # Custom attributes come as JSON text, decoded once per distinct value: a big
    # organisation has only a few combinations (department code, location, …).
    rows = Person.objects.order_by().values_list(
        "id",
        "first_name",
        "last_name",
        "work_email",
        "employee_id",
        "job_title",
        "level",
        "department__full_name",
        "location",
        "start_date",
        "status",
        "left_on",
        "manager_id",
        Cast("custom_attributes", TextField()),
        "user_id",
        "time_zone",
    )
    decoded: dict[str, dict] = {}
    people = []
    for (
        pk,
        first,
        last,
        email,
        eid,
        title,
        level,
        dept,
        location,
        start,
        status,
        left_on,
        manager_id,
        attrs_json,
        user_id,
        time_zone,
    ) in rows:
        attrs = decoded.get(attrs_json)
        if attrs is None:
            value = json.loads(attrs_json) if attrs_json else {}
            attrs = decoded[attrs_json] = value if isinstance(value, dict) else {}
        people.append(
            Existing(
                pk,
                first,
                last,
                email,
                eid,
                title,
                level,
                dept or "",
                location,
                start,
                status,
                left_on,
                manager_id,
                attrs,
                user_id,
                time_zone,
            )
        )
    return people
