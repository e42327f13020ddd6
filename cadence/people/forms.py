from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.people import access
from cadence.people.models import Department, Person, time_zone_names


class DepartmentChoiceField(forms.ModelChoiceField[Department]):
    """A department picked by its path, "Engineering › Platform", so that two teams
    of the same name in different places tell apart."""

    def label_from_instance(self, obj: Department) -> str:
        return obj.full_name.replace("/", " › ")


def time_zone_choices() -> list[tuple[str, str]]:
    blank = _("The organisation's (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", blank), *((name, name) for name in sorted(time_zone_names()))]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, email, title or ID")}),
    )
    department = DepartmentChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("full_name"),
        empty_label=_("All departments"),
    )
    include_left = forms.BooleanField(label=_("Include people who left"), required=False)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"hr_admin": user.is_hr_admin, "executive": user.is_executive})
        super().__init__(*args, **kwargs)


class AttributeSensitivityForm(forms.Form):
    sensitive = forms.BooleanField(required=False)


class PersonForm(forms.Form):
    """One person's directory record, as HR keeps it by hand between imports.

    The manager is typed as a work email or employee ID rather than picked from a
    list: a select of 100,000 people is unusable and slow to render.
    """

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    work_email = forms.EmailField(label=_("Work email"), max_length=254)
    employee_id = forms.CharField(label=_("Employee ID"), max_length=64, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    level = forms.CharField(label=_("Level"), max_length=50, required=False)
    department = DepartmentChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("full_name"),
        empty_label=_("No department"),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    start_date = forms.DateField(
        label=_("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=time_zone_choices,
        help_text=_("Reminders and the daily digest reach the person at their local hour."),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone name such as Europe/Berlin or America/New_York."
            )
        },
    )
    manager = forms.CharField(
        label=_("Manager"),
        max_length=254,
        required=False,
        help_text=_(
            "The manager's work email or employee ID; empty for the top of the organisation."
        ),
    )

    def __init__(
        self, *args: Any, user: Actor, person: Person | None = None, **kwargs: Any
    ) -> None:
        # The HR admin filling the form in: its uniqueness checks and the manager
        # reference are read through access on their behalf.
        self.user = user
        self.person = person
        if person is not None:
            initial = {name: getattr(person, name) for name in PERSON_FORM_FIELDS}
            initial["employee_id"] = person.employee_id or ""
            initial["department"] = person.department_id
            initial["manager"] = person.manager.work_email if person.manager else ""
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def _taken(self, **lookup: str) -> bool:
        return access.person_record_taken(self.user, other_than=self.person, **lookup)

    def clean_work_email(self) -> str:
        email = self.cleaned_data["work_email"].strip().lower()
        if self._taken(work_email=email):
            raise forms.ValidationError(_("Another person already has this work email."))
        return email

    def clean_employee_id(self) -> str | None:
        employee_id = self.cleaned_data["employee_id"].strip() or None
        if employee_id is not None and self._taken(employee_id=employee_id):
            raise forms.ValidationError(_("Another person already has this employee ID."))
        return employee_id

    def clean_manager(self) -> Person | None:
        reference = self.cleaned_data["manager"].strip()
        if not reference:
            return None
        manager = access.manager_by_reference(self.user, reference)
        if manager is None:
            raise forms.ValidationError(
                _("Nobody has the work email or employee ID “%(reference)s”.")
                % {"reference": reference}
            )
        unchanged = self.person is not None and self.person.manager_id == manager.pk
        if manager.status != Person.Status.ACTIVE and not unchanged:
            raise forms.ValidationError(
                _("%(name)s has left; choose an active manager.") % {"name": manager.full_name}
            )
        return manager

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from the stored record, ready for ``person_update``."""
        assert self.person is not None
        out = {}
        for name in (*PERSON_FORM_FIELDS, "employee_id", "department", "manager"):
            value = self.cleaned_data[name]
            if getattr(self.person, name) != value:
                out[name] = value
        return out


PERSON_FORM_FIELDS = (
    "first_name",
    "last_name",
    "work_email",
    "job_title",
    "level",
    "location",
    "start_date",
    "time_zone",
)


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
