"""Every write to development plans and career aspirations (docs/development.md).

One function per use case, keyword-only, the acting user passed in as ``actor`` (None
for the system: the sweep, the demo). Each runs in a transaction and writes its audit
row; a refusal of the input is a ``ValidationError`` naming the field. Access is
checked by the caller through ``cadence.development.access``.

Items of an agreed performance plan are copied once (``plan_items_copy``): from the
planning service's "plan agreed" hook when the second signature lands, and by the
daily ``development-plan-sync`` sweep for any plan agreed without it (before this app
existed, or through a path that skipped the hook). The copy is keyed by the plan's
item (one-to-one), so running either twice copies nothing new, and later work on the
development item never rewrites what the plan agreed.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core import limits
from cadence.core.audit import audit
from cadence.development import access
from cadence.development import notifications as told
from cadence.development.models import CareerAspiration, DevelopmentAction, DevelopmentItem
from cadence.notifications.services import notify
from cadence.people.access import acting_person
from cadence.people.models import Person
from cadence.planning.models import Competency, PerformancePeriod, PerformancePlan
from cadence.planning.models import DevelopmentItem as PlanItem

SKILL_MAX = 200
ACTION_MAX = 500
Status = DevelopmentItem.Status


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def offered_competencies() -> QuerySet[Competency]:
    """The competencies an item may name: those of the frameworks of periods that are
    open (upcoming or active), the framework each period uses."""
    return (
        Competency.objects.filter(
            group__framework__period__state__in=[
                PerformancePeriod.State.UPCOMING,
                PerformancePeriod.State.ACTIVE,
            ]
        )
        .select_related("group", "group__framework", "group__framework__period")
        .order_by("group__framework__period__starts_on", "group__order", "order", "name", "id")
    )


def _clean(item: DevelopmentItem, *, competency_changed: bool = False) -> None:
    errors: dict[str, list[str]] = {}
    item.skill = item.skill.strip()
    item.target_level = item.target_level.strip()
    item.evidence = item.evidence.strip()
    if item.competency_id is None and not item.skill:
        errors["skill"] = [_("Skill: name a competency of the framework or a skill to grow.")]
    if len(item.skill) > SKILL_MAX:
        errors["skill"] = [_("Skill: at most %(n)d characters.") % {"n": SKILL_MAX}]
    if len(item.target_level) > 50:
        errors["target_level"] = [_("Target level: at most 50 characters.")]
    if len(item.evidence) > limits.COMMENT:
        errors["evidence"] = [_("Evidence: at most %(n)d characters.") % {"n": limits.COMMENT}]
    if (
        competency_changed
        and item.competency_id is not None
        and not offered_competencies().filter(pk=item.competency_id).exists()
    ):
        errors["competency"] = [
            _("Competency: choose one of the framework of a current performance period.")
        ]
    if item.status not in Status.values:
        errors["status"] = [_("Status: choose planned, in progress, done or dropped.")]
    elif item.status == Status.DONE and not item.evidence:
        errors["evidence"] = [
            _("Evidence: say what shows it is done (a certificate, a result, feedback).")
        ]
    if not access.owner_candidates(item.person).filter(pk=item.owner_id).exists():
        errors["owner"] = [_("Owner: the person themself or one of their managers.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def item_add(
    *,
    actor: Actor | None,
    person: Person,
    competency: Competency | None = None,
    skill: str = "",
    target_level: str = "",
    owner: Person | None = None,
    due_on: datetime.date | None = None,
) -> DevelopmentItem:
    """An item added after the plan: by the person or their manager chain. The person
    is told when someone else added it."""
    if not person.is_active:
        raise ValidationError({"person": _("Person: this person has left.")})
    now = timezone.now()
    item = DevelopmentItem(
        person=person,
        competency=competency,
        skill=skill,
        # The behaviour expected at the person's level, unless another level is aimed at.
        target_level=target_level.strip() or (person.level if competency else ""),
        owner=owner or person,
        due_on=due_on,
        created_by=_user(actor),
        created_at=now,
        updated_at=now,
    )
    _clean(item, competency_changed=True)
    item.save()
    audit(
        actor=actor,
        action="development.item_added",
        target=item,
        summary=f"{person.full_name}: development item added ({item.title})",
    )
    me = acting_person(actor)
    if me is not None and me.pk != person.pk:
        notify(told.ITEM_ADDED, [person], actor=me, target=item)
    return item


ITEM_FIELDS = ("competency", "skill", "target_level", "owner", "due_on", "status", "evidence")


@transaction.atomic
def item_update(*, actor: Actor | None, item: DevelopmentItem, **changes: Any) -> DevelopmentItem:
    """Change an item (any of ``ITEM_FIELDS``). Marking it done needs the evidence;
    leaving done clears the completion time (the evidence stays, as written)."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"item_update got unknown fields: {', '.join(sorted(unknown))}")
    before = {f: getattr(item, f) for f in changes}
    for name, value in changes.items():
        setattr(item, name, value)
    _clean(
        item, competency_changed="competency" in changes and before["competency"] != item.competency
    )
    changed = sorted(f for f in changes if getattr(item, f) != before[f])
    if not changed:
        return item
    now = timezone.now()
    if "status" in changed:
        item.completed_at = now if item.status == Status.DONE else None
    item.updated_at = now
    item.save()
    audit(
        actor=actor,
        action="development.item_changed",
        target=item,
        summary=f"{item.person.full_name}: development item {item.title} ({', '.join(changed)})",
        data={"changed": changed, "status": item.status},
    )
    return item


@transaction.atomic
def item_remove(*, actor: Actor | None, item: DevelopmentItem) -> None:
    """Remove an item added by mistake. An item of the agreed plan stays (drop it
    instead): the plan says it was agreed."""
    if item.plan_item_id is not None:
        raise ValidationError(
            {"item": _("This item comes from the agreed plan: mark it dropped instead.")}
        )
    title, person = item.title, item.person
    item.delete()
    audit(
        actor=actor,
        action="development.item_removed",
        target=person,
        summary=f"{person.full_name}: development item removed ({title})",
    )


# --- actions ------------------------------------------------------------------------------


def _clean_action(action: DevelopmentAction) -> None:
    action.description = action.description.strip()
    errors: dict[str, list[str]] = {}
    if action.kind not in DevelopmentAction.Kind.values:
        errors["kind"] = [_("Kind: choose course, stretch assignment, mentoring or other.")]
    if not action.description:
        errors["description"] = [_("Action: say what will be done.")]
    elif len(action.description) > ACTION_MAX:
        errors["description"] = [_("Action: at most %(n)d characters.") % {"n": ACTION_MAX}]
    if errors:
        raise ValidationError(errors)


def _touch(actor: Actor | None, item: DevelopmentItem, what: str) -> None:
    item.updated_at = timezone.now()
    DevelopmentItem.objects.filter(pk=item.pk).update(updated_at=item.updated_at)
    audit(
        actor=actor,
        action="development.action_changed",
        target=item,
        summary=f"{item.person.full_name}: {item.title} — {what}",
    )


@transaction.atomic
def action_add(
    *,
    actor: Actor | None,
    item: DevelopmentItem,
    kind: str,
    description: str,
    due_on: datetime.date | None = None,
) -> DevelopmentAction:
    action = DevelopmentAction(item=item, kind=kind, description=description, due_on=due_on)
    _clean_action(action)
    action.save()
    _touch(actor, item, f"action added: {action.description}")
    return action


ACTION_FIELDS = ("kind", "description", "due_on", "done")


@transaction.atomic
def action_update(
    *, actor: Actor | None, action: DevelopmentAction, **changes: Any
) -> DevelopmentAction:
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"action_update got unknown fields: {', '.join(sorted(unknown))}")
    done = changes.pop("done", None)
    before = (action.kind, action.description, action.due_on, action.done_at is not None)
    for name, value in changes.items():
        setattr(action, name, value)
    if done is not None and bool(done) != (action.done_at is not None):
        action.done_at = timezone.now() if done else None
    _clean_action(action)
    if before == (action.kind, action.description, action.due_on, action.done_at is not None):
        return action
    action.save()
    state = _("done") if action.done_at else _("open")
    _touch(actor, action.item, f"action {action.description} ({state})")
    return action


@transaction.atomic
def action_remove(*, actor: Actor | None, action: DevelopmentAction) -> None:
    item, description = action.item, action.description
    action.delete()
    _touch(actor, item, f"action removed: {description}")


# --- career aspiration --------------------------------------------------------------------


@transaction.atomic
def aspiration_set(*, actor: Actor | None, person: Person, text: str) -> CareerAspiration | None:
    """The person's own words; empty text removes them."""
    text = text.strip()
    if len(text) > limits.LONG_TEXT:
        raise ValidationError(
            {"text": [_("Aspiration: at most %(n)d characters.") % {"n": limits.LONG_TEXT}]}
        )
    existing = CareerAspiration.objects.select_for_update().filter(person=person).first()
    if not text:
        if existing is not None:
            existing.delete()
            audit(
                actor=actor,
                action="development.aspiration_removed",
                target=person,
                summary=f"{person.full_name}: career aspiration removed",
            )
        return None
    if existing is not None and existing.text == text:
        return existing
    if existing is None:
        existing = CareerAspiration(person=person)
    existing.text, existing.updated_at = text, timezone.now()
    existing.save()
    # The words themselves stay out of the audit log: HR reads them on the page.
    audit(
        actor=actor,
        action="development.aspiration_changed",
        target=person,
        summary=f"{person.full_name}: career aspiration written",
    )
    return existing


# --- from the agreed plan -----------------------------------------------------------------


def _copies(plan_items: QuerySet[PlanItem]) -> list[DevelopmentItem]:
    now = timezone.now()
    copies = []
    for row in plan_items.select_related("plan", "plan__person"):
        person = row.plan.person
        copies.append(
            DevelopmentItem(
                person=person,
                plan_item=row,
                competency_id=row.competency_id,
                skill=row.need.strip()[:SKILL_MAX],
                target_level=person.level if row.competency_id else "",
                owner=person,
                due_on=row.due_on,
                status=Status.DONE
                if row.status == PlanItem.Status.DONE
                else Status.DROPPED
                if row.status == PlanItem.Status.DROPPED
                else Status.PLANNED,
                evidence=_("Marked done in the performance plan.")
                if row.status == PlanItem.Status.DONE
                else "",
                completed_at=now if row.status == PlanItem.Status.DONE else None,
                created_at=now,
                updated_at=now,
            )
        )
    return copies


def _copy(plan_items: QuerySet[PlanItem]) -> int:
    copies = _copies(plan_items)
    if not copies:
        return 0
    # No ignore_conflicts: a copy made meanwhile by another worker fails this batch,
    # which the next run (which finds it copied) does not repeat.
    created = DevelopmentItem.objects.bulk_create(copies, batch_size=500)
    # The plan's agreed action becomes the item's first action, as written.
    DevelopmentAction.objects.bulk_create(
        [
            DevelopmentAction(
                item=item,
                kind=DevelopmentAction.Kind.OTHER,
                description=(item.plan_item.action.strip() if item.plan_item else "")[:ACTION_MAX]
                or item.title[:ACTION_MAX],
                due_on=item.due_on,
            )
            for item in created
        ],
        batch_size=500,
    )
    return len(created)


def _not_copied() -> Q:
    return Q(development_item__isnull=True)


@transaction.atomic
def plan_items_copy(plan: PerformancePlan, actor: Actor | None = None) -> int:
    """Copy the development needs of an agreed plan not copied yet; returns how many.
    The planning service calls it when a plan is agreed (``on_plan_agreed``)."""
    if plan.state != PerformancePlan.State.AGREED:
        return 0
    copied = _copy(PlanItem.objects.filter(_not_copied(), plan=plan))
    if copied:
        audit(
            actor=actor,
            action="development.plan_copied",
            target=plan.person,
            summary=f"{plan.person.full_name}: {copied} development item(s) from the agreed plan",
        )
    return copied


def on_plan_agreed(plan: PerformancePlan, actor: Actor | None) -> None:
    """The planning service's hook: the plan just became agreed."""
    plan_items_copy(plan, actor)


def agreed_plans_copy(now: datetime.datetime | None = None) -> int:
    """The sweep: every agreed plan's items not copied yet (active people), in batches."""
    pending = PlanItem.objects.filter(
        _not_copied(),
        plan__state=PerformancePlan.State.AGREED,
        plan__person__status=Person.Status.ACTIVE,
    ).order_by("id")
    total = 0
    while True:
        with transaction.atomic():
            batch = list(pending.values_list("pk", flat=True)[:1000])
            if not batch:
                return total
            copied = _copy(PlanItem.objects.filter(pk__in=batch))
            total += copied
            if copied == 0:
                return total
