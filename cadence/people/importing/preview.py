"""What the web import keeps of a plan for its preview page, and the list of past
imports the import page shows."""

import datetime
from dataclasses import dataclass

from cadence.accounts.models import User
from cadence.core.models import AuditEvent
from cadence.people.importing.plan import Change, ImportPlan
from cadence.people.models import PeopleImport

PREVIEW_LIMIT = 200  # changes listed per kind; the counts cover every row


def _change(change: Change) -> dict:
    return {
        "line": change.line,
        "person_id": change.person_id,
        "name": change.name,
        "email": change.email,
        "fields": [list(f) for f in change.field_list],
        "flags": list(change.flags),
    }


def preview_of(plan: ImportPlan) -> dict:
    """The preview of a plan as JSON-ready data (stored on the ``PeopleImport``)."""
    flagged = [c for c in (*plan.deactivated, *plan.updated) if c.flags]
    return {
        "rows": len(plan.table),
        "description": plan.table.description,
        "columns": [list(c) for c in plan.columns],
        "kept_as_custom": plan.kept_as_custom,
        "error_count": len(plan.errors),
        "counts": plan.summary().as_dict() if not plan.errors else {},
        "active_before": plan.active_before,
        "deactivation_share": plan.deactivation_share,
        "needs_confirmation": plan.needs_confirmation,
        "warnings": plan.warnings if not plan.errors else [],
        "flagged_count": len(flagged),
        "flagged": [_change(c) for c in flagged[:PREVIEW_LIMIT]],
        **{
            kind: [_change(c) for c in changes[:PREVIEW_LIMIT]]
            for kind, changes in (
                ("created", plan.created),
                ("updated", plan.updated),
                ("deactivated", plan.deactivated),
            )
        },
    }


@dataclass(frozen=True)
class PastImport:
    """One import as the import page lists it."""

    at: datetime.datetime
    by: User | None  # None for the command line
    file_name: str
    summary: dict[str, int]  # created, updated, deactivated, unchanged (empty: not applied)
    state: str  # a PeopleImport.State, or "applied" for command-line runs
    state_label: str
    upload_id: int | None  # the web import's preview page, when there is one


def past_imports(limit: int = 20) -> list[PastImport]:
    """The latest imports, newest first: web uploads (whatever their state) and runs of
    ``cadence import-people``, which leave only their audit event. Two queries."""
    uploads = PeopleImport.objects.select_related("uploaded_by__person").defer("content")[:limit]
    rows = [
        PastImport(
            at=upload.applied_at or upload.uploaded_at,
            by=upload.uploaded_by,
            file_name=upload.file_name,
            summary=(
                upload.summary.get("result")
                or upload.summary.get("preview", {}).get("counts")
                or {}
            ),
            state=upload.state,
            state_label=str(upload.get_state_display()),
            upload_id=upload.pk,
        )
        for upload in uploads
    ]
    # Web imports write their audit event with the confirming HR admin as actor; runs
    # from the command line (and `cadence demo`) have none.
    events = AuditEvent.objects.filter(action="people.import", actor__isnull=True)[:limit]
    rows += [
        PastImport(
            at=event.at,
            by=None,
            file_name=event.data.get("file", ""),
            summary={
                k: event.data.get(k, 0) for k in ("created", "updated", "deactivated", "unchanged")
            },
            state=PeopleImport.State.APPLIED,
            state_label=str(PeopleImport.State.APPLIED.label),
            upload_id=None,
        )
        for event in events
    ]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:limit]
