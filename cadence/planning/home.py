"""What the planning area puts on the home page: plans waiting for my signature, and my
direct reports without an agreed plan for the current period."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.people.access import employment_filter, has_reports, people_visible_to
from cadence.people.display import person_shown
from cadence.people.models import Person
from cadence.planning import queries
from cadence.planning.models import PerformancePeriod, PerformancePlan

# At most this many plans or people listed in a group; the group's last item leads to
# the page listing them all.
SHOWN = 5


def plans_to_sign(user: Actor, me: Person) -> list[PerformancePlan]:
    """Proposed plans of open periods that wait for ``me``'s signature: my own, and
    those where I am the manager of record (one query)."""
    mine = Q(person=me, employee_signed_at__isnull=True)
    as_manager = Q(manager=me, manager_signed_at__isnull=True)
    return list(
        queries.plans_visible_to(user)
        .filter(mine | as_manager, state=PerformancePlan.State.PROPOSED)
        .exclude(period__state=PerformancePeriod.State.CLOSED)
        .order_by("period__starts_on", "person__last_name", "person__first_name", "id")
    )


def reports_without_agreed_plan(
    me: Person, period: PerformancePeriod
) -> list[tuple[Person, PerformancePlan | None]]:
    """My active direct reports whose plan for ``period`` is not agreed, with the plan
    when there is one (one query)."""
    reports = (
        me.direct_reports.filter(status=Person.Status.ACTIVE)
        .filter(
            ~Exists(
                PerformancePlan.objects.filter(
                    person=OuterRef("pk"), period=period, state=PerformancePlan.State.AGREED
                )
            )
        )
        .order_by()
    )
    people = sorted(reports, key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk))
    if not people:
        return []
    plans = {
        plan.person_id: plan
        for plan in PerformancePlan.objects.filter(
            period=period, person_id__in=[p.pk for p in people]
        ).order_by()
    }
    return [(p, plans.get(p.pk)) for p in people]


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    out = []
    group = _("Plans to sign")
    for plan in plans_to_sign(user, me):
        if plan.person_id == me.pk:
            text = _("Sign your %(period)s plan") % {"period": plan.period.name}
        else:
            text = _("Sign %(person)s's %(period)s plan") % {
                "person": person_shown(user, plan.person).name,
                "period": plan.period.name,
            }
        out.append(HomeItem(text, reverse("planning:plan", args=[plan.pk]), group=group))
    if not has_reports(me):
        return out
    period = queries.default_period(queries.periods())
    if period is None or period.is_closed:
        return out
    missing = reports_without_agreed_plan(me, period)
    group = _("Reports without an agreed %(period)s plan") % {"period": period.name}
    team_url = reverse("planning:team") + f"?period={period.pk}"
    for person, current in missing[:SHOWN]:
        state = current.get_state_display().lower() if current is not None else _("not started")
        text = _("%(person)s (%(state)s)") % {"person": person.full_name, "state": state}
        url = reverse("planning:plan", args=[current.pk]) if current is not None else team_url
        out.append(HomeItem(text, url, group=group))
    if len(missing) > SHOWN:
        out.append(
            HomeItem(
                _("All %(count)s on the team plans page") % {"count": len(missing)},
                team_url,
                count=len(missing),
                group=group,
            )
        )
    return out


def register() -> None:
    register_section(HomeSection(key="plans", title=gettext_lazy("Plans"), order=20, items=items))


# --- the organisation's health (HR admins and executive viewers) ---------------------


def plan_figures_by_department(
    user: Actor, period: PerformancePeriod
) -> dict[int | None, tuple[int, int]]:
    """Active people the user may read plans of, and how many of them have an agreed
    plan for ``period``, by department: {department id: (people, agreed)}. One query."""
    agreed = Exists(
        PerformancePlan.objects.filter(
            person=OuterRef("pk"), period=period, state=PerformancePlan.State.AGREED
        )
    )
    rows = (
        _people_with_readable_plans(user)
        .order_by()
        .values("department_id")
        .annotate(people=Count("pk"), agreed=Count("pk", filter=Q(agreed)))
    )
    return {row["department_id"]: (row["people"], row["agreed"]) for row in rows}


def _people_with_readable_plans(user: Actor) -> QuerySet[Person]:
    """Active people whose plans the user may read (``access.can_read_plan_of``: the
    employment rule, as a filter)."""
    people = people_visible_to(user).filter(status=Person.Status.ACTIVE)
    where = employment_filter(user)
    return people if where is None else people.filter(where)


def people_by_plan(
    user: Actor, period: PerformancePeriod, department_ids: list[int] | None, *, agreed: bool
) -> QuerySet[Person]:
    """The people behind a plan figure: those with (or without) an agreed plan for
    ``period``, in the given departments (None: all; []: people without one)."""
    people = _people_with_readable_plans(user)
    if department_ids is not None:
        people = (
            people.filter(department_id__in=department_ids)
            if department_ids
            else people.filter(department__isnull=True)
        )
    has_agreed = Exists(
        PerformancePlan.objects.filter(
            person=OuterRef("pk"), period=period, state=PerformancePlan.State.AGREED
        )
    )
    people = people.filter(has_agreed) if agreed else people.filter(~has_agreed)
    return people.select_related("department").order_by("last_name", "first_name", "id")
