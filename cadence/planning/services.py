"""Every write to periods, the competency framework and performance plans.

One function per use case, keyword-only, the acting user passed in as ``actor``. Each
runs in a transaction and writes its audit row. Invariants kept here:

* A closed period never changes again: nothing below writes to its plans (the access
  layer refuses first; the services check again so that a caller such as the goals
  hook cannot bypass it).
* A framework used by a closed period is history: editing it writes a new version.
* A plan is agreed only with both signatures; any change to an agreed plan reopens it
  (back to proposed, signatures cleared, revision + 1) and says what changed.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.core.audit import audit
from cadence.people.access import acting_person
from cadence.people.importing import RowError, TableError, read_table
from cadence.people.models import Person
from cadence.planning import access
from cadence.planning.models import (
    Competency,
    CompetencyExpectation,
    CompetencyFramework,
    CompetencyGroup,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
    PlanEvent,
)

# --- periods ---------------------------------------------------------------------------


@transaction.atomic
def period_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    parent: PerformancePeriod | None = None,
) -> PerformancePeriod:
    """A new upcoming period. A sub-period (quarter, half) lies inside its parent."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append(_("Give the period a name, e.g. FY2027."))
    elif PerformancePeriod.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append(
            _("A period named %(name)s already exists.") % {"name": name}
        )
    if kind not in PerformancePeriod.Kind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of period."))
    if ends_on <= starts_on:
        errors.setdefault("ends_on", []).append(_("The period must end after it starts."))
    if parent is not None:
        if parent.is_closed:
            errors.setdefault("parent", []).append(
                _("%(parent)s is closed: no period can be added inside it.")
                % {"parent": parent.name}
            )
        if starts_on < parent.starts_on or ends_on > parent.ends_on:
            errors.setdefault("parent", []).append(
                _("A period inside %(parent)s must lie between %(start)s and %(end)s.")
                % {"parent": parent.name, "start": parent.starts_on, "end": parent.ends_on}
            )
    if errors:
        raise ValidationError(errors)
    period = PerformancePeriod.objects.create(
        name=name, kind=kind, starts_on=starts_on, ends_on=ends_on, parent=parent
    )
    audit(
        actor=actor,
        action="period.create",
        target=period,
        summary=f"{name}: {starts_on} – {ends_on}",
    )
    return period


@transaction.atomic
def period_activate(*, actor: Any, period: PerformancePeriod) -> PerformancePeriod:
    """Upcoming → active. A closed period stays closed."""
    period = PerformancePeriod.objects.select_for_update().get(pk=period.pk)
    if period.state == PerformancePeriod.State.ACTIVE:
        return period
    if period.is_closed:
        raise ValidationError(
            _("%(period)s is closed and cannot be reopened.") % {"period": period.name}
        )
    period.state = PerformancePeriod.State.ACTIVE
    period.save(update_fields=["state"])
    audit(actor=actor, action="period.activate", target=period, summary=period.name)
    return period


@transaction.atomic
def period_close(*, actor: Any, period: PerformancePeriod) -> PerformancePeriod:
    """Close the period: from now on its plans (and the goals of the period, whose
    ``*_for_edit`` check the same state) are read-only, kept forever."""
    period = PerformancePeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        return period
    open_inside = period.sub_periods.exclude(state=PerformancePeriod.State.CLOSED)
    if open_inside.exists():
        raise ValidationError(
            _("Close the periods inside %(period)s first: %(names)s.")
            % {"period": period.name, "names": ", ".join(p.name for p in open_inside)}
        )
    period.state = PerformancePeriod.State.CLOSED
    period.closed_at = timezone.now()
    period.save(update_fields=["state", "closed_at"])
    plans = PerformancePlan.objects.filter(period=period)
    audit(
        actor=actor,
        action="period.close",
        target=period,
        summary=period.name,
        data={
            "plans": plans.count(),
            "agreed": plans.filter(state=PerformancePlan.State.AGREED).count(),
        },
    )
    return period


# --- competency framework ------------------------------------------------------------


@dataclass
class FrameworkCopy:
    framework: CompetencyFramework
    groups: dict[int, CompetencyGroup]
    competencies: dict[int, Competency]


def _next_version(name: str) -> int:
    latest = CompetencyFramework.objects.filter(name=name).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _copy_framework(
    framework: CompetencyFramework, period: PerformancePeriod | None
) -> FrameworkCopy:
    copy = CompetencyFramework.objects.create(
        name=framework.name,
        version=_next_version(framework.name),
        period=period,
        based_on=framework,
    )
    groups: dict[int, CompetencyGroup] = {}
    competencies: dict[int, Competency] = {}
    for group in framework.groups.prefetch_related("competencies__expectations"):
        new_group = CompetencyGroup.objects.create(
            framework=copy, name=group.name, order=group.order
        )
        groups[group.pk] = new_group
        for competency in group.competencies.all():
            new_competency = Competency.objects.create(
                group=new_group,
                name=competency.name,
                description=competency.description,
                order=competency.order,
            )
            competencies[competency.pk] = new_competency
            CompetencyExpectation.objects.bulk_create(
                CompetencyExpectation(
                    competency=new_competency, level=e.level, behaviour=e.behaviour
                )
                for e in competency.expectations.all()
            )
    return FrameworkCopy(copy, groups, competencies)


def framework_is_frozen(framework: CompetencyFramework) -> bool:
    """Used by a closed period: what was expected of people then must not change."""
    return framework.period_id is not None and framework.period.is_closed


@transaction.atomic
def framework_create(
    *, actor: Any, name: str, period: PerformancePeriod | None = None
) -> CompetencyFramework:
    """A new, empty framework (the next version when the name exists)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the framework a name.")})
    if period is not None:
        _check_period_free(period)
    framework = CompetencyFramework.objects.create(
        name=name, version=_next_version(name), period=period
    )
    audit(actor=actor, action="framework.create", target=framework, summary=str(framework))
    return framework


def _check_period_free(period: PerformancePeriod) -> None:
    if CompetencyFramework.objects.filter(period=period).exists():
        raise ValidationError(
            {
                "period": _("%(period)s already has its competency framework.")
                % {"period": period.name}
            }
        )
    access.require_open_period(period)


@transaction.atomic
def framework_copy_for_period(
    *, actor: Any, framework: CompetencyFramework, period: PerformancePeriod
) -> CompetencyFramework:
    """Give ``period`` its own version of ``framework``: later edits to either one
    leave the other as it is."""
    _check_period_free(period)
    copy = _copy_framework(framework, period).framework
    audit(
        actor=actor,
        action="framework.copy",
        target=copy,
        summary=f"{copy} for {period.name}",
        data={"based_on": framework.pk},
    )
    return copy


def _writable(actor: Any, framework: CompetencyFramework) -> FrameworkCopy | None:
    """None when ``framework`` may be edited in place, else the new version to edit."""
    framework = CompetencyFramework.objects.select_related("period").get(pk=framework.pk)
    if not framework_is_frozen(framework):
        return None
    copy = _copy_framework(framework, None)
    audit(
        actor=actor,
        action="framework.version",
        target=copy.framework,
        summary=f"{copy.framework}: {framework} belongs to the closed period "
        f"{framework.period.name}",
        data={"based_on": framework.pk},
    )
    return copy


def _changed(actor: Any, framework: CompetencyFramework, summary: str) -> None:
    audit(
        actor=actor, action="framework.change", target=framework, summary=f"{framework}: {summary}"
    )


@transaction.atomic
def group_create(
    *, actor: Any, framework: CompetencyFramework, name: str, order: int | None = None
) -> CompetencyGroup:
    copy = _writable(actor, framework)
    if copy is not None:
        framework = copy.framework
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if framework.groups.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("There is already a group named %(name)s.") % {"name": name}}
        )
    if order is None:
        order = (framework.groups.aggregate(o=Max("order"))["o"] or 0) + 1
    group = CompetencyGroup.objects.create(framework=framework, name=name, order=order)
    _changed(actor, framework, f"group {name} added")
    return group


@transaction.atomic
def group_update(*, actor: Any, group: CompetencyGroup, name: str) -> CompetencyGroup:
    copy = _writable(actor, group.framework)
    if copy is not None:
        group = copy.groups[group.pk]
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if group.framework.groups.filter(name__iexact=name).exclude(pk=group.pk).exists():
        raise ValidationError(
            {"name": _("There is already a group named %(name)s.") % {"name": name}}
        )
    old = group.name
    group.name = name
    group.save(update_fields=["name"])
    _changed(actor, group.framework, f"group {old} renamed to {name}")
    return group


@transaction.atomic
def group_delete(*, actor: Any, group: CompetencyGroup) -> CompetencyFramework:
    """Remove a group and its competencies; returns the framework now holding the change."""
    copy = _writable(actor, group.framework)
    if copy is not None:
        group = copy.groups[group.pk]
    framework = group.framework
    group.delete()
    _changed(actor, framework, f"group {group.name} removed")
    return framework


@transaction.atomic
def competency_create(
    *, actor: Any, group: CompetencyGroup, name: str, description: str = ""
) -> Competency:
    copy = _writable(actor, group.framework)
    if copy is not None:
        group = copy.groups[group.pk]
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the competency a name.")})
    if group.competencies.filter(name__iexact=name).exists():
        raise ValidationError(
            {
                "name": _("%(group)s already has a competency named %(name)s.")
                % {"group": group.name, "name": name}
            }
        )
    order = (group.competencies.aggregate(o=Max("order"))["o"] or 0) + 1
    competency = Competency.objects.create(
        group=group, name=name, description=description.strip(), order=order
    )
    _changed(actor, group.framework, f"competency {name} added")
    return competency


@transaction.atomic
def competency_update(
    *, actor: Any, competency: Competency, name: str, description: str
) -> Competency:
    copy = _writable(actor, competency.group.framework)
    if copy is not None:
        competency = copy.competencies[competency.pk]
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the competency a name.")})
    if competency.group.competencies.filter(name__iexact=name).exclude(pk=competency.pk).exists():
        raise ValidationError(
            {
                "name": _("%(group)s already has a competency named %(name)s.")
                % {"group": competency.group.name, "name": name}
            }
        )
    competency.name, competency.description = name, description.strip()
    competency.save(update_fields=["name", "description"])
    _changed(actor, competency.group.framework, f"competency {name} changed")
    return competency


@transaction.atomic
def competency_delete(*, actor: Any, competency: Competency) -> CompetencyFramework:
    copy = _writable(actor, competency.group.framework)
    if copy is not None:
        competency = copy.competencies[competency.pk]
    framework = competency.group.framework
    competency.delete()
    _changed(actor, framework, f"competency {competency.name} removed")
    return framework


@transaction.atomic
def expectation_set(
    *, actor: Any, competency: Competency, level: str, behaviour: str
) -> Competency:
    """The behaviour expected at ``level``; a blank behaviour removes the level.
    Returns the competency written to (its copy when a new version was made)."""
    copy = _writable(actor, competency.group.framework)
    if copy is not None:
        competency = copy.competencies[competency.pk]
    level, behaviour = level.strip(), behaviour.strip()
    if not level:
        raise ValidationError({"level": _("Give the job level, e.g. L3.")})
    framework = competency.group.framework
    if not behaviour:
        CompetencyExpectation.objects.filter(competency=competency, level=level).delete()
        _changed(actor, framework, f"{competency.name} @ {level} removed")
        return competency
    CompetencyExpectation.objects.update_or_create(
        competency=competency, level=level, defaults={"behaviour": behaviour}
    )
    _changed(actor, framework, f"{competency.name} @ {level} set")
    return competency


class CompetencyImportErrors(Exception):  # noqa: N818 - reads better at the raise site
    """The file has errors; nothing was imported. ``errors`` lists every one."""

    def __init__(self, errors: list[RowError | str]) -> None:
        self.errors = [str(e) for e in errors]
        super().__init__(
            _("The file has %(n)d error(s); nothing was imported.") % {"n": len(errors)}
        )


IMPORT_COLUMNS = ("Group", "Competency", "Description", "Level", "Expected behaviour")


@dataclass(frozen=True)
class CompetencyImportSummary:
    framework: CompetencyFramework
    groups: int
    competencies: int
    expectations: int


def competencies_check(*, data: bytes, file_name: str) -> list[dict[str, str]]:
    """The rows of a competencies file, or ``CompetencyImportErrors`` listing every
    problem at once as ``line N: field: reason``."""
    try:
        table = read_table(data, file_name)
    except TableError as exc:
        raise CompetencyImportErrors([str(exc)]) from exc
    wanted = {c.lower(): c for c in IMPORT_COLUMNS}
    index = {
        wanted[h.strip().lower()]: i
        for i, h in enumerate(table.headers)
        if h.strip().lower() in wanted
    }
    missing = [c for c in IMPORT_COLUMNS if c not in index and c != "Description"]
    if missing:
        raise CompetencyImportErrors(
            [
                RowError(
                    table.header_line,
                    "header",
                    _("missing column(s) %(cols)s; expected %(all)s")
                    % {"cols": ", ".join(missing), "all": ", ".join(IMPORT_COLUMNS)},
                )
            ]
        )
    errors: list[RowError] = list(table.problems)
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    limits = {"Group": 200, "Competency": 200, "Level": 50}
    for cells, line in zip(table.rows, table.lines, strict=True):
        row = {c: cells[i].strip() if i < len(cells) else "" for c, i in index.items()}
        row.setdefault("Description", "")
        errors.extend(
            RowError(line, column, _("is empty"))
            for column in ("Group", "Competency", "Level", "Expected behaviour")
            if not row[column]
        )
        for column, limit in limits.items():
            if len(row[column]) > limit:
                errors.append(
                    RowError(line, column, _("is longer than %(n)d characters") % {"n": limit})
                )
        key = (row["Group"].lower(), row["Competency"].lower(), row["Level"].lower())
        if all(key) and key in seen:
            errors.append(
                RowError(
                    line,
                    "Level",
                    _("%(level)s of %(competency)s is already on line %(other)d")
                    % {"level": row["Level"], "competency": row["Competency"], "other": seen[key]},
                )
            )
        elif all(key):
            seen[key] = line
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(table.header_line + 1, "row", _("the file has no rows")))
    if errors:
        raise CompetencyImportErrors(sorted(errors, key=lambda e: e.line))
    return rows


@transaction.atomic
def competencies_import(
    *, actor: Any, framework: CompetencyFramework, data: bytes, file_name: str
) -> CompetencyImportSummary:
    """Add or update groups, competencies and expected behaviours from a CSV/XLSX file
    with the columns Group, Competency, Description, Level, Expected behaviour.
    All or nothing: any error and nothing is written. A framework of a closed period
    gets a new version holding the import."""
    rows = competencies_check(data=data, file_name=file_name)
    copy = _writable(actor, framework)
    if copy is not None:
        framework = copy.framework
    groups = {g.name.lower(): g for g in framework.groups.all()}
    competencies = {
        (c.group_id, c.name.lower()): c
        for c in Competency.objects.filter(group__framework=framework)
    }
    counts = {"groups": 0, "competencies": 0, "expectations": 0}
    order = max((g.order for g in groups.values()), default=0)
    for row in rows:
        group = groups.get(row["Group"].lower())
        if group is None:
            order += 1
            group = CompetencyGroup.objects.create(
                framework=framework, name=row["Group"], order=order
            )
            groups[group.name.lower()] = group
            counts["groups"] += 1
        competency = competencies.get((group.pk, row["Competency"].lower()))
        if competency is None:
            competency = Competency.objects.create(
                group=group,
                name=row["Competency"],
                description=row["Description"],
                order=len(competencies) + 1,
            )
            competencies[(group.pk, competency.name.lower())] = competency
            counts["competencies"] += 1
        elif row["Description"] and row["Description"] != competency.description:
            competency.description = row["Description"]
            competency.save(update_fields=["description"])
        CompetencyExpectation.objects.update_or_create(
            competency=competency,
            level=row["Level"],
            defaults={"behaviour": row["Expected behaviour"]},
        )
        counts["expectations"] += 1
    audit(
        actor=actor,
        action="framework.import",
        target=framework,
        summary=f"{framework}: {file_name}, {len(rows)} rows",
        data=counts,
    )
    return CompetencyImportSummary(framework=framework, **counts)


# --- plans ---------------------------------------------------------------------------


def _event(
    plan: PerformancePlan,
    actor: Any,
    kind: str,
    comment: str = "",
    *,
    goal: Any = None,
    **data: Any,
) -> PlanEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return PlanEvent.objects.create(
        plan=plan, actor=user, kind=kind, comment=comment, data=data, goal=goal
    )


def _audit_plan(actor: Any, plan: PerformancePlan, action: str, what: str = "") -> None:
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


def _reopen(plan: PerformancePlan, actor: Any, what: str, goal: Any = None) -> None:
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


def _touch(plan: PerformancePlan, actor: Any, what: str) -> None:
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
    *, actor: Any, person: Person, period: PerformancePeriod, from_previous: bool = False
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
def plan_update(*, actor: Any, plan: PerformancePlan, expectations: str) -> PerformancePlan:
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
    actor: Any,
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
    actor: Any,
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
def development_item_remove(*, actor: Any, item: DevelopmentItem) -> None:
    plan = _lock(item.plan)
    need = item.need
    item.delete()
    _touch(plan, actor, _("Development item removed: %(need)s") % {"need": need})


@transaction.atomic
def plan_propose(*, actor: Any, plan: PerformancePlan) -> PerformancePlan:
    """Draft → proposed: ready for both signatures."""
    plan = _lock(plan)
    if plan.state != PerformancePlan.State.DRAFT:
        return plan
    plan.state = PerformancePlan.State.PROPOSED
    plan.updated_at = timezone.now()
    plan.save(update_fields=["state", "updated_at"])
    _event(plan, actor, PlanEvent.Kind.PROPOSED)
    _audit_plan(actor, plan, "propose")
    return plan


@transaction.atomic
def plan_sign(*, actor: Any, plan: PerformancePlan, comment: str = "") -> PerformancePlan:
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
    return plan


@transaction.atomic
def plan_record_change(
    *,
    actor: Any,
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
