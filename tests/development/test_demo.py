"""The demo's development plans: the employee login has something overdue, due soon
and done, and aspirations; the manager's team and HR's coverage have figures; a second
load adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cadence.development.models import CareerAspiration, DevelopmentItem
from cadence.people.models import Person


@pytest.mark.django_db
def test_the_demo_has_development_plans_to_click_through():
    out = io.StringIO()
    call_command("demo", people=60, stdout=out)
    assert "Demo development plans:" in out.getvalue()
    employee_email = next(
        line.split()[1] for line in out.getvalue().splitlines() if line.endswith("(employee)")
    )
    employee = Person.objects.get(user__email=employee_email)
    today = timezone.localdate()
    mine = DevelopmentItem.objects.filter(person=employee)
    assert mine.filter(status__in=DevelopmentItem.OPEN, due_on__lt=today).exists()
    assert mine.filter(status__in=DevelopmentItem.OPEN, due_on__gte=today).exists()
    assert mine.filter(status="done").exclude(evidence="").exists()
    assert CareerAspiration.objects.filter(person=employee).exists()
    statuses = set(DevelopmentItem.objects.values_list("status", flat=True))
    assert statuses == {"planned", "in_progress", "done", "dropped"}
    assert DevelopmentItem.objects.filter(plan_item__isnull=False).exists()
    assert DevelopmentItem.objects.filter(competency__isnull=False, plan_item__isnull=True).exists()
    before = (DevelopmentItem.objects.count(), CareerAspiration.objects.count())
    call_command("demo", people=60, stdout=io.StringIO())
    assert (DevelopmentItem.objects.count(), CareerAspiration.objects.count()) == before
