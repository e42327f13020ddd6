"""The feedback pages' forms. Colleagues are chosen with the people picker (type part of
a name, choose from the suggestions: ids), or — without JavaScript — typed as work
emails in the same box; a select of the whole organisation would not do at 100,000
people. Who the ids and emails name, and whether they may be chosen, is ``access``'s
answer."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from cadence.core.limits import COMMENT, LONG_TEXT
from cadence.feedback import queries
from cadence.feedback.models import CompanyValue, Feedback, FeedbackRequest, Reaction
from cadence.feedback.services import MAX_ASKED
from cadence.goals.models import Goal
from cadence.people.picker import Chip, PeoplePickerField
from cadence.planning.models import Competency


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names when the form
    has it, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for e in errors:
                form.add_error(target, e.messages[0] if hasattr(e, "messages") else str(e))
    else:
        for message in error.messages:
            form.add_error(None, message)


def emails(text: str) -> list[str]:
    return [
        e.strip().lower() for e in text.replace(";", ",").replace("\n", ",").split(",") if e.strip()
    ]


class _Tags(forms.Form):
    values = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Company values"),
        queryset=CompanyValue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    competencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Competencies"),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("From this period's competency framework."),
    )

    def __init__(self, *args: Any, competencies: list[Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = self.fields["values"]
        assert isinstance(values, forms.ModelMultipleChoiceField)
        values.queryset = queries.offered_values()
        field = self.fields["competencies"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = queries.offered_competencies(competencies)
        if not competencies:
            del self.fields["competencies"]


class GiveForm(_Tags):
    receiver = PeoplePickerField(
        label=gettext_lazy("Colleague"),
        help_text=gettext_lazy("Type part of their name and choose them, or their work email."),
    )
    text = forms.CharField(
        label=gettext_lazy("Your feedback"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Feedback.Visibility.choices,
        initial=Feedback.Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Private: your colleague and their managers. Public praise: everyone, on the "
            "praise wall and their profile."
        ),
    )
    goal = forms.TypedChoiceField(
        label=gettext_lazy("About a goal (optional)"), coerce=int, required=False, empty_value=None
    )

    field_order = ("receiver", "text", "visibility", "values", "competencies", "goal")

    def __init__(
        self, *args: Any, goals: list[Goal], chosen: list[Chip] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        receiver = self.fields["receiver"]
        assert isinstance(receiver, PeoplePickerField)
        receiver.show(chosen or [])
        goal = self.fields["goal"]
        assert isinstance(goal, forms.TypedChoiceField)
        goal.choices = [("", "—"), *((g.pk, g.title) for g in goals)]
        if not goals:
            del self.fields["goal"]
        elif chosen:
            # The goals are the first chosen colleague's; choosing another one in the
            # picker does not change them, so the label says whose they are.
            goal.label = gettext_lazy("About one of %(name)s's goals (optional)") % {
                "name": chosen[0].full_name
            }


class AnswerForm(_Tags):
    text = GiveForm.base_fields["text"]
    visibility = GiveForm.base_fields["visibility"]

    field_order = ("text", "visibility", "values", "competencies")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why you decline"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestForm(forms.Form):
    recipients = PeoplePickerField(
        label=gettext_lazy("Colleagues to ask"),
        help_text=format_lazy(
            gettext_lazy(
                "Type part of a name and choose, once for each colleague; or their work "
                "emails, separated by commas. At most {n}."
            ),
            n=MAX_ASKED,
        ),
        many=True,
        limit=MAX_ASKED,
    )
    subject = forms.TypedChoiceField(
        label=gettext_lazy("Feedback about"), coerce=int, required=False, empty_value=None
    )
    topic = forms.ChoiceField(
        label=gettext_lazy("On"),
        choices=FeedbackRequest.Topic.choices,
        initial=FeedbackRequest.Topic.PROJECT,
        widget=forms.RadioSelect,
    )
    topic_text = forms.CharField(
        label=gettext_lazy("Project or skill"), max_length=200, required=False
    )
    goal = forms.TypedChoiceField(
        label=gettext_lazy("Goal"), coerce=int, required=False, empty_value=None
    )
    competency = forms.TypedChoiceField(
        label=gettext_lazy("Competency (for a skill)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        max_length=COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Answer by (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        subjects: list[tuple[int, str]],
        goals: list[Goal],
        competencies: list[Competency],
        chosen: list[Chip] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        recipients = self.fields["recipients"]
        assert isinstance(recipients, PeoplePickerField)
        recipients.show(chosen or [])
        subject = self.fields["subject"]
        assert isinstance(subject, forms.TypedChoiceField)
        subject.choices = subjects
        if len(subjects) == 1:
            subject.widget = forms.HiddenInput()
        goal = self.fields["goal"]
        assert isinstance(goal, forms.TypedChoiceField)
        goal.choices = [("", "—"), *((g.pk, g.title) for g in goals)]
        competency = self.fields["competency"]
        assert isinstance(competency, forms.TypedChoiceField)
        competency.choices = [("", "—"), *((c.pk, c.name) for c in competencies)]
        if not competencies:
            del self.fields["competency"]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong with it"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why HR hides it (kept on record)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ValueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=500, required=False)


REACTION_KINDS = [k.value for k in Reaction.Kind]
