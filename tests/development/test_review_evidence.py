"""``queries.development_for_review``, what a review form shows of a person's development:
for every role of the organisation, the items of the period when the development rules
let the reader read the person's plan, and None (no trace of a plan) otherwise."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.development import queries, services
from cadence.people.access import acting_person
from tests.conftest import Org

READERS = {
    "engineer": True,  # herself
    "eng_manager": True,
    "eng_head": True,
    "ceo": True,
    "hr": True,
    "engineer2": False,  # a peer
    "sales_manager": False,  # another team's manager
    "seller": False,
    "exec_viewer": False,  # reads performance data organisation-wide, not this
}


def test_each_role_reads_the_items_of_the_period_or_nothing(org: Org) -> None:
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=100), today + datetime.timedelta(days=100)
    item = services.item_add(
        actor=org.eng_manager.user, person=org.engineer, skill="Public speaking"
    )
    for a in range(3):
        services.action_add(
            actor=org.engineer.user, item=item, kind="course", description=f"Course {a}"
        )
    for name, reads in READERS.items():
        reader = getattr(org, name).user
        acting_person(reader)  # loaded once per request, before any page reads
        with CaptureQueriesContext(connection) as captured:
            rows = queries.development_for_review(reader, org.engineer, start, end)
        if reads:
            assert rows is not None, name
            assert [(r.item.pk, r.actions_done, r.actions_total) for r in rows] == [
                (item.pk, 0, 3)
            ], name
            assert len(captured.captured_queries) == 1, name
        else:
            assert rows is None and not captured.captured_queries, name


def test_items_outside_the_period_are_left_out_and_open_ones_come_first(org: Org) -> None:
    today = timezone.localdate()
    actor = org.eng_manager.user

    def add(skill: str, due_in: int) -> int:
        return services.item_add(
            actor=actor,
            person=org.engineer,
            skill=skill,
            due_on=today + datetime.timedelta(days=due_in),
        ).pk

    done = add("Done in the period", 1)
    late = add("Open and late", -3)
    soon = add("Open, due soon", 5)
    services.item_update(
        actor=actor,
        item=services.DevelopmentItem.objects.get(pk=done),
        status="done",
        evidence="A talk",
    )
    # A period that ended yesterday still holds them (added and worked on in it)…
    rows = queries.development_for_review(
        org.eng_manager.user, org.engineer, today - datetime.timedelta(days=30), today
    )
    assert rows is not None
    assert [r.item.pk for r in rows] == [late, soon, done]
    assert [r.overdue for r in rows] == [True, False, False]
    # …one that ended before they were added does not.
    gone = queries.development_for_review(
        org.eng_manager.user,
        org.engineer,
        today - datetime.timedelta(days=60),
        today - datetime.timedelta(days=30),
    )
    assert gone == []
