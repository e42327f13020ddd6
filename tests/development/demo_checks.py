"""The demo's development plans: the employee login has something overdue, due soon
and done, and aspirations; the manager's team and HR's coverage have figures. Called by
``tests/demo/test_demo.py``, which loads the demo once (twice: the second adds nothing)
for every area's checks."""

import io

from django.utils import timezone

from cadence.development.models import CareerAspiration, DevelopmentItem
from cadence.people.models import Person


def assert_development_plans_to_click_through(output: str) -> None:
    out = io.StringIO(output)
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
