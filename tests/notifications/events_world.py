"""What the event tests share: a period holding today and readers of notifications,
built through the real services (no fixtures here, so both test modules build their
own from the ``org`` fixture)."""

import datetime

from cadence.accounts.models import User
from cadence.goals import services as goals
from cadence.goals.models import Goal, KeyResult
from cadence.notifications.models import Notification
from cadence.notifications.rendering import render
from cadence.people.models import Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod


def open_period() -> PerformancePeriod:
    """FY2027, active, holding today."""
    today = datetime.date.today()
    hr = User.objects.get(is_hr_admin=True)
    period = planning.period_create(
        actor=hr,
        name="FY2027",
        kind="year",
        starts_on=today - datetime.timedelta(days=180),
        ends_on=today + datetime.timedelta(days=185),
    )
    return planning.period_activate(actor=hr, period=period)


def fresh_user(person: Person) -> User:
    """The person's account as a new request would see it (nothing cached on it)."""
    return User.objects.get(pk=person.user_id)


def texts(person: Person, kind: str | None = None) -> list[str]:
    """The person's notifications as they read them now, newest first."""
    rows = Notification.objects.filter(recipient=person).select_related("actor")
    if kind is not None:
        rows = rows.filter(kind=kind)
    return [item.text for item in render(fresh_user(person), list(rows))]


def told(kind: str) -> set[int]:
    """The ids of the people who received a notification of ``kind``."""
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def goal_with_kr(
    actor: Person,
    period: PerformancePeriod,
    owner: Person,
    title: str,
    *,
    parent: Goal | None = None,
    visibility: str = Goal.Visibility.PUBLIC,
) -> tuple[Goal, KeyResult]:
    """An active person goal (set by ``actor``, not its owner) with one key result."""
    goal = goals.goal_create(
        actor=actor.user,
        period=period,
        title=title,
        owner_type=Goal.Owner.PERSON,
        owner_person=owner,
        parent=parent,
        visibility=visibility,
        state=Goal.State.ACTIVE,
    )
    kr = goals.key_result_create(
        actor=actor.user, goal=goal, title=f"{title}: measure", start_value=0, target_value=10
    )
    return goal, kr


def check_in(author: Person | User, kr: KeyResult, value: float = 5) -> None:
    user = author if isinstance(author, User) else fresh_user(author)
    goals.check_in_create(actor=user, key_result=kr, value=value, confidence="on_track")
