"""Who reads a person's development, and what stays when people leave; the pages cost
the same number of queries for one item or many, one report or many."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.development import services
from cadence.development.models import CareerAspiration, DevelopmentItem
from cadence.people import services as people
from cadence.planning.models import Competency
from tests.conftest import Org


def _item(org: Org, person, skill: str, **extra) -> DevelopmentItem:
    return services.item_add(
        actor=org.eng_manager.user,
        person=person,
        skill=skill,
        due_on=timezone.localdate() + datetime.timedelta(days=9),
        **extra,
    )


def test_a_leavers_plan_is_kept_read_by_hr_and_the_chain_and_changed_by_nobody(org: Org):
    item = _item(org, org.engineer2, "Terraform")
    services.aspiration_set(actor=org.engineer2.user, person=org.engineer2, text="Architect")
    people.person_mark_left(actor=None, person=org.engineer2)
    assert DevelopmentItem.objects.filter(pk=item.pk).exists()
    assert CareerAspiration.objects.filter(person=org.engineer2).exists()
    for reader in (org.hr, org.eng_manager):
        client = org.client_for(reader)
        page = client.get(reverse("development:person", args=[org.engineer2.pk]))
        assert page.status_code == 200 and "Architect" in page.content.decode()
        assert "Add a development item" not in page.content.decode()
        refused = client.post(
            reverse("development:item_status", args=[item.pk]), {"status": "dropped"}
        )
        assert refused.status_code == 403
    for outsider in (org.engineer, org.exec_viewer, org.sales_manager):
        page = org.client_for(outsider).get(reverse("development:person", args=[org.engineer2.pk]))
        assert page.status_code == 404
    # Nobody is reminded of a leaver's items.
    from cadence.development import home

    assert home.items(org.eng_manager.user, org.eng_manager) == []


def test_the_executive_and_peers_see_no_counts_either(org: Org):
    _item(org, org.engineer, "Kubernetes")
    for outsider in (org.exec_viewer, org.engineer2, org.sales_manager):
        client = org.client_for(outsider)
        home = client.get("/api/v1/home").json()
        assert "Kubernetes" not in str(home)
        listed = client.get("/api/v1/development/items").json()
        assert listed["items"] == []
    team = org.client_for(org.sales_manager).get("/api/v1/development/team").json()
    assert org.engineer.pk not in {r["person_id"] for r in team["rows"]}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_pages_cost_the_same_for_few_and_many_items(org: Org, ownership: Competency):
    manager = org.client_for(org.eng_manager)
    mine = reverse("development:person", args=[org.engineer.pk])
    team = reverse("development:team")
    item = _item(org, org.engineer, "One", competency=ownership)
    services.action_add(actor=None, item=item, kind="course", description="A")
    few = (_queries(manager, mine), _queries(manager, team))
    for n in range(6):
        extra = _item(org, org.engineer, f"Skill {n}", competency=ownership)
        services.action_add(actor=None, item=extra, kind="course", description="B")
        _item(org, org.engineer2, f"Other {n}")
    many = (_queries(manager, mine), _queries(manager, team))
    assert few == many
    hr = org.client_for(org.hr)
    coverage = reverse("development:coverage")
    before = _queries(hr, coverage)
    _item(org, org.engineer2, "More", competency=ownership)
    assert _queries(hr, coverage) == before
