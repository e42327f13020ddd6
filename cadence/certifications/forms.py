import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.certifications import access, documents, queries
from cadence.certifications.models import CertificationType
from cadence.certifications.services import TypeData
from cadence.people.forms import DepartmentChoiceField
from cadence.people.models import Department


class DateInput(forms.DateInput):
    input_type = "date"


class CertificateForm(forms.Form):
    type = forms.ModelChoiceField(
        label=gettext_lazy("Certification"),
        queryset=CertificationType.objects.none(),  # the user's: set in __init__
        empty_label=gettext_lazy("Choose…"),
    )
    number = forms.CharField(
        label=gettext_lazy("Certificate number"), max_length=100, required=False
    )
    issued_on = forms.DateField(label=gettext_lazy("Issue date"), widget=DateInput)
    expires_on = forms.DateField(
        label=gettext_lazy("Expiry date"),
        widget=DateInput,
        required=False,
        help_text=gettext_lazy("Leave empty to use the certification's usual validity."),
    )
    document = forms.FileField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy("The certificate as a PDF, PNG or JPEG file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = access.recordable_types(user)  # type: ignore[attr-defined]
        limit = documents.max_bytes() // (1024 * 1024)
        self.fields["document"].help_text = _(
            "The certificate as a PDF, PNG or JPEG file, at most %(n)d MB."
        ) % {"n": limit}


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,;]", text) if part.strip()]


class TypeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    issuer = forms.CharField(label=gettext_lazy("Issuer"), max_length=200, required=False)
    validity_months = forms.IntegerField(
        label=gettext_lazy("Valid for (months)"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=gettext_lazy("Leave empty if a certificate never expires."),
    )
    reminder_days = forms.CharField(
        label=gettext_lazy("Remind the holder this many days before expiry"),
        max_length=100,
        required=False,
        initial="90, 30, 7",
    )
    required_everyone = forms.BooleanField(
        label=gettext_lazy("Required of everyone"), required=False
    )
    required_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Required in these departments (and the departments below them)"),
        queryset=Department.objects.order_by("full_name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    required_locations = forms.CharField(
        label=gettext_lazy("Required at these locations"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Separate with commas."),
    )
    required_job_titles = forms.CharField(
        label=gettext_lazy("Required for these job titles"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Separate with commas."),
    )
    required_levels = forms.CharField(
        label=gettext_lazy("Required at these levels"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Separate with commas."),
    )
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)

    def clean_reminder_days(self) -> list[int]:
        parts = _split(self.cleaned_data["reminder_days"])
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise ValidationError(_("Write whole numbers of days, such as 90, 30, 7.")) from None

    def data_for_service(self) -> TypeData:
        d = self.cleaned_data
        return TypeData(
            name=d["name"],
            issuer=d["issuer"],
            validity_months=d["validity_months"],
            reminder_days=d["reminder_days"],
            required_everyone=d["required_everyone"],
            required_departments=list(d["required_departments"]),
            required_locations=_split(d["required_locations"]),
            required_job_titles=_split(d["required_job_titles"]),
            required_levels=_split(d["required_levels"]),
            active=d["active"],
        )

    @classmethod
    def initial_for(cls, type_: CertificationType) -> dict[str, Any]:
        return {
            "name": type_.name,
            "issuer": type_.issuer,
            "validity_months": type_.validity_months,
            "reminder_days": ", ".join(str(d) for d in type_.reminder_days),
            "required_everyone": type_.required_everyone,
            "required_departments": list(type_.required_departments.all()),
            "required_locations": ", ".join(type_.required_locations),
            "required_job_titles": ", ".join(type_.required_job_titles),
            "required_levels": ", ".join(type_.required_levels),
            "active": type_.active,
        }


class ComplianceFilterForm(forms.Form):
    type = forms.ModelChoiceField(
        label=gettext_lazy("Certification"),
        queryset=CertificationType.objects.none(),  # the user's: set in __init__
        required=False,
        empty_label=gettext_lazy("All"),
    )
    department = DepartmentChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.order_by("full_name"),
        required=False,
        empty_label=gettext_lazy("All"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All")), *queries.STATUS_LABELS.items()],
        required=False,
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = access.recordable_types(user)  # type: ignore[attr-defined]

    def filter(self) -> queries.ComplianceFilter:
        if not self.is_valid():
            return queries.ComplianceFilter()
        d = self.cleaned_data
        return queries.ComplianceFilter(
            type_id=d["type"].pk if d["type"] else None,
            department=d["department"],
            status=d["status"] or None,
        )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = "type" if name == "type" else name
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
