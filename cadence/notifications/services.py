"""Every write of the notifications app. Areas call ``notify`` from inside their own
service's transaction; nothing else creates notifications or mail."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cadence.notifications import kinds
from cadence.notifications.delivery import deliver_mail
from cadence.notifications.models import Channel, Notification, NotificationPreference, OutboundMail
from cadence.people.models import Person


def channels_of(people: Iterable[Person], kind: kinds.Kind) -> dict[int, Channel]:
    """Each person's channel for ``kind`` (their preference, else the kind's default; a
    mandatory kind is never OFF whatever an old row says). One query."""
    ids = [p.pk for p in people]
    chosen = dict(
        NotificationPreference.objects.filter(person_id__in=ids, kind=kind.key).values_list(
            "person_id", "channel"
        )
    )
    result: dict[int, Channel] = {}
    for person_id in ids:
        channel = Channel(chosen.get(person_id, kind.default))
        if channel == Channel.OFF and kind.mandatory:
            channel = kind.default
        result[person_id] = channel
    return result


def notify(
    kind: str,
    recipients: Iterable[Person],
    *,
    actor: Person | None = None,
    target: models.Model | None = None,
    params: dict[str, Any] | None = None,
    dedup_key: str = "",
) -> list[Notification]:
    """Tell ``recipients`` that ``kind`` happened; returns the notifications created.

    Call it inside the transaction of the change it reports: the notification and its
    mail (outbox) commit or roll back with the change. Nobody is told of their own action,
    people who left are told nothing, a person whose preference is OFF gets nothing, and
    with a ``dedup_key`` a recipient who already has that key gets nothing new."""
    registered = kinds.kind(kind)  # KeyError: an unregistered kind is a programming error
    unique: dict[int, Person] = {}
    for person in recipients:
        if person is None or person.status != Person.Status.ACTIVE:
            continue
        if actor is not None and person.pk == actor.pk:
            continue
        unique.setdefault(person.pk, person)
    if not unique:
        return []
    channels = channels_of(unique.values(), registered)
    wanted = [p for p in unique.values() if channels[p.pk] != Channel.OFF]
    if not wanted:
        return []
    now = timezone.now()
    common = {
        "kind": kind,
        "actor": actor,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": target.pk if target is not None else None,
        "params": params or {},
        "dedup_key": dedup_key,
        "created_at": now,
    }
    with transaction.atomic():
        if dedup_key:
            taken = set(
                Notification.objects.filter(
                    recipient_id__in=[p.pk for p in wanted], dedup_key=dedup_key
                ).values_list("recipient_id", flat=True)
            )
            fresh = [p for p in wanted if p.pk not in taken]
            # One INSERT for every recipient, not one (and a savepoint) per row: a
            # check-in tells each owner up its alignment chain, and its cost must not
            # grow with the depth. Another worker may have written the same key since
            # the check above; the constraint is the final word (its row is skipped),
            # and reading back by this call's own timestamp leaves that row out.
            Notification.objects.bulk_create(
                (
                    Notification(recipient=person, delivery=channels[person.pk], **common)
                    for person in fresh
                ),
                ignore_conflicts=True,
            )
            created = (
                list(
                    Notification.objects.filter(
                        recipient_id__in=[p.pk for p in fresh],
                        dedup_key=dedup_key,
                        created_at=now,
                    )
                )
                if fresh
                else []
            )
        else:
            created = Notification.objects.bulk_create(
                Notification(recipient=person, delivery=channels[person.pk], **common)
                for person in wanted
            )
        mails = OutboundMail.objects.bulk_create(
            OutboundMail(
                recipient_id=n.recipient_id,
                kind=OutboundMail.Kind.NOTIFICATION,
                notification=n,
                dedup_key=f"notification:{n.pk}",
                created_at=now,
                next_attempt_at=now,
            )
            for n in created
            if n.delivery == Channel.EMAIL
        )
        if mails:
            _deliver_after_commit()
    return created


def _deliver_after_commit() -> None:
    """Ask the worker to send once the change is committed (a rolled-back change has no
    mail to send): one task per transaction, however many events it reports. The
    every-minute sweep catches an enqueue that is lost."""
    pending = transaction.get_connection().run_on_commit
    if not any(func is _enqueue_delivery for _savepoints, func, _robust in pending):
        transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    deliver_mail.enqueue()


def mark_read(person: Person, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.read_at = timezone.now()


def mark_all_read(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_set(person: Person, choices: dict[str, str]) -> None:
    """Save ``person``'s channels ({kind: channel}). Callers validate first (unknown kinds,
    unknown channels, OFF for a mandatory kind are refused with the field named); this
    re-checks so that no path stores what the page would refuse."""
    now = timezone.now()
    for key, value in choices.items():
        registered = kinds.kind(key)
        channel = Channel(value)
        if channel == Channel.OFF and registered.mandatory:
            raise ValueError(f"{key} cannot be switched off")
        NotificationPreference.objects.update_or_create(
            person=person, kind=key, defaults={"channel": channel, "updated_at": now}
        )
