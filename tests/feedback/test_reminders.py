"""The request reminders: colleagues who have not answered a request due within two days
are reminded once; answered, declined and later requests are not. Once the date has
passed they are reminded once more ("overdue"); never twice, never after an answer or a
decline, never when they have left."""

import datetime

from django.utils import timezone

from cadence.feedback import reminders, services
from cadence.notifications.models import Notification
from cadence.notifications.rendering import render
from cadence.people import services as people
from tests.conftest import make_person


def test_pending_asks_due_soon_are_reminded_once(org):
    today = timezone.localdate()
    soon = services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.engineer2, org.seller, org.eng_head],
        topic="project",
        topic_text="Atlas",
        due_on=today + datetime.timedelta(days=1),
    )
    services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.ceo],
        topic="project",
        topic_text="Later",
        due_on=today + datetime.timedelta(days=9),
    )
    asks = {a.recipient_id: a for a in soon.asks.all()}
    services.ask_answer(ask=asks[org.seller.pk], text="Done.")
    services.ask_decline(ask=asks[org.eng_head.pk], reason="Not involved.")
    noon = timezone.now().replace(hour=12)
    made = reminders.ask_reminders(noon)
    assert made == 1
    reminded = Notification.objects.filter(kind=reminders.ASK_DUE)
    assert [n.recipient_id for n in reminded] == [org.engineer2.pk]
    [item] = render(org.engineer2.user, list(reminded))
    assert item.text == ("Reminder: Ann Engineer is waiting for feedback on the project Atlas.")
    assert reminders.ask_reminders(noon) == 0


def test_overdue_asks_are_reminded_once_and_never_after_an_answer_or_to_leavers(org):
    # A request cannot be made with a past date: the sweep runs in the future instead.
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    leaver = make_person("lee.gone@example.com", manager=org.eng_manager)
    late = services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.engineer2, org.seller, org.eng_head, leaver],
        topic="project",
        topic_text="Atlas",
        due_on=today + day,
    )
    services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.ceo],
        topic="project",
        topic_text="Soon",
        due_on=today + 4 * day,
    )
    asks = {a.recipient_id: a for a in late.asks.all()}
    services.ask_answer(ask=asks[org.seller.pk], text="Done.")
    services.ask_decline(ask=asks[org.eng_head.pk], reason="Not involved.")
    people.person_mark_left(actor=None, person=leaver)
    noon = timezone.now().replace(hour=12)
    # Long past its date (as when the reminder first ships): no news any more.
    assert reminders.overdue_reminders(noon + 20 * day) == 0

    later = noon + 3 * day
    assert reminders.overdue_reminders(later) == 1
    [overdue] = Notification.objects.filter(kind=reminders.ASK_OVERDUE)
    assert overdue.recipient_id == org.engineer2.pk
    [item] = render(org.engineer2.user, [overdue])
    assert item.text == (
        "Overdue: Ann Engineer is still waiting for feedback on the project Atlas. "
        "Answer or decline."
    )
    assert reminders.overdue_reminders(later) == 0
    # The sweep as scheduled runs both reminders; run again, it tells nobody again.
    assert reminders.reminders(later) == 1  # "due soon" to the CEO, asked for Soon
    assert reminders.reminders(later) == 0
    assert reminders.reminders(later + datetime.timedelta(hours=1)) == 0
    services.ask_answer(ask=asks[org.engineer2.pk], text="Late, sorry.")
    assert reminders.reminders(later + day) == 0
    assert list(
        Notification.objects.filter(kind=reminders.ASK_OVERDUE).values_list(
            "recipient_id", flat=True
        )
    ) == [org.engineer2.pk]


def test_the_overdue_reminder_is_a_preference(org):
    page = org.client_for(org.engineer).get("/notifications/preferences/").content.decode()
    assert "A request for my feedback is past its date" in page
