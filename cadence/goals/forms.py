from html import escape
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadence.accounts.types import Actor
from cadence.core.limits import COMMENT
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.people.models import Department, Person
from cadence.planning.models import PerformancePeriod


class PlainSelect(forms.Select):
    """A ``<select>`` whose options are written here rather than each rendered through
    Django's widget templates (an option template plus an attributes template per
    option): the alignment page's filter spent ~5 ms of every request on its period
    and department options. No option groups, which these selects do not use."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        selected = set(self.format_value(value))
        # Built by hand with the stdlib's ``escape`` (which Django's wraps): a
        # ``format_html`` per option cost more than the options' query.
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in selected else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return mark_safe(  # noqa: S308 - every value above is escaped
            f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>'
            f"{options}</select>"
        )


class DepartmentChoiceField(forms.ModelChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return obj.full_name.replace("/", " › ")


class GoalChoiceField(forms.ModelChoiceField[Goal]):
    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.title} ({obj.get_owner_type_display()})"


def _field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's own copy of a field it declares, as its class (``form.fields`` holds
    plain ``Field``s to a type checker)."""
    field = form.fields[name]
    assert isinstance(field, kind)
    return field


class PeriodForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=PerformancePeriod.objects.order_by("-starts_on", "name"),
        empty_label=None,
        required=False,
    )


class AlignmentFilterForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=PerformancePeriod.objects.order_by("-starts_on", "name"),
        empty_label=None,
        required=False,
        widget=PlainSelect,
    )
    q = forms.CharField(
        label=_("Search goals"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Words in the title")}),
    )
    department = DepartmentChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("full_name"),
        empty_label=_("All departments"),
        widget=PlainSelect,
    )

    def __init__(
        self, *args: Any, periods: list[PerformancePeriod] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if periods is not None:
            # The page has loaded every period already (newest first, as the field's
            # queryset orders them): listing them again was a query on every request.
            _field(self, "period", forms.ModelChoiceField).choices = [
                (p.pk, str(p)) for p in periods
            ]


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "kind", "visibility", "parent", "weight", "due_on"]
        field_classes = {"parent": GoalChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, parents: QuerySet[Goal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = _field(self, "parent", GoalChoiceField)
        parent.queryset = parents if parents is not None else Goal.objects.none()
        parent.required = False
        parent.empty_label = _("Not aligned")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("visibility") == Goal.Visibility.PRIVATE and data.get("parent"):
            raise forms.ValidationError(
                _("A private goal cannot be aligned: alignment is visible to everyone.")
            )
        return data


def owner_choices(user: Actor) -> list[tuple[str, str]]:
    """Whom the user may create goals for: themself, their direct reports, the teams
    they manage (all of them for HR) and, for HR admins, the company. The access rule
    is checked again on submit (``access.can_create_goal``)."""
    from cadence.goals import access
    from cadence.people import access as people_access

    me = people_access.acting_person(user)
    choices: list[tuple[str, str]] = []
    if me is not None:
        choices.append(("me", gettext("Me")))
        choices += [
            (f"person:{p.pk}", gettext("%(name)s (my report)") % {"name": p.full_name})
            for p in me.direct_reports.filter(status=Person.Status.ACTIVE).order_by(
                "last_name", "first_name"
            )
        ]
    departments = Department.objects.order_by("full_name")
    if not people_access.is_hr_admin(user):
        departments = departments.filter(pk__in=access.managed_department_ids(user))
    choices += [
        (f"team:{d.pk}", gettext("Team: %(name)s") % {"name": d.full_name.replace("/", " › ")})
        for d in departments
    ]
    if people_access.is_hr_admin(user):
        choices.append(("company", gettext("The company")))
    return choices


class GoalCreateForm(GoalForm):
    owner = forms.ChoiceField(label=_("Whose goal is it?"), required=False)

    class Meta(GoalForm.Meta):
        fields = ["owner", *GoalForm.Meta.fields]

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = owners
        _field(self, "owner", forms.ChoiceField).choices = owners
        self.order_fields(["owner", *GoalForm.Meta.fields])

    def clean_owner(self) -> str:
        # Left out (an older client, a script): the first choice, one's own goal.
        return self.cleaned_data.get("owner") or self.owners[0][0]


class AlignForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("Aligned to"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Not aligned"),
    )

    def __init__(self, *args: Any, parents: QuerySet[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "parent", forms.ModelChoiceField).queryset = parents


class StateForm(forms.Form):
    """The state a goal page's button moves to; which moves exist is
    ``models.TRANSITIONS``'s to say, so every state is a valid choice here."""

    state = forms.ChoiceField(label=_("State"), choices=Goal.State.choices)


class KeyResultForm(forms.ModelForm):
    class Meta:
        model = KeyResult
        fields = [
            "title",
            "kind",
            "direction",
            "unit",
            "start_value",
            "target_value",
            "weight",
            "due_on",
        ]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}


class CheckInForm(forms.Form):
    value = forms.DecimalField(label=_("New value"), max_digits=18, decimal_places=4)
    confidence = forms.ChoiceField(
        label=_("Confidence"),
        choices=CheckIn.Confidence.choices,
        initial=CheckIn.Confidence.ON_TRACK,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT,
        widget=forms.TextInput(attrs={"placeholder": _("What changed?")}),
    )
