"""The review form (with its evidence panel) and the results page cost a fixed number of
queries (issue 8): a reviewee with many goals, key results, check-ins, KPIs, peers and
comments is read with as many queries as one with one of each. ``bench/workloads/
review_pages.py`` times the same pages at 100,000 people."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.development import services as development_services
from cadence.goals import services as goals_services
from cadence.goals.models import Goal
from cadence.kpis import services as kpis_services
from cadence.people import services as people_services
from cadence.people.models import Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod
from cadence.reviews.models import Assignment, RatingChange, Review, ReviewCycle, ReviewerType
from tests.conftest import Org
from tests.reviews.results_support import MANAGER, PEER, SELF, release_now, submit

pytestmark = pytest.mark.django_db

Phase = ReviewCycle.Phase
FEW, MANY = 1, 4


# --- building a reviewee's year ----------------------------------------------------------------


def evidence(org: Org, period: PerformancePeriod, reviewee: Person, n: int) -> None:
    """``n`` goals (one private), each with ``n`` key results checked in ``n`` times,
    ``n`` KPIs measured ``n`` times in the period, and ``n`` development items with ``n``
    actions each (one done)."""
    for g in range(n):
        goal = goals_services.goal_create(
            actor=org.eng_manager.user,
            period=period,
            title=f"{reviewee.first_name} goal {g}",
            owner_type=Goal.Owner.PERSON,
            owner_person=reviewee,
            visibility=Goal.Visibility.PRIVATE if g == 1 else Goal.Visibility.PUBLIC,
            state=Goal.State.ACTIVE,
        )
        for k in range(n):
            kr = goals_services.key_result_create(
                actor=org.eng_manager.user, goal=goal, title=f"KR {g}.{k}", target_value=10
            )
            for value in range(1, n + 1):
                goals_services.check_in_create(
                    actor=reviewee.user, key_result=kr, value=value, confidence="on_track"
                )
    for m in range(n):
        kpi = kpis_services.kpi_define(
            actor=org.eng_manager.user,
            name=f"{reviewee.first_name} KPI {m}",
            target=40,
            scope="person",
            person=reviewee,
        )
        for month in range(n):
            kpis_services.measurement_record(
                actor=org.eng_manager.user,
                kpi=kpi,
                value=30 + month,
                period_start=period.starts_on + datetime.timedelta(days=31 * month + 1),
            )
    for d in range(n):
        item = development_services.item_add(
            actor=org.eng_manager.user, person=reviewee, skill=f"{reviewee.first_name} skill {d}"
        )
        for a in range(n):
            action = development_services.action_add(
                actor=org.eng_manager.user, item=item, kind="course", description=f"Course {a}"
            )
        development_services.action_update(actor=org.eng_manager.user, action=action, done=True)


def competencies(org: Org, period: PerformancePeriod) -> None:
    framework = planning.framework_create(actor=org.hr.user, name="Engineering", period=period)
    group = planning.group_create(actor=org.hr.user, framework=framework, name="Craft")
    for name in ("Testing", "Architecture"):
        competency = planning.competency_create(actor=org.hr.user, group=group, name=name)
        planning.expectation_set(
            actor=org.hr.user, competency=competency, level="L3", behaviour=f"{name} at L3."
        )


def queries(client: Client, url: str) -> list[str]:
    """The SQL of one request to ``url`` (after one to warm the session and caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def same_count(few: list[str], many: list[str]) -> None:
    """As many queries; if not, which kinds (a query up to its WHERE) differ."""

    def shape(sql: str) -> str:
        return sql.split(" WHERE ")[0][-160:]

    extra = Counter(map(shape, many))
    extra.subtract(Counter(map(shape, few)))
    differ = "\n".join(f"{n:+d} {s}" for s, n in extra.items() if n) or "(same shapes)"
    assert len(few) == len(many), f"{len(few)} → {len(many)} queries:\n{differ}"


def assignment(cycle: ReviewCycle, reviewee: Person, kind: str) -> Assignment:
    return Assignment.objects.get(cycle=cycle, review__reviewee=reviewee, type=kind)


# --- the review form ---------------------------------------------------------------------------


def test_the_review_form_costs_the_same_queries_for_a_small_and_a_large_review(
    org: Org, make_cycle, period: PerformancePeriod
) -> None:
    """The manager's form for two reviewees of theirs: one goal, key result, check-in,
    KPI and peer against four goals of four key results checked in four times, four
    KPIs, four peers — each with a submitted self-review and the manager's draft."""
    small, large = org.engineer2, org.engineer
    cycle = make_cycle(
        [small, large],
        peers={
            small: [org.seller],
            large: [org.engineer2, org.seller, org.sales_manager, org.exec_viewer],
        },
    )
    competencies(org, period)
    # The same level: the competencies of a level are read with their expectations.
    people_services.person_update(actor=org.hr.user, person=small, level=large.level)
    evidence(org, period, small, FEW)
    evidence(org, period, large, MANY)
    for reviewee, n in ((small, FEW), (large, MANY)):
        review = cycle.reviews.get(reviewee=reviewee)
        submit(review, reviewee, SELF, rating=4, comment="A good year. " * n)
        for peer in Assignment.objects.filter(review=review, type=PEER):
            submit(review, peer.writer, PEER, rating=3, comment=f"Peer {peer.pk}")
    manager = org.client_for(org.eng_manager)
    urls = {
        reviewee: reverse(
            "reviews:write", args=[assignment(cycle, reviewee, ReviewerType.MANAGER).pk]
        )
        for reviewee in (small, large)
    }
    same_count(queries(manager, urls[small]), queries(manager, urls[large]))
    page = manager.get(urls[large]).content.decode()
    assert page.count("evidence-goal") == MANY  # the private goal too: the manager's to read
    assert f"{large.first_name} KPI 3" in page and "A good year." in page
    assert page.count('class="evidence-development"') == MANY and "1 of 4 actions done" in page


def test_the_review_form_is_the_writers_own(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], peers={org.engineer: [org.engineer2]})
    url = reverse("reviews:write", args=[assignment(cycle, org.engineer, MANAGER).pk])
    # Another employee, another team's manager, HR (who do not write it) and anonymous.
    for outsider in (org.engineer2, org.sales_manager, org.hr):
        assert org.client_for(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302


# --- the results page --------------------------------------------------------------------------


def results_of(org: Org, make_cycle, period: PerformancePeriod) -> tuple[Review, Review]:
    """Two released reviews: one with a goal, three peers (the anonymity threshold) and
    one comment each; one with four goals, six peers, long comments and rating changes."""
    small, large = org.engineer2, org.engineer
    small_peers = [org.engineer, org.seller, org.sales_manager]
    large_peers = [
        org.engineer2,
        org.seller,
        org.sales_manager,
        org.exec_viewer,
        org.sales_head,
        org.ceo,
    ]
    cycle = make_cycle(
        [small, large], peers={small: small_peers, large: large_peers}, phase=Phase.RELEASE
    )
    evidence(org, period, small, FEW)
    evidence(org, period, large, MANY)
    reviews = []
    for reviewee, peers, n in ((small, small_peers, FEW), (large, large_peers, MANY)):
        review = cycle.reviews.get(reviewee=reviewee)
        submit(review, reviewee, SELF, rating=4, comment="Mine. " * n)
        manager = submit(review, org.eng_manager, MANAGER, rating=4, comment="Well done. " * n)
        for number, peer in enumerate(peers):
            submit(review, peer, PEER, rating=2 + number % 3, comment=f"Comment {number}. " * n)
        answer = manager.answers.exclude(rating=None).get()
        for change in range(n):
            RatingChange.objects.create(
                review=review,
                answer=answer,
                kind=RatingChange.Kind.REOPEN,
                item=answer.item,
                old_value=Decimal(3),
                new_value=Decimal(4),
                reason=f"Change {change}",
                changed_by=org.eng_manager.user,
            )
        reviews.append(release_now(review))
    return reviews[0], reviews[1]


def test_the_results_page_costs_the_same_queries_for_a_small_and_a_large_review(
    org: Org, make_cycle, period: PerformancePeriod
) -> None:
    small, large = results_of(org, make_cycle, period)
    page = {r: reverse("reviews:results", args=[r.pk]) for r in (small, large)}
    # The reviewee reads their own; their manager and HR read both.
    same_count(
        queries(org.client_for(org.engineer2), page[small]),
        queries(org.client_for(org.engineer), page[large]),
    )
    for reader in (org.eng_manager, org.hr):
        client = org.client_for(reader)
        same_count(queries(client, page[small]), queries(client, page[large]))
    html = org.client_for(org.engineer).get(page[large]).content.decode()
    assert "Comment 5." in html


def test_the_results_page_is_refused_to_outsiders(
    org: Org, make_cycle, period: PerformancePeriod
) -> None:
    small, _large = results_of(org, make_cycle, period)
    url = reverse("reviews:results", args=[small.pk])
    # Another employee (a peer writer of it), another team's manager, and anonymous.
    for outsider in (org.engineer, org.sales_manager):
        assert org.client_for(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302
