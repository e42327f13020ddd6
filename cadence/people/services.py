"""Every write to the organisation directory. One function per use case.

Each function runs in a transaction and keeps the invariants the models cannot
express alone: ``reporting_path`` always mirrors the manager chain, there is no
manager cycle, a person who left has an inactive account.
"""

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.core import search
from cadence.core.audit import audit
from cadence.core.paths import move_subtree, path_under
from cadence.notifications.services import notify
from cadence.people import notifications as told
from cadence.people.importing import (
    ImportBlocked,
    ImportHasErrors,
    ImportPlan,
    ImportSummary,
    MassDeactivationRefused,
    TableError,
    database_snapshot,
    plan_import,
    read_table,
)
from cadence.people.importing.preview import preview_of
from cadence.people.models import (
    CustomAttribute,
    Department,
    PeopleImport,
    Person,
)

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "work_email",
    "employee_id",
    "job_title",
    "level",
    "location",
    "start_date",
    "time_zone",
)


def department_ensure(*, full_name: str) -> Department | None:
    """Return the department named by a path like ``Engineering/Platform``, creating
    the missing levels. Blank names mean "no department"."""
    parts = [p.strip() for p in full_name.replace("\\", "/").split("/") if p.strip()]
    if not parts:
        return None
    parent = None
    path = ""
    for part in parts:
        path = f"{path}/{part}" if path else part
        dept = Department.objects.filter(full_name=path).first()
        if dept is None:
            dept = Department.objects.create(name=part, parent=parent, full_name=path)
        parent = dept
    return parent


def attribute_key(label: str) -> str:
    return slugify(label).replace("-", "_")[:100] or "attribute"


def is_sensitive_label(label: str) -> bool:
    from django.conf import settings

    lowered = label.lower()
    return any(hint in lowered for hint in settings.CADENCE_SENSITIVE_ATTRIBUTE_HINTS)


def attributes_ensure(*, labels: list[str]) -> dict[str, CustomAttribute]:
    """Definitions for these column labels, created (sensitive when the name
    suggests personal data) on first sight. Returns label -> definition."""
    keys = {label: attribute_key(label) for label in labels}
    existing = {a.key: a for a in CustomAttribute.objects.filter(key__in=keys.values())}
    out = {}
    for label, key in keys.items():
        if key not in existing:
            existing[key] = CustomAttribute.objects.create(
                key=key, label=label, is_sensitive=is_sensitive_label(label)
            )
        out[label] = existing[key]
    return out


@transaction.atomic
def attribute_set_sensitivity(
    *, actor: Actor | None, attribute: CustomAttribute, sensitive: bool
) -> None:
    attribute.is_sensitive = sensitive
    attribute.save(update_fields=["is_sensitive"])
    audit(
        actor=actor,
        action="attribute.sensitivity",
        target=attribute,
        summary=f"{attribute.label}: {'sensitive' if sensitive else 'not sensitive'}",
    )


def _check_manager(person: Person, manager: Person | None) -> None:
    if manager is None:
        return
    if manager.pk == person.pk:
        raise ValidationError({"manager": _("A person cannot be their own manager.")})
    if (
        person.pk
        and person.reporting_path
        and manager.reporting_path.startswith(person.reporting_path)
    ):
        raise ValidationError(
            {
                "manager": _("%(manager)s reports to %(person)s: that would make a cycle.")
                % {"manager": manager.full_name, "person": person.full_name}
            }
        )


def _move_subtree(person: Person, new_path: str) -> None:
    move_subtree(person, "reporting_path", new_path)


def _path_under(manager: Person | None, person_id: int) -> str:
    return path_under(manager.reporting_path if manager else None, person_id)


def _sync_account(person: Person) -> None:
    """Create or link the sign-in account; deactivate it when the person has left."""
    active = person.status == Person.Status.ACTIVE
    user = person.user
    if user is None:
        user = User.objects.filter(email__iexact=person.work_email).first()
        if user is None:
            user = User.objects.create_user(person.work_email, is_active=active)
        person.user = user
        Person.objects.filter(pk=person.pk).update(user=user)
    changed = []
    if user.email != person.work_email:
        user.email = person.work_email
        changed.append("email")
    if user.is_active != active:
        user.is_active = active
        changed.append("is_active")
    if changed:
        user.save(update_fields=changed)


@transaction.atomic
def person_create(
    *,
    actor: Actor | None,
    work_email: str,
    first_name: str = "",
    last_name: str = "",
    employee_id: str | None = None,
    job_title: str = "",
    level: str = "",
    department: Department | None = None,
    location: str = "",
    start_date: datetime.date | None = None,
    manager: Person | None = None,
    custom_attributes: dict | None = None,
    time_zone: str = "",
) -> Person:
    """Add a person with a sign-in account (no password until they reset it)."""
    person = Person(
        work_email=work_email.strip().lower(),
        first_name=first_name,
        last_name=last_name,
        employee_id=employee_id or None,
        job_title=job_title,
        level=level,
        department=department,
        location=location,
        start_date=start_date,
        manager=manager,
        custom_attributes=custom_attributes or {},
        time_zone=time_zone,
    )
    person.search_text = person.build_search_text()
    person.full_clean(exclude=["reporting_path", "user", "manager"])
    person.save()
    person.reporting_path = _path_under(manager, person.pk)
    Person.objects.filter(pk=person.pk).update(reporting_path=person.reporting_path)
    _sync_account(person)
    audit(actor=actor, action="person.create", target=person, summary=person.full_name)
    return person


@transaction.atomic
def person_update(*, actor: Actor | None, person: Person, **changes: Any) -> Person:
    """Change a person's fields and/or manager (``manager=`` moves their whole line)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before: dict[str, str | int | None] = {}
    if "manager" in changes:
        manager = changes.pop("manager")
        if manager is not None:
            manager = Person.objects.get(pk=manager.pk)
        _check_manager(person, manager)
        if person.manager_id != (manager.pk if manager else None):
            before["manager"] = person.manager_id
            person.manager = manager
            _move_subtree(person, _path_under(manager, person.pk))
    for field, value in changes.items():
        if field not in (*PERSON_FIELDS, "department", "custom_attributes"):
            raise ValueError(f"person_update cannot change {field!r}")
        if getattr(person, field) != value:
            before[field] = str(getattr(person, field))
            setattr(person, field, value)
    if not before:
        return person
    person.work_email = person.work_email.strip().lower()
    person.search_text = person.build_search_text()
    person.updated_at = timezone.now()
    person.full_clean(exclude=["reporting_path", "user", "manager"])
    person.save()
    _sync_account(person)
    audit(
        actor=actor,
        action="person.update",
        target=person,
        summary=f"{person.full_name}: {', '.join(sorted(before))}",
        data={"before": before},
    )
    return person


@transaction.atomic
def person_mark_left(
    *, actor: Actor | None, person: Person, left_on: datetime.date | None = None
) -> None:
    """The person left: kept with their history, but inactive and unable to sign in.
    Their direct reports keep pointing at them until HR assigns a new manager,
    so nobody silently moves in the tree."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status == Person.Status.LEFT:
        return
    left_on = left_on or timezone.localdate()
    if person.start_date and left_on < person.start_date:
        raise ValidationError(
            {
                "left_on": _(
                    "The last day (%(left)s) is before the start date of %(name)s (%(start)s)."
                )
                % {"left": left_on, "name": person.full_name, "start": person.start_date}
            }
        )
    person.status = Person.Status.LEFT
    person.left_on = left_on
    person.updated_at = timezone.now()
    person.save(update_fields=["status", "left_on", "updated_at"])
    _sync_account(person)
    audit(actor=actor, action="person.left", target=person, summary=person.full_name)


@transaction.atomic
def person_reactivate(*, actor: Actor | None, person: Person) -> None:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status == Person.Status.ACTIVE:
        return
    person.status = Person.Status.ACTIVE
    person.left_on = None
    person.updated_at = timezone.now()
    person.save(update_fields=["status", "left_on", "updated_at"])
    _sync_account(person)
    audit(actor=actor, action="person.reactivate", target=person, summary=person.full_name)


@transaction.atomic
def user_set_roles(*, actor: Actor | None, user: User, hr_admin: bool, executive: bool) -> None:
    """Grant or withdraw the organisation-wide roles (HR admin, executive viewer)."""
    if user.is_hr_admin == hr_admin and user.is_executive == executive:
        return
    if user.is_hr_admin and not hr_admin and not user.is_superuser:
        others = User.objects.filter(is_active=True).exclude(pk=user.pk)
        if not others.filter(Q(is_hr_admin=True) | Q(is_superuser=True)).exists():
            # Without an HR admin nobody could import people or grant roles again.
            raise ValidationError(
                _("%(email)s is the last HR admin: make someone else HR admin first.")
                % {"email": user.email}
            )
    before = {"hr_admin": user.is_hr_admin, "executive": user.is_executive}
    user.is_hr_admin = hr_admin
    user.is_executive = executive
    user.save(update_fields=["is_hr_admin", "is_executive"])
    audit(
        actor=actor,
        action="user.roles",
        target=user,
        summary=f"{user.email}: hr admin={hr_admin}, executive={executive}",
        data={"before": before},
    )


def reporting_paths_rebuild() -> int:
    """Recompute every ``reporting_path`` from the manager links; returns rows changed.

    Used after bulk imports (which write manager links in bulk) and as a repair tool.
    Iterative, so an 8-level org of 100,000 people costs one read and one batched write.
    """
    rows = list(Person.objects.values_list("id", "manager_id", "reporting_path"))
    children: dict[int | None, list[int]] = {}
    current = {}
    for pk, manager_id, path in rows:
        children.setdefault(manager_id, []).append(pk)
        current[pk] = path
    new_paths: dict[int, str] = {}
    stack = [(pk, "/") for pk in children.get(None, [])]
    while stack:
        pk, parent_path = stack.pop()
        path = f"{parent_path}{pk}/"
        new_paths[pk] = path
        stack.extend((child, path) for child in children.get(pk, []))
    if len(new_paths) != len(current):
        raise ValidationError(_("The manager links contain a cycle."))
    changed = [(path, pk) for pk, path in new_paths.items() if current[pk] != path]
    if changed:
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET reporting_path = %s WHERE id = %s",  # noqa: S608
                changed,
            )
    return len(changed)


# --- HRIS import -----------------------------------------------------------------------


@transaction.atomic
def people_import(
    *,
    actor: Actor | None,
    plan: ImportPlan,
    confirm_mass_deactivation: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Apply an import plan (``cadence.people.importing.plan_import``): all or nothing.

    Before: the plan is checked again inside the transaction, and planned afresh when
    the organisation changed since it was made, so a stale preview never writes.
    Raises ``ImportHasErrors`` when the file has errors, and ``MassDeactivationRefused``
    when it would deactivate more than ``CADENCE_IMPORT_MAX_DEACTIVATE_SHARE`` of the
    active people unless ``confirm_mass_deactivation``.
    After: people, their accounts (unusable password; inactive for people who left),
    departments, custom attributes, manager links and reporting paths match the file;
    one audit event records the run. ``progress(done, total)`` is called as rows are
    written.

    Rows are written with batched ``executemany`` rather than model saves: 100,000
    people take seconds, not minutes (bench/workloads/import_people.py).
    """
    if connection.vendor == "postgresql":
        # Nobody edits people half-way through an import (SQLite's IMMEDIATE
        # transactions already hold the write lock).
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Person._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    if plan.snapshot != database_snapshot():
        plan = plan_import(plan.table, mapping=plan.mapping, full=plan.full)
    if plan.errors:
        raise ImportHasErrors(plan.errors)
    if plan.needs_confirmation and not confirm_mass_deactivation:
        raise MassDeactivationRefused(len(plan.deactivated), plan.deactivation_share)
    _PeopleImportWriter(plan, progress).write()
    summary = plan.summary()
    audit(
        actor=actor,
        action="people.import",
        summary=f"{plan.table.file_name}: {summary}",
        data={
            "file": plan.table.file_name,
            "rows": len(plan.table),
            "full": plan.full,
            **summary.as_dict(),
        },
    )
    return summary


def _reserve_ids(model: Any, count: int) -> list[int]:
    """Primary keys for ``count`` rows about to be inserted, so that rows can point at
    each other (manager, account) in a single pass."""
    if not count:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses the id of a deleted row; neither do we.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + count))


class _PeopleImportWriter:
    """The writes of one ``people_import``, in an order that never breaks a unique
    constraint half-way (renames first, inserts last)."""

    BATCH = 2000

    def __init__(self, plan: ImportPlan, progress: Callable[[int, int], None] | None) -> None:
        self.plan = plan
        self.progress = progress
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.ops = connection.ops
        self.new = [r for r in plan.records if r.kind == "create"]
        self.changed = [r for r in plan.records if r.kind in ("update", "deactivate")]
        self.total = 2 * len(self.new) + len(self.changed) + len(plan.missing_ids)
        self.done = 0
        self.id_of: dict[int, int] = {}
        self.encoder = Person._meta.get_field("custom_attributes").encoder
        self.encoded: dict[tuple, Any] = {}

    def write(self) -> None:
        self.departments = self._departments()
        if self.plan.custom_labels:
            attributes_ensure(labels=self.plan.custom_labels)
        ids = _reserve_ids(Person, len(self.new))
        self.id_of = {rec.key: pk for rec, pk in zip(self.new, ids, strict=True)}
        self._advance(0)
        self._update_people()
        self._deactivate_missing()
        accounts = self._sync_accounts()
        with search.bulk_insert(connection, search.PERSON_SEARCH, adding=len(self.new)):
            self._insert_people(accounts)
        if any(r.moved for r in self.changed):
            # Someone already in Cadence changed manager: their whole line moves. (New
            # people were inserted with their final paths; nobody else's changed.)
            reporting_paths_rebuild()
        if self.progress:
            self.progress(self.total, self.total)

    # -- helpers

    def _advance(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(min(self.done, self.total), self.total)

    def _pk(self, key: int | None) -> int | None:
        if key is None:
            return None
        return key if key > 0 else self.id_of[key]

    def _executemany(self, sql: str, rows: list[tuple], *, counts: bool = False) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.BATCH):
                batch = rows[start : start + self.BATCH]
                cursor.executemany(sql, batch)
                if counts:
                    self._advance(len(batch))

    def _update_sql(self, model: Any, fields: list[str]) -> str:
        qn = self.ops.quote_name
        meta = model._meta
        sets = ", ".join(f"{qn(meta.get_field(f).column)} = %s" for f in fields)
        return f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608

    def _insert(self, model: Any, fields: list[str], rows: list[tuple]) -> None:
        """INSERT ``rows`` (values of ``fields``, ready for the database); every other
        column gets its model default."""
        qn = self.ops.quote_name
        meta = model._meta
        given = [meta.get_field(f) for f in fields]
        others = [f for f in meta.concrete_fields if f.name not in fields]
        constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
        columns = ", ".join(qn(f.column) for f in (*given, *others))
        marks = ", ".join(["%s"] * (len(given) + len(others)))
        sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self._executemany(sql, [row + constants for row in rows], counts=True)

    def _person_values(self, rec: Any) -> tuple:
        date = self.ops.adapt_datefield_value
        return (
            rec.first_name,
            rec.last_name,
            rec.work_email,
            rec.employee_id or None,
            rec.job_title,
            rec.level,
            self.departments.get(rec.department),
            rec.location,
            date(rec.start_date),
            rec.status,
            date(rec.left_on),
            self._pk(rec.manager_key),
            rec.build_search_text(),
            self._json(rec.custom_attributes),
            rec.time_zone,
        )

    def _json(self, value: dict) -> Any:
        # Encoded once per distinct value: most people share their attribute values.
        try:
            key = tuple(value.items())
            hash(key)
        except TypeError:  # lists or dicts as values (set through the API): no cache
            return self.ops.adapt_json_value(value, self.encoder)
        if key not in self.encoded:
            self.encoded[key] = self.ops.adapt_json_value(value, self.encoder)
        return self.encoded[key]

    PERSON_COLUMNS = [
        "first_name",
        "last_name",
        "work_email",
        "employee_id",
        "job_title",
        "level",
        "department",
        "location",
        "start_date",
        "status",
        "left_on",
        "manager",
        "search_text",
        "custom_attributes",
        "time_zone",
    ]

    # -- steps

    def _departments(self) -> dict[str, int]:
        ids = dict(Department.objects.values_list("full_name", "id"))
        for path in sorted(self.plan.department_paths - ids.keys()):
            department = department_ensure(full_name=path)
            if department is None:
                # The plan keeps only paths that name a department.
                raise ValueError(f"The import planned a department with no name: {path!r}")
            ids[path] = department.pk
        return ids

    def _update_people(self) -> None:
        if not self.changed:
            return
        now = self.ops.adapt_datetimefield_value(self.now)
        renamed = [r for r in self.changed if r.renamed]
        if renamed:
            # Emails and employee ids may be swapped between people in one file: park the
            # renamed ones first so that no intermediate state has a duplicate.
            self._executemany(
                self._update_sql(Person, ["work_email", "employee_id"]),
                [(f"import-{r.person_id}@renaming.invalid", None, r.person_id) for r in renamed],
            )
        self._executemany(
            self._update_sql(Person, [*self.PERSON_COLUMNS, "updated_at"]),
            [(*self._person_values(r), now, r.person_id) for r in self.changed],
            counts=True,
        )

    def _deactivate_missing(self) -> None:
        if not self.plan.missing_ids:
            return
        self._executemany(
            self._update_sql(Person, ["status", "left_on", "updated_at"]),
            [
                (
                    Person.Status.LEFT,
                    self.ops.adapt_datefield_value(self.today),
                    self.ops.adapt_datetimefield_value(self.now),
                    pk,
                )
                for pk in self.plan.missing_ids
            ],
            counts=True,
        )

    def _sync_accounts(self) -> dict[int, int]:
        """Accounts follow their people: same email, inactive once they left. Returns
        the account id for each person key that had none (linked or created)."""
        active = Person.Status.ACTIVE
        wanted: dict[int, tuple[str, bool]] = {  # user id -> (email, is_active)
            r.user_id: (r.work_email, r.status == active) for r in self.changed if r.user_id
        }
        if self.plan.missing_ids:
            missing = Person.objects.filter(
                pk__in=self.plan.missing_ids, user__isnull=False
            ).values_list("user_id", "work_email")
            for user_id, email in missing:
                wanted[user_id] = (email, False)
        if wanted:
            current = {
                pk: (email, is_active)
                for pk, email, is_active in User.objects.filter(person__isnull=False).values_list(
                    "id", "email", "is_active"
                )
                if pk in wanted
            }
            stale = [(pk, w) for pk, w in wanted.items() if current.get(pk) != w]
            renamed = [pk for pk, (email, _a) in stale if current[pk][0].lower() != email]
            if renamed:
                self._executemany(
                    self._update_sql(User, ["email"]),
                    [(f"import-{pk}@renaming.invalid", pk) for pk in renamed],
                )
            self._executemany(
                self._update_sql(User, ["email", "is_active"]),
                [(email, is_active, pk) for pk, (email, is_active) in stale],
            )
        # People without an account: link the account that has their email (an HR admin
        # created before the first import, say), or create one without a password.
        needing = [r for r in self.plan.records if r.user_id is None]
        if not needing:
            return {}
        unlinked = {
            email.lower(): pk
            for pk, email in User.objects.filter(person__isnull=True).values_list("id", "email")
        }
        accounts: dict[int, int] = {}
        relink: list[tuple[bool, int]] = []
        create: list[Any] = []
        for rec in needing:
            pk = unlinked.get(rec.work_email)
            if pk is None:
                create.append(rec)
            else:
                accounts[rec.key] = pk
                relink.append((rec.status == active, pk))
        if relink:
            self._executemany(self._update_sql(User, ["is_active"]), relink)
        user_ids = _reserve_ids(User, len(create))
        now = self.ops.adapt_datetimefield_value(self.now)
        # Unusable passwords like Django's make_password(None) ("!" and 40 random
        # characters), from one call to the OS instead of 40 random choices per account.
        noise = secrets.token_hex(20 * len(create))
        rows = []
        for n, (rec, pk) in enumerate(zip(create, user_ids, strict=True)):
            accounts[rec.key] = pk
            password = f"{UNUSABLE_PASSWORD_PREFIX}{noise[40 * n : 40 * n + 40]}"
            rows.append((pk, rec.work_email, rec.status == active, password, now))
        self._insert(User, ["id", "email", "is_active", "password", "date_joined"], rows)
        existing = [(accounts[r.key], r.person_id) for r in needing if r.person_id]
        if existing:
            self._executemany(self._update_sql(Person, ["user"]), existing)
        self._advance(len(needing) - len(create))
        return accounts

    def _insert_people(self, accounts: dict[int, int]) -> None:
        if not self.new:
            return
        now = self.ops.adapt_datetimefield_value(self.now)
        paths = self._reporting_paths()
        self._insert(
            Person,
            ["id", *self.PERSON_COLUMNS, "user", "reporting_path", "created_at", "updated_at"],
            [
                (
                    self.id_of[r.key],
                    *self._person_values(r),
                    accounts[r.key],
                    paths[r.key],
                    now,
                    now,
                )
                for r in self.new
            ],
        )

    def _reporting_paths(self) -> dict[int, str]:
        """Final paths of the new people (and their managers), so that they are inserted
        right; reporting_paths_rebuild() then only has people who moved to rewrite."""
        manager_of = self.plan.manager_of
        paths: dict[int, str] = {}
        for rec in self.new:
            chain = []
            key: int | None = rec.key
            while key is not None and key not in paths:
                chain.append(key)
                key = manager_of.get(key)
            prefix = paths[key] if key is not None else "/"
            for k in reversed(chain):
                prefix = paths[k] = f"{prefix}{self._pk(k)}/"
        return paths


# --- HRIS import from the web: upload → preview → confirm ------------------------------

IMPORT_ERROR_LIMIT = 1000


def people_import_upload(
    *, actor: User, file_name: str, content: bytes, full: bool, mapping: dict[str, str]
) -> PeopleImport:
    """Keep an uploaded file with the preview of what importing it would do.

    Nothing about people changes here; ``people_import_confirm`` applies it later,
    re-planned from the stored file against the organisation as it is then.
    """
    upload = PeopleImport(
        uploaded_by=actor,
        file_name=file_name[:255],
        content=content,
        options={"full": full, "mapping": mapping},
    )
    try:
        plan = plan_import(read_table(content, file_name), mapping=mapping, full=full)
    except TableError as exc:
        upload.errors = [str(exc)]
        upload.summary = {"preview": {"error_count": 1}}
        upload.save()
        return upload
    upload.errors = [str(e) for e in plan.errors[:IMPORT_ERROR_LIMIT]]
    upload.summary = {"preview": preview_of(plan)}
    upload.save()
    return upload


def people_import_confirm(
    *, actor: User, upload: PeopleImport, confirm_mass_deactivation: bool = False
) -> None:
    """An HR admin confirmed a previewed import: queue it (background worker).

    Before: ``upload`` is previewed, without errors; a preview that deactivates more
    than the allowed share needs ``confirm_mass_deactivation``. After: it is queued,
    and the task (``cadence.people.tasks.apply_people_import``) is enqueued in the same
    transaction, so a worker never sees one without the other.
    """
    from cadence.people.tasks import apply_people_import

    with transaction.atomic():
        upload = PeopleImport.objects.select_for_update().get(pk=upload.pk)
        if upload.state != PeopleImport.State.PREVIEWED:
            raise ValidationError(_("This import has already been confirmed."))
        if upload.errors:
            raise ValidationError(_("This file has errors: correct it and upload it again."))
        preview = upload.summary.get("preview", {})
        if preview.get("needs_confirmation") and not confirm_mass_deactivation:
            raise ValidationError(
                _(
                    "This import deactivates a large share of the organisation: tick the box "
                    "to confirm that the file is complete."
                )
            )
        upload.state = PeopleImport.State.QUEUED
        upload.options = {**upload.options, "confirmed_by": actor.pk}
        upload.save(update_fields=["state", "options"])
        apply_people_import.enqueue(upload.pk, actor.pk, confirm_mass_deactivation)


def people_import_apply(
    *, actor: Actor | None, upload: PeopleImport, confirm_mass_deactivation: bool
) -> None:
    """Apply a queued web import (run by the task): re-read and re-plan the stored file,
    import it, and record the outcome on the upload (applied, or failed with reasons)."""
    try:
        table = read_table(bytes(upload.content), upload.file_name)
        plan = plan_import(
            table,
            mapping=upload.options.get("mapping") or {},
            full=bool(upload.options.get("full")),
        )
        summary = people_import(
            actor=actor, plan=plan, confirm_mass_deactivation=confirm_mass_deactivation
        )
    except (TableError, ImportBlocked) as exc:
        errors = [str(e) for e in getattr(exc, "errors", [])] or [str(exc)]
        with transaction.atomic():
            PeopleImport.objects.filter(pk=upload.pk).update(
                state=PeopleImport.State.FAILED, errors=errors[:IMPORT_ERROR_LIMIT]
            )
            _tell_import_outcome(actor, upload, None, errors=len(errors))
        return
    except Exception:
        with transaction.atomic():
            PeopleImport.objects.filter(pk=upload.pk).update(
                state=PeopleImport.State.FAILED,
                errors=[
                    _(
                        "The import failed unexpectedly; nothing was changed. The server log "
                        "has the details."
                    )
                ],
            )
            _tell_import_outcome(actor, upload, None, errors=1)
        raise
    with transaction.atomic():
        PeopleImport.objects.filter(pk=upload.pk).update(
            state=PeopleImport.State.APPLIED,
            applied_at=timezone.now(),
            summary={**upload.summary, "result": summary.as_dict()},
        )
        _tell_import_outcome(actor, upload, summary)


def _tell_import_outcome(
    actor: Actor | None, upload: PeopleImport, summary: ImportSummary | None, *, errors: int = 0
) -> None:
    """Tell the HR admin who started the import how it ended (it ran in the background,
    so nobody is watching the page). Read afresh: the import may have changed them (or
    marked them as left, and then they hear nothing). The worker acts, not the admin, so
    no actor is named and the admin is not left out as the author of their own act."""
    if actor is None or not actor.is_authenticated:
        return
    starter = Person.objects.filter(user_id=actor.pk).first()
    if starter is None:  # an account without a person record has no bell
        return
    notify(
        told.IMPORT_APPLIED if summary is not None else told.IMPORT_FAILED,
        [starter],
        target=upload,
        params=told.summary_params(summary, errors),
    )
