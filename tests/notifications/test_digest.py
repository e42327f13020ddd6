"""The daily digest: made at each person's local hour, once a day, with what they chose
to hear about that way."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.notifications import delivery, digest, kinds, services
from cadence.notifications.models import Channel, Notification, OutboundMail
from cadence.people.models import Person

DIGESTED = kinds.register_kind(
    kinds.Kind(
        key="test.digested",
        group="Tests",
        label="Something for the digest",
        sentence="{actor} did something for the digest.",
        default=Channel.DIGEST,
    )
)

pytestmark = pytest.mark.django_db

# 1 Dec 2026, midnight UTC: 09:00 in Tokyo (UTC+9), 19:00 the day before in New York (UTC-5).
T0 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def zoned(org):
    Person.objects.filter(pk=org.engineer.pk).update(time_zone="Asia/Tokyo")
    Person.objects.filter(pk=org.seller.pk).update(time_zone="America/New_York")
    return org


def tell(org, *people: Person, at: datetime) -> list[Notification]:
    created = services.notify(DIGESTED.key, list(people), actor=org.eng_manager)
    Notification.objects.filter(pk__in=[n.pk for n in created]).update(created_at=at)
    return created


def hourly(start: datetime, hours: int) -> dict[str, datetime]:
    """Run the sweep every hour from ``start``; returns when each digest key was made."""
    made: dict[str, datetime] = {}
    for hour in range(hours + 1):
        now = start + timedelta(hours=hour)
        digest.make_digests(now)
        for key in OutboundMail.objects.filter(kind=OutboundMail.Kind.DIGEST).values_list(
            "dedup_key", flat=True
        ):
            made.setdefault(key, now)
    return made


def test_each_person_gets_the_digest_at_their_own_local_hour(zoned):
    org = zoned
    tell(org, org.engineer, org.seller, at=T0)
    made = hourly(T0, 24)
    assert made == {
        # 08:00 on 2 Dec in Tokyo: 09:00 on the 1st had passed when the items came.
        f"digest:{org.engineer.pk}:2026-12-02": datetime(2026, 12, 1, 23, tzinfo=UTC),
        # 08:00 on 1 Dec in New York.
        f"digest:{org.seller.pk}:2026-12-01": datetime(2026, 12, 1, 13, tzinfo=UTC),
    }
    assert Notification.objects.filter(digest__isnull=True).count() == 0


def test_a_missed_hour_is_caught_up_later_the_same_day(zoned):
    org = zoned
    tell(org, org.engineer, org.seller, at=T0)
    # The worker was down from 12:00 to 16:00 UTC (07:00-11:00 in New York).
    late = datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert digest.make_digests(late) == 1
    [mail] = OutboundMail.objects.filter(kind=OutboundMail.Kind.DIGEST)
    assert mail.recipient_id == org.seller.pk
    assert mail.dedup_key == f"digest:{org.seller.pk}:2026-12-01"


def test_making_digests_twice_makes_nothing_more(zoned):
    org = zoned
    tell(org, org.engineer, org.seller, at=T0)
    now = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # both past their hour
    assert digest.make_digests(now) == 2
    assert digest.make_digests(now) == 0
    assert digest.make_digests(now + timedelta(minutes=20)) == 0
    assert OutboundMail.objects.count() == 2


def test_an_item_after_the_hour_waits_for_the_next_days_digest(zoned):
    org = zoned
    [first] = tell(org, org.seller, at=T0)
    assert digest.make_digests(datetime(2026, 12, 1, 13, tzinfo=UTC)) == 1
    [later] = tell(org, org.seller, at=datetime(2026, 12, 1, 14, tzinfo=UTC))
    assert digest.make_digests(datetime(2026, 12, 1, 20, tzinfo=UTC)) == 0
    assert digest.make_digests(datetime(2026, 12, 2, 13, tzinfo=UTC)) == 1
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.digest is not None and later.digest is not None
    assert first.digest.dedup_key.endswith(":2026-12-01")
    assert later.digest.dedup_key.endswith(":2026-12-02")


def test_no_digest_for_someone_who_left_or_without_digest_items(zoned):
    org = zoned
    tell(org, org.seller, at=T0)
    Person.objects.filter(pk=org.seller.pk).update(status=Person.Status.LEFT)
    services.notify(DIGESTED.key, [org.engineer2], actor=org.eng_manager)
    Notification.objects.filter(recipient=org.engineer2).update(
        delivery=Channel.IN_APP, created_at=T0
    )
    assert digest.make_digests(datetime(2026, 12, 2, 23, tzinfo=UTC)) == 0


def test_the_digest_mail_lists_the_items_in_the_readers_time(zoned, mailoutbox):
    org = zoned
    tell(org, org.engineer, at=T0)
    tell(org, org.engineer, at=T0 + timedelta(hours=2))
    now = datetime(2026, 12, 1, 23, tzinfo=UTC)
    digest.make_digests(now)
    assert delivery.send_due(now) == 1
    [message] = mailoutbox
    assert message.to == [org.engineer.work_email]
    assert message.subject == "Your Cadence digest: 2 updates"
    sentence = f"{org.eng_manager.full_name} did something for the digest."
    assert message.body.count(sentence) == 2
    # Created at 00:00 and 02:00 UTC: 09:00 and 11:00 in Tokyo.
    assert "1 Dec 2026, 09:00" in message.body and "1 Dec 2026, 11:00" in message.body
    assert "2 Dec 2026" in message.body  # the digest's own (Tokyo) day
    [(html, _mimetype)] = message.alternatives
    assert html.count(sentence) == 2
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/")


def test_a_digest_whose_items_are_gone_is_not_sent(zoned, mailoutbox):
    org = zoned
    tell(org, org.engineer, at=T0)
    now = datetime(2026, 12, 1, 23, tzinfo=UTC)
    digest.make_digests(now)
    Notification.objects.filter(recipient=org.engineer).delete()
    assert delivery.send_due(now) == 0
    [mail] = OutboundMail.objects.all()
    assert mail.state == OutboundMail.State.DROPPED
    assert mailoutbox == []


def test_the_sweep_reads_a_constant_number_of_queries_whatever_the_number_of_people(zoned):
    org = zoned
    now = datetime(2026, 12, 1, 23, tzinfo=UTC)

    def queries_for(people: list[Person]) -> int:
        OutboundMail.objects.all().delete()
        Notification.objects.all().delete()
        tell(org, *people, at=T0)
        with CaptureQueriesContext(connection) as captured:
            made = digest.make_digests(now)
        assert made == len(people)
        return len(captured)

    few = queries_for([org.engineer])
    many = queries_for([org.engineer, org.engineer2, org.seller, org.hr, org.sales_head])
    # One more round (key check, insert, link) per time zone in use, never per person.
    assert many <= few + 2 * 3
    assert queries_for([org.engineer2, org.hr, org.sales_head, org.ceo]) == few
