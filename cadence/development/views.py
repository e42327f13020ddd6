"""Development pages: a person's development (items, actions, career aspiration), one
item with its actions and status, adding an item, a manager's team at a glance and
HR's competency coverage. Thin: parse → access → service/query → render. Nothing is
written on GET."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.development import access, charts, exports, queries, services
from cadence.development.forms import ActionForm, AspirationForm, ItemForm, StatusForm
from cadence.development.models import DevelopmentItem
from cadence.kpis.forms import add_service_errors
from cadence.people import access as people_access
from cadence.people.models import Department, Person

NAV = "development"


def _links(request: HttpRequest, tab: str = "") -> dict[str, Any]:
    """The links every development page offers (the team view for managers, coverage
    for HR); other areas' development pages (certificates) add theirs in the template's
    ``development_links`` block."""
    return {
        "can_view_team": access.can_view_team(request.user),
        "can_view_coverage": access.can_view_coverage(request.user),
        "nav_active": NAV,
        "tab": tab,
    }


def _person_page(
    request: HttpRequest, person: Person, *, aspiration_form: AspirationForm | None = None
) -> HttpResponse:
    me = people_access.acting_person(request.user)
    aspiration = access.aspiration_of(person)
    can_write = access.can_write_aspiration(request.user, person)
    views = queries.person_development(person)
    context = {
        "person": person,
        "is_me": me is not None and me.pk == person.pk,
        "items": views,
        "counts": charts.status_counts([v.item for v in views]),
        "aspiration": aspiration,
        "can_edit": access.can_edit_person(request.user, person),
        "can_write_aspiration": can_write,
        "aspiration_form": aspiration_form
        or (
            AspirationForm(initial={"text": aspiration.text if aspiration else ""})
            if can_write
            else None
        ),
        **_links(request, "mine" if me is not None and me.pk == person.pk else ""),
    }
    status = 422 if aspiration_form is not None and aspiration_form.errors else 200
    return render(request, "development/person.html", context, status=status)


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    me = people_access.acting_person(request.user)
    if me is None:
        # An organisation-wide account without a person record (HR, an executive).
        if access.can_view_coverage(request.user):
            return redirect("development:coverage")
        return render(
            request, "development/person.html", {"person": None, **_links(request, "mine")}
        )
    return _person_page(request, me)


@require_GET
@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, access.person_for_read(request.user, person_id))


@require_POST
@login_required
@transaction.atomic
def aspiration(request: HttpRequest, person_id: int) -> HttpResponse:
    who = access.person_for_read(request.user, person_id)
    if not access.can_write_aspiration(request.user, who):
        raise access.Refused(
            _("Only %(person)s writes their career aspirations.") % {"person": who.full_name}
        )
    form = AspirationForm(request.POST)
    if form.is_valid():
        try:
            services.aspiration_set(actor=request.user, person=who, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Career aspirations saved."))
            return redirect("development:mine")
    return _person_page(request, who, aspiration_form=form)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def item_add(request: HttpRequest, person_id: int) -> HttpResponse:
    who = access.person_for_edit(request.user, person_id)
    form = ItemForm(request.POST or None, person=who)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_add(actor=request.user, person=who, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Development item added."))
            return redirect("development:item", item_id=item.pk)
    return render(
        request,
        "development/item_form.html",
        {"form": form, "person": who, **_links(request)},
        status=422 if form.errors else 200,
    )


def _item_page(
    request: HttpRequest,
    item: DevelopmentItem,
    *,
    status_form: StatusForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = queries.item_views([queries.items_of(item.person).get(pk=item.pk)])[0]
    can_edit = access.can_edit_person(request.user, item.person)
    context = {
        "view": view,
        "item": view.item,
        "person": item.person,
        "can_edit": can_edit,
        "status_form": status_form
        or StatusForm(initial={"status": item.status, "evidence": item.evidence}),
        "action_form": action_form or ActionForm(),
        **_links(request),
    }
    return render(request, "development/item.html", context, status=status)


@require_GET
@login_required
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_page(request, access.item_for_read(request.user, item_id))


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    found = access.item_for_edit(request.user, item_id)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(found), person=found.person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["target_level"] = data["target_level"] or (
            found.person.level if data["competency"] else ""
        )
        try:
            services.item_update(actor=request.user, item=found, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Development item saved."))
            return redirect("development:item", item_id=found.pk)
    return render(
        request,
        "development/item_form.html",
        {"form": form, "person": found.person, "item": found, **_links(request)},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
@transaction.atomic
def item_status(request: HttpRequest, item_id: int) -> HttpResponse:
    found = access.item_for_edit(request.user, item_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.item_update(actor=request.user, item=found, **form.cleaned_data)
        except ValidationError as error:
            # The item keeps what it had; the form shows what was typed.
            found.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status saved."))
            return redirect("development:item", item_id=found.pk)
    return _item_page(request, found, status_form=form, status=422)


@require_POST
@login_required
@transaction.atomic
def item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    found = access.item_for_edit(request.user, item_id)
    person_id = found.person_id
    try:
        services.item_remove(actor=request.user, item=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("development:item", item_id=found.pk)
    messages.success(request, _("Development item removed."))
    return redirect("development:person", person_id=person_id)


@require_POST
@login_required
@transaction.atomic
def action_add(request: HttpRequest, item_id: int) -> HttpResponse:
    found = access.item_for_edit(request.user, item_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.action_add(actor=request.user, item=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action added."))
            return redirect("development:item", item_id=found.pk)
    return _item_page(request, found, action_form=form, status=422)


@require_POST
@login_required
@transaction.atomic
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.action_for_edit(request.user, action_id)
    services.action_update(actor=request.user, action=action, done=request.POST.get("done") == "1")
    return redirect("development:item", item_id=action.item_id)


@require_POST
@login_required
@transaction.atomic
def action_remove(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.action_for_edit(request.user, action_id)
    item_id = action.item_id
    services.action_remove(actor=request.user, action=action)
    messages.success(request, _("Action removed."))
    return redirect("development:item", item_id=item_id)


def _whole_line(request: HttpRequest) -> bool:
    return request.GET.get("line") == "all"


@require_GET
@login_required
def team(request: HttpRequest) -> HttpResponse:
    me = access.require_team_viewer(request.user)
    whole_line = _whole_line(request)
    rows, count = queries.team_rows(me, whole_line=whole_line)
    return render(
        request,
        "development/team.html",
        {
            "rows": [(r, charts.team_bar(r)) for r in rows],
            "count": count,
            "shown": len(rows),
            "whole_line": whole_line,
            "totals": charts.team_totals(rows),
            **_links(request, "team"),
        },
    )


@require_GET
@login_required
def team_export(request: HttpRequest) -> StreamingHttpResponse:
    me = access.require_team_viewer(request.user)
    return exports.team_csv_response(me, whole_line=_whole_line(request))


def _department(request: HttpRequest) -> Department | None:
    """The coverage's department filter (the caller is a coverage viewer)."""
    wanted = request.GET.get("department", "")
    if not wanted:
        return None
    try:
        department_id = int(wanted)
    except ValueError:
        raise Http404 from None
    return people_access.department_for_read(request.user, department_id)


@require_GET
@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    access.require_coverage_viewer(request.user)
    department = _department(request)
    rows = queries.coverage(department)
    return render(
        request,
        "development/coverage.html",
        {
            "rows": [(r, charts.coverage_bar(r, department)) for r in rows],
            "department": department,
            "departments": Department.objects.order_by("full_name"),
            "population": rows[0].population if rows else None,
            **_links(request, "coverage"),
        },
    )


@require_GET
@login_required
def coverage_export(request: HttpRequest) -> StreamingHttpResponse:
    access.require_coverage_viewer(request.user)
    return exports.coverage_csv_response(_department(request))
