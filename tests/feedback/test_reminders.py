"""The request reminder: colleagues who have not answered a request due within two days
are reminded once; answered, declined and later requests are not."""

import datetime

from django.utils import timezone

from cadence.feedback import reminders, services
from cadence.notifications.models import Notification
from cadence.notifications.rendering import render


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
    assert item.text == (
        "Reminder: Ann Engineer is waiting for feedback about Ann Engineer on the project Atlas."
    )
    assert reminders.ask_reminders(noon) == 0
