"""Performance plans: opening one, its expectations and development items, the two
signatures that agree it, and the hook that reopens an agreed plan when something in
it changes elsewhere (``plan_record_change``).

A plan is agreed only with both signatures; any change to an agreed plan reopens it
(back to proposed, signatures cleared, revision + 1) and its history says what changed.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.notifications.services import notify
from cadence.people.access import acting_person
from cadence.people.models import Person
from cadence.planning import access
from cadence.planning import notifications as told
from cadence.planning.models import (
    Competency,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
    PlanEvent,
)

# --- plans ---------------------------------------------------------------------------

# What other areas do when a plan becomes agreed (development copies its development
# items): registered from their AppConfig.ready(), called inside the agreeing
# transaction, so the plan and what follows from it commit together. Planning imports
# no area that listens.
PlanAgreedHook = Callable[[PerformancePlan, Actor | None], None]
_on_agreed: list[PlanAgreedHook] = []


def on_plan_agreed(hook: PlanAgreedHook) -> PlanAgreedHook:
    if hook not in _on_agreed:
        _on_agreed.append(hook)
    return hook


def _event(
    plan: PerformancePlan,
    actor: Actor | None,
    kind: str,
    comment: str = "",
    *,
    goal: Any = None,
    **data: Any,
) -> PlanEvent:
    user = actor if actor is not None and actor.is_authenticated else None
    return PlanEvent.objects.create(
        plan=plan, actor=user, kind=kind, comment=comment, data=data, goal=goal
    )


def _audit_plan(actor: Actor | None, plan: PerformancePlan, action: str, what: str = "") -> None:
    summary = f"{plan.person.full_name} · {plan.period.name}: {action}"
    audit(
        actor=actor,
        action=f"plan.{action}",
        target=plan,
        summary=f"{summary} ({what})" if what else summary,
    )


def _lock(plan: PerformancePlan) -> PerformancePlan:
    plan = (
        PerformancePlan.objects.select_for_update(of=("self",))
        .select_related("person", "period", "manager")
        .get(pk=plan.pk)
    )
    access.require_open_period(plan.period)
    return plan


def _reopen(plan: PerformancePlan, actor: Actor | None, what: str, goal: Any = None) -> None:
    """An agreed plan that changes goes back to proposed and needs both signatures
    again; the history says what changed."""
    plan.state = PerformancePlan.State.PROPOSED
    plan.employee_signed_at = plan.manager_signed_at = plan.agreed_at = None
    plan.employee_comment = plan.manager_comment = ""
    plan.revision += 1
    plan.updated_at = timezone.now()
    plan.save(
        update_fields=[
            "state",
            "employee_signed_at",
            "manager_signed_at",
            "agreed_at",
            "employee_comment",
            "manager_comment",
            "revision",
            "updated_at",
        ]
    )
    _event(plan, actor, PlanEvent.Kind.REOPENED, what, goal=goal, revision=plan.revision)
    _audit_plan(actor, plan, "reopen", what)
    # ``what`` stays out of the notification: it may name a goal the reader of the plan
    # may not read; the plan's history shows it by the goal's own rule.
    notify(told.REOPENED, told.both_sides(plan), actor=acting_person(actor), target=plan)


def _touch(plan: PerformancePlan, actor: Actor | None, what: str) -> None:
    """Record a change to the plan's content: reopen when agreed, else note it."""
    if plan.state == PerformancePlan.State.AGREED:
        _reopen(plan, actor, what)
        return
    plan.updated_at = timezone.now()
    plan.save(update_fields=["updated_at"])
    _event(plan, actor, PlanEvent.Kind.CHANGED, what)
    _audit_plan(actor, plan, "change", what)


def previous_plan(person: Person, period: PerformancePeriod) -> PerformancePlan | None:
    """The person's plan of the latest period that started before ``period``."""
    return (
        PerformancePlan.objects.filter(person=person, period__starts_on__lt=period.starts_on)
        .exclude(period=period)
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )


@transaction.atomic
def plan_open(
    *, actor: Actor | None, person: Person, period: PerformancePeriod, from_previous: bool = False
) -> PerformancePlan:
    """The person's plan for the period, created as a draft when there is none (then,
    with ``from_previous``, holding the expectations and the open development items of
    their previous plan). Opening an existing plan returns it unchanged."""
    existing = PerformancePlan.objects.filter(person=person, period=period).first()
    if existing is not None:
        return existing
    period = PerformancePeriod.objects.get(pk=period.pk)
    access.require_open_period(period)
    source = previous_plan(person, period) if from_previous else None
    plan = PerformancePlan.objects.create(
        person=person,
        period=period,
        manager_id=person.manager_id,
        expectations=source.expectations if source else "",
        started_from=source,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    copied = 0
    if source is not None:
        items = [
            DevelopmentItem(
                plan=plan,
                need=i.need,
                action=i.action,
                due_on=i.due_on,
                competency=_same_competency(i.competency, period),
            )
            for i in source.development_items.filter(
                status=DevelopmentItem.Status.OPEN
            ).select_related("competency__group")
        ]
        DevelopmentItem.objects.bulk_create(items)
        copied = len(items)
    _event(
        plan,
        actor,
        PlanEvent.Kind.CREATED,
        started_from=source.pk if source else None,
        development_items_copied=copied,
    )
    _audit_plan(actor, plan, "open", f"from {source.period.name}" if source else "")
    return plan


def _same_competency(competency: Competency | None, period: PerformancePeriod) -> Competency | None:
    """The competency of the same group and name in the period's framework, if any:
    a development item should point at the version of the framework its plan uses."""
    if competency is None:
        return None
    return (
        Competency.objects.filter(
            group__framework__period=period,
            group__name=competency.group.name,
            name=competency.name,
        ).first()
        or competency
    )


@transaction.atomic
def plan_update(
    *, actor: Actor | None, plan: PerformancePlan, expectations: str
) -> PerformancePlan:
    plan = _lock(plan)
    expectations = expectations.strip()
    if expectations == plan.expectations:
        return plan
    plan.expectations = expectations
    plan.save(update_fields=["expectations"])
    _touch(plan, actor, _("Expectations of the role changed."))
    return plan


def _clean_item(need: str, action: str) -> tuple[str, str]:
    need, action = need.strip(), action.strip()
    errors = {}
    if not need:
        errors["need"] = _("Describe the development need.")
    elif len(need) > 300:
        errors["need"] = _("Keep the need under 300 characters; put details in the action.")
    if not action:
        errors["action"] = _("Say what will be done about it.")
    if errors:
        raise ValidationError(errors)
    return need, action


@transaction.atomic
def development_item_add(
    *,
    actor: Actor | None,
    plan: PerformancePlan,
    need: str,
    action: str,
    due_on: datetime.date | None = None,
    competency: Competency | None = None,
) -> DevelopmentItem:
    plan = _lock(plan)
    need, action = _clean_item(need, action)
    item = DevelopmentItem.objects.create(
        plan=plan, need=need, action=action, due_on=due_on, competency=competency
    )
    _touch(plan, actor, _("Development item added: %(need)s") % {"need": need})
    return item


@transaction.atomic
def development_item_update(
    *,
    actor: Actor | None,
    item: DevelopmentItem,
    need: str,
    action: str,
    due_on: datetime.date | None = None,
    status: str = DevelopmentItem.Status.OPEN,
) -> DevelopmentItem:
    plan = _lock(item.plan)
    need, action = _clean_item(need, action)
    if status not in DevelopmentItem.Status.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")})
    item = DevelopmentItem.objects.select_for_update().get(pk=item.pk)
    changed = [
        f
        for f, v in (("need", need), ("action", action), ("due_on", due_on), ("status", status))
        if getattr(item, f) != v
    ]
    if not changed:
        return item
    item.need, item.action, item.due_on, item.status = need, action, due_on, status
    item.save(update_fields=changed)
    _touch(plan, actor, _("Development item changed: %(need)s") % {"need": need})
    return item


@transaction.atomic
def development_item_remove(*, actor: Actor | None, item: DevelopmentItem) -> None:
    plan = _lock(item.plan)
    need = item.need
    item.delete()
    _touch(plan, actor, _("Development item removed: %(need)s") % {"need": need})


@transaction.atomic
def plan_propose(*, actor: Actor | None, plan: PerformancePlan) -> PerformancePlan:
    """Draft → proposed: ready for both signatures."""
    plan = _lock(plan)
    if plan.state != PerformancePlan.State.DRAFT:
        return plan
    plan.state = PerformancePlan.State.PROPOSED
    plan.updated_at = timezone.now()
    plan.save(update_fields=["state", "updated_at"])
    _event(plan, actor, PlanEvent.Kind.PROPOSED)
    _audit_plan(actor, plan, "propose")
    notify(told.PROPOSED, told.other_side(actor, plan), actor=acting_person(actor), target=plan)
    return plan


@transaction.atomic
def plan_sign(*, actor: Actor | None, plan: PerformancePlan, comment: str = "") -> PerformancePlan:
    """Sign as the employee (when the actor is the person) or as the manager (the
    plan's manager or above). Both signatures make the plan agreed. Signing again on
    the same side is a no-op. A draft is proposed by the first signature."""
    plan = _lock(plan)
    if access.can_sign_as_employee(actor, plan):
        side = "employee"
    elif access.can_sign_as_manager(actor, plan):
        side = "manager"
    else:
        raise access.Refused(
            _("Only %(person)s and their manager can sign this plan.")
            % {"person": plan.person.full_name}
        )
    if getattr(plan, f"{side}_signed_at") is not None:
        return plan
    now = timezone.now()
    if plan.state == PerformancePlan.State.DRAFT:
        plan.state = PerformancePlan.State.PROPOSED
        _event(plan, actor, PlanEvent.Kind.PROPOSED)
    setattr(plan, f"{side}_signed_at", now)
    setattr(plan, f"{side}_comment", comment.strip())
    fields = ["state", f"{side}_signed_at", f"{side}_comment", "updated_at"]
    plan.updated_at = now
    if plan.employee_signed_at and plan.manager_signed_at:
        plan.state = PerformancePlan.State.AGREED
        plan.agreed_at = now
        fields.append("agreed_at")
    plan.save(update_fields=fields)
    signer = acting_person(actor)
    _event(
        plan,
        actor,
        PlanEvent.Kind.SIGNED,
        comment.strip(),
        side=side,
        signer=signer.full_name if signer else "",
    )
    _audit_plan(actor, plan, "sign", side)
    if plan.state == PerformancePlan.State.AGREED:
        _event(plan, actor, PlanEvent.Kind.AGREED, revision=plan.revision)
        _audit_plan(actor, plan, "agree")
        for hook in _on_agreed:
            hook(plan, actor)
        # One item, not "signed" and then "agreed": the second signature is the
        # agreement. Both sides hear of it, the signer excepted (notify's rule).
        notify(told.AGREED, told.both_sides(plan), actor=signer, target=plan)
    else:
        # A draft signed first is proposed by it, and the other side hears once.
        notify(told.SIGNED, told.other_side(actor, plan), actor=signer, target=plan)
    return plan


@transaction.atomic
def plan_record_change(
    *,
    actor: Actor | None,
    person: Person,
    period: PerformancePeriod,
    what: str,
    goal: Any = None,
) -> None:
    """The hook other areas call when something that is part of a person's plan
    changed outside it (e.g. a goal's title or key results). Refused (403) in a closed
    period; a no-op when the person has no agreed plan for the period; otherwise the
    plan is reopened and the history says ``what`` changed.

    ``goal``: the goal ``what`` names. The entry is linked to it so that only those who
    may read the goal read ``what`` (a private goal's title must not reach every reader
    of the plan)."""
    # The caller's period may have been loaded before someone closed it.
    access.require_open_period(PerformancePeriod.objects.get(pk=period.pk))
    plan = (
        PerformancePlan.objects.select_for_update(of=("self",))
        .select_related("person", "period")
        .filter(person=person, period=period, state=PerformancePlan.State.AGREED)
        .first()
    )
    if plan is None:
        return
    _reopen(plan, actor, what, goal=goal)
