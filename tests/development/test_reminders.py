"""Overdue reminders, the plan-sync sweep, the home section and what notifications say
to whom."""

import datetime

from django.utils import timezone

from cadence.development import home, reminders, services
from cadence.development.models import DevelopmentItem
from cadence.notifications.models import Notification
from cadence.notifications.rendering import render
from tests.conftest import Org

NOON = datetime.time(12)


def _now() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), NOON))


def _overdue(org: Org, *, owner=None, skill="Negotiation") -> DevelopmentItem:
    return services.item_add(
        actor=org.eng_manager.user,
        person=org.engineer,
        skill=skill,
        owner=owner,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )


def test_an_overdue_item_tells_the_person_and_the_owner_once(org: Org):
    item = _overdue(org, owner=org.eng_manager)
    on_time = services.item_add(
        actor=org.engineer.user,
        person=org.engineer,
        skill="Later",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert reminders.overdue_reminders(_now()) == 2
    assert reminders.overdue_reminders(_now()) == 0  # a second run sends nothing
    told = Notification.objects.filter(kind="development.item_overdue")
    assert {n.recipient_id for n in told} == {org.engineer.pk, org.eng_manager.pk}
    assert {n.target_id for n in told} == {item.pk}
    assert on_time.pk not in {n.target_id for n in told}
    # Done items are not reminded; a new due date missed again reminds again.
    services.item_update(
        actor=org.engineer.user,
        item=item,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert reminders.overdue_reminders(_now()) == 2


def test_done_and_dropped_items_are_not_reminded(org: Org):
    item = _overdue(org)
    services.item_update(actor=org.engineer.user, item=item, status="done", evidence="Did it")
    dropped = _overdue(org, skill="Other")
    services.item_update(actor=org.engineer.user, item=dropped, status="dropped")
    assert reminders.overdue_reminders(_now()) == 0


def test_a_notification_names_the_item_only_to_its_readers(org: Org):
    _overdue(org)
    added = Notification.objects.get(kind="development.item_added")
    [mine] = render(org.engineer.user, [added])
    assert "Negotiation" in mine.text and "development plan" in mine.text
    # Someone else reading the row (never shown to them: a check of the target loader).
    for outsider in (org.engineer2, org.exec_viewer, org.sales_manager):
        [theirs] = render(outsider.user, [added])
        assert "Negotiation" not in theirs.text and theirs.url is None


def test_the_plan_sync_sweep_counts_what_it_copied(org: Org, plan):
    DevelopmentItem.objects.all().delete()
    assert reminders.plan_sync(_now()) == 1
    assert reminders.plan_sync(_now()) == 0


def test_home_lists_my_overdue_and_soon_due_items(org: Org, item: DevelopmentItem):
    _overdue(org, owner=org.eng_manager)
    mine = home.items(org.engineer.user, org.engineer)
    texts = [i.text for i in mine]
    assert any("Negotiation was due" in t for t in texts)
    assert any("Public speaking is due" in t for t in texts)
    groups = {i.group for i in mine}
    assert groups == {"Development items overdue", "Development items due soon"}
    # The owner sees what they own for someone in their team, by name.
    owned = home.items(org.eng_manager.user, org.eng_manager)
    assert [i.text for i in owned] and "Ann Engineer" in owned[0].text
    assert home.items(org.engineer2.user, org.engineer2) == []
    assert home.items(org.hr.user, None) == []


def test_home_shows_five_and_a_link_to_all(org: Org):
    for n in range(7):
        _overdue(org, skill=f"Skill {n}")
    rows = home.items(org.engineer.user, org.engineer)
    assert len(rows) == 6 and rows[-1].count == 7
