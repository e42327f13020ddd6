"""HR's review cycle pages: the list, the form (create, and edit while draft), the
cycle page (settings, phase and deadlines, counts by type and state, actions), the
participants preview (who is in, who is not and why, paginated), the launch with its
confirmation, late joiners, people changes and the next phase.
Thin: parse → access → service/query → respond.

Every POST runs in one transaction so that the cycle the access layer locks stays
locked until the service has written.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.forms import form_errors
from cadence.reviews import access
from cadence.reviews import queries_cycles as queries
from cadence.reviews.forms_cycles import AdvanceForm, CycleForm, add_service_errors
from cadence.reviews.models import ReviewCycle, ReviewerType
from cadence.reviews.services import cycles as services

NAV = "reviews"
PAGE_SIZE = 50


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_GET
@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    access.require_review_manager(request.user)
    page = _page(request, "page", queries.cycles())
    context = {"cycles": page.object_list, "page": page, "nav_active": NAV}
    return render(request, "reviews/cycles/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def cycle_create(request: HttpRequest) -> HttpResponse:
    access.require_review_manager(request.user)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is a draft: check who takes part, then launch it.")
                % {"name": cycle.name},
            )
            return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
    context = {"form": form, "cycle": None, "nav_active": NAV}
    return render(request, "reviews/cycles/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def cycle_edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=request.method == "POST")
    if cycle.phase != ReviewCycle.Phase.DRAFT:
        messages.error(request, _("A launched cycle's settings can no longer change."))
        return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
    form = CycleForm(request.POST or None, initial=CycleForm.initial_from(cycle))
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(actor=request.user, cycle=cycle, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cycle saved."))
            return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
    context = {"form": form, "cycle": cycle, "nav_active": NAV}
    return render(request, "reviews/cycles/form.html", context, status=400 if form.errors else 200)


@require_GET
@login_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id)
    context: dict[str, Any] = {
        "cycle": cycle,
        "criteria": queries.criteria_names(cycle),
        "deadlines": [
            (str(label), getattr(cycle, name))
            for name, label in services.DEADLINES
            if getattr(cycle, name)
        ],
        "phases": [(p, ReviewCycle.Phase(p).label) for p in services.phases_of(cycle)],
        "review_types": [ReviewerType(t).label for t in cycle.review_types],
        "next_phase": services.next_phase(cycle),
        "nav_active": NAV,
    }
    if cycle.phase == ReviewCycle.Phase.DRAFT:
        context["preview"] = services.participants_preview(cycle)
    else:
        context["counts"] = queries.cycle_counts(cycle)
        context["joinable"] = cycle.phase in services.JOINABLE_PHASES
    if context["next_phase"]:
        context["next_phase_label"] = ReviewCycle.Phase(context["next_phase"]).label
    return render(request, "reviews/cycles/detail.html", context)


def _page(request: HttpRequest, name: str, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(name))


@require_GET
@login_required
def cycle_participants(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Who is in (page ``in``) and who is not and why (page ``out``, one ``reason``)."""
    cycle = access.cycle_for_manage(request.user, cycle_id)
    reason = request.GET.get("reason", "")
    if reason not in services.LeftOut.values:
        reason = ""
    preview = services.participants_preview(cycle)
    context = {
        "cycle": cycle,
        "preview": preview,
        "reason": reason,
        "included": _page(request, "in", services.participants_list(cycle)),
        "left_out": _page(request, "out", services.left_out_list(cycle, reason)),
        "reasons": dict(services.LeftOut.choices),
        "nav_active": NAV,
    }
    return render(request, "reviews/cycles/participants.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def cycle_launch(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """GET: the confirmation with the counts; POST: the launch."""
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=request.method == "POST")
    if cycle.phase != ReviewCycle.Phase.DRAFT:
        messages.info(request, _("%(name)s is already launched.") % {"name": cycle.name})
        return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
    if request.method == "POST":
        try:
            result = services.cycle_launch(actor=request.user, cycle=cycle)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is launched: %(reviews)s reviews, %(assignments)s assignments.")
                % {
                    "name": cycle.name,
                    "reviews": f"{result.reviews:,}",
                    "assignments": f"{result.assignments_total:,}",
                },
            )
        return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
    context = {"cycle": cycle, "estimate": queries.launch_estimate(cycle), "nav_active": NAV}
    return render(request, "reviews/cycles/launch.html", context)


@require_POST
@login_required
@transaction.atomic
def cycle_late_joiners(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    try:
        result = services.cycle_add_late_joiners(actor=request.user, cycle=cycle)
    except ValidationError as error:
        _error(request, error)
    else:
        if result.reviews or result.assignments_total:
            messages.success(
                request,
                _("Added %(reviews)s reviews and %(assignments)s assignments.")
                % {"reviews": result.reviews, "assignments": result.assignments_total},
            )
        else:
            messages.info(request, _("Nobody was missing: nothing added."))
    return redirect("reviews:cycle_detail", cycle_id=cycle.pk)


@require_POST
@login_required
@transaction.atomic
def cycle_sync(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    try:
        result = services.cycle_sync_people(actor=request.user, cycle=cycle)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            _(
                "%(moved)s manager reviews moved to a new manager; %(reviews)s reviews and "
                "%(assignments)s open assignments of people who left closed."
            )
            % {
                "moved": result.moved,
                "reviews": result.reviews_closed,
                "assignments": result.assignments_closed,
            },
        )
    return redirect("reviews:cycle_detail", cycle_id=cycle.pk)


@require_POST
@login_required
@transaction.atomic
def cycle_advance(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
    try:
        cycle = services.cycle_advance(
            actor=request.user, cycle=cycle, phase=form.cleaned_data["phase"]
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is now in %(phase)s.")
            % {"name": cycle.name, "phase": cycle.get_phase_display()},
        )
    return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
