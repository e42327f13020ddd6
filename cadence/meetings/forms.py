import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.core.limits import LONG_TEXT
from cadence.meetings.models import OneOnOne


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def add_service_errors(form: forms.Form, error: Exception) -> None:
    """Put a service's field errors on the form's fields (or on the form)."""
    message_dict = getattr(error, "message_dict", None)
    if message_dict is not None:
        for name, messages in message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, getattr(error, "messages", [str(error)]))


class SeriesForm(forms.Form):
    cadence = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=OneOnOne.Cadence.choices,
        initial=OneOnOne.Cadence.BIWEEKLY,
    )
    first_on = forms.DateField(label=gettext_lazy("First meeting"), widget=DateInput)
    starts_at = forms.TimeField(
        label=gettext_lazy("Time"), initial=datetime.time(10, 0), widget=TimeInput
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=5, max_value=240, initial=30
    )


class SetupForm(SeriesForm):
    person = forms.TypedChoiceField(label=gettext_lazy("With"), coerce=int)

    field_order = ["person", "cadence", "first_on", "starts_at", "duration_minutes"]

    def __init__(self, *args: object, partners: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = partners  # type: ignore[attr-defined]
        self.fields["first_on"].initial = timezone.localdate() + datetime.timedelta(days=1)


class MeetingAddForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    time = forms.TimeField(label=gettext_lazy("Time"), widget=TimeInput)
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=5, max_value=240, initial=30
    )


class PointForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Talking point"), max_length=500)


class ActionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Action"), max_length=500)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int)
    due_on = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DateInput)

    def __init__(self, *args: object, owners: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class CoachingNoteForm(forms.Form):
    written_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    text = forms.CharField(
        label=gettext_lazy("Note"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
