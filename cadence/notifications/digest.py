"""The daily digest: one mail a day listing what a person chose to hear about that way.

A person's digest of a day D is made once their local clock (``Person.zone``) reaches
``CADENCE_DIGEST_HOUR`` on D, and carries their pending DIGEST notifications created
before that moment. If the sweep did not run at that hour (the worker was down), a later
run the same day makes it; an item that arrives after the hour waits for the next day's
digest instead of making a second mail. The mail's key ``digest:<person>:<D>`` is unique,
so running the sweep twice, or in two workers, makes nothing more.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from cadence.notifications.models import Channel, Notification, OutboundMail
from cadence.people.models import Person

# Ids per IN (...) list: well under SQLite's limit on bound variables.
CHUNK = 5000


def digest_key(person_id: int, day: date) -> str:
    return f"digest:{person_id}:{day.isoformat()}"


def make_digests(now: datetime | None = None) -> int:
    """Make the digest mails that are due at ``now``; returns how many were made.

    Reads only the people with pending digest items (one grouped query over the partial
    index of pending items), whatever the size of the organisation."""
    now = now or timezone.now()
    hour = settings.CADENCE_DIGEST_HOUR
    pending = (
        Notification.objects.filter(
            delivery=Channel.DIGEST, digest__isnull=True, recipient__status=Person.Status.ACTIVE
        )
        .values("recipient_id", "recipient__time_zone")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    # (local day, that day's digest moment) → people due, so that each group is one
    # UPDATE; there are as many groups as time zones in use, not as people.
    due: dict[tuple[date, datetime], list[int]] = defaultdict(list)
    moments: dict[str, tuple[date, datetime] | None] = {}
    for row in pending:
        zone_name = row["recipient__time_zone"] or settings.TIME_ZONE
        if zone_name not in moments:
            moments[zone_name] = _digest_moment(now, ZoneInfo(zone_name), hour)
        moment = moments[zone_name]
        if moment is not None and row["first"] <= moment[1]:
            due[moment].append(row["recipient_id"])
    if not due:
        return 0
    made = 0
    with transaction.atomic():
        for (day, cutoff), people in due.items():
            for chunk in _chunks(people):
                keys = {digest_key(pid, day): pid for pid in chunk}
                made_before = set(
                    OutboundMail.objects.filter(dedup_key__in=keys).values_list(
                        "dedup_key", flat=True
                    )
                )
                new = [pid for key, pid in keys.items() if key not in made_before]
                if not new:
                    continue
                OutboundMail.objects.bulk_create(
                    [
                        OutboundMail(
                            recipient_id=pid,
                            kind=OutboundMail.Kind.DIGEST,
                            dedup_key=digest_key(pid, day),
                            created_at=now,
                            next_attempt_at=now,
                        )
                        for pid in new
                    ],
                    batch_size=1000,
                    # Another worker making the same digests at this moment: its row wins
                    # and the UPDATE below links the items to it all the same.
                    ignore_conflicts=True,
                )
                _link_items(new, day, cutoff)
                made += len(new)
    return made


def _digest_moment(now: datetime, zone: ZoneInfo, hour: int) -> tuple[date, datetime] | None:
    """(local day, the day's digest hour as an aware datetime) once the local clock has
    passed the hour, else None (the day's digest is not due yet)."""
    local = timezone.localtime(now, zone)
    if local.hour < hour:
        return None
    return local.date(), datetime.combine(local.date(), time(hour), tzinfo=zone)


def _link_items(people: Sequence[int], day: date, cutoff: datetime) -> None:
    """Point each of these people's pending items created by ``cutoff`` at their digest
    mail of ``day``: one UPDATE for the whole chunk."""
    mail = OutboundMail.objects.filter(
        recipient_id=OuterRef("recipient_id"),
        dedup_key=Concat(
            Value("digest:"),
            Cast(OuterRef("recipient_id"), CharField()),
            Value(f":{day.isoformat()}"),
            output_field=CharField(),
        ),
    ).values("pk")[:1]
    Notification.objects.filter(
        recipient_id__in=people,
        delivery=Channel.DIGEST,
        digest__isnull=True,
        created_at__lte=cutoff,
    ).update(digest_id=Subquery(mail))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
