"""Planning an import: what the file would change, person by person, and what to warn
HR about before anything is written. ``plan_import`` writes nothing."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cadence.core.tabular import RowError, Table
from cadence.people.importing.columns import (
    CUSTOM_PREFIX,
    HEADER_ALIASES,
    MANAGER_FIELDS,
    Columns,
    resolve_columns,
)
from cadence.people.importing.errors import Problems
from cadence.people.importing.managers import ManagerLinks
from cadence.people.importing.organisation import Existing, database_snapshot, load_people
from cadence.people.importing.rows import Record, RowReader
from cadence.people.importing.values import FIELD_LABELS, display, status_label
from cadence.people.models import Person


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"deactivated {self.deactivated}, unchanged {self.unchanged}"
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "unchanged": self.unchanged,
        }


@dataclass
class Change:
    """What importing does to one person. ``fields`` maps a field (or ``custom:Label``)
    to its (before, after) text as a person reads it; for a new person ``before`` is
    empty. ``flags`` are the reasons to look twice at this row."""

    kind: str  # "create", "update" or "deactivate"
    line: int | None  # None: a person missing from a --full file
    person_id: int | None
    name: str
    email: str
    fields: dict[str, tuple[str, str]]
    flags: list[str] = field(default_factory=list)

    @property
    def field_list(self) -> list[tuple[str, str, str]]:
        return [
            (FIELD_LABELS.get(name, name.removeprefix(CUSTOM_PREFIX)), before, after)
            for name, (before, after) in self.fields.items()
        ]

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "not in file"
        diffs = "; ".join(
            f"{label}: {after or '—'}"
            if self.kind == "create"
            else f"{label}: {before or '—'} → {after or '—'}"
            for label, before, after in self.field_list
        )
        return f"{self.kind} {where}: {self.name} <{self.email}>" + (f" ({diffs})" if diffs else "")


class LazyChanges(Sequence[Change]):
    """Changes described on demand: a first import of 100,000 rows creates 100,000
    people, of which a preview shows a page."""

    def __init__(self, items: list, describe: Callable[[Any], Change]) -> None:
        self._items, self._describe = items, describe

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._describe(item) for item in self._items[index]]
        return self._describe(self._items[index])


@dataclass
class ImportPlan:
    table: Table
    mapping: dict[str, str]
    full: bool
    columns: list[tuple[str, str]]  # (header, what it is read as)
    errors: list[RowError]
    created: Sequence[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    deactivated: list[Change] = field(default_factory=list)
    unchanged: int = 0
    active_before: int = 0
    moved: int = 0  # people already in Cadence whose manager changes
    has_manager_column: bool = False
    snapshot: tuple = ()
    records: list[Record] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)  # --full: active, not in the file
    department_paths: set[str] = field(default_factory=set)
    custom_labels: list[str] = field(default_factory=list)
    custom_keys: dict[str, str] = field(default_factory=dict)  # label -> attribute key
    manager_of: dict[int, int | None] = field(default_factory=dict)  # key -> manager key

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)

    @property
    def kept_as_custom(self) -> list[str]:
        """Headers that matched no field: their values are kept as custom attributes."""
        return [h for h, target in self.columns if target.startswith(CUSTOM_PREFIX)]

    @property
    def deactivation_share(self) -> float:
        if not self.active_before:
            return 0.0
        return len(self.deactivated) / self.active_before

    @property
    def needs_confirmation(self) -> bool:
        """Deactivating this many people needs an explicit yes (a truncated export must
        not wipe the organisation)."""
        return bool(self.deactivated) and (
            self.deactivation_share > settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE
        )

    @property
    def manager_change_share(self) -> float:
        if not self.active_before:
            return 0.0
        return self.moved / self.active_before

    @property
    def many_managers_change(self) -> bool:
        """A file that moves this many people is more likely a wrong column than a
        reorganisation: worth a warning before it is applied."""
        return bool(self.moved) and (
            self.manager_change_share > settings.CADENCE_IMPORT_MANAGER_CHANGE_WARN_SHARE
        )

    @property
    def warnings(self) -> list[str]:
        """What HR should read before confirming, as sentences."""
        found = []
        if self.created and not self.has_manager_column:
            found.append(
                ngettext(
                    "No manager column was recognised (looked for %(aliases)s): the "
                    "person to create will have no manager.",
                    "No manager column was recognised (looked for %(aliases)s): the "
                    "%(n)d people to create will have no manager.",
                    len(self.created),
                )
                % {
                    "n": len(self.created),
                    "aliases": ", ".join(
                        alias for name in MANAGER_FIELDS for alias in HEADER_ALIASES[name][:2]
                    ),
                }
                + " "
                + _(
                    "If the file has one, name it with a mapping line: 'Your Header=manager_email'."
                )
            )
        if self.many_managers_change:
            found.append(
                _(
                    "This import changes the manager of %(n)d people (%(share)s of the "
                    "organisation), more than the %(limit)s expected of one file: check the "
                    "manager column before confirming."
                )
                % {
                    "n": self.moved,
                    "share": f"{self.manager_change_share:.0%}",
                    "limit": f"{settings.CADENCE_IMPORT_MANAGER_CHANGE_WARN_SHARE:.0%}",
                }
            )
        return found

    def summary(self) -> ImportSummary:
        return ImportSummary(
            created=len(self.created),
            updated=len(self.updated),
            deactivated=len(self.deactivated),
            unchanged=self.unchanged,
        )


def plan_import(
    table: Table, *, mapping: dict[str, str] | None = None, full: bool = False
) -> ImportPlan:
    """Check every row of ``table`` and compare it with the database. Writes nothing.

    Rows are matched to people by employee id, then by work email. Every problem is
    reported (``plan.errors``), each as ``line N: column: reason``; a plan with errors
    must not be applied. ``full`` means the file is the whole roster: active people
    missing from it are deactivated.
    """
    mapping = mapping or {}
    plan = ImportPlan(
        table=table,
        mapping=dict(mapping),
        full=full,
        columns=[],
        errors=[],
        snapshot=database_snapshot(),
    )
    columns = resolve_columns(table, mapping)
    problems = Problems([*table.problems, *columns.errors], columns.header_of)
    plan.errors = problems
    plan.columns = columns.listing
    plan.has_manager_column = columns.has_manager
    if "work_email" not in columns.index_of:
        return plan
    existing = load_people()
    plan.active_before = sum(p.status == Person.Status.ACTIVE for p in existing)
    reader = RowReader(table, columns, existing, problems)
    records = reader.read()
    managers = ManagerLinks(records, existing, reader.matched, problems)
    managers.link()
    plan.custom_labels = [c.label for c in columns.custom]
    plan.custom_keys = {c.label: c.key for c in columns.custom}
    if problems:
        # By line, then in the order of the columns, as someone fixing the file reads.
        order = {h: i for i, h in enumerate(table.headers)}
        problems.sort(key=lambda e: (e.line, order.get(e.field, len(order))))
        return plan
    _Comparison(plan, columns, reader, managers).compare(records, existing)
    return plan


class _Comparison:
    """The file against the database: each record becomes a create, an update, a
    deactivation or nothing; risky rows are flagged."""

    COMPARED = (
        "employee_id",
        "job_title",
        "level",
        "department",
        "location",
        "time_zone",
        "start_date",
    )

    def __init__(
        self, plan: ImportPlan, columns: Columns, reader: RowReader, managers: ManagerLinks
    ) -> None:
        self.plan, self.columns, self.managers = plan, columns, managers
        self.by_id, self.matched = reader.by_id, reader.matched
        self.compared = [f for f in self.COMPARED if f in columns.index_of]
        if columns.has_names:
            self.compared[:0] = ["first_name", "last_name"]
        self.custom = [(c.key, f"{CUSTOM_PREFIX}{c.label}") for c in columns.custom]

    def compare(self, records: list[Record], existing: list[Existing]) -> None:
        plan = self.plan
        departments = plan.department_paths
        unchanged = 0
        created: list[Record] = []
        changed: list[tuple[Record, Existing, dict]] = []
        for rec in records:
            if rec.department:
                departments.add(rec.department)
            base = self.by_id.get(rec.person_id) if rec.person_id else None
            if base is None:
                rec.kind = "create"
                created.append(rec)
                continue
            fields = self._differences(rec, base)
            if not fields:
                rec.kind = "unchanged"
                unchanged += 1
                continue
            changed.append((rec, base, fields))
        plan.moved = sum(rec.moved for rec, _base, _fields in changed)
        for rec, base, fields in changed:
            deactivating = base.status == Person.Status.ACTIVE and rec.status != base.status
            rec.kind = "deactivate" if deactivating else "update"
            (plan.deactivated if deactivating else plan.updated).append(
                Change(
                    rec.kind,
                    rec.line,
                    base.id,
                    base.full_name,
                    base.work_email,
                    fields,
                    self._flags(rec, base),
                )
            )
        if plan.full:
            for person in existing:
                if person.id not in self.matched and person.status == Person.Status.ACTIVE:
                    plan.missing_ids.append(person.id)
                    plan.deactivated.append(
                        Change(
                            "deactivate",
                            None,
                            person.id,
                            person.full_name,
                            person.work_email,
                            {"status": (status_label(person.status), status_label("left"))},
                            [_("not in the file, which is the whole roster")],
                        )
                    )
        plan.unchanged = unchanged
        plan.created = LazyChanges(created, self._describe_creation)
        plan.records = records
        plan.manager_of = self.managers.manager_of

    def _differences(self, rec: Record, base: Existing) -> dict[str, tuple[str, str]]:
        fields = {}
        if base.work_email != rec.work_email:
            fields["work_email"] = (base.work_email, rec.work_email)
        for f in self.compared:
            before, after = getattr(base, f), getattr(rec, f)
            if (before or None) != (after or None):
                fields[f] = (display(before), display(after))
        if base.manager_id != rec.manager_key:
            rec.moved = True
            name_of = self.managers.name_of
            fields["manager"] = (name_of(base.manager_id), name_of(rec.manager_key))
        for key, name in self.custom:
            before, after = base.custom_attributes.get(key), rec.custom_attributes.get(key)
            if before != after:
                fields[name] = (display(before), display(after))
        if base.status != rec.status:
            fields["status"] = (status_label(base.status), status_label(rec.status))
        rec.renamed = "work_email" in fields or "employee_id" in fields
        return fields

    def _flags(self, rec: Record, base: Existing) -> list[str]:
        flags = []
        if (
            rec.matched_by == "work_email"
            and base.employee_id
            and rec.employee_id != base.employee_id
        ):
            flags.append(
                _(
                    "matched by email, but the file gives another employee ID (%(before)s → "
                    "%(after)s): is this the same person?"
                )
                % {"before": base.employee_id, "after": rec.employee_id}
            )
        if rec.moved and self.plan.many_managers_change:
            flags.append(
                _("manager changes, as for %(share)s of the organisation")
                % {"share": f"{self.plan.manager_change_share:.0%}"}
            )
        return flags

    def _describe_creation(self, rec: Record) -> Change:
        # Every value the new person is saved with, so nothing is a surprise afterwards.
        fields = {
            f: ("", display(getattr(rec, f)))
            for f in (
                "employee_id",
                "first_name",
                "last_name",
                "job_title",
                "level",
                "department",
                "location",
                "time_zone",
                "start_date",
            )
            if getattr(rec, f)
        }
        if rec.manager_key is not None:
            fields["manager"] = ("", self.managers.name_of(rec.manager_key))
        fields["status"] = ("", status_label(rec.status))
        for key, name in self.custom:
            if value := rec.custom_attributes.get(key):
                fields[name] = ("", display(value))
        return Change("create", rec.line, None, rec.full_name, rec.work_email, fields)
