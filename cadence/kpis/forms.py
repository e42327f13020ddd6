from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.core.limits import LONG_TEXT
from cadence.kpis import access
from cadence.kpis.models import Kpi
from cadence.people.forms import DepartmentChoiceField
from cadence.people.models import Department, Person


class KpiForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Used by CSV imports and the API. Made from the name when empty."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=30, required=False)
    target = forms.DecimalField(label=gettext_lazy("Target"), max_digits=18, decimal_places=4)
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Kpi.Direction.choices)
    frequency = forms.ChoiceField(
        label=gettext_lazy("Frequency"),
        choices=Kpi.Frequency.choices,
        initial=Kpi.Frequency.MONTHLY,
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("For"),
        choices=Kpi.Scope.choices,
        initial=Kpi.Scope.PERSON,
        help_text=gettext_lazy(
            "A person; a team (department, sub-departments included); or a role — everyone "
            "with a job title, each with their own values (HR admins only)."
        ),
    )
    person = forms.CharField(
        label=gettext_lazy("Person (work email or employee ID)"), required=False, max_length=254
    )
    department = DepartmentChoiceField(
        label=gettext_lazy("Department"),
        required=False,
        # Public: every member sees every department in the directory. Whether the user
        # may define a KPI for the chosen one is access.can_define's answer.
        queryset=Department.objects.order_by("full_name"),
    )
    job_title = forms.CharField(label=gettext_lazy("Job title"), required=False, max_length=200)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_person(self) -> Person | None:
        key = self.cleaned_data["person"]
        if not key.strip():
            return None
        # Looked up only among the people the user may define KPIs for: someone outside
        # their line, someone who left and a typo get the same sentence.
        person = access.person_for_definition(self.user, key=key)
        if person is None:
            raise ValidationError(unknown_person())
        return person

    @classmethod
    def initial_for(cls, kpi: Kpi) -> dict[str, Any]:
        return {
            "name": kpi.name,
            "code": kpi.code,
            "description": kpi.description,
            "unit": kpi.unit,
            "target": format(kpi.target.normalize(), "f"),
            "direction": kpi.direction,
            "frequency": kpi.frequency,
            "scope": kpi.scope,
            "person": kpi.person.work_email if kpi.person else "",
            "department": kpi.department_id,
            "job_title": kpi.job_title,
        }


def unknown_person() -> str:
    return _("Person: no active person you may define KPIs for has this work email or employee ID.")


class MeasurementForm(forms.Form):
    period = forms.DateField(
        label=gettext_lazy("Period (any day in it)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    value = forms.DecimalField(label=gettext_lazy("Value"), max_digits=18, decimal_places=4)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = timezone.localdate()


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or XLSX with the columns KPI (code), Period, Value, Person (for role KPIs), Note."
        ),
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's field errors on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
