from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadence.people import access
from cadence.people.models import Department


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, email, title or ID")}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.order_by("full_name"),
        empty_label=_("All departments"),
    )
    include_left = forms.BooleanField(label=_("Include people who left"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["department"].label_from_instance = lambda d: d.full_name.replace("/", " › ")
        if not access.can_include_left_people(user):
            del self.fields["include_left"]

    def cleaned_filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            "q": self.cleaned_data.get("q") or "",
            "department": self.cleaned_data.get("department"),
            "include_left": bool(self.cleaned_data.get("include_left")),
        }


class RolesForm(forms.Form):
    hr_admin = forms.BooleanField(label=_("HR admin"), required=False)
    executive = forms.BooleanField(label=_("Executive viewer"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"hr_admin": user.is_hr_admin, "executive": user.is_executive})
        super().__init__(*args, **kwargs)


class AttributeSensitivityForm(forms.Form):
    sensitive = forms.BooleanField(required=False)
