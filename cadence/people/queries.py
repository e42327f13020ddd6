"""Reads of the organisation shared by pages and the API.

Each function owns its joins and annotations so that rendering a result never
issues further queries, whatever the size of the team or organisation.
"""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When, Window
from django.utils.functional import cached_property

from cadence.core import search
from cadence.core.pagination import url_of
from cadence.people import access
from cadence.people.models import Department, Person, PersonSearchEntry, subtree_bounds


def with_card_data(people: QuerySet[Person]) -> QuerySet[Person]:
    """What a person card shows: department, manager and number of active reports."""
    return people.select_related("department", "manager").annotate(
        active_report_count=Count(
            "direct_reports", filter=Q(direct_reports__status=Person.Status.ACTIVE)
        )
    )


def department_and_below(department: Department) -> list[int]:
    prefix = department.full_name + "/"
    ids = list(
        Department.objects.filter(
            Q(pk=department.pk) | Q(full_name__gte=prefix, full_name__lt=prefix[:-1] + "0")
        ).values_list("id", flat=True)
    )
    return ids


def directory_search(
    user: Any,
    *,
    q: str = "",
    department: Department | None = None,
    include_left: bool = False,
) -> QuerySet[Person]:
    """People matching every word of ``q`` in name, email or title, or whose employee
    id is exactly ``q`` when the user may see that person's employment details."""
    people = access.people_visible_to(user, include_left=include_left)
    if department is not None:
        people = people.filter(department_id__in=department_and_below(department))
    terms = q.lower().split()[:5]
    if terms:
        # Through the trigram index (cadence.core.search): the found ids, then the rows.
        found = Q(
            pk__in=search.matching_ids(
                people, PersonSearchEntry, "search_text", terms, lookup="contains"
            )
        )
        by_id = _employee_id_matches(user, q.strip())
        if by_id:
            found |= Q(pk__in=people.filter(pk__in=by_id).order_by().values("pk"))
        people = Person.objects.filter(found)
    return people.select_related("department", "manager").order_by("last_name", "first_name", "id")


def shown_flag(user: Any, *, through: str) -> Case | Value:
    """Whether ``user`` may see the person a row points at ``through`` a relation
    (``access.can_view_person`` as an annotation): a list row names someone who left
    only to those who may still open their profile."""
    condition = access.person_filter(user, through=through)
    if condition is None:
        return Value(True)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def full_name(first_name: str, last_name: str, work_email: str) -> str:
    """``Person.full_name`` of a row read with ``values()``."""
    return " ".join(p for p in (first_name, last_name) if p) or work_email


# What a row of the API's people lists reads (people.api.person_cards), in one query:
# no model instances, the department and the manager joined.
API_ROW_FIELDS = (
    *("id", "first_name", "last_name", "work_email", "job_title", "location", "status"),
    *("reporting_path", "department_id", "department__name", "department__full_name"),
    *("manager_id", "manager__first_name", "manager__last_name", "manager__work_email"),
)


def people_api_rows(user: Any, people: QuerySet[Person]) -> QuerySet[Person, dict[str, Any]]:
    """``people`` (ordered, filtered by the caller's access) as dicts of
    ``API_ROW_FIELDS`` and ``manager_shown``, for the API's lists."""
    return people.values(*API_ROW_FIELDS, manager_shown=shown_flag(user, through="manager__"))


def _employee_id_matches(user: Any, q: str) -> list[int]:
    # An exact lookup on the unique index (a few spellings of the case), not a scan:
    # ids are codes people type in full, and a partial match would let anyone probe
    # the ids of colleagues whose employment details they may not see.
    if not q or " " in q:
        return []
    people = Person.objects.filter(employee_id__in={q, q.upper(), q.lower()})
    employment = access.employment_filter(user)
    if employment is not None:
        people = people.filter(employment)
    return list(people.values_list("pk", flat=True)[:10])


def paginate(queryset: QuerySet, page: Any, per_page: int) -> Page:
    return Paginator(queryset, per_page).get_page(page)


@dataclass(frozen=True)
class DirectoryRow:
    """A person as a row of the directory shows them. A search renders fifty of these
    for every keystroke: read with ``values()`` and shaped here, they cost no model
    instances, no permission filter and no ``{% url %}`` per row."""

    pk: int
    url: str
    full_name: str
    initials: str
    left: bool
    job_title: str
    department: str  # its full name; empty without one
    location: str
    work_email: str
    manager_name: str | None  # None without a manager, or one the reader may not see
    manager_url: str | None


DIRECTORY_ROW_FIELDS = (
    *("id", "first_name", "last_name", "work_email", "job_title", "location", "status"),
    *("department__full_name", "manager_id", "manager__first_name", "manager__last_name"),
    "manager__work_email",
)


def initials(first_name: str, last_name: str, work_email: str) -> str:
    """``Person.initials`` of a row read with ``values()``."""
    parts = [p for p in (first_name, last_name) if p] or [work_email]
    return "".join(p[0] for p in parts[:2]).upper()


class CountedPaginator(Paginator):
    """A paginator told its count, which came with the page's rows."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _page_ids(people: QuerySet[Person], number: int, per_page: int) -> tuple[list[int], int]:
    """The ids of page ``number`` of ``people`` and how many people there are in all,
    in one query (a window count)."""
    start = (number - 1) * per_page
    rows = list(
        people.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
            start : start + per_page
        ]
    )
    return [pk for pk, _total in rows], rows[0][1] if rows else 0


def _searched_page(people: QuerySet[Person], page: Any, per_page: int) -> Page:
    """``Paginator(people, per_page).get_page(page)`` (page 1 for anything but a
    number, the last page past either end) for the matches of a search, in one query:
    ordering them reads every match anyway (no index holds them in name order), and a
    ``COUNT`` apart would find them all a second time (~40 % of a search's time in the
    database). Then the page's departments and managers, joined for its rows alone."""
    try:
        number = int(page) if page is not None else 1
    except (TypeError, ValueError):
        number = 1
    ids, total = _page_ids(people, number, per_page) if number >= 1 else ([], 0)
    if not ids and number != 1:
        total = people.count()
        number = max(1, -(-total // per_page))
        ids, total = _page_ids(people, number, per_page)
    rows = Person.objects.filter(pk__in=ids).order_by(*people.query.order_by)
    return Page(rows, number, CountedPaginator(people, per_page, total))


def directory_page(
    user: Any,
    *,
    page: Any,
    per_page: int,
    q: str = "",
    department: Department | None = None,
    include_left: bool = False,
) -> Page:
    """Page ``page`` of ``directory_search`` as ``Paginator.get_page`` picks it, its rows
    as ``DirectoryRow``s. The manager is named only to a reader who may see them
    (``access.can_view_person``, as the ``shown_flag`` filter)."""
    people = directory_search(user, q=q, department=department, include_left=include_left)
    if q.split():
        found = _searched_page(people, page, per_page)
    else:
        # Everyone (of a department): the name index gives a page without a sort, and
        # a window count would read the whole organisation to give the first fifty.
        found = paginate(people, page, per_page)
    window = found.object_list
    assert isinstance(window, QuerySet)
    person_url = url_of("people:person")
    rows = window.values(*DIRECTORY_ROW_FIELDS, manager_shown=shown_flag(user, through="manager__"))
    shown = []
    for row in rows:
        first, last, email = row["first_name"], row["last_name"], row["work_email"]
        manager_id = row["manager_id"]
        manager_name = manager_url = None
        if manager_id is not None and row["manager_shown"]:
            manager_name = full_name(
                row["manager__first_name"], row["manager__last_name"], row["manager__work_email"]
            )
            manager_url = person_url(manager_id)
        shown.append(
            DirectoryRow(
                pk=row["id"],
                url=person_url(row["id"]),
                full_name=full_name(first, last, email),
                initials=initials(first, last, email),
                left=row["status"] == Person.Status.LEFT,
                job_title=row["job_title"],
                department=row["department__full_name"] or "",
                location=row["location"],
                work_email=email,
                manager_name=manager_name,
                manager_url=manager_url,
            )
        )
    found.object_list = shown
    return found


@dataclass
class TeamView:
    manager: Person
    direct_reports: list[Person]
    line_size: int


def team(manager: Person) -> TeamView:
    return TeamView(
        manager=manager, direct_reports=direct_reports(manager), line_size=line_size(manager)
    )


def line_size(manager: Person) -> int:
    return access.reports_of(manager).filter(status=Person.Status.ACTIVE).count()


def whole_line(manager: Person) -> QuerySet[Person]:
    """Everyone below the manager, ordered top-down then by name."""
    return (
        access.reports_of(manager)
        .filter(status=Person.Status.ACTIVE)
        .select_related("department", "manager")
        .order_by("reporting_path")
    )


def manager_chain(person: Person) -> list[Person]:
    """The managers above ``person``, top of the organisation first."""
    ids = person.chain_ids
    if not ids:
        return []
    by_id = Person.objects.select_related("department").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def top_of_organisation() -> list[Person]:
    return list(
        with_card_data(
            Person.objects.filter(manager__isnull=True, status=Person.Status.ACTIVE)
        ).order_by("last_name", "first_name")
    )


def active_direct_reports(person: Person) -> QuerySet[Person]:
    """The person's active direct reports, by name."""
    return person.direct_reports.filter(status=Person.Status.ACTIVE).order_by(
        "last_name", "first_name", "id"
    )


def direct_reports_query(person: Person) -> QuerySet[Person]:
    """The person's active direct reports, by name, ready for cards."""
    return with_card_data(active_direct_reports(person))


def direct_reports(person: Person) -> list[Person]:
    return list(direct_reports_query(person))


def departments_with_headcount() -> QuerySet[Department]:
    """Every department in tree order ("A", "A/B", "B"), with its active head count."""
    return Department.objects.annotate(
        headcount=Count("people", filter=Q(people__status=Person.Status.ACTIVE))
    ).order_by("full_name")


@dataclass
class DepartmentRow:
    pk: int
    name: str
    full_name: str
    depth: int
    # Active people in the department and every department below it: "Engineering 40"
    # must not read as if Engineering/Platform's 30 people were somewhere else.
    headcount: int
    own_headcount: int


def department_tree() -> list[DepartmentRow]:
    """Every department in tree order ("A", "A/B", "B") with its head count including
    sub-departments. One grouped query; the sums go up the tree in Python, as
    departments number in the hundreds when people number in the hundreds of thousands."""
    rows = [
        DepartmentRow(pk, name, full_name, full_name.count("/"), headcount, headcount)
        for pk, name, full_name, headcount in Department.objects.annotate(
            headcount=Count("people", filter=Q(people__status=Person.Status.ACTIVE))
        )
        .order_by("full_name")
        .values_list("pk", "name", "full_name", "headcount")
    ]
    by_name = {row.full_name: row for row in rows}
    for row in rows:
        parts = row.full_name.split("/")
        for end in range(1, len(parts)):
            ancestor = by_name.get("/".join(parts[:end]))
            if ancestor is not None:
                ancestor.headcount += row.own_headcount
    return rows


def department_with_headcount(department_id: int) -> Department:
    return departments_with_headcount().get(pk=department_id)


def line_range_filter(person: Person) -> Q:
    low, high = subtree_bounds(person.reporting_path)
    return Q(reporting_path__gt=low, reporting_path__lt=high)
