from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.notifications import kinds
from cadence.notifications.models import Channel, OutboundMail


def checked_preferences(user: Actor, raw: Mapping[str, Any]) -> dict[str, Channel]:
    """``{kind: channel}`` as the page or the API sent it, checked as a whole: an
    unknown kind (or one the user never receives — the same answer), an unknown channel
    or OFF for a kind that cannot be switched off is a ValidationError naming that kind,
    and nothing of the request is saved."""
    errors: dict[str, str] = {}
    checked: dict[str, Channel] = {}
    available = {k.key for k in kinds.kinds_for(user)}
    for key, value in raw.items():
        if key not in available:
            errors[key] = _("there is no such kind of notification.")
            continue
        registered = kinds.kind(key)
        if value not in Channel.values:
            allowed = ", ".join(c.value for c in kinds.channels_for(registered))
            errors[key] = _("choose one of %(allowed)s.") % {"allowed": allowed}
            continue
        if value == Channel.OFF and registered.mandatory:
            errors[key] = _("this notification cannot be switched off.")
            continue
        checked[key] = Channel(value)
    if errors:
        raise ValidationError(errors)
    return checked


class PreferencesForm(forms.Form):
    """One channel per registered kind, the field named by the kind's key. Every channel
    is a valid choice here so that ``checked_preferences`` refuses "Off" for a mandatory
    kind with its own sentence (the page does not offer it)."""

    def __init__(
        self, *args: Any, user: Actor, current: Mapping[str, Channel], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for registered in kinds.kinds_for(user):
            self.fields[registered.key] = forms.ChoiceField(
                label=registered.label,
                choices=Channel.choices,
                initial=current[registered.key].value,
                # A kind left out keeps its channel (a page opened before a kind was added).
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = {key: value for key, value in (super().clean() or {}).items() if value}
        try:
            return dict(checked_preferences(self.user, cleaned))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("Any state")), *OutboundMail.State.choices],
    )
