"""Who may read which notification: its recipient, and nobody else — not HR, not the
manager. The delivery page (mail queue) is for HR admins."""

from django.db.models import QuerySet
from django.http import Http404

from cadence.accounts.types import Actor
from cadence.notifications.models import Notification, OutboundMail
from cadence.people.access import Refused, acting_person, is_hr_admin, is_member, require_member
from cadence.people.models import Person


def recipient(user: Actor) -> Person:
    """The signed-in member whose notifications these are; 404 for anyone else."""
    me = acting_person(user) if is_member(user) else None
    if me is None:
        raise Http404
    return me


def notifications_of(user: Actor) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with what rendering needs."""
    me = acting_person(user) if is_member(user) else None
    if me is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=me).select_related("actor")


def notification_for_read(user: Actor, notification_id: int) -> Notification:
    """One of the user's notifications; someone else's reads as missing (404)."""
    found = notifications_of(user).filter(pk=notification_id).first()
    if found is None:
        raise Http404
    return found


def can_view_deliveries(user: Actor) -> bool:
    return is_hr_admin(user)


def require_delivery_reader(user: Actor) -> None:
    """404 for non-members (to them nothing exists), 403 for members who are not HR
    admins — the audit log's rule."""
    require_member(user)
    if not can_view_deliveries(user):
        raise Refused


def deliveries_visible_to(user: Actor) -> QuerySet[OutboundMail]:
    if not can_view_deliveries(user):
        return OutboundMail.objects.none()
    return OutboundMail.objects.select_related("recipient")
