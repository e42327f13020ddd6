"""What the cells of an HRIS export mean: statuses, names, department paths, and how
values are written back to a person reading a preview or a dry run."""

import datetime
import re
from functools import cache
from typing import Any

from cadence.people.models import Person, time_zone_names

# Statuses are compared lower-cased with everything but letters and digits removed.
ACTIVE_STATUSES = frozenset(
    {
        "active",
        "employed",
        "current",
        "onleave",
        "leave",
        "leaveofabsence",
        "parentalleave",
        "maternityleave",
        "paternityleave",
        "sickleave",
        "sabbatical",
        "probation",
        "hired",
        "fulltime",
        "parttime",
        "contractor",
        "pending",
        "onboarding",
        "yes",
        "true",
        "1",
        "a",
    }
)
INACTIVE_STATUSES = frozenset(
    {
        "terminated",
        "inactive",
        "left",
        "former",
        "formeremployee",
        "exemployee",
        "resigned",
        "retired",
        "deceased",
        "separated",
        "dismissed",
        "laidoff",
        "offboarded",
        "departed",
        "deactivated",
        "no",
        "false",
        "0",
        "t",
        "i",
    }
)

MAX_LENGTHS = {
    "first_name": 150,
    "last_name": 150,
    "job_title": 200,
    "level": 50,
    "location": 200,
    "employee_id": 64,
    "work_email": 254,
}
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

FIELD_LABELS = {
    "employee_id": "employee ID",
    "work_email": "work email",
    "first_name": "first name",
    "last_name": "last name",
    "job_title": "job title",
    "level": "level",
    "department": "department",
    "location": "location",
    "start_date": "start date",
    "manager": "manager",
    "status": "status",
    "time_zone": "time zone",
}


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in time_zone_names()}


def parse_time_zone(value: str) -> str | None:
    """The IANA name for a cell ("europe/berlin" → "Europe/Berlin"), None when unknown."""
    return _zones_by_lower_name().get(value.strip().lower())


def parse_status(value: str) -> str | None:
    """``Person.Status`` for an HRIS status, None when unknown."""
    key = "".join(ch for ch in value.lower() if ch.isalnum())
    if key in ACTIVE_STATUSES:
        return Person.Status.ACTIVE
    if key in INACTIVE_STATUSES:
        return Person.Status.LEFT
    return None


def split_name(full: str) -> tuple[str, str]:
    """ "Ada Lovelace" → (Ada, Lovelace); "Lovelace, Ada" → (Ada, Lovelace)."""
    if "," in full:
        last, _sep, first = full.partition(",")
        return first.strip(), last.strip()
    first, _sep, last = full.strip().partition(" ")
    return first, last.strip()


def department_path(value: str) -> str:
    """ "Engineering / Platform", "Engineering > Platform" → "Engineering/Platform"."""
    parts = re.split(r"\s*(?:/|\\|>)\s*", value.strip())
    return "/".join(p for p in parts if p)


def full_name(first: str, last: str, email: str) -> str:
    # Person.full_name, for rows that are not model instances (called 100,000s of times).
    if first and last:
        return f"{first} {last}"
    return first or last or email


def display(value: Any) -> str:
    """A cell value as a person reads it (dates in ISO form, nothing for None)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def status_label(status: str) -> str:
    """ "Left", not ``Person.Status.LEFT`` (what a dry run used to print)."""
    return str(Person.Status(status).label)
