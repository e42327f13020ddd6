from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.notifications import access as notifications_access
from cadence.notifications import queries as notifications_queries
from cadence.people import access
from cadence.people.models import Person


class Bell:
    """The header's unread count, counted only if a template shows it: a page without
    the header (an htmx fragment, a mail) pays no query, a page with it one COUNT."""

    def __init__(self, person: Person) -> None:
        self.person = person

    @cached_property
    def count(self) -> int:
        return notifications_queries.unread_count(self.person)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation. Each later area (Plan, Goals, Check-ins, Feedback, Reviews,
    Development, Insights) adds its entry here, shown only to those it is for."""
    user = request.user
    if not access.is_member(user):
        return {"nav_items": [], "tool_items": [], "me": None, "bell": None}
    me = access.acting_person(user)
    # Performance areas first, then the directory; later areas (Check-ins, Feedback,
    # Reviews, Development, Insights) slot in after KPIs.
    items = [
        ("home", _("Home"), reverse("home")),
        ("plan", _("Plan"), reverse("planning:my_plan")),
        ("goals", _("Goals"), reverse("goals:my_goals")),
        ("kpis", _("KPIs"), reverse("kpis:index")),
        ("meetings", _("1:1s"), reverse("meetings:index")),
        ("feedback", _("Feedback"), reverse("feedback:index")),
        ("reviews", _("Reviews"), reverse("reviews:index")),
        ("development", _("Development"), reverse("development:mine")),
        ("people", _("People"), reverse("people:directory")),
        ("org", _("Org chart"), reverse("people:org_chart")),
    ]
    if me is not None and access.has_reports(me):
        items.append(("team", _("My team"), reverse("people:my_team")))
    if access.can_manage_people(user):
        items.append(("import", _("Import"), reverse("people:import_start")))
    # Organisation-wide tools live in the user menu, so the tabs keep room for the areas.
    tools = []
    if access.can_view_audit_log(user):
        tools.append({"label": _("Audit log"), "url": reverse("audit_log")})
    if notifications_access.can_view_deliveries(user):
        tools.append({"label": _("Mail delivery"), "url": reverse("notifications:delivery")})
    if access.is_hr_admin(user):
        tools.append({"label": _("Review templates"), "url": reverse("reviews:template_list")})
        tools.append({"label": _("Review cycles"), "url": reverse("reviews:cycle_list")})
        tools.append({"label": _("Certification types"), "url": reverse("certifications:types")})
        tools.append(
            {"label": _("Certification compliance"), "url": reverse("certifications:compliance")}
        )
    return {
        "nav_items": [{"key": k, "label": label, "url": url} for k, label, url in items],
        "me": me,
        "tool_items": tools,
        # Only people have notifications (an HR account without a person record has none).
        "bell": Bell(me) if me is not None else None,
        "is_hr_admin": access.is_hr_admin(user),
    }
