"""Plan pages (My plan, a report's plan, Team plans), the periods admin and the
competency framework editor. Thin: parse → access → service/query → respond.

Every POST view runs in one transaction so that the row the access layer locks
stays locked until the service has written.
"""

import base64
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.forms import form_errors
from cadence.people.access import acting_person, has_reports
from cadence.planning import access, queries, services
from cadence.planning.forms import (
    CompetencyForm,
    CompetencyUploadForm,
    CopyFrameworkForm,
    DevelopmentItemForm,
    ExpectationForm,
    ExpectationsForm,
    FrameworkForm,
    GroupForm,
    PeriodForm,
    PlanOpenForm,
    SignForm,
    add_service_errors,
)
from cadence.planning.models import CompetencyFramework, PerformancePlan

NAV = "plan"
UPLOAD_SESSION_KEY = "planning_competency_upload"
MAX_UPLOAD_BYTES = 2_000_000


def _picker() -> dict[str, Any]:
    # Pages that are not about one period (periods, competencies) still show the period
    # selector: it opens on the default period, as My plan does, not on the first listed.
    choices = queries.periods()
    return {"periods": choices, "nav_period": queries.default_period(choices)}


def _period_context(request: HttpRequest) -> dict[str, Any]:
    choices = queries.periods()
    return {"periods": choices, "period": queries.period_from(request.GET.get("period"), choices)}


def _tabs(user: Any) -> dict[str, Any]:
    me = acting_person(user)
    return {
        "is_manager": me is not None and has_reports(me),
        "can_manage_periods": access.can_manage_periods(user),
        "can_edit_frameworks": access.can_edit_frameworks(user),
    }


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- plans -----------------------------------------------------------------------------


@require_GET
@login_required
def my_plan(request: HttpRequest) -> HttpResponse:
    access.require_member(request.user)
    me = acting_person(request.user)
    context = {
        **_period_context(request),
        **_tabs(request.user),
        "tab": "mine",
        "me": me,
        "nav_active": NAV,
    }
    plan = queries.plan_of(me, context["period"]) if me is not None else None
    if plan is not None:
        return _render_plan(request, plan, context)
    period = context["period"]
    context["open_form"] = (
        PlanOpenForm(initial={"person": me.pk, "period": period.pk})
        if me is not None and period is not None and not period.is_closed
        else None
    )
    return render(request, "planning/my_plan.html", context)


@require_GET
@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_for_read(request.user, plan_id)
    me = acting_person(request.user)
    tab = "mine" if me is not None and me.pk == plan.person_id else "team"
    context = {**_tabs(request.user), "tab": tab, "period": plan.period, "nav_active": NAV}
    return _render_plan(request, plan, context)


def _render_plan(
    request: HttpRequest,
    plan: PerformancePlan,
    context: dict[str, Any],
    *,
    item_form: DevelopmentItemForm | None = None,
    expectations_form: ExpectationsForm | None = None,
) -> HttpResponse:
    user = request.user
    # The period selector of the plan tabs (My plan already has the list).
    context.setdefault("periods", queries.periods())
    can_edit = access.can_edit_plan(user, plan)
    can_sign = access.can_sign(user, plan)
    context.update(
        {
            "plan": plan,
            "detail": queries.plan_detail(user, plan),
            "can_edit": can_edit,
            "can_sign_employee": can_sign and access.can_sign_as_employee(user, plan),
            "can_sign_manager": can_sign and access.can_sign_as_manager(user, plan),
            "expectations_form": expectations_form
            or ExpectationsForm(initial={"expectations": plan.expectations}),
            "item_form": item_form or DevelopmentItemForm(),
            "sign_form": SignForm(),
        }
    )
    return render(request, "planning/plan.html", context)


@require_GET
@login_required
def team_plans(request: HttpRequest) -> HttpResponse:
    access.require_member(request.user)
    me = acting_person(request.user)
    if me is None or not has_reports(me):
        raise Http404
    context = {**_period_context(request), **_tabs(request.user), "tab": "team", "nav_active": NAV}
    context["team"] = queries.team_plans(me, context["period"])
    return render(request, "planning/team_plans.html", context)


@require_POST
@login_required
@transaction.atomic
def plan_open(request: HttpRequest) -> HttpResponse:
    form = PlanOpenForm(request.POST)
    if not form.is_valid():
        raise Http404
    period = access.period_for_read(request.user, form.cleaned_data["period"])
    person = access.person_for_planning(request.user, form.cleaned_data["person"], period)
    plan = services.plan_open(
        actor=request.user,
        person=person,
        period=period,
        from_previous=form.cleaned_data["from_previous"],
    )
    return redirect("planning:plan", plan_id=plan.pk)


@require_POST
@login_required
@transaction.atomic
def plan_expectations(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_for_edit(request.user, plan_id)
    form = ExpectationsForm(request.POST)
    if form.is_valid():
        services.plan_update(
            actor=request.user, plan=plan, expectations=form.cleaned_data["expectations"]
        )
        messages.success(request, _("Expectations saved."))
    else:
        messages.error(request, _("Not saved. %(errors)s") % {"errors": form_errors(form)})
    return redirect("planning:plan", plan_id=plan.pk)


@require_POST
@login_required
@transaction.atomic
def development_item_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_for_edit(request.user, plan_id)
    form = DevelopmentItemForm(request.POST)
    if form.is_valid():
        try:
            services.development_item_add(
                actor=request.user,
                plan=plan,
                need=form.cleaned_data["need"],
                action=form.cleaned_data["action"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Development item added."))
            return redirect(reverse("planning:plan", args=[plan.pk]) + "#development")
    context = {**_tabs(request.user), "tab": "team", "period": plan.period, "nav_active": NAV}
    return _render_plan(request, plan, context, item_form=form)


@require_POST
@login_required
@transaction.atomic
def development_item_update(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access.development_item_for_edit(request.user, item_id)
    form = DevelopmentItemForm(request.POST)
    if form.is_valid():
        try:
            services.development_item_update(
                actor=request.user,
                item=item,
                need=form.cleaned_data["need"],
                action=form.cleaned_data["action"],
                due_on=form.cleaned_data["due_on"],
                status=form.cleaned_data["status"] or item.status,
            )
        except ValidationError as error:
            _error(request, error)
    else:
        messages.error(
            request,
            _("The development item was not saved. %(errors)s") % {"errors": form_errors(form)},
        )
    return redirect(reverse("planning:plan", args=[item.plan_id]) + "#development")


@require_POST
@login_required
@transaction.atomic
def development_item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access.development_item_for_edit(request.user, item_id)
    services.development_item_remove(actor=request.user, item=item)
    return redirect(reverse("planning:plan", args=[item.plan_id]) + "#development")


@require_POST
@login_required
@transaction.atomic
def plan_propose(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_for_edit(request.user, plan_id)
    services.plan_propose(actor=request.user, plan=plan)
    messages.success(request, _("Plan proposed: it now needs both signatures."))
    return redirect("planning:plan", plan_id=plan.pk)


@require_POST
@login_required
@transaction.atomic
def plan_sign(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.plan_for_sign(request.user, plan_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        # Not signed: a signature must not go through without the comment its signer wrote.
        messages.error(request, _("Not signed. %(errors)s") % {"errors": form_errors(form)})
        return redirect("planning:plan", plan_id=plan.pk)
    plan = services.plan_sign(actor=request.user, plan=plan, comment=form.cleaned_data["comment"])
    if plan.state == PerformancePlan.State.AGREED:
        messages.success(request, _("Signed. The plan is agreed."))
    else:
        messages.success(request, _("Signed. The plan is agreed once the other side signs."))
    return redirect("planning:plan", plan_id=plan.pk)


# --- periods ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def periods(request: HttpRequest) -> HttpResponse:
    access.require_period_manager(request.user)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s created.") % {"name": period.name})
            return redirect("planning:periods")
    context = {
        **_picker(),
        "form": form,
        "tab": "periods",
        **_tabs(request.user),
        "nav_active": NAV,
    }
    return render(request, "planning/periods.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
@transaction.atomic
def period_activate(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_manage(request.user, period_id)
    try:
        services.period_activate(actor=request.user, period=period)
    except ValidationError as error:
        _error(request, error)
    return redirect("planning:periods")


@require_POST
@login_required
@transaction.atomic
def period_close(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_manage(request.user, period_id)
    try:
        services.period_close(actor=request.user, period=period)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("%(name)s is closed: its plans are now read-only.") % {"name": period.name}
        )
    return redirect("planning:periods")


# --- competency framework ------------------------------------------------------------


def _framework_url(framework: CompetencyFramework) -> str:
    return reverse("planning:competencies") + f"?framework={framework.pk}"


@require_GET
@login_required
def competencies(request: HttpRequest) -> HttpResponse:
    access.require_framework_editor(request.user)
    all_frameworks = queries.frameworks()
    try:
        wanted = int(request.GET.get("framework", ""))
    except ValueError:
        wanted = None
    framework = next(
        (f for f in all_frameworks if f.pk == wanted), all_frameworks[0] if all_frameworks else None
    )
    groups = queries.framework_tree(framework) if framework else []
    levels = queries.framework_levels(groups)
    context = {
        "frameworks": all_frameworks,
        "framework": framework,
        "grids": queries.competency_grid(groups, levels),
        **_picker(),
        "levels": levels,
        "frozen": framework is not None and services.framework_is_frozen(framework),
        "framework_form": FrameworkForm(),
        "copy_form": CopyFrameworkForm(),
        "group_form": GroupForm(),
        "competency_form": CompetencyForm(),
        "expectation_form": ExpectationForm(),
        "upload_form": CompetencyUploadForm(),
        "tab": "competencies",
        **_tabs(request.user),
        "nav_active": NAV,
    }
    return render(request, "planning/competencies.html", context)


@require_POST
@login_required
@transaction.atomic
def framework_create(request: HttpRequest) -> HttpResponse:
    access.require_framework_editor(request.user)
    form = FrameworkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the framework a name."))
        return redirect("planning:competencies")
    try:
        framework = services.framework_create(actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        _error(request, error)
        return redirect("planning:competencies")
    return redirect(_framework_url(framework))


@require_POST
@login_required
@transaction.atomic
def framework_copy(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = access.framework_for_edit(request.user, framework_id)
    form = CopyFrameworkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an open period without a framework."))
        return redirect(_framework_url(framework))
    try:
        copy = services.framework_copy_for_period(
            actor=request.user, framework=framework, period=form.cleaned_data["period"]
        )
    except ValidationError as error:
        _error(request, error)
        return redirect(_framework_url(framework))
    return redirect(_framework_url(copy))


def _new_version_note(
    request: HttpRequest, before: CompetencyFramework, after: CompetencyFramework
) -> None:
    if before.pk != after.pk:
        messages.warning(
            request,
            _(
                "%(old)s belongs to a closed period and stays as it was: your change is in the "
                "new version %(new)s."
            )
            % {"old": before, "new": after},
        )


def _framework_change(
    request: HttpRequest,
    framework: CompetencyFramework,
    change: Callable[[dict[str, Any]], CompetencyFramework],
    *,
    form: forms.Form | None = None,
    invalid: str = "",
) -> HttpResponse:
    """The framework editor's one shape: check the form, make the change (the service
    answers the framework version it landed in: a new one when ``framework`` belongs
    to a closed period), say so, and go back to the editor on that version."""
    if form is not None and not form.is_valid():
        # A missing name gets the editor's own hint; anything else (too long, a NUL
        # character) is said field by field.
        missing = any(form.has_error(name, "required") for name in form.errors)
        messages.error(request, invalid if missing else form_errors(form))
        return redirect(_framework_url(framework))
    try:
        after = change(form.cleaned_data if form is not None else {})
    except ValidationError as error:
        _error(request, error)
        return redirect(_framework_url(framework))
    _new_version_note(request, framework, after)
    return redirect(_framework_url(after))


@require_POST
@login_required
@transaction.atomic
def group_add(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = access.framework_for_edit(request.user, framework_id)
    return _framework_change(
        request,
        framework,
        lambda data: (
            services.group_create(
                actor=request.user, framework=framework, name=data["name"]
            ).framework
        ),
        form=GroupForm(request.POST),
        invalid=_("Give the group a name."),
    )


@require_POST
@login_required
@transaction.atomic
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.group_for_edit(request.user, group_id)
    if request.POST.get("delete"):
        return _framework_change(
            request,
            group.framework,
            lambda _data: services.group_delete(actor=request.user, group=group),
        )
    return _framework_change(
        request,
        group.framework,
        lambda data: (
            services.group_update(actor=request.user, group=group, name=data["name"]).framework
        ),
        form=GroupForm(request.POST),
        invalid=_("Give the group a name."),
    )


@require_POST
@login_required
@transaction.atomic
def competency_add(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.group_for_edit(request.user, group_id)
    return _framework_change(
        request,
        group.framework,
        lambda data: (
            services.competency_create(actor=request.user, group=group, **data).group.framework
        ),
        form=CompetencyForm(request.POST),
        invalid=_("Give the competency a name."),
    )


@require_POST
@login_required
@transaction.atomic
def competency_edit(request: HttpRequest, competency_id: int) -> HttpResponse:
    competency = access.competency_for_edit(request.user, competency_id)
    framework = competency.group.framework
    if request.POST.get("delete"):
        return _framework_change(
            request,
            framework,
            lambda _data: services.competency_delete(actor=request.user, competency=competency),
        )
    return _framework_change(
        request,
        framework,
        lambda data: (
            services.competency_update(
                actor=request.user, competency=competency, **data
            ).group.framework
        ),
        form=CompetencyForm(request.POST),
        invalid=_("Give the competency a name."),
    )


@require_POST
@login_required
@transaction.atomic
def expectation_set(request: HttpRequest, competency_id: int) -> HttpResponse:
    competency = access.competency_for_edit(request.user, competency_id)
    return _framework_change(
        request,
        competency.group.framework,
        lambda data: (
            services.expectation_set(
                actor=request.user, competency=competency, **data
            ).group.framework
        ),
        form=ExpectationForm(request.POST),
        invalid=_("Give the job level, e.g. L3."),
    )


@require_POST
@login_required
def competencies_upload(request: HttpRequest, framework_id: int) -> HttpResponse:
    """Check an uploaded file and show its rows or every error; nothing is written
    until the HR admin confirms (the file waits in their session)."""
    framework = access.framework_for_edit(request.user, framework_id)
    form = CompetencyUploadForm(request.POST, request.FILES)
    context = {
        "framework": framework,
        "form": form,
        **_picker(),
        "tab": "competencies",
        **_tabs(request.user),
        "nav_active": NAV,
    }
    if not form.is_valid():
        return render(request, "planning/competencies_upload.html", context, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error("file", _("The file is larger than 2 MB."))
        return render(request, "planning/competencies_upload.html", context, status=400)
    data = upload.read()
    try:
        rows = services.competencies_check(data=data, file_name=upload.name)
    except services.CompetencyImportErrors as errors:
        context.update({"errors": errors.errors, "summary": str(errors)})
        return render(request, "planning/competencies_upload.html", context, status=400)
    request.session[UPLOAD_SESSION_KEY] = {
        "framework": framework.pk,
        "file_name": upload.name,
        "data": base64.b64encode(data).decode("ascii"),
    }
    context.update(
        {
            "file_name": upload.name,
            "rows": [
                (r["Group"], r["Competency"], r["Level"], r["Expected behaviour"]) for r in rows
            ],
        }
    )
    return render(request, "planning/competencies_upload.html", context)


@require_POST
@login_required
@transaction.atomic
def competencies_confirm(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = access.framework_for_edit(request.user, framework_id)
    pending = request.session.get(UPLOAD_SESSION_KEY)
    if not pending or pending.get("framework") != framework.pk:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect(_framework_url(framework))
    try:
        summary = services.competencies_import(
            actor=request.user,
            framework=framework,
            data=base64.b64decode(pending["data"]),
            file_name=pending["file_name"],
        )
    except services.CompetencyImportErrors as errors:
        messages.error(request, f"{errors} " + "; ".join(errors.errors))
        return redirect(_framework_url(framework))
    del request.session[UPLOAD_SESSION_KEY]
    messages.success(
        request,
        _("Imported: %(g)d new group(s), %(c)d new competency(ies), %(e)d expected behaviour(s).")
        % {"g": summary.groups, "c": summary.competencies, "e": summary.expectations},
    )
    _new_version_note(request, framework, summary.framework)
    return redirect(_framework_url(summary.framework))
