"""Goal pages: My goals, Team goals, the alignment tree, one goal, and the forms that
change them. Thin: parse → access → service/query → render.

Views that obtain a goal through ``access.*_for_edit`` run in a transaction: it locks
the goal's row until the change is written."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.db import atomic_retrying
from cadence.core.forms import form_errors
from cadence.core.http import HtmxHttpRequest
from cadence.goals import access, health, queries, services
from cadence.goals.actions import check_in_note, goal_actions
from cadence.goals.forms import (
    AlignForm,
    AlignmentFilterForm,
    CheckInForm,
    GoalCreateForm,
    GoalForm,
    KeyResultForm,
    StateForm,
    owner_choices,
)
from cadence.goals.models import KeyResult
from cadence.goals.progress import explain_goal, explain_key_result
from cadence.people import access as people_access
from cadence.people.access import Refused
from cadence.planning import queries as planning_queries

NAV = "goals"


@dataclass(frozen=True)
class KeyResultRow:
    """A key result as its row shows it to this reader (``_key_result.html#kr-row``)."""

    key_result: KeyResult  # with its latest check-in (queries.key_results_with_latest)
    can_check_in: bool
    explain: str  # the progress rule with this key result's numbers, on hover
    chart: str = ""  # its value over time, on the goal's page


@dataclass(frozen=True)
class GoalCard:
    """A goal on My goals: its flags, whether the reader may edit it, its key results."""

    flagged: queries.FlaggedGoal
    editable: bool
    key_results: list[KeyResultRow]


def render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """``render`` with the goal half of the progress rule, which every goal's progress
    bar shows on hover (computed once per page, not once per bar)."""
    context["rule_short"] = explain_goal()
    context["health_grace"] = round(health.GRACE_SHARE * 100)
    context["health_tolerance"] = round(health.TOLERANCE * 100)
    return django_render(request, template, context)


def _explain(key_result: KeyResult) -> str:
    """The rule with this key result's own numbers, shown on hover over its bar."""
    return explain_key_result(
        kind=key_result.kind,
        direction=key_result.direction,
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
    )


def _row(request: HttpRequest, key_result: KeyResult, *, chart: str = "") -> KeyResultRow:
    return KeyResultRow(
        key_result=key_result,
        can_check_in=access.can_check_in(request.user, key_result),
        explain=_explain(key_result),
        chart=chart,
    )


def _require_member(request: HttpRequest) -> None:
    people_access.require_member(request.user)


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _period_context(request: HttpRequest) -> dict[str, Any]:
    choices = queries.periods()
    period = queries.period_from(request.GET.get("period"), choices)
    return {"periods": choices, "period": period}


@require_GET
@login_required
def my_goals(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    context = _period_context(request)
    me = people_access.acting_person(request.user)
    cards = [
        GoalCard(
            flagged=flagged,
            editable=access.can_edit_goal(request.user, flagged.goal),
            key_results=[_row(request, kr) for kr in flagged.goal.key_results.all()],
        )
        for flagged in queries.my_goals(request.user, context["period"])
    ]
    context.update(
        cards=cards,
        me=me,
        nav_active=NAV,
        tab="mine",
        is_manager=me is not None and people_access.has_reports(me),
        check_in_form=CheckInForm(),
    )
    return render(request, "goals/my_goals.html", context)


@require_GET
@login_required
def team_goals(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    manager_id = request.GET.get("manager")
    if manager_id:
        try:
            manager = people_access.team_for_read(request.user, int(manager_id))
        except ValueError:
            raise Http404 from None
    else:
        own = people_access.acting_person(request.user)
        if own is None or not people_access.has_reports(own):
            raise Refused(_("Team goals are for managers: you have no direct reports."))
        manager = own
    context = _period_context(request)
    me = people_access.acting_person(request.user)
    context.update(
        team=queries.team_goals(request.user, manager, context["period"]),
        manager=manager,
        nav_active=NAV,
        tab="team",
        is_manager=True,
        stale_days=queries.settings.CADENCE_STALE_GOAL_DAYS,
        viewing_own_team=me is not None and me.pk == manager.pk,
    )
    return render(request, "goals/team_goals.html", context)


@require_GET
@login_required
def alignment(request: HtmxHttpRequest) -> HttpResponse:
    _require_member(request)
    choices = queries.periods()
    form = AlignmentFilterForm(request.GET or None, periods=choices)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = data.get("period") or queries.default_period(choices)
    q = (data.get("q") or "").strip()
    department = data.get("department")
    searching = bool(q or department)
    if searching:
        roots, match_count = queries.alignment_matches(
            request.user, period, q=q, department=department
        )
    else:
        roots, match_count = queries.alignment_first_levels(request.user, period), None
    if not form.is_bound:
        form = AlignmentFilterForm(initial={"period": period}, periods=choices)
    me = people_access.acting_person(request.user)
    context = {
        "form": form,
        "period": period,
        "roots": roots,
        "searching": searching,
        "match_count": match_count,
        "limit": queries.TREE_SEARCH_LIMIT,
        "nav_active": NAV,
        "child_limit": queries.CHILD_LIMIT,
        "tab": "alignment",
        "is_manager": me is not None and people_access.has_reports(me),
    }
    template = "goals/alignment.html"
    if request.htmx and request.htmx.target == "alignment-tree":
        template += "#tree"
    return render(request, template, context)


@require_GET
@login_required
def goal_children(request: HttpRequest, goal_id: int) -> HttpResponse:
    """One node's children, for the tree's expand (htmx)."""
    goal = access.goal_for_read(request.user, goal_id)
    return render(
        request,
        "goals/alignment.html#children",
        {
            "children": queries.child_nodes(request.user, goal),
            "parent": goal,
            "child_limit": queries.CHILD_LIMIT,
        },
    )


@require_GET
@login_required
def goal_detail(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.goal_for_read(request.user, goal_id)
    detail = queries.goal_detail(request.user, goal)
    key_results = [
        _row(request, kr, chart=key_result_chart(kr, goal.period.starts_on))
        for kr in detail.key_results
    ]
    can_edit = access.can_edit_goal(request.user, goal)
    context = {
        "goal": goal,
        "detail": detail,
        "key_results": key_results,
        "nav_active": NAV,
        "child_limit": queries.CHILD_LIMIT,
        "can_edit": can_edit,
        "can_approve": access.can_approve_goal(request.user, goal),
        "check_in_form": CheckInForm(),
        "actions": goal_actions(request.user, goal),
        "check_in_note": check_in_note(request.user, goal, len(detail.key_results)),
        "align_form": AlignForm(
            initial={"parent": goal.parent_id},
            parents=access.alignment_candidates(request.user, goal.period, exclude=goal),
        )
        if can_edit and not goal.is_private
        else None,
    }
    return render(request, "goals/goal_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def goal_create(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    owners = owner_choices(request.user)
    if not owners:
        raise Refused(_("You cannot create goals."))
    context = _period_context(request)
    period = context["period"]
    if period is None:
        raise Http404
    parents = access.alignment_candidates(request.user, period)
    form = GoalCreateForm(
        request.POST or None,
        parents=parents,
        owners=owners,
        initial={"owner": request.GET.get("owner", owners[0][0])},
    )
    if request.method == "POST" and form.is_valid():
        owner = access.goal_owner_for_create(request.user, form.cleaned_data["owner"])
        if not access.can_create_goal(request.user, period=period, **owner):
            raise Refused(_("You cannot create goals for that owner in this period."))
        data = {k: v for k, v in form.cleaned_data.items() if k != "owner"}
        try:
            goal = services.goal_create(actor=request.user, period=period, **owner, **data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Goal created."))
            return redirect("goals:goal", goal_id=goal.pk)
    report_ids = [
        int(value.partition(":")[2]) for value, _label in owners if value.startswith("person:")
    ]
    context.update(
        form=form,
        nav_active=NAV,
        creating=True,
        agreed_plan_people=[
            p.full_name for p in planning_queries.people_with_agreed_plans(report_ids, period)
        ],
    )
    return render(request, "goals/goal_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@atomic_retrying
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.goal_for_edit(request.user, goal_id, new_parent_id=request.POST.get("parent"))
    parents = access.alignment_candidates(request.user, goal.period, exclude=goal)
    form = GoalForm(request.POST or None, instance=goal, parents=parents)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        parent = changes.pop("parent", goal.parent) if "parent" in changes else None
        goal.refresh_from_db()
        try:
            # Unaligning before a goal turns private, aligning after it turns public: a
            # private goal is never aligned, not even between the two writes.
            if "parent" in form.changed_data and parent is None:
                services.goal_align(actor=request.user, goal=goal, parent=None)
            if changes:
                services.goal_update(actor=request.user, goal=goal, **changes)
            if "parent" in form.changed_data and parent is not None:
                services.goal_align(actor=request.user, goal=goal, parent=parent)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Goal saved."))
            return redirect("goals:goal", goal_id=goal.pk)
    context = {
        "form": form,
        "goal": goal,
        "nav_active": NAV,
        "period": goal.period,
        "reopens_plan": planning_queries.plan_reopened_by(goal),
    }
    return render(request, "goals/goal_form.html", context)


def _goal_action(
    request: HttpRequest,
    goal_id: int,
    action: Any,
    done: str,
    *,
    approving: bool = False,
    **kw: Any,
) -> HttpResponse:
    if approving:
        goal = access.goal_for_approval(request.user, goal_id)
    else:
        goal = access.goal_for_edit(request.user, goal_id)
        if "state" in kw:  # approving is the approvers' move, whatever the form posts
            access.require_transition(request.user, goal, kw["state"])
    try:
        action(actor=request.user, goal=goal, **kw)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, done)
    return redirect("goals:goal", goal_id=goal.pk)


@require_POST
@login_required
@atomic_retrying
def goal_align(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.goal_for_edit(request.user, goal_id, new_parent_id=request.POST.get("parent"))
    form = AlignForm(
        request.POST,
        parents=access.alignment_candidates(request.user, goal.period, exclude=goal),
    )
    if not form.is_valid():
        messages.error(request, _("Choose a goal this one can be aligned to."))
        return redirect("goals:goal", goal_id=goal.pk)
    try:
        services.goal_align(actor=request.user, goal=goal, parent=form.cleaned_data["parent"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Alignment saved."))
    return redirect("goals:goal", goal_id=goal.pk)


@require_POST
@login_required
@atomic_retrying
def goal_submit(request: HttpRequest, goal_id: int) -> HttpResponse:
    return _goal_action(request, goal_id, services.goal_submit, _("Goal sent for approval."))


@require_POST
@login_required
@atomic_retrying
def goal_approve(request: HttpRequest, goal_id: int) -> HttpResponse:
    return _goal_action(
        request, goal_id, services.goal_approve, _("Goal approved."), approving=True
    )


@require_POST
@login_required
@atomic_retrying
def goal_return(request: HttpRequest, goal_id: int) -> HttpResponse:
    return _goal_action(
        request,
        goal_id,
        services.goal_return_to_draft,
        _("Goal returned to draft."),
        approving=True,
    )


@require_POST
@login_required
@atomic_retrying
def goal_state(request: HttpRequest, goal_id: int) -> HttpResponse:
    form = StateForm(request.POST)
    if not form.is_valid():
        access.goal_for_edit(request.user, goal_id)
        messages.error(request, _("Choose a state."))
        return redirect("goals:goal", goal_id=goal_id)
    return _goal_action(
        request,
        goal_id,
        services.goal_set_state,
        _("Goal state saved."),
        state=form.cleaned_data["state"],
    )


@require_http_methods(["GET", "POST"])
@login_required
@atomic_retrying
def key_result_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.goal_for_edit(request.user, goal_id)
    form = KeyResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_result_create(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Key result added."))
            return redirect("goals:goal", goal_id=goal.pk)
    return render(
        request,
        "goals/key_result_form.html",
        {
            "form": form,
            "goal": goal,
            "nav_active": NAV,
            "reopens_plan": planning_queries.plan_reopened_by(goal),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@atomic_retrying
def key_result_edit(request: HttpRequest, key_result_id: int) -> HttpResponse:
    key_result = access.key_result_for_edit(request.user, key_result_id)
    goal = key_result.goal
    form = KeyResultForm(request.POST or None, instance=key_result)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        key_result.refresh_from_db()
        try:
            if changes:
                services.key_result_update(actor=request.user, key_result=key_result, **changes)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Key result saved."))
            return redirect("goals:goal", goal_id=goal.pk)
    return render(
        request,
        "goals/key_result_form.html",
        {
            "form": form,
            "goal": goal,
            "key_result": key_result,
            "nav_active": NAV,
            "reopens_plan": planning_queries.plan_reopened_by(goal),
        },
    )


@require_POST
@login_required
@atomic_retrying
def key_result_delete(request: HttpRequest, key_result_id: int) -> HttpResponse:
    key_result = access.key_result_for_edit(request.user, key_result_id)
    try:
        goal = services.key_result_delete(actor=request.user, key_result=key_result)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("goals:key_result_edit", key_result_id=key_result.pk)
    messages.success(request, _("Key result removed; its check-ins went with it."))
    return redirect("goals:goal", goal_id=goal.pk)


@require_POST
@login_required
def check_in(request: HtmxHttpRequest, key_result_id: int) -> HttpResponse:
    """Post a check-in. With htmx: the key result's updated row (and, out of band, its
    goal's progress); without: back to where the form was."""
    key_result = access.key_result_for_check_in(request.user, key_result_id)
    goal = key_result.goal
    form = CheckInForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.check_in_create(
                actor=request.user,
                key_result=key_result,
                value=form.cleaned_data["value"],
                confidence=form.cleaned_data["confidence"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            error = _errors(exc)
    else:
        error = _("Enter the new value.") if form.has_error("value") else form_errors(form)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Check-in saved."))
        back = request.POST.get("next", "")
        if back == "goal":
            return redirect("goals:goal", goal_id=goal.pk)
        return redirect(f"{_url('goals:my_goals')}?period={goal.period_id}")
    kr = queries.key_result_row(key_result.pk)
    goal.refresh_from_db()
    return render(
        request,
        "goals/_key_result.html#kr-row",
        {
            "row": KeyResultRow(kr, can_check_in=True, explain=_explain(kr)),
            "flagged": queries.flag(goal),
            "check_in_form": form if error else CheckInForm(),
            "check_in_error": error,
            "oob_goal": True,
            "show_health": request.POST.get("next") == "goal",
        },
    )


@require_GET
@login_required
def progress_rule(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    return render(request, "goals/progress_rule.html", {"nav_active": NAV})


def key_result_chart(key_result: KeyResult, start: Any) -> str:
    """The key result's value over time, from its start value through every check-in."""
    from cadence.core.charts import line_chart_sizes

    history = list(key_result.check_ins.all())
    if not history:
        return ""
    points = []
    if start < history[0].at.date():
        points.append((start, float(history[0].previous_value)))
    points += [(c.at.date(), float(c.value)) for c in history]
    chart = line_chart_sizes(points, target=float(key_result.target_value), y_label=key_result.unit)
    # line_chart_sizes escapes every text it is given and returns markup of its own making.
    return mark_safe(chart)  # noqa: S308


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
