"""Reads of certifications: a person's certificates and what they still need, and HR's
compliance rows (docs/certifications.md).

A renewal is a newer certificate of the same type: for a person and a type only the
certificate with the latest expiry counts ("current"; one that never expires beats any
date). A person *needs* a type when the type is required of everyone, of their
department or one above it, of their location, job title or level. They are
*compliant* when their current certificate of it never expires or expires more than
``SOON_DAYS`` days from today; otherwise the row is "expiring" (within ``SOON_DAYS``),
"expired", or "missing" (no certificate at all).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields import IntegerField
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.certifications.models import Certificate, CertificationType
from cadence.core.pagination import after
from cadence.people.models import Department, Person

SOON_DAYS = 30

MISSING, EXPIRED, EXPIRING = "missing", "expired", "expiring"
STATUS_LABELS = {
    MISSING: gettext_lazy("Missing"),
    EXPIRED: gettext_lazy("Expired"),
    EXPIRING: gettext_lazy("Expires within 30 days"),
}
STATUSES = (MISSING, EXPIRED, EXPIRING)


def today() -> datetime.date:
    return timezone.localdate()


def status_of(latest: datetime.date | None, day: datetime.date) -> str:
    """A non-compliant row's status from its current certificate's expiry."""
    if latest is None:
        return MISSING
    return EXPIRED if latest < day else EXPIRING


# --- who needs a type -------------------------------------------------------------------


def active_types() -> list[CertificationType]:
    """Active types with their required departments (two queries)."""
    return list(
        CertificationType.objects.filter(active=True).prefetch_related("required_departments")
    )


def required_filter(type_: CertificationType) -> Q | None:
    """The people ``type_`` is required of, as a filter on people; None for nobody.
    Needs ``required_departments`` loaded (``active_types``)."""
    if type_.required_everyone:
        return Q()
    parts: list[Q] = [
        Q(department_id=department.pk)
        | Q(department__full_name__startswith=department.full_name + "/")
        for department in type_.required_departments.all()
    ]
    parts += [Q(location__iexact=v) for v in type_.required_locations]
    parts += [Q(job_title__iexact=v) for v in type_.required_job_titles]
    parts += [Q(level__iexact=v) for v in type_.required_levels]
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def requires(type_: CertificationType, person: Person) -> bool:
    """``required_filter`` for one loaded person, in Python."""
    if not person.is_active:
        return False
    if type_.required_everyone:
        return True
    if person.department is not None:
        mine = person.department.full_name
        for department in type_.required_departments.all():
            if mine == department.full_name or mine.startswith(department.full_name + "/"):
                return True

    def matches(values: list[str], value: str) -> bool:
        return bool(value.strip()) and value.strip().lower() in {v.lower() for v in values}

    return (
        matches(type_.required_locations, person.location)
        or matches(type_.required_job_titles, person.job_title)
        or matches(type_.required_levels, person.level)
    )


def describe_requirement(type_: CertificationType) -> str:
    """ "Everyone", or "Operations (and below); Warehouse Leeds; Forklift driver"."""
    if type_.required_everyone:
        return str(gettext_lazy("Everyone"))
    parts = [d.full_name for d in type_.required_departments.all()]
    parts += [*type_.required_locations, *type_.required_job_titles]
    parts += [str(gettext_lazy("level %(l)s")) % {"l": v} for v in type_.required_levels]
    return "; ".join(parts) or str(gettext_lazy("Nobody (optional)"))


# --- one person's certificates ----------------------------------------------------------


@dataclass
class CertificateRow:
    certificate: Certificate
    current: bool  # the one that counts for its type (latest expiry)
    status: str  # "valid", "expiring", "expired", "superseded"


@dataclass
class PersonCertificates:
    rows: list[CertificateRow]
    # (type, status) for each type required of the person that is not in order.
    needed: list[tuple[CertificationType, str, datetime.date | None]] = field(default_factory=list)


def _expiry_key(c: Certificate) -> tuple[int, datetime.date, int]:
    return (1 if c.expires_on is None else 0, c.expires_on or datetime.date.min, c.pk)


def person_certificates(person: Person, *, day: datetime.date | None = None) -> PersonCertificates:
    """Every certificate of ``person``, newest expiry first, each marked current or
    superseded, and the required types not in order. Three queries."""
    day = day or today()
    certificates = list(
        Certificate.objects.filter(person=person).select_related("type", "recorded_by")
    )
    current: dict[int, Certificate] = {}
    for c in certificates:
        best = current.get(c.type_id)
        if best is None or _expiry_key(c) > _expiry_key(best):
            current[c.type_id] = c
    soon = day + datetime.timedelta(days=SOON_DAYS)
    rows = []
    for c in sorted(certificates, key=_expiry_key, reverse=True):
        is_current = current[c.type_id].pk == c.pk
        if not is_current:
            status = "superseded"
        elif c.expires_on is None or c.expires_on > soon:
            status = "valid"
        else:
            status = status_of(c.expires_on, day)
        rows.append(CertificateRow(c, is_current, status))
    needed: list[tuple[CertificationType, str, datetime.date | None]] = []
    for type_ in active_types():
        if not requires(type_, person):
            continue
        held = current.get(type_.pk)
        if held is None:
            needed.append((type_, MISSING, None))
        elif held.expires_on is not None and held.expires_on <= soon:
            needed.append((type_, status_of(held.expires_on, day), held.expires_on))
    return PersonCertificates(rows, needed)


def with_superseded(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Annotated with what says whether a later certificate of the same person and type
    replaces each one (the API's ``status``: ``superseded``)."""
    others = Certificate.objects.filter(person=OuterRef("person"), type=OuterRef("type")).exclude(
        pk=OuterRef("pk")
    )
    return certificates.select_related("person", "type").annotate(
        never_expiring_other=Exists(others.filter(expires_on__isnull=True)),
        later_never_expiring=Exists(others.filter(expires_on__isnull=True, pk__gt=OuterRef("pk"))),
        expires_later=Exists(
            others.filter(
                Q(expires_on__gt=OuterRef("expires_on"))
                | Q(expires_on=OuterRef("expires_on"), pk__gt=OuterRef("pk"))
            )
        ),
    )


# --- compliance -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceFilter:
    type_id: int | None = None
    department: Department | None = None
    status: str | None = None


@dataclass(frozen=True)
class RowKey:
    """A compliance row's place in the table's order (name, person, type): the API's
    cursor. Unique, as a person appears once per type."""

    last_name: str
    first_name: str
    person_id: int
    type_id: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> "RowKey":
        return cls(row["last_name"], row["first_name"], row["pk"], row["type_id"])


# The people's order, as the directory index (status, last_name, first_name, id) has it.
_NAME_ORDER = [("last_name", False), ("first_name", False), ("pk", False)]


def _after(type_id: int, key: RowKey) -> Q:
    """People of ``type_id``'s SELECT whose rows come after ``key``. The type is a
    constant of each SELECT, so the four-part comparison becomes one on the name and
    id: strictly after for types up to the key's, the key's own person included for
    the types after it."""
    beyond = after(_NAME_ORDER, [key.last_name, key.first_name, key.person_id])
    if type_id > key.type_id:
        beyond |= Q(last_name=key.last_name, first_name=key.first_name, pk=key.person_id)
    return beyond


def _people_missing(
    type_: CertificationType,
    day: datetime.date,
    where: ComplianceFilter,
    start_after: RowKey | None = None,
) -> QuerySet[Person] | None:
    """Active people who need ``type_`` and are not in order, annotated with their
    current certificate's expiry as ``latest`` (None: they have none)."""
    required = required_filter(type_)
    if required is None:
        return None
    soon = day + datetime.timedelta(days=SOON_DAYS)
    held = Certificate.objects.filter(person=OuterRef("pk"), type=type_.pk)
    people = Person.objects.filter(required, status=Person.Status.ACTIVE)
    if start_after is not None:
        people = people.filter(_after(type_.pk, start_after))
    if where.department is not None:
        people = people.filter(
            Q(department_id=where.department.pk)
            | Q(department__full_name__startswith=where.department.full_name + "/")
        )
    people = people.filter(
        ~Exists(held.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=soon)))
    ).annotate(
        latest=Subquery(held.order_by("-expires_on").values("expires_on")[:1]),
        type_id=Value(type_.pk, output_field=IntegerField()),
    )
    if where.status == MISSING:
        people = people.filter(latest__isnull=True)
    elif where.status == EXPIRED:
        people = people.filter(latest__lt=day)
    elif where.status == EXPIRING:
        people = people.filter(latest__gte=day)
    return people


ROW_FIELDS = (
    "pk",
    "first_name",
    "last_name",
    "work_email",
    "employee_id",
    "job_title",
    "location",
    "department__full_name",
    "type_id",
    "latest",
)


def compliance_rows(
    where: ComplianceFilter | None = None,
    *,
    day: datetime.date | None = None,
    start_after: RowKey | None = None,
) -> QuerySet[Any, dict[str, Any]]:
    """One row per (person, required type) not in order, as ``values()`` dicts of
    ``ROW_FIELDS``, ordered by name, person and type: a UNION ALL of one SELECT per
    type, so its cost follows the number of types, never a row per person in Python.
    ``start_after``: only the rows after that one (a keyset page: each SELECT seeks
    past it in the name index instead of the union reading and dropping an offset)."""
    where = where or ComplianceFilter()
    day = day or today()
    parts = []
    for type_ in active_types():
        if where.type_id is not None and type_.pk != where.type_id:
            continue
        people = _people_missing(type_, day, where, start_after)
        if people is not None:
            parts.append(people.order_by().values(*ROW_FIELDS))
    if not parts:
        return Person.objects.none().values(*ROW_FIELDS[:-2])
    rows = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return rows.order_by("last_name", "first_name", "pk", "type_id")


@dataclass
class Counts:
    missing: int = 0
    expired: int = 0
    expiring: int = 0

    @property
    def total(self) -> int:
        return self.missing + self.expired + self.expiring

    def add(self, other: "Counts") -> None:
        self.missing += other.missing
        self.expired += other.expired
        self.expiring += other.expiring


@dataclass(frozen=True)
class TypeShown:
    """A type as the summary names it: plain values, so the counted summary can be kept
    in the cache without model instances (``figures.py``)."""

    pk: int
    name: str


@dataclass
class ComplianceSummary:
    by_type: list[tuple[TypeShown, Counts, int]]  # (type, counts, people needing it)
    by_department: list[tuple[str, Counts]]  # top-level department ("" for none)
    total: Counts
    counted_at: datetime.datetime | None = None


def _counts(people: QuerySet[Person], day: datetime.date) -> dict[str, Counts]:
    """Counts per department full name."""
    grouped = (
        people.order_by()
        .values("department__full_name")
        .annotate(
            missing=Count("pk", filter=Q(latest__isnull=True)),
            expired=Count("pk", filter=Q(latest__lt=day)),
            expiring=Count("pk", filter=Q(latest__gte=day)),
        )
    )
    return {
        row["department__full_name"] or "": Counts(row["missing"], row["expired"], row["expiring"])
        for row in grouped
    }


def compliance_summary(
    where: ComplianceFilter | None = None, *, day: datetime.date | None = None
) -> ComplianceSummary:
    """The chart's figures: per type and per top-level department (two queries a type),
    counted now. Pages read them through ``figures.summary`` (kept figures)."""
    where = where or ComplianceFilter()
    day = day or today()
    by_type = []
    departments: dict[str, Counts] = defaultdict(Counts)
    total = Counts()
    for type_ in active_types():
        if where.type_id is not None and type_.pk != where.type_id:
            continue
        required = required_filter(type_)
        people = _people_missing(type_, day, where)
        if required is None or people is None:
            continue
        type_counts = Counts()
        for name, counts in _counts(people, day).items():
            departments[name.split("/")[0]].add(counts)
            type_counts.add(counts)
        needing = Person.objects.filter(required, status=Person.Status.ACTIVE)
        if where.department is not None:
            needing = needing.filter(
                Q(department_id=where.department.pk)
                | Q(department__full_name__startswith=where.department.full_name + "/")
            )
        by_type.append((TypeShown(type_.pk, type_.name), type_counts, needing.count()))
        total.add(type_counts)
    ordered = sorted(departments.items(), key=lambda kv: (-kv[1].total, kv[0]))
    return ComplianceSummary(by_type, ordered, total, counted_at=timezone.now())


def iterate_rows(rows: QuerySet[Any, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows in chunks, without holding them all (the exports)."""
    yield from rows.iterator(chunk_size=2000)


def type_names() -> dict[int, str]:
    return dict(CertificationType.objects.values_list("pk", "name"))
