import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cadence.core.http import HtmxHttpRequest
from cadence.goals import home as goals_home
from cadence.home import charts, queries
from cadence.people import access
from cadence.people import queries as people_queries
from cadence.planning import home as planning_home

METRICS = ("plans", "goals", "check-ins")


@dataclass
class HealthRow:
    """A department as the health panel draws it: its figures and their bars."""

    row: queries.DepartmentHealth
    plan_bar: SafeString
    goal_bar: SafeString
    check_in_columns: SafeString


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    access.require_member(request.user)
    me = access.acting_person(request.user)
    context: dict[str, Any] = {
        "nav_active": "home",
        "me": me,
        "team": people_queries.team(me) if me is not None and access.has_reports(me) else None,
        "sections": queries.sections_for(request.user),
        # The figures take seconds to count when not kept: the page names their place
        # and htmx fetches them (``health``) once it is shown.
        "shows_health": queries.can_view_org_health(request.user),
    }
    return render(request, "home/home.html", context)


@require_GET
@login_required
def health(request: HtmxHttpRequest) -> HttpResponse:
    """The organisation's health panel: what the home page loads after it is shown,
    or a page of its own where the link is followed without JavaScript."""
    queries.require_org_health_reader(request.user)
    figures = queries.org_health(request.user)
    # The departments' check-in columns share one scale; the organisation's its own.
    top = max((max(r.check_ins) for r in figures.departments), default=0)
    context: dict[str, Any] = {
        "nav_active": "home",
        "health": figures,
        "health_rows": [
            HealthRow(
                r,
                charts.plan_bar(r),
                charts.goal_bar(r),
                charts.check_in_columns(r, figures.weeks, None if r.is_total else top),
            )
            for r in [*figures.departments, figures.total]
        ],
    }
    template = "home/health.html#panel" if request.htmx else "home/health.html"
    return render(request, template, context)


@require_GET
@login_required
def health_figure(request: HttpRequest, metric: str) -> HttpResponse:
    """The people or goals behind one figure of the organisation's health."""
    queries.require_org_health_reader(request.user)
    if metric not in METRICS:
        raise Http404
    department_ids, department_name = queries.department_scope(
        request.user, request.GET.get("department")
    )
    period = queries.current_period()
    cursor = request.GET.get("after")
    context: dict[str, Any] = {
        "nav_active": "home",
        "metric": metric,
        "period": period,
        "department_name": department_name,
        "people": None,
        "goals": None,
    }
    if metric == "plans":
        agreed = request.GET.get("agreed") != "no"
        context["title"] = (
            _("People with an agreed plan") if agreed else _("People without an agreed plan")
        )
        if period is not None:
            context["people"] = queries.figure_page(
                planning_home.people_by_plan(request.user, period, department_ids, agreed=agreed),
                cursor,
            )
    elif metric == "goals":
        status = request.GET.get("status", "")
        if status not in queries.GOAL_STATUSES:
            raise Http404
        context["title"] = {
            "on_track": _("Goals on track"),
            "at_risk": _("Goals at risk"),
            "off_track": _("Goals off track"),
            "stale": _("Goals without a recent check-in"),
        }[status]
        if period is not None:
            context["goals"] = queries.figure_page(
                goals_home.goals_in(request.user, period, department_ids, status), cursor
            )
    else:
        try:
            week = datetime.date.fromisoformat(request.GET.get("week", ""))
        except ValueError:
            raise Http404 from None
        start = week - datetime.timedelta(days=week.weekday())
        context["title"] = _("Goals checked in on in the week of %(date)s") % {
            "date": date_format(start)
        }
        context["goals"] = queries.figure_page(
            goals_home.goals_checked_in(
                request.user, start, start + datetime.timedelta(weeks=1), department_ids
            ),
            cursor,
        )
    return render(request, "home/health_figure.html", context)
