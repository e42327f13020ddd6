from django import forms
from django.utils.translation import gettext_lazy as _

from cadence.core.queries import AREAS


def form_errors(form: forms.Form) -> str:
    """The form's errors as sentences naming their field ("Action: Ensure this value has
    at most 10000 characters (it has 10001)."), for the views that answer a POST with a
    redirect and a message rather than with the form again."""
    sentences = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        sentences += [f"{label}: {message}" if label else str(message) for message in messages]
    return " ".join(sentences)


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Words of the change, or who made it")}),
    )
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        choices=[("", _("Everything")), *((key, label) for key, (label, _p) in AREAS.items())],
    )
    # The profile's History link: one person's record and account.
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
