"""How every page writes people, measures and audit actions (``{% load cadence_format %}``).

Dates need no filter: ``|date`` without an argument uses the one format of
``cadence/formats``. What is here is the rest of "one way to write a thing": a person
by name rather than by email, a number by its kind, a target the way it is meant.
"""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cadence.accounts.models import User
from cadence.core.audit import action_label

if TYPE_CHECKING:
    # Only named for the type: core is below the areas and imports none of them.
    from cadence.people.models import Person

register = template.Library()

# Lets ``kr|kr_value:c.previous_value`` with a missing value read "—", not the current one.
_CURRENT = object()


@register.filter
def person_name(who: "Person | User | str | None") -> str:
    """A person's name, for a ``Person`` or a sign-in ``User``.

    A user without a person record (an HR admin created by hand, a service account)
    is shown by email, the only name the account has; nobody (a system change) is ""
    so templates can say ``|default:_("Cadence")``.

    The name is shown as stored, for pages only HR reads (the audit log, the import).
    Where someone who left may appear to readers who may not open their profile (a
    plan's history, a check-in's author), use people's ``name_for`` filter instead: it
    applies the former-employee rule (core sits below the areas and knows no rule)."""
    if who is None or isinstance(who, str):
        # A template's missing value is "", any other text is already a name.
        return who or ""
    if not isinstance(who, User):
        return who.full_name
    try:
        person = who.person
    except ObjectDoesNotExist:
        person = None
    if person is not None:
        return person.full_name
    return who.email or str(who)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_quantity(value: Any, kind: str = "number", unit: str = "") -> str:
    """A measured value written by its kind.

    number: ``1,250`` or ``3.5`` (whole numbers without decimals, at most two);
    percentage: ``45%``; currency: ``€1,250`` / ``1,250.50 EUR`` (a one-character
    symbol goes in front, a code after); milestone: done / not done."""
    if kind == "milestone":
        number = _decimal(value)
        return _("Done") if number else _("Not done")
    number = _decimal(value)
    if number is None:
        return "—"
    rounded = number.quantize(Decimal("0.01"))
    if rounded == rounded.to_integral_value():
        places = 0
    elif kind == "currency":
        places = 2
    else:
        places = max(0, -int(rounded.normalize().as_tuple().exponent))
    text = number_format(rounded, places, force_grouping=True)
    if kind == "percentage":
        return f"{text}%"
    if not unit:
        return text
    if kind == "currency" and len(unit) == 1 and not unit.isalpha():
        return f"{unit}{text}"
    return f"{text} {unit}"


@register.filter
def quantity(value: Any, kind: str = "number") -> str:
    """``{{ value|quantity:"percentage" }}`` — a bare value of a known kind."""
    return format_quantity(value, kind)


@register.filter
def kr_value(kr: Any, value: Any = _CURRENT) -> str:
    """A value of this key result (its current value unless given) by its kind and unit."""
    if value is _CURRENT:
        value = kr.current_value
    return format_quantity(value, kr.kind, kr.unit)


@register.filter
def kr_target(kr: Any) -> str:
    """The target as meant: "Decrease to 3%", "Stay above €10,000", "Done"."""
    if kr.kind == "milestone":
        return _("Done")
    target = format_quantity(kr.target_value, kr.kind, kr.unit)
    phrases = {
        "increase": _("increase to %(target)s"),
        "decrease": _("decrease to %(target)s"),
        "stay_above": _("stay above %(target)s"),
        "stay_below": _("stay below %(target)s"),
    }
    return phrases.get(kr.direction, "%(target)s") % {"target": target}


@register.filter
def audit_action(code: str) -> str:
    """An audit action code as words: "plan.agree" → "Plan agreed"."""
    return action_label(code or "")
