import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cadence.accounts.models import User
from cadence.certifications.models import Certificate
from cadence.demo.management.commands.demo import Command as DemoCommand
from cadence.development.models import CareerAspiration, DevelopmentItem
from cadence.feedback.models import Feedback
from cadence.goals.models import CheckIn, Goal
from cadence.kpis.models import KpiMeasurement
from cadence.meetings.models import Meeting
from cadence.people.models import Person
from cadence.planning.models import PerformancePeriod, PerformancePlan
from cadence.reviews.models import Answer, Assignment, Review, ReviewCycle
from tests.certifications.demo_checks import assert_certificates_to_follow_up
from tests.development.demo_checks import assert_development_plans_to_click_through

ROLES = "hr admin|executive|manager|employee"
LOGIN = re.compile(rf"^login: (\S+@\S+)  password: (\S+)  \(({ROLES})\)$")


@pytest.mark.django_db
def test_the_executive_login_is_a_viewer_not_the_top_of_the_organisation():
    # As the CEO, everyone was in the executive's own line: the role showed nothing.
    command = DemoCommand(stdout=io.StringIO())
    command._load_people(60)
    ceo = Person.objects.get(manager__isnull=True)
    User.objects.filter(pk=ceo.user_id).update(is_executive=True)  # an earlier demo's pick
    logins = command._assign_roles()
    executive = Person.objects.get(user__email=logins["executive"])
    assert executive.manager_id is not None
    assert not executive.direct_reports.exists()
    assert logins["executive"] not in {logins["hr admin"], logins["employee"]}
    assert list(User.objects.filter(is_executive=True)) == [executive.user]


# As `make demo` runs it: the load queues its mails for the worker in the database rather
# than composing ~700 of them inline (a third of the load's time under the tests'
# immediate backend); composing and sending are tested in tests/notifications.
AS_THE_DEMO_RUNS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@AS_THE_DEMO_RUNS
def test_demo_loads_a_living_organisation_once(client):
    out = io.StringIO()
    call_command("demo", people=60, stdout=out)
    logins = [m.groups() for line in out.getvalue().splitlines() if (m := LOGIN.match(line))]
    assert sorted(role for _, _, role in logins) == ["employee", "executive", "hr admin", "manager"]
    for email, password, _role in logins:
        assert client.login(email=email, password=password), email
        # Each login opens Cadence to something that needs them, and a history read.
        person = Person.objects.get(user__email=email)
        unread = person.notifications.filter(read_at__isnull=True).count()
        assert 1 <= unread <= 4, (email, unread)
        home = client.get("/api/v1/home").json()
        assert not home["all_done"] and home["sections"], email

    current = PerformancePeriod.objects.get(state="active", kind="year")
    assert PerformancePeriod.objects.filter(state="closed", kind="year").exists()
    assert Goal.objects.filter(period=current, owner_type="company").count() == 3
    assert Goal.objects.filter(period=current, owner_type="person", parent__isnull=False).exists()
    assert CheckIn.objects.filter(key_result__goal__period=current).count() > 50
    states = set(PerformancePlan.objects.filter(period=current).values_list("state", flat=True))
    assert states == {"draft", "proposed", "agreed"}
    assert KpiMeasurement.objects.filter(kpi__scope="team").count() >= 12
    assert_goal_health_reads_like_a_real_company(current)
    employee_email = next(email for email, _, role in logins if role == "employee")
    assert_review_cycles_to_click_through(client, current, employee_email)
    # The other areas' demo data, checked here so the demo is loaded once for all.
    assert_development_plans_to_click_through(out.getvalue())
    assert_certificates_to_follow_up(out.getvalue())

    def counts() -> tuple[int, ...]:
        return (
            Person.objects.count(),
            Goal.objects.count(),
            CheckIn.objects.count(),
            PerformancePlan.objects.count(),
            ReviewCycle.objects.count(),
            Review.objects.count(),
            Assignment.objects.count(),
            Answer.objects.count(),
            DevelopmentItem.objects.count(),
            CareerAspiration.objects.count(),
            Certificate.objects.count(),
            Feedback.objects.count(),
            Meeting.objects.count(),
        )

    before = counts()
    call_command("demo", people=60, stdout=io.StringIO())
    assert counts() == before


def assert_review_cycles_to_click_through(client, current, employee_email: str) -> None:
    """Last year's cycle done and released; this year's in writing, with reviews
    submitted, drafts and many still to write — the employee among those writing."""
    last = ReviewCycle.objects.get(period__state="closed", period__kind="year")
    now = ReviewCycle.objects.get(period=current)
    assert (last.phase, now.phase) == ("closed", "writing")
    assert last.acknowledgement_deadline < timezone.localdate() <= now.writing_deadline
    assert last.launched_at.date() < now.launched_at.date()
    done = Assignment.objects.filter(cycle=last)
    assert done.filter(state="submitted").count() > done.count() / 2
    assert {"self", "manager", "peer", "upward"} <= set(
        done.filter(state="submitted").values_list("type", flat=True)
    )
    assert Review.objects.filter(cycle=last, calibrated_score__isnull=False).exists()
    acknowledged = Review.objects.filter(cycle=last, state="acknowledged").count()
    assert acknowledged > Review.objects.filter(cycle=last).count() / 2
    states = set(Assignment.objects.filter(cycle=now).values_list("state", flat=True))
    assert {"open", "draft", "submitted"} <= states

    employee = Person.objects.get(user__email=employee_email)
    assert Assignment.objects.filter(cycle=now, writer=employee, state="open").exists()
    released = Review.objects.get(cycle=last, reviewee=employee)
    assert released.state in {"released", "acknowledged"} and released.score is not None
    client.force_login(employee.user)
    mine = client.get("/api/v1/review-assignments").json()
    assert any(a["cycle_id"] == now.pk and a["state"] == "open" for a in mine["items"]), mine


def assert_goal_health_reads_like_a_real_company(period: PerformancePeriod) -> None:
    """Most active goals on track, some at risk, a few off track — read through the same
    rule and query as the pages (cadence.goals.health via queries._flag)."""
    from collections import Counter

    from cadence.goals import queries

    goals = queries._goals_of_period(Goal.objects.filter(period=period, state="active"), period)
    statuses = Counter(goal.health.status for goal in queries._flag(goals))
    total = sum(statuses.values())
    assert total >= 30
    assert statuses["on_track"] / total >= 0.55
    assert 0.08 <= statuses["at_risk"] / total <= 0.35
    assert 0.02 <= statuses["off_track"] / total <= 0.20
    assert statuses["off_track"] < statuses["at_risk"] < statuses["on_track"]
