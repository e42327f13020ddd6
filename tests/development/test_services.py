import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadence.development import services
from cadence.development.models import DevelopmentAction, DevelopmentItem
from cadence.notifications.models import Notification
from cadence.planning import services as planning
from cadence.planning.models import Competency, PerformancePlan
from tests.conftest import Org
from tests.development.conftest import agree


def test_agreeing_a_plan_copies_its_development_needs_once(org: Org, plan: PerformancePlan):
    copied = DevelopmentItem.objects.get(person=org.engineer)
    source = plan.development_items.get()
    assert copied.plan_item == source
    assert copied.skill == "Own a release end to end"
    assert copied.competency_id == source.competency_id
    assert copied.target_level == "L3"  # Ann's level
    assert copied.owner == org.engineer and copied.status == "planned"
    assert [a.description for a in copied.actions.all()] == [
        "Lead the spring release with a senior as mentor"
    ]
    # Reopened and agreed again: nothing new, and the copy is not rewritten.
    planning.development_item_update(
        actor=org.eng_manager.user, item=source, need="Changed", action="Changed action"
    )
    agree(org, PerformancePlan.objects.get(pk=plan.pk))
    assert DevelopmentItem.objects.filter(person=org.engineer).count() == 1
    assert DevelopmentItem.objects.get(pk=copied.pk).skill == "Own a release end to end"
    assert services.agreed_plans_copy() == 0


def test_the_sweep_copies_plans_agreed_without_the_hook(org: Org, plan: PerformancePlan):
    DevelopmentItem.objects.all().delete()
    assert services.agreed_plans_copy() == 1
    assert services.agreed_plans_copy() == 0
    assert DevelopmentItem.objects.filter(person=org.engineer, plan_item__isnull=False).count() == 1


def test_a_plan_item_cannot_be_removed_only_dropped(org: Org, plan: PerformancePlan):
    copied = DevelopmentItem.objects.get(person=org.engineer)
    with pytest.raises(ValidationError) as error:
        services.item_remove(actor=org.engineer.user, item=copied)
    assert "item" in error.value.message_dict
    services.item_update(actor=org.engineer.user, item=copied, status="dropped")
    assert DevelopmentItem.objects.get(pk=copied.pk).status == "dropped"


def test_done_needs_evidence(org: Org, item: DevelopmentItem):
    with pytest.raises(ValidationError) as error:
        services.item_update(actor=org.engineer.user, item=item, status="done", evidence="  ")
    assert "evidence" in error.value.message_dict
    item.refresh_from_db()
    services.item_update(
        actor=org.engineer.user, item=item, status="done", evidence="Talk at the meetup"
    )
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    services.item_update(actor=org.engineer.user, item=item, status="in_progress")
    item.refresh_from_db()
    assert item.completed_at is None and item.evidence == "Talk at the meetup"


def test_an_item_names_a_competency_or_a_skill(org: Org, ownership: Competency):
    with pytest.raises(ValidationError) as error:
        services.item_add(actor=org.engineer.user, person=org.engineer, skill=" ")
    assert "skill" in error.value.message_dict
    item = services.item_add(actor=org.engineer.user, person=org.engineer, competency=ownership)
    assert item.title == "Ownership" and item.target_level == "L3"


def test_the_owner_is_the_person_or_a_manager(org: Org):
    with pytest.raises(ValidationError) as error:
        services.item_add(
            actor=org.eng_manager.user, person=org.engineer, skill="Go", owner=org.seller
        )
    assert "owner" in error.value.message_dict
    item = services.item_add(
        actor=org.eng_manager.user, person=org.engineer, skill="Go", owner=org.eng_head
    )
    assert item.owner == org.eng_head


def test_a_competency_of_a_closed_or_no_period_is_refused(org: Org, ownership: Competency):
    period = ownership.group.framework.period
    assert period is not None
    planning.period_close(actor=org.hr.user, period=period)
    with pytest.raises(ValidationError) as error:
        services.item_add(actor=org.engineer.user, person=org.engineer, competency=ownership)
    assert "competency" in error.value.message_dict


def test_the_person_is_told_when_their_manager_adds_an_item(org: Org):
    item = services.item_add(actor=org.eng_manager.user, person=org.engineer, skill="SQL")
    told = Notification.objects.get(recipient=org.engineer, kind="development.item_added")
    assert told.target_id == item.pk and told.params == {}
    services.item_add(actor=org.engineer.user, person=org.engineer, skill="Rust")
    assert Notification.objects.filter(kind="development.item_added").count() == 1


def test_actions_are_added_done_and_removed(org: Org, item: DevelopmentItem):
    action = services.action_add(
        actor=org.engineer.user, item=item, kind="course", description="  Toastmasters  "
    )
    assert action.description == "Toastmasters"
    with pytest.raises(ValidationError) as error:
        services.action_add(actor=org.engineer.user, item=item, kind="nap", description="")
    assert {"kind", "description"} <= set(error.value.message_dict)
    services.action_update(actor=org.engineer.user, action=action, done=True)
    assert DevelopmentAction.objects.get(pk=action.pk).done_at is not None
    services.action_remove(actor=org.engineer.user, action=action)
    assert not DevelopmentAction.objects.filter(pk=action.pk).exists()


def test_the_aspiration_is_written_replaced_and_removed(org: Org):
    first = services.aspiration_set(actor=org.engineer.user, person=org.engineer, text=" Lead ")
    assert first is not None and first.text == "Lead"
    services.aspiration_set(actor=org.engineer.user, person=org.engineer, text="Staff engineer")
    org.engineer.refresh_from_db()
    assert org.engineer.aspiration.text == "Staff engineer"
    assert services.aspiration_set(actor=org.engineer.user, person=org.engineer, text="") is None
    with pytest.raises(ValidationError):
        services.aspiration_set(actor=org.engineer.user, person=org.engineer, text="x" * 10_001)


def test_no_item_for_someone_who_left(org: Org):
    from cadence.people import services as people

    people.person_mark_left(actor=None, person=org.engineer2)
    org.engineer2.refresh_from_db()
    with pytest.raises(ValidationError):
        services.item_add(
            actor=org.eng_manager.user,
            person=org.engineer2,
            skill="x",
            due_on=timezone.localdate() + datetime.timedelta(days=1),
        )
