"""The manager chain a file describes: references resolved to people, cycles refused."""

from django.utils.translation import gettext as _

from cadence.people.importing.errors import Problems
from cadence.people.importing.organisation import Existing
from cadence.people.importing.rows import Record


class ManagerLinks:
    """Resolves each record's manager reference to a person key, then reports every
    chain that loops. ``manager_of`` is the whole organisation once the file is in:
    people outside the file keep their manager."""

    def __init__(
        self,
        records: list[Record],
        existing: list[Existing],
        matched: dict[int, int],
        problems: Problems,
    ) -> None:
        self.records, self.existing, self.matched = records, existing, matched
        self.problems = problems
        self.by_id = {p.id: p for p in existing}
        self.by_key = {rec.key: rec for rec in records}
        self.manager_of: dict[int, int | None] = {}

    def link(self) -> None:
        self._resolve()
        self._find_cycles()

    def _resolve(self) -> None:
        # Final identifiers: the file's rows win over what the database says.
        by_eid: dict[str, int] = {}
        by_email: dict[str, int] = {}
        for p in self.existing:
            if p.id not in self.matched:
                if p.employee_id:
                    by_eid[p.employee_id] = p.id
                by_email[p.work_email.lower()] = p.id
        for rec in self.records:
            if rec.employee_id:
                by_eid.setdefault(rec.employee_id, rec.key)
            if rec.work_email:
                by_email.setdefault(rec.work_email, rec.key)
        by_name: dict[str, list[int]] | None = None
        for rec in self.records:
            if rec.manager_ref is None:  # blank: the manager stays as it is
                continue
            kind, value = rec.manager_ref
            if kind == "manager_employee_id":
                key = by_eid.get(value)
            elif kind == "manager_email":
                key = by_email.get(value.lower())
            else:
                key = by_eid.get(value) or by_email.get(value.lower())
                if key is None:
                    if by_name is None:
                        by_name = self._names()
                    candidates = by_name.get(" ".join(value.lower().split()), [])
                    if len(candidates) > 1:
                        self.problems.add(
                            rec.line,
                            kind,
                            _(
                                "%(count)d people are called “%(value)s”: use an employee ID "
                                "or an email"
                            )
                            % {"count": len(candidates), "value": value},
                        )
                        rec.manager_key = None
                        continue
                    key = candidates[0] if candidates else None
            if key is None:
                what = {
                    "manager_employee_id": _("no person with employee ID %(value)s"),
                    "manager_email": _("no person with email %(value)s"),
                    "manager": _("no person with employee ID, email or name “%(value)s”"),
                }[kind]
                self.problems.add(
                    rec.line, kind, (what + _(" in the file or in Cadence")) % {"value": value}
                )
            rec.manager_key = key

    def _names(self) -> dict[str, list[int]]:
        names: dict[str, list[int]] = {}
        for p in self.existing:
            if p.id not in self.matched:
                names.setdefault(" ".join(p.full_name.lower().split()), []).append(p.id)
        for rec in self.records:
            names.setdefault(" ".join(rec.full_name.lower().split()), []).append(rec.key)
        return names

    def _find_cycles(self) -> None:
        """Report every row whose manager chain loops back to itself."""
        manager_of = self.manager_of
        for p in self.existing:
            if p.id not in self.matched:
                manager_of[p.id] = p.manager_id
        for rec in self.records:
            manager_of[rec.key] = rec.manager_key
        state: dict[int, int] = {}  # 1: on the current walk, 2: known to reach the top
        for rec in self.records:
            walk: list[int] = []
            key: int | None = rec.key
            while key is not None and key not in state:
                state[key] = 1
                walk.append(key)
                key = manager_of.get(key)
            if key is not None and state[key] == 1:
                self._report_cycle(walk[walk.index(key) :])
            for k in walk:
                state[k] = 2

    def _report_cycle(self, cycle: list[int]) -> None:
        labels = [self._label(k) for k in cycle]
        for k in cycle:
            rec = self.by_key.get(k)
            if rec is None or rec.manager_key is None:
                continue
            if len(cycle) == 1:
                reason = _("a person cannot be their own manager")
            else:
                start = cycle.index(k)
                loop = labels[start:] + labels[:start] + [labels[start]]
                reason = _("manager cycle: %(loop)s") % {"loop": " → ".join(loop)}
            field = rec.manager_ref[0] if rec.manager_ref else "manager"
            self.problems.add(rec.line, field, reason)

    def _label(self, key: int) -> str:
        rec = self.by_key.get(key)
        if rec is not None:
            return rec.employee_id or rec.work_email
        person = self.by_id[key]
        return person.employee_id or person.work_email

    def name_of(self, key: int | None) -> str:
        """The display name of a manager, in the file or in Cadence."""
        if key is None:
            return ""
        rec = self.by_key.get(key)
        if rec is not None:
            return rec.full_name
        return self.by_id[key].full_name
