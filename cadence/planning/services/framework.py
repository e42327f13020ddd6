"""The versioned competency framework: groups, competencies, the behaviour expected
at each level, and the CSV/XLSX import that fills them.

A framework used by a closed period is history: editing it writes a new version
(``_writable``) and the change goes there.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.core.limits import LONG_TEXT
from cadence.core.tabular import RowError, TableError, read_table
from cadence.planning import access
from cadence.planning.models import (
    Competency,
    CompetencyExpectation,
    CompetencyFramework,
    CompetencyGroup,
    PerformancePeriod,
)

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
    period = framework.period
    return period is not None and period.is_closed


@transaction.atomic
def framework_create(
    *, actor: Actor | None, name: str, period: PerformancePeriod | None = None
) -> CompetencyFramework:
    """A new, empty framework (the next version when the name exists). ``actor`` None:
    the ``import_competencies`` command."""
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
    *, actor: Actor | None, framework: CompetencyFramework, period: PerformancePeriod
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


def _writable(actor: Actor | None, framework: CompetencyFramework) -> FrameworkCopy | None:
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
        f"{framework.period}",  # frozen: the framework has a period, named by str()
        data={"based_on": framework.pk},
    )
    return copy


def _changed(actor: Actor | None, framework: CompetencyFramework, summary: str) -> None:
    audit(
        actor=actor, action="framework.change", target=framework, summary=f"{framework}: {summary}"
    )


@transaction.atomic
def group_create(
    *, actor: Actor | None, framework: CompetencyFramework, name: str, order: int | None = None
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
def group_update(*, actor: Actor | None, group: CompetencyGroup, name: str) -> CompetencyGroup:
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
def group_delete(*, actor: Actor | None, group: CompetencyGroup) -> CompetencyFramework:
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
    *, actor: Actor | None, group: CompetencyGroup, name: str, description: str = ""
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
    *, actor: Actor | None, competency: Competency, name: str, description: str
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
def competency_delete(*, actor: Actor | None, competency: Competency) -> CompetencyFramework:
    copy = _writable(actor, competency.group.framework)
    if copy is not None:
        competency = copy.competencies[competency.pk]
    framework = competency.group.framework
    competency.delete()
    _changed(actor, framework, f"competency {competency.name} removed")
    return framework


@transaction.atomic
def expectation_set(
    *, actor: Actor | None, competency: Competency, level: str, behaviour: str
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

    def __init__(self, errors: Sequence[RowError | str]) -> None:
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
    limits = {
        "Group": 200,
        "Competency": 200,
        "Description": LONG_TEXT,
        "Level": 50,
        "Expected behaviour": LONG_TEXT,
    }
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
        errors.sort(key=lambda e: e.line)
        raise CompetencyImportErrors(errors)
    return rows


@transaction.atomic
def competencies_import(
    *, actor: Actor | None, framework: CompetencyFramework, data: bytes, file_name: str
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
