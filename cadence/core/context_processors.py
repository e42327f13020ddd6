from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.people import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation. Each later area (Plan, Goals, Check-ins, Feedback, Reviews,
    Development, Insights) adds its entry here, shown only to those it is for."""
    user = request.user
    if not access.is_member(user):
        return {"nav_items": [], "tool_items": [], "me": None}
    me = access.acting_person(user)
    # Performance areas first, then the directory; later areas (Check-ins, Feedback,
    # Reviews, Development, Insights) slot in after KPIs.
    items = [
        ("home", _("Home"), reverse("home")),
        ("plan", _("Plan"), reverse("planning:my_plan")),
        ("goals", _("Goals"), reverse("goals:my_goals")),
        ("kpis", _("KPIs"), reverse("kpis:index")),
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
    return {
        "nav_items": [{"key": k, "label": label, "url": url} for k, label, url in items],
        "me": me,
        "tool_items": tools,
        "is_hr_admin": access.is_hr_admin(user),
    }
