"""Forms of the review template editor: parsing and field errors only; the rules live in
``cadence.reviews.services.templates``, whose ValidationErrors are added back onto
these forms by the field they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from cadence.core.limits import LONG_TEXT
from cadence.reviews.models import Question, ReviewerType, Section
from cadence.reviews.services.templates import (
    MAX_SCALE_POINTS,
    QuestionData,
    ScalePointData,
    SectionData,
)

TYPES = forms.CheckboxSelectMultiple


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=200)
    description = forms.CharField(
        label=_l("Description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SectionForm(forms.Form):
    title = forms.CharField(label=_l("Section title"), max_length=200)
    kind = forms.ChoiceField(
        label=_l("Contents"), choices=Section.Kind.choices, initial=Section.Kind.QUESTIONS
    )
    reviewer_types = forms.MultipleChoiceField(
        label=_l("Rated by"),
        choices=ReviewerType.choices,
        required=False,
        widget=TYPES,
        help_text=_l("For goals and competencies sections: who rates each item."),
    )
    required = forms.BooleanField(label=_l("Every item must be rated"), required=False)

    def data_for_service(self) -> SectionData:
        data = self.cleaned_data
        return SectionData(
            title=data["title"],
            kind=data.get("kind") or Section.Kind.QUESTIONS,
            reviewer_types=list(data["reviewer_types"]),
            required=data["required"],
        )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_l("Kind"), choices=Question.Kind.choices, initial=Question.Kind.RATING
    )
    text = forms.CharField(label=_l("Question"), max_length=500)
    help_text = forms.CharField(
        label=_l("Help text"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    choices = forms.CharField(
        label=_l("Options"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("Multiple choice: one option a line."),
    )
    reviewer_types = forms.MultipleChoiceField(
        label=_l("Answered by"), choices=ReviewerType.choices, required=False, widget=TYPES
    )
    required = forms.BooleanField(label=_l("Required"), required=False, initial=True)

    def data_for_service(self) -> QuestionData:
        data = self.cleaned_data
        return QuestionData(
            kind=data["kind"],
            text=data["text"],
            help_text=data["help_text"],
            choices=[line.strip() for line in data["choices"].splitlines() if line.strip()],
            reviewer_types=list(data["reviewer_types"]),
            required=data["required"],
        )


def scale_from(post: QueryDict) -> list[ScalePointData]:
    """The scale editor's rows (``value``, ``label``, ``description`` repeated); a row
    left wholly empty is dropped, so the blank row for a new point may stay blank."""
    values, labels = post.getlist("value"), post.getlist("label")
    descriptions = post.getlist("description")
    points = []
    for index, value in enumerate(values[: MAX_SCALE_POINTS + 5]):
        label = labels[index] if index < len(labels) else ""
        description = descriptions[index] if index < len(descriptions) else ""
        if not (value.strip() or label.strip() or description.strip()):
            continue
        try:
            number = int(value)
        except ValueError:
            raise ValidationError(
                {f"scale.{index}.value": _("A scale value is a whole number from 0 to 100.")}
            ) from None
        points.append(ScalePointData(number, label[:200], description[:LONG_TEXT]))
    return points
