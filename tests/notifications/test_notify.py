"""The rules of ``notify`` itself: who is told, through which channel, and only once."""

import pytest
from django.db import transaction

from cadence.notifications import kinds, services
from cadence.notifications.models import Channel, Notification, OutboundMail
from cadence.notifications.rendering import render
from cadence.people.models import Person

HELLO = kinds.register_kind(
    kinds.Kind(
        key="test.hello",
        group="Tests",
        label="Someone says hello",
        sentence="{actor} says hello ({count} times).",
        default=Channel.EMAIL,
    )
)
MUST = kinds.register_kind(
    kinds.Kind(
        key="test.must",
        group="Tests",
        label="Something you must know",
        sentence="You must know this.",
        mandatory=True,
    )
)

pytestmark = pytest.mark.django_db


def test_recipients_are_told_once_each_and_mail_is_queued_with_the_event(org):
    with transaction.atomic():
        created = services.notify(
            HELLO.key,
            [org.engineer, org.engineer, org.engineer2, org.eng_manager],
            actor=org.eng_manager,
            params={"count": 3},
        )
    assert sorted(n.recipient_id for n in created) == sorted([org.engineer.pk, org.engineer2.pk])
    assert OutboundMail.objects.filter(notification__in=created).count() == 2
    [item] = render(org.engineer.user, [Notification.objects.get(recipient=org.engineer)])
    assert item.text == f"{org.eng_manager.full_name} says hello (3 times)."
    assert item.url is None and not item.is_read


def test_a_rolled_back_event_leaves_neither_notification_nor_mail(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(HELLO.key, [org.engineer])
        raise RuntimeError
    assert not Notification.objects.exists()
    assert not OutboundMail.objects.exists()


def test_people_who_left_and_people_who_switched_it_off_get_nothing(org):
    Person.objects.filter(pk=org.engineer2.pk).update(status=Person.Status.LEFT)
    org.engineer2.refresh_from_db()
    services.preferences_set(org.seller, {HELLO.key: Channel.OFF})
    created = services.notify(HELLO.key, [org.engineer2, org.seller, org.engineer])
    assert [n.recipient_id for n in created] == [org.engineer.pk]


def test_in_app_and_digest_channels_queue_no_immediate_mail(org):
    services.preferences_set(org.engineer, {HELLO.key: Channel.IN_APP})
    services.preferences_set(org.seller, {HELLO.key: Channel.DIGEST})
    created = services.notify(HELLO.key, [org.engineer, org.seller])
    assert {n.delivery for n in created} == {Channel.IN_APP, Channel.DIGEST}
    assert not OutboundMail.objects.exists()


def test_a_mandatory_kind_cannot_be_switched_off(org):
    with pytest.raises(ValueError):
        services.preferences_set(org.engineer, {MUST.key: Channel.OFF})
    assert Channel.OFF not in kinds.channels_for(MUST)
    assert len(services.notify(MUST.key, [org.engineer])) == 1


def test_a_dedup_key_tells_each_recipient_once(org):
    first = services.notify(HELLO.key, [org.engineer], dedup_key="hello:1")
    again = services.notify(HELLO.key, [org.engineer, org.seller], dedup_key="hello:1")
    assert len(first) == 1
    assert [n.recipient_id for n in again] == [org.seller.pk]
    assert Notification.objects.filter(dedup_key="hello:1").count() == 2


def test_a_missing_parameter_reads_as_nothing_not_a_placeholder(org):
    services.notify(HELLO.key, [org.engineer])
    [item] = render(org.engineer.user, list(Notification.objects.select_related("actor")))
    assert "{" not in item.text and item.text.endswith("says hello ( times).")
