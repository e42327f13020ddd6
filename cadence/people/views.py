"""Directory, profile, team and org-chart pages. Thin: parse → access → query → render."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.http import HtmxHttpRequest
from cadence.people import access, queries, services
from cadence.people.forms import (
    AttributeSensitivityForm,
    DirectoryFilterForm,
    LeaveForm,
    PersonForm,
    RolesForm,
)


@require_GET
@login_required
def directory(request: HtmxHttpRequest) -> HttpResponse:
    if not access.can_view_directory(request.user):
        raise Http404
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_filters()
    page = queries.directory_page(
        request.user,
        page=request.GET.get("page"),
        per_page=settings.CADENCE_DIRECTORY_PAGE_SIZE,
        **filters,
    )
    context = {
        "form": form,
        "page": page,
        "nav_active": "people",
        "can_manage": access.can_manage_people(request.user),
    }
    template = "people/directory.html"
    if request.htmx and request.htmx.target == "directory-results":
        template += "#results"
    return render(request, template, context)


@require_GET
@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.person_for_read(request.user, person_id)
    can_employment = access.can_view_employment(request.user, person)
    context = {
        "person": person,
        "chain": access.visible_people(request.user, queries.manager_chain(person)),
        "reports": queries.direct_reports(person),
        "can_view_employment": can_employment,
        "can_view_team": access.can_view_team(request.user, person),
        "attributes": access.visible_attributes(request.user, person),
        "can_manage": access.can_manage_people(request.user),
        "can_view_audit_log": access.can_view_audit_log(request.user),
        "roles_form": RolesForm(user=person.user)
        if access.can_manage_people(request.user) and person.user
        else None,
        "nav_active": "people",
    }
    return render(request, "people/person_detail.html", context)


@require_GET
@login_required
def my_team(request: HttpRequest) -> HttpResponse:
    me = access.acting_person(request.user)
    if me is None:
        raise Http404
    return redirect("people:team", person_id=me.pk)


@require_GET
@login_required
def team(request: HttpRequest, person_id: int) -> HttpResponse:
    manager = access.team_for_read(request.user, person_id)
    view = queries.team(manager)
    line_page = None
    if request.GET.get("show") == "line":
        line_page = queries.paginate(
            queries.whole_line(manager),
            request.GET.get("page"),
            settings.CADENCE_DIRECTORY_PAGE_SIZE,
        )
    context = {
        "team": view,
        "line_page": line_page,
        "manager": manager,
        "nav_active": "team" if manager == access.acting_person(request.user) else "people",
    }
    return render(request, "people/team.html", context)


@require_GET
@login_required
def org_chart(request: HttpRequest, person_id: int | None = None) -> HttpResponse:
    if not access.can_view_directory(request.user):
        raise Http404
    if person_id is None:
        me = access.acting_person(request.user)
        if me is None:
            return render(request, "people/org_chart.html", _top_of_chart())
        person_id = me.pk
    person = access.person_for_read(request.user, person_id)
    context = {
        "focus": person,
        "chain": access.visible_people(request.user, queries.manager_chain(person)),
        "reports": queries.direct_reports(person),
        "nav_active": "org",
    }
    return render(request, "people/org_chart.html", context)


@require_GET
@login_required
def org_chart_top(request: HttpRequest) -> HttpResponse:
    if not access.can_view_directory(request.user):
        raise Http404
    return render(request, "people/org_chart.html", _top_of_chart())


def _top_of_chart() -> dict[str, Any]:
    # One person at the top (the usual case): open their reports, so the chart starts as
    # a chart; several roots (a merger, an import without managers) start closed.
    roots = queries.top_of_organisation()
    root_reports = queries.direct_reports(roots[0]) if len(roots) == 1 else None
    return {"roots": roots, "root_reports": root_reports, "nav_active": "org"}


@require_GET
@login_required
def org_chart_reports(request: HttpRequest, person_id: int) -> HttpResponse:
    """The direct reports of one node, rendered alone for htmx's expand."""
    person = access.person_for_read(request.user, person_id)
    return render(
        request,
        "people/org_chart.html#node-children",
        {"node": person, "children": queries.direct_reports(person)},
    )


@require_POST
@login_required
def person_roles(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.person_for_read(request.user, person_id)
    access.require_people_manager(request.user)
    if person.user is None:
        raise Http404
    form = RolesForm(request.POST, user=person.user)
    if form.is_valid():
        try:
            services.user_set_roles(
                actor=request.user,
                user=person.user,
                hr_admin=form.cleaned_data["hr_admin"],
                executive=form.cleaned_data["executive"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Roles of %(name)s saved.") % {"name": person.full_name})
    return redirect("people:person", person_id=person.pk)


def _add_errors(form: PersonForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    access.require_people_manager(request.user)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s added. They can sign in after setting a password with "
                    "“Forgot password?”."
                )
                % {"name": person.full_name},
            )
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "nav_active": "people"})


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.person_for_edit(request.user, person_id)
    form = PersonForm(request.POST or None, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.changes())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.full_name})
            return redirect("people:person", person_id=person.pk)
    context = {
        "form": form,
        "person": person,
        "nav_active": "people",
        "leave_form": LeaveForm(initial={"left_on": timezone.localdate()}),
        "reports_count": queries.direct_reports_query(person).count(),
    }
    return render(request, "people/person_form.html", context)


@require_POST
@login_required
def person_leave(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.person_for_edit(request.user, person_id)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day as a date."))
        return redirect("people:person_edit", person_id=person.pk)
    try:
        services.person_mark_left(
            actor=request.user, person=person, left_on=form.cleaned_data["left_on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:person_edit", person_id=person.pk)
    messages.success(
        request,
        _("%(name)s is marked as left and can no longer sign in.") % {"name": person.full_name},
    )
    return redirect("people:person", person_id=person.pk)


@require_POST
@login_required
def person_reactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.person_for_edit(request.user, person_id)
    services.person_reactivate(actor=request.user, person=person)
    messages.success(request, _("%(name)s is active again.") % {"name": person.full_name})
    return redirect("people:person", person_id=person.pk)


@require_GET
@login_required
def attributes(request: HttpRequest) -> HttpResponse:
    definitions = access.attributes_for_manage(request.user)
    return render(
        request,
        "people/attributes.html",
        {"attributes": definitions, "nav_active": "import"},
    )


@require_POST
@login_required
def attribute_sensitivity(request: HtmxHttpRequest, attribute_id: int) -> HttpResponse:
    attribute = access.attribute_for_edit(request.user, attribute_id)
    form = AttributeSensitivityForm(request.POST)
    if form.is_valid():
        services.attribute_set_sensitivity(
            actor=request.user, attribute=attribute, sensitive=form.cleaned_data["sensitive"]
        )
    if request.htmx:
        return render(request, "people/attributes.html#attribute-row", {"attribute": attribute})
    return redirect("people:attributes")


@require_GET
@login_required
def departments(request: HttpRequest) -> HttpResponse:
    if not access.can_view_directory(request.user):
        raise Http404
    return render(
        request,
        "people/departments.html",
        {"departments": queries.department_tree(), "nav_active": "people"},
    )
