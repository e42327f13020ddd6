from typing import Any

from cadence.core.models import AuditEvent


def audit(
    *, actor: Any, action: str, summary: str, target: Any = None, data: dict | None = None
) -> AuditEvent:
    """Record an audit event; call inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        summary=summary[:500],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
