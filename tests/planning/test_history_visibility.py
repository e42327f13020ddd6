"""A plan's history names goals and key results; every reader of the plan sees an entry,
but only those who may read the goal see its title — on the page and in the API.

The goal's rule (``goals.access``) is the judge: every role of ``tests.people.test_access``
is checked against it, so the test stays right when either rule changes.
"""

import pytest
from django.urls import reverse

from cadence.goals import access as goal_access
from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.planning import services
from cadence.planning.models import PerformancePeriod, PerformancePlan, PlanEvent
from tests.conftest import Org
from tests.people.test_access import ROLES, Cast, build_cast
from tests.planning.conftest import agree

pytestmark = pytest.mark.django_db

API = "/api/v1"
SECRET = "Secret move to Berlin"
SECRET_KR = "Flat found in Kreuzberg"
RENAMED = "Secret move to Lisbon"
PUBLIC = "Ship the importer"


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


@pytest.fixture
def history(org: Org, plan: PerformancePlan, period: PerformancePeriod) -> PerformancePlan:
    """Ann's agreed plan reopened four times by her private goal (added, key result
    added, renamed, key result removed) and once by a public goal."""
    manager = org.eng_manager.user
    agree(org, plan)
    secret = goals.goal_create(
        actor=manager,
        period=period,
        title=SECRET,
        owner_type="person",
        owner_person=org.engineer,
        visibility="private",
    )
    agree(org, plan)
    kr = goals.key_result_create(actor=manager, goal=secret, title=SECRET_KR)
    agree(org, plan)
    goals.goal_update(actor=manager, goal=secret, title=RENAMED)
    agree(org, plan)
    goals.key_result_delete(actor=manager, key_result=kr)
    agree(org, plan)
    goals.goal_create(
        actor=manager, period=period, title=PUBLIC, owner_type="person", owner_person=org.engineer
    )
    plan.refresh_from_db()
    assert plan.events.filter(kind=PlanEvent.Kind.REOPENED, goal=secret).count() == 4
    return plan


def texts(cast: Cast, role: str, plan: PerformancePlan) -> tuple[int, str, int, str]:
    client = cast.client(role)
    page = client.get(reverse("planning:plan", args=[plan.pk]))
    api = client.get(f"{API}/plans/{plan.pk}")
    return page.status_code, page.content.decode(), api.status_code, api.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_history_about_a_private_goal_follows_the_goal_rule(
    cast: Cast, history: PerformancePlan, role: str
) -> None:
    secret = Goal.objects.get(title=RENAMED)
    may_read_goal = role != "anonymous" and goal_access.can_read_goal(cast.user(role), secret)
    page_status, page, api_status, api = texts(cast, role, history)
    if page_status == 200:
        secret_words = (SECRET, SECRET_KR, RENAMED)
        if may_read_goal:
            assert all(word in page for word in secret_words)
            assert all(word in api for word in secret_words)
        else:
            assert not any(word in page for word in secret_words), role
            assert not any(word in api for word in secret_words), role
            # The entries stay: the plan was reopened, and the reader is told so.
            assert page.count("A goal you cannot see (a private goal) changed.") == 4
        # A public goal's entry is everyone's to read.
        assert PUBLIC in page and PUBLIC in api
    else:
        assert page_status in (302, 404) and api_status in (401, 404), role
        assert SECRET not in page and SECRET not in api


def test_an_executive_reads_the_plan_but_not_the_private_goal(
    cast: Cast, history: PerformancePlan
) -> None:
    """The leak of the issue: the executive viewer may read Ann's plan, not her
    private goal."""
    page_status, page, api_status, api = texts(cast, "executive", history)
    assert (page_status, api_status) == (200, 200)
    assert SECRET not in page and SECRET not in api
    assert RENAMED not in page and SECRET_KR not in api


def test_a_goal_made_private_later_hides_its_old_entries(
    cast: Cast, org: Org, plan: PerformancePlan, period: PerformancePeriod
) -> None:
    agree(org, plan)
    goal = goals.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Was public once",
        owner_type="person",
        owner_person=org.engineer,
    )
    assert "Was public once" in texts(cast, "executive", plan)[1]
    goals.goal_update(actor=org.eng_manager.user, goal=goal, visibility="private")
    page_status, page, _api_status, api = texts(cast, "executive", plan)
    assert page_status == 200
    assert "Was public once" not in page and "Was public once" not in api


def test_entries_not_about_a_goal_are_untouched(
    cast: Cast, org: Org, plan: PerformancePlan
) -> None:
    agree(org, plan)
    services.plan_update(actor=org.eng_manager.user, plan=plan, expectations="Lead the guild")
    assert "Expectations of the role changed." in texts(cast, "executive", plan)[1]
