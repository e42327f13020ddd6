"""The development pages: who reads and who changes what, and the flows behind them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cadence.development import services
from cadence.development.models import CareerAspiration, DevelopmentAction, DevelopmentItem
from cadence.planning.models import Competency, PerformancePlan
from tests.conftest import Org

ASPIRATION = "Lead the platform team within two years"


@pytest.fixture
def written(org: Org, item: DevelopmentItem) -> DevelopmentItem:
    services.aspiration_set(actor=org.engineer.user, person=org.engineer, text=ASPIRATION)
    return item


def test_my_development_shows_items_and_aspiration(org: Org, plan: PerformancePlan, written):
    response = org.client_for(org.engineer).get(reverse("development:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Public speaking" in page and "Own a release end to end" in page
    assert ASPIRATION in page
    # The behaviour expected of Ownership at L3, from the framework.
    assert "Delivers own work end to end" in page
    assert 'aria-current="page">Development<' in page


@pytest.mark.parametrize("reader", ["eng_manager", "eng_head", "ceo", "hr"])
def test_the_chain_and_hr_read_a_persons_development(org: Org, written, reader: str):
    response = org.client_for(getattr(org, reader)).get(
        reverse("development:person", args=[org.engineer.pk])
    )
    assert response.status_code == 200
    assert ASPIRATION in response.content.decode()
    item = org.client_for(getattr(org, reader)).get(reverse("development:item", args=[written.pk]))
    assert item.status_code == 200


@pytest.mark.parametrize("outsider", ["engineer2", "sales_manager", "exec_viewer", "seller"])
def test_outsiders_are_refused_everything_of_a_person(org: Org, written, outsider: str):
    client = org.client_for(getattr(org, outsider))
    action = services.action_add(
        actor=org.engineer.user, item=written, kind="course", description="Toastmasters"
    )
    for url in (
        reverse("development:person", args=[org.engineer.pk]),
        reverse("development:item", args=[written.pk]),
        reverse("development:item_add", args=[org.engineer.pk]),
        reverse("development:item_edit", args=[written.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("development:item_status", args=[written.pk]), {"status": "dropped"}),
        (reverse("development:item_remove", args=[written.pk]), {}),
        (
            reverse("development:action_add", args=[written.pk]),
            {"kind": "course", "description": "x"},
        ),
        (reverse("development:action_done", args=[action.pk]), {"done": "1"}),
        (reverse("development:action_remove", args=[action.pk]), {}),
        (reverse("development:aspiration", args=[org.engineer.pk]), {"text": "mine now"}),
    ):
        assert client.post(url, data).status_code == 404, url
    written.refresh_from_db()
    assert written.status == "planned" and DevelopmentAction.objects.filter(pk=action.pk).exists()
    assert CareerAspiration.objects.get(person=org.engineer).text == ASPIRATION


def test_anonymous_is_sent_to_sign_in(client, org: Org, written):
    for url in (
        reverse("development:mine"),
        reverse("development:team"),
        reverse("development:coverage"),
        reverse("development:item", args=[written.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_hr_reads_but_does_not_change_someone_elses_plan(org: Org, written):
    client = org.client_for(org.hr)
    page = client.get(reverse("development:item", args=[written.pk])).content.decode()
    assert "Save status" not in page
    response = client.post(
        reverse("development:item_status", args=[written.pk]), {"status": "dropped"}
    )
    assert response.status_code == 403
    assert client.get(reverse("development:item_add", args=[org.engineer.pk])).status_code == 403


def test_only_the_person_writes_their_aspiration(org: Org, written):
    response = org.client_for(org.eng_manager).post(
        reverse("development:aspiration", args=[org.engineer.pk]), {"text": "Manager's words"}
    )
    assert response.status_code == 403
    page = org.client_for(org.eng_manager).get(
        reverse("development:person", args=[org.engineer.pk])
    )
    assert "Save aspirations" not in page.content.decode()
    response = org.client_for(org.engineer).post(
        reverse("development:aspiration", args=[org.engineer.pk]), {"text": "Principal"}
    )
    assert response.status_code == 302
    assert CareerAspiration.objects.get(person=org.engineer).text == "Principal"


def test_the_manager_adds_an_item_with_a_competency(org: Org, ownership: Competency):
    client = org.client_for(org.eng_manager)
    url = reverse("development:item_add", args=[org.engineer.pk])
    page = client.get(url).content.decode()
    assert "Delivery · Ownership (FY now)" in page
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        url,
        {
            "competency": ownership.pk,
            "target_level": "L4",
            "owner": org.eng_manager.pk,
            "due_on": due,
        },
    )
    assert response.status_code == 302
    item = DevelopmentItem.objects.get(person=org.engineer)
    assert (item.competency, item.target_level, item.owner) == (ownership, "L4", org.eng_manager)
    page = client.get(response["Location"]).content.decode()
    assert "Owns a team&#x27;s outcomes" in page  # expected at L4


def test_an_owner_outside_the_chain_is_not_offered(org: Org):
    url = reverse("development:item_add", args=[org.engineer.pk])
    response = org.client_for(org.engineer).post(url, {"skill": "Go", "owner": org.seller.pk})
    assert response.status_code == 422
    assert not DevelopmentItem.objects.exists()


def test_marking_done_without_evidence_is_refused_with_a_message(org: Org, item):
    client = org.client_for(org.engineer)
    url = reverse("development:item_status", args=[item.pk])
    response = client.post(url, {"status": "done", "evidence": ""})
    assert response.status_code == 422
    assert "Evidence" in response.content.decode()
    assert DevelopmentItem.objects.get(pk=item.pk).status == "planned"
    response = client.post(url, {"status": "done", "evidence": "Spoke at the all-hands"})
    assert response.status_code == 302
    assert DevelopmentItem.objects.get(pk=item.pk).status == "done"


def test_actions_on_the_item_page(org: Org, item):
    client = org.client_for(org.eng_manager)
    due = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("development:action_add", args=[item.pk]),
        {"kind": "mentoring", "description": "Pair with Dana on a talk", "due_on": due},
    )
    assert response.status_code == 302
    action = DevelopmentAction.objects.get(item=item)
    client.post(reverse("development:action_done", args=[action.pk]), {"done": "1"})
    assert DevelopmentAction.objects.get(pk=action.pk).done_at is not None
    page = client.get(reverse("development:item", args=[item.pk])).content.decode()
    assert "Pair with Dana on a talk" in page and "Reopen" in page
    bad = client.post(reverse("development:action_add", args=[item.pk]), {"kind": "nap"})
    assert bad.status_code == 422


def test_the_team_view_is_for_managers(org: Org, plan, written):
    client = org.client_for(org.eng_manager)
    page = client.get(reverse("development:team")).content.decode()
    assert "Ann Engineer" in page and "Bob Engineer" in page
    assert "health-bar" in page
    head = org.client_for(org.eng_head).get(reverse("development:team") + "?line=all")
    assert "Ann Engineer" in head.content.decode()
    # Another team's manager sees their own team only; an engineer no team at all.
    other = org.client_for(org.sales_manager).get(reverse("development:team"))
    assert "Ann Engineer" not in other.content.decode()
    assert org.client_for(org.engineer).get(reverse("development:team")).status_code == 403


def test_coverage_is_for_hr(org: Org, plan, written, ownership: Competency):
    client = org.client_for(org.hr)
    page = client.get(reverse("development:coverage")).content.decode()
    assert "Ownership" in page and "Feedback" in page
    platform = org.engineer.department
    assert platform is not None
    filtered = client.get(reverse("development:coverage") + f"?department={platform.pk}")
    assert filtered.status_code == 200 and "Engineering/Platform" in filtered.content.decode()
    assert client.get(reverse("development:coverage") + "?department=999999").status_code == 404
    for outsider in ("eng_manager", "exec_viewer", "engineer", "ceo"):
        response = org.client_for(getattr(org, outsider)).get(reverse("development:coverage"))
        assert response.status_code == 403, outsider


def test_a_plan_item_is_not_removable_on_the_page(org: Org, plan):
    copied = DevelopmentItem.objects.get(person=org.engineer)
    client = org.client_for(org.engineer)
    page = client.get(reverse("development:item", args=[copied.pk])).content.decode()
    assert "Remove item" not in page
    client.post(reverse("development:item_remove", args=[copied.pk]))
    assert DevelopmentItem.objects.filter(pk=copied.pk).exists()
