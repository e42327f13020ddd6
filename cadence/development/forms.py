"""The development pages' forms. Choices are what the user may pick; whether the
service accepts the result is the service's answer (``add_service_errors``)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from cadence.core import limits
from cadence.development import access
from cadence.development.models import DevelopmentAction, DevelopmentItem
from cadence.development.services import ACTION_MAX, SKILL_MAX, offered_competencies
from cadence.people.models import Person
from cadence.planning.models import Competency


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        period = obj.group.framework.period
        where = f" ({period.name})" if period else ""
        return f"{obj.group.name} · {obj.name}{where}"


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class ItemForm(forms.Form):
    competency = CompetencyChoiceField(
        label=gettext_lazy("Competency"),
        queryset=Competency.objects.none(),
        required=False,
        empty_label=gettext_lazy("— a skill outside the framework —"),
        help_text=gettext_lazy("From the framework of a current performance period."),
    )
    skill = forms.CharField(
        label=gettext_lazy("Skill or what to grow"),
        max_length=SKILL_MAX,
        required=False,
        help_text=gettext_lazy("Required without a competency; otherwise optional words."),
    )
    target_level = forms.CharField(
        label=gettext_lazy("Target level"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("The level aimed at, e.g. L4. Empty: the person's own level."),
    )
    owner = OwnerChoiceField(label=gettext_lazy("Owner"), queryset=Person.objects.none())
    due_on = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        competency = self.fields["competency"]
        assert isinstance(competency, forms.ModelChoiceField)
        competency.queryset = offered_competencies()
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = access.owner_candidates(person).order_by("reporting_path")
        if not self.is_bound and "owner" not in self.initial:
            self.initial["owner"] = person.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("competency") and not (data.get("skill") or "").strip():
            raise ValidationError(
                {"skill": gettext_lazy("Name a competency of the framework or a skill to grow.")}
            )
        return data

    @classmethod
    def initial_for(cls, item: DevelopmentItem) -> dict[str, Any]:
        return {
            "competency": item.competency_id,
            "skill": item.skill,
            "target_level": item.target_level,
            "owner": item.owner_id,
            "due_on": item.due_on,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=DevelopmentItem.Status.choices)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence of completion"),
        required=False,
        max_length=limits.COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required to mark the item done: what shows it is done."),
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DevelopmentAction.Kind.choices)
    description = forms.CharField(label=gettext_lazy("Action"), max_length=ACTION_MAX)
    due_on = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AspirationForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Where I want to go"),
        required=False,
        max_length=limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Your career aspirations, in your words. Read by you, your managers and HR."
        ),
    )
