"""Performance periods: creating, activating and closing them.

Closing a period freezes it: from then on nothing writes to its plans or goals (the
access layer refuses first; the plan services check again).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.planning.models import (
    PerformancePeriod,
    PerformancePlan,
)

# --- periods ---------------------------------------------------------------------------


@transaction.atomic
def period_create(
    *,
    actor: Actor | None,
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
def period_activate(*, actor: Actor | None, period: PerformancePeriod) -> PerformancePeriod:
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
def period_close(*, actor: Actor | None, period: PerformancePeriod) -> PerformancePeriod:
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
