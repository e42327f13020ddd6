"""Forms of the planning pages: parsing and field errors only; the rules live in the
services, whose ValidationErrors are added back onto these forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cadence.core.limits import COMMENT, LONG_TEXT
from cadence.planning import queries
from cadence.planning.models import DevelopmentItem, PerformancePeriod

DATE = forms.DateInput(attrs={"type": "date"})


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names if the form
    has it, else on the form as a whole."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PeriodForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. FY2027, 2027-H1 or 2027-Q1")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PerformancePeriod.Kind.choices)
    starts_on = forms.DateField(label=_("Start date"), widget=DATE)
    ends_on = forms.DateField(label=_("End date"), widget=DATE)
    parent = forms.ModelChoiceField(
        label=_("Inside period"),
        required=False,
        empty_label=_("(none)"),
        queryset=queries.open_periods(),
        help_text=_("A quarter or half year lies inside its year."),
    )


class PlanOpenForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.IntegerField(widget=forms.HiddenInput)
    from_previous = forms.BooleanField(
        label=_("Start from the previous period's plan"),
        required=False,
        help_text=_("Copies its expectations and open development items."),
    )


class ExpectationsForm(forms.Form):
    expectations = forms.CharField(
        label=_("Expectations of the role for the period"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class DevelopmentItemForm(forms.Form):
    need = forms.CharField(label=_("Development need"), max_length=300)
    action = forms.CharField(
        label=_("Action"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=DevelopmentItem.Status.choices, required=False
    )


class SignForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FrameworkForm(forms.Form):
    name = forms.CharField(label=_("Framework name"), max_length=200)
    period = forms.ModelChoiceField(
        label=_("For period"),
        required=False,
        empty_label=_("(no period yet)"),
        queryset=queries.open_periods_without_framework(),
    )


class CopyFrameworkForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Copy for period"),
        queryset=queries.open_periods_without_framework(),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=200)


class CompetencyForm(forms.Form):
    name = forms.CharField(label=_("Competency"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExpectationForm(forms.Form):
    level = forms.CharField(label=_("Job level"), max_length=50)
    behaviour = forms.CharField(
        label=_("Expected behaviour"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to remove this level."),
    )


class CompetencyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: Group, Competency, Description, Level, Expected behaviour."),
    )
