"""HR's cycle form: every setting of a draft cycle, turned into the arguments of
``services.cycles.cycle_create`` / ``cycle_update`` (which check them again, with the
rules the API meets too)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadence.people.models import Department, Person
from cadence.planning.models import PerformancePeriod
from cadence.reviews.models import ReviewCycle, ReviewerType, ReviewTemplate
from cadence.reviews.services.cycles import REVIEWER_WEIGHTS, SECTION_WEIGHTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_WEIGHTS = {
    "sections": {"goals": 50, "competencies": 30, "questions": 20},
    "reviewers": {"manager": 60, "self": 10, "peer": 20, "upward": 10},
}
# Form fields a service error may name directly; the others land on the form as a whole.
DEADLINES = (
    "nomination_deadline",
    "approval_deadline",
    "writing_deadline",
    "calibration_deadline",
    "acknowledgement_deadline",
)
NUMBERS = (
    "grace_days",
    "peers_min",
    "peers_max",
    "peer_load_cap",
    "anonymity_threshold",
    "reminder_days_before",
    "escalate_after_days",
)
FLAGS = ("hr_sees_attribution", "manager_may_release", "manager_sees_peer_results")


def _distinct(column: str) -> list[tuple[str, str]]:
    values = (
        Person.objects.filter(status=Person.Status.ACTIVE)
        .exclude(**{column: ""})
        .values_list(column, flat=True)
        .distinct()
        .order_by(column)
    )
    return [(v, v) for v in values]


def _weight(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100)


class CycleForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("e.g. FY2027 annual review")
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=ReviewTemplate.objects.filter(archived=False, versions__isnull=False).distinct(),
        help_text=_("The cycle uses its latest version, frozen at launch."),
    )
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=PerformancePeriod.objects.exclude(state=PerformancePeriod.State.CLOSED),
    )
    review_types = forms.MultipleChoiceField(
        label=_("Review types"),
        choices=ReviewerType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[t.value for t in ReviewerType],
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.all(),
        required=False,
        help_text=_("With the departments below them. None chosen: every department."),
    )
    locations = forms.MultipleChoiceField(
        label=_("Locations"), required=False, help_text=_("None chosen: every location.")
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels"), required=False, help_text=_("None chosen: every level.")
    )
    started_before = forms.DateField(
        label=_("Started on or before"),
        required=False,
        widget=DATE,
        help_text=_("People who started later are left out."),
    )
    exclude = forms.CharField(
        label=_("Exclude"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Work emails or employee IDs, one a line."),
    )
    nomination_deadline = forms.DateField(
        label=_("Peer nomination deadline"), required=False, widget=DATE
    )
    approval_deadline = forms.DateField(
        label=_("Approval of peers deadline"), required=False, widget=DATE
    )
    writing_deadline = forms.DateField(label=_("Writing deadline"), widget=DATE)
    calibration_deadline = forms.DateField(
        label=_("Calibration deadline"), required=False, widget=DATE
    )
    acknowledgement_deadline = forms.DateField(
        label=_("Acknowledgement deadline"), required=False, widget=DATE
    )
    grace_days = forms.IntegerField(
        label=_("Grace days after the writing deadline"), min_value=0, max_value=365, initial=0
    )
    peers_min = forms.IntegerField(label=_("Fewest peers"), min_value=0, max_value=50, initial=3)
    peers_max = forms.IntegerField(label=_("Most peers"), min_value=0, max_value=50, initial=5)
    peer_load_cap = forms.IntegerField(
        label=_("Most peer reviews one person writes"), min_value=1, max_value=100, initial=5
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold (K)"),
        min_value=2,
        max_value=100,
        initial=3,
        help_text=_("Peer and upward answers are shown only when at least K of a type exist."),
    )
    hr_sees_attribution = forms.BooleanField(
        label=_("HR may see who wrote each peer and upward answer"),
        required=False,
        help_text=_("Every writer is told before they write."),
    )
    manager_sees_peer_results = forms.BooleanField(
        label=_("Managers see the peer and upward aggregates"), required=False, initial=True
    )
    manager_may_release = forms.BooleanField(
        label=_("Managers may release their reports' results"), required=False
    )
    reminder_days_before = forms.IntegerField(
        label=_("Remind writers this many days before a deadline"),
        min_value=0,
        max_value=365,
        initial=3,
    )
    escalate_after_days = forms.IntegerField(
        label=_("Tell the writer's manager after this many days overdue"),
        min_value=0,
        max_value=365,
        initial=3,
    )
    weight_goals = _weight(_("Goals section"))
    weight_competencies = _weight(_("Competencies section"))
    weight_questions = _weight(_("Other rating questions"))
    weight_manager = _weight(_("Manager"))
    weight_self = _weight(_("Self"))
    weight_peer = _weight(_("Peers"))
    weight_upward = _weight(_("Upward"))

    # The page's sections: (legend, hint, fields).
    FIELDSETS: tuple[tuple[Any, Any, tuple[str, ...]], ...] = (
        (_("The cycle"), "", ("name", "template", "period", "review_types")),
        (
            _("Who takes part"),
            _("Everyone active who meets every rule below; leave a rule empty to take everyone."),
            ("departments", "locations", "levels", "started_before", "exclude"),
        ),
        (
            _("Deadlines"),
            _(
                "Each phase ends after the one before. Peer nomination and approval are "
                "needed only with peer reviews."
            ),
            (*DEADLINES, "grace_days"),
        ),
        (
            _("Peers, anonymity and release"),
            "",
            ("peers_min", "peers_max", "peer_load_cap", "anonymity_threshold", *FLAGS),
        ),
        (_("Reminders"), "", ("reminder_days_before", "escalate_after_days")),
        (
            _("Score weights: sections"),
            _("Goals, competencies and other rating questions add up to 100."),
            tuple(f"weight_{key}" for key in SECTION_WEIGHTS),
        ),
        (
            _("Score weights: reviewers"),
            _("Manager, self, peers and upward add up to 100."),
            tuple(f"weight_{key}" for key in REVIEWER_WEIGHTS),
        ),
    )

    def fieldsets(self) -> list[tuple[Any, Any, list[forms.BoundField]]]:
        return [
            (legend, hint, [self[name] for name in names]) for legend, hint, names in self.FIELDSETS
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locations"].choices = _distinct("location")  # type: ignore[attr-defined]
        self.fields["levels"].choices = _distinct("level")  # type: ignore[attr-defined]
        for group, keys in (("sections", SECTION_WEIGHTS), ("reviewers", REVIEWER_WEIGHTS)):
            for key in keys:
                self.fields[f"weight_{key}"].initial = DEFAULT_WEIGHTS[group][key]

    @classmethod
    def initial_from(cls, cycle: ReviewCycle) -> dict[str, Any]:
        criteria = cycle.criteria or {}
        weights = cycle.score_weights or DEFAULT_WEIGHTS
        emails = Person.objects.filter(pk__in=criteria.get("exclude", [])).values_list(
            "work_email", flat=True
        )
        initial: dict[str, Any] = {
            "name": cycle.name,
            "template": cycle.template_version.template_id,
            "period": cycle.period_id,
            "review_types": cycle.review_types,
            "departments": criteria.get("departments", []),
            "locations": criteria.get("locations", []),
            "levels": criteria.get("levels", []),
            "started_before": criteria.get("started_before"),
            "exclude": "\n".join(sorted(emails)),
        }
        for name in (*DEADLINES, *NUMBERS, *FLAGS):
            initial[name] = getattr(cycle, name)
        for group, keys in (("sections", SECTION_WEIGHTS), ("reviewers", REVIEWER_WEIGHTS)):
            for key in keys:
                initial[f"weight_{key}"] = weights[group][key]
        return initial

    def clean_exclude(self) -> list[int]:
        lines = [
            line.strip()
            for line in self.cleaned_data.get("exclude", "").splitlines()
            if line.strip()
        ]
        if not lines:
            return []
        found = dict(
            Person.objects.filter(
                Q(work_email__in=[line.lower() for line in lines]) | Q(employee_id__in=lines)
            ).values_list("work_email", "pk")
        )
        ids = dict(Person.objects.filter(employee_id__in=lines).values_list("employee_id", "pk"))
        missing = [line for line in lines if line.lower() not in found and line not in ids]
        if missing:
            raise ValidationError(
                _("Nobody has the work email or employee ID %(names)s."),
                params={"names": ", ".join(missing[:10])},
            )
        return sorted(set(found.values()) | set(ids.values()))

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned form as ``cycle_create``'s (or ``cycle_update``'s) arguments."""
        data = self.cleaned_data
        criteria: dict[str, Any] = {
            "departments": [d.pk for d in data["departments"]],
            "locations": list(data["locations"]),
            "levels": list(data["levels"]),
            "exclude": data["exclude"],
        }
        if data["started_before"]:
            criteria["started_before"] = data["started_before"].isoformat()
        weights = {
            group: {key: data[f"weight_{key}"] for key in keys}
            for group, keys in (("sections", SECTION_WEIGHTS), ("reviewers", REVIEWER_WEIGHTS))
        }
        return {
            "name": data["name"],
            "template": data["template"],
            "period": data["period"],
            "review_types": list(data["review_types"]),
            "criteria": {k: v for k, v in criteria.items() if v},
            "score_weights": {} if weights == DEFAULT_WEIGHTS else weights,
            **{name: data[name] for name in (*DEADLINES, *NUMBERS, *FLAGS)},
        }


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the field it names (the weights' on the first
    weight, the criteria's on the form), else on the form as a whole."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = {"score_weights": "weight_goals"}.get(name, name)
        form.add_error(target if target in form.fields else None, messages)


class AdvanceForm(forms.Form):
    phase = forms.ChoiceField(choices=ReviewCycle.Phase.choices)
