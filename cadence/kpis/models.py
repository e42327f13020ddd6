"""KPIs: standing measures with a target, defined for a role, a team or a person,
measured at a regular frequency and shown as a trend against the target."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits
from cadence.people.models import Department, Person


class Kpi(models.Model):
    class Scope(models.TextChoices):
        ROLE = "role", _("Role (job title)")
        TEAM = "team", _("Team / department")
        PERSON = "person", _("Person")

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "increase", _("Higher is better (at least the target)")
        LOWER_IS_BETTER = "decrease", _("Lower is better (at most the target)")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=100,
        unique=True,
        help_text=_("Stable identifier used by CSV imports and the API."),
    )
    description = models.TextField(_("description"), blank=True, max_length=limits.LONG_TEXT)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PERSON)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="kpis"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="kpis"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="role")
                    & ~Q(job_title="")
                    & Q(department__isnull=True, person__isnull=True)
                    | Q(scope="team", department__isnull=False, person__isnull=True, job_title="")
                    | Q(scope="person", person__isnull=False, department__isnull=True, job_title="")
                ),
                name="kpi_scope_matches_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KpiMeasurement(models.Model):
    """One value of a KPI for one period (the period starting on ``period_start``).

    For role KPIs each holder of the role has their own measurements (``person``);
    team and person KPIs have one series. Re-sending a value for the same period
    replaces it, so imports and API clients can retry safely.
    """

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        CSV = "csv", _("CSV import")
        API = "api", _("API")

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="kpi_measurements"
    )
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kpi", "period_start"]
        constraints = [
            # Two partial constraints rather than nulls_distinct, which SQLite lacks.
            models.UniqueConstraint(
                fields=["kpi", "person", "period_start"],
                condition=Q(person__isnull=False),
                name="one_value_per_kpi_person_period",
            ),
            models.UniqueConstraint(
                fields=["kpi", "period_start"],
                condition=Q(person__isnull=True),
                name="one_value_per_kpi_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.period_start}: {self.value}"
