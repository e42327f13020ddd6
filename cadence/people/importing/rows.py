"""Reading the rows of an export: each row checked on its own and matched to a person.

A blank cell leaves the person's value as it is, like most HRIS tools: an export with
a column half filled in (a manager column only HR's own rows carry, say) must not
wipe what Cadence knows. To clear a value, change the person in Cadence.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.core.tabular import Table, guess_day_first, parse_date
from cadence.people.importing.columns import MANAGER_FIELDS, Columns
from cadence.people.importing.errors import Problems
from cadence.people.importing.organisation import Existing
from cadence.people.importing.values import (
    EMAIL_RE,
    MAX_LENGTHS,
    department_path,
    full_name,
    parse_status,
    parse_time_zone,
    split_name,
)
from cadence.people.models import Person


class Record:
    """The state a person will have once the file is imported (a row, resolved).

    ``key`` identifies the person across the plan: the database id of an existing
    person, or a negative number for someone the import creates.
    """

    __slots__ = (
        "line",
        "key",
        "person_id",
        "user_id",
        "matched_by",
        "kind",
        "first_name",
        "last_name",
        "work_email",
        "employee_id",
        "job_title",
        "level",
        "department",
        "location",
        "time_zone",
        "start_date",
        "status",
        "left_on",
        "custom_attributes",
        "manager_ref",
        "manager_key",
        "renamed",
        "moved",
    )

    def __init__(
        self,
        *,
        line: int,
        key: int,
        base: Existing | None,
        matched_by: str,
        work_email: str,
        employee_id: str | None,
    ) -> None:
        self.line, self.key, self.matched_by = line, key, matched_by
        self.work_email, self.employee_id = work_email, employee_id
        self.kind = ""
        self.manager_ref: tuple[str, str] | None = None
        self.renamed = False
        self.moved = False  # an existing person whose manager changes
        self.left_on: datetime.date | None = None
        if base is None:
            self.person_id = self.user_id = None
            self.first_name = self.last_name = self.job_title = self.level = ""
            self.department = self.location = self.time_zone = ""
            self.start_date: datetime.date | None = None
            self.status: str = Person.Status.ACTIVE
            self.custom_attributes: dict = {}
            self.manager_key: int | None = None
            return
        # The file's non-blank cells are written over what the person has now.
        self.person_id, self.user_id = base.id, base.user_id
        self.first_name, self.last_name = base.first_name, base.last_name
        self.job_title, self.level, self.location = base.job_title, base.level, base.location
        self.department, self.start_date = base.department, base.start_date
        self.time_zone = base.time_zone
        self.status = base.status
        self.custom_attributes = dict(base.custom_attributes)
        self.manager_key = base.manager_id

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name, self.work_email)

    # Person.build_search_text reads only plain attributes, so it runs on a Record too:
    # one definition of what the directory search sees.
    build_search_text = Person.build_search_text


class RowReader:
    """Turns the rows of ``table`` into ``Record``s, adding every problem to ``problems``.

    ``matched`` maps each existing person found in the file to their line.
    """

    def __init__(
        self, table: Table, columns: Columns, existing: list[Existing], problems: Problems
    ) -> None:
        self.table, self.columns, self.problems = table, columns, problems
        self.by_id = {p.id: p for p in existing}
        self.db_by_eid = {p.employee_id: p.id for p in existing if p.employee_id}
        self.db_by_email = {p.work_email.lower(): p.id for p in existing}
        self.matched: dict[int, int] = {}  # person id -> line
        self.today = timezone.localdate()
        col = columns.index_of
        self.i_email = col["work_email"]
        self.i_eid = col.get("employee_id")
        self.i_first, self.i_last, self.i_name = (
            col.get(f) for f in ("first_name", "last_name", "name")
        )
        self.plain_columns = [(f, col[f]) for f in ("job_title", "level", "location") if f in col]
        self.manager_columns = [(f, col[f]) for f in MANAGER_FIELDS if f in col]
        self.i_dept, self.i_start, self.i_status = (
            col.get("department"),
            col.get("start_date"),
            col.get("status"),
        )
        self.i_zone = col.get("time_zone")
        self.day_first = self.i_start is not None and guess_day_first(
            row[self.i_start].strip() for row in table.rows
        )
        # Exports repeat the same few departments, dates and statuses: parse each once.
        self.dates: dict[str, datetime.date | None] = {}
        self.statuses: dict[str, str | None] = {}
        self.zones: dict[str, str | None] = {}
        self.departments: dict[str, str] = {}
        self.bad_departments: set[str] = set()
        self.first_line_of_email: dict[str, int] = {}
        self.first_line_of_eid: dict[str, int] = {}

    def read(self) -> list[Record]:
        records: list[Record] = []
        for index, (cells, line) in enumerate(zip(self.table.rows, self.table.lines, strict=True)):
            rec = self._match(cells, line, index)
            self._names(rec, cells)
            self._plain_fields(rec, cells)
            if self.i_dept is not None:
                self._department(rec, cells[self.i_dept])
            if self.i_start is not None:
                self._start_date(rec, cells[self.i_start].strip())
            if self.i_status is not None:
                self._status(rec, cells[self.i_status].strip())
            if self.i_zone is not None:
                self._time_zone(rec, cells[self.i_zone].strip())
            if rec.status == Person.Status.LEFT:
                base = self.by_id.get(rec.person_id) if rec.person_id else None
                rec.left_on = (
                    base.left_on if base and base.left_on else (self.today if base else None)
                )
            for column in self.columns.custom:
                if value := cells[column.index].strip():
                    rec.custom_attributes[column.key] = value
            # Resolved once every row is known: a manager may be further down the file.
            for name, i in self.manager_columns:
                if value := cells[i].strip():
                    rec.manager_ref = (name, value)
                    break
            records.append(rec)
        self._check_identifiers_outside_the_file(records)
        return records

    def _match(self, cells: list[str], line: int, index: int) -> Record:
        """The record for a row, matched by employee id, then by email."""
        email = cells[self.i_email].strip().lower()
        eid = cells[self.i_eid].strip() if self.i_eid is not None else ""
        person_id = None
        matched_by = "employee_id"
        if eid and eid in self.db_by_eid:
            person_id = self.db_by_eid[eid]
        elif email and email in self.db_by_email:
            person_id = self.db_by_email[email]
            matched_by = "work_email"
        base = self.by_id.get(person_id) if person_id else None
        if person_id is not None:
            if person_id in self.matched:
                self.problems.add(
                    line,
                    matched_by,
                    _("this is the same person as line %(other)d")
                    % {"other": self.matched[person_id]},
                )
            else:
                self.matched[person_id] = line
        self._check_email(line, email)
        if eid:
            self._check_employee_id(line, eid)
        return Record(
            line=line,
            key=person_id if person_id else -(index + 1),
            base=base,
            matched_by=matched_by if base else "",
            work_email=email,
            employee_id=eid or (base.employee_id if base else None),
        )

    def _check_email(self, line: int, email: str) -> None:
        if not email:
            self.problems.add(line, "work_email", _("missing"))
        elif len(email) > MAX_LENGTHS["work_email"] or not EMAIL_RE.fullmatch(email):
            self.problems.add(
                line, "work_email", _("“%(value)s” is not an email address") % {"value": email}
            )
        elif email in self.first_line_of_email:
            self.problems.add(
                line,
                "work_email",
                _("duplicate email %(value)s (also on line %(other)d)")
                % {"value": email, "other": self.first_line_of_email[email]},
            )
        else:
            self.first_line_of_email[email] = line

    def _check_employee_id(self, line: int, eid: str) -> None:
        if len(eid) > MAX_LENGTHS["employee_id"]:
            self.problems.add(line, "employee_id", _("longer than 64 characters"))
        elif eid in self.first_line_of_eid:
            self.problems.add(
                line,
                "employee_id",
                _("duplicate employee ID %(value)s (also on line %(other)d)")
                % {"value": eid, "other": self.first_line_of_eid[eid]},
            )
        else:
            self.first_line_of_eid[eid] = line

    def _names(self, rec: Record, cells: list[str]) -> None:
        first = cells[self.i_first].strip() if self.i_first is not None else ""
        last = cells[self.i_last].strip() if self.i_last is not None else ""
        whole = cells[self.i_name].strip() if self.i_name is not None else ""
        if whole and not first and not last:
            # One cell holds the whole name: both parts come from it.
            rec.first_name, rec.last_name = split_name(whole)
        if first:
            rec.first_name = first
        if last:
            rec.last_name = last
        for name in ("first_name", "last_name"):
            if len(getattr(rec, name)) > MAX_LENGTHS[name]:
                self.problems.add(
                    rec.line, name, _("longer than %(n)d characters") % {"n": MAX_LENGTHS[name]}
                )

    def _plain_fields(self, rec: Record, cells: list[str]) -> None:
        for name, i in self.plain_columns:
            if value := cells[i].strip():
                if len(value) > MAX_LENGTHS[name]:
                    self.problems.add(
                        rec.line,
                        name,
                        _("longer than %(n)d characters") % {"n": MAX_LENGTHS[name]},
                    )
                setattr(rec, name, value)

    def _department(self, rec: Record, raw: str) -> None:
        path = self.departments.get(raw)
        if path is None:
            path = self.departments[raw] = department_path(raw)
            if len(path) > 1000 or any(len(p) > 200 for p in path.split("/")):
                self.bad_departments.add(path)
        if path in self.bad_departments:
            self.problems.add(rec.line, "department", _("too long"))
        if path:
            rec.department = path

    def _start_date(self, rec: Record, raw: str) -> None:
        if not raw:
            return
        if raw in self.dates:
            value = self.dates[raw]
        else:
            value = self.dates[raw] = parse_date(raw, day_first=self.day_first)
        if value is None:
            self.problems.add(
                rec.line,
                "start_date",
                _("“%(value)s” is not a date (use YYYY-MM-DD)") % {"value": raw},
            )
        rec.start_date = value

    def _status(self, rec: Record, raw: str) -> None:
        if not raw:
            return
        if raw in self.statuses:
            status = self.statuses[raw]
        else:
            status = self.statuses[raw] = parse_status(raw)
        if status is None:
            self.problems.add(
                rec.line,
                "status",
                _(
                    "unknown status “%(value)s” (use Active, or Terminated, "
                    "Inactive or Left for people who left)"
                )
                % {"value": raw},
            )
            return
        rec.status = status

    def _time_zone(self, rec: Record, raw: str) -> None:
        if not raw:
            return
        if raw in self.zones:
            zone = self.zones[raw]
        else:
            zone = self.zones[raw] = parse_time_zone(raw)
        if zone is None:
            self.problems.add(
                rec.line,
                "time_zone",
                _("“%(value)s” is not a time zone name such as Europe/Berlin or America/New_York")
                % {"value": raw},
            )
            return
        rec.time_zone = zone

    def _check_identifiers_outside_the_file(self, records: list[Record]) -> None:
        """An email or employee id the file gives someone may not belong to a person
        the file does not mention (the database would refuse it half-way)."""
        db_by_email, db_by_eid, matched = self.db_by_email, self.db_by_eid, self.matched
        for rec in records:
            owner = db_by_email.get(rec.work_email)
            if (
                rec.work_email
                and owner is not None
                and owner != rec.person_id
                and owner not in matched
            ):
                self.problems.add(
                    rec.line,
                    "work_email",
                    _("%(value)s is already the email of %(name)s, who is not in this file")
                    % {"value": rec.work_email, "name": self.by_id[owner].full_name},
                )
            if rec.employee_id and rec.person_id is not None:
                owner = db_by_eid.get(rec.employee_id)
                if owner is not None and owner != rec.person_id and owner not in matched:
                    self.problems.add(
                        rec.line,
                        "employee_id",
                        _(
                            "%(value)s is already the employee ID of %(name)s, who is not in "
                            "this file"
                        )
                        % {"value": rec.employee_id, "name": self.by_id[owner].full_name},
                    )
