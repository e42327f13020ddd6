from django import forms
from django.utils.translation import gettext_lazy as _

from cadence.core.queries import AREAS


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
