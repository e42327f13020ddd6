"""The demo's development plans: what people are growing, how far they got, and where
they want to go — so the employee login opens their plan with something overdue and
something due soon, the manager login's team view has a spread of statuses, and HR's
coverage view has figures in every competency.

The needs of agreed plans are already copied (the planning hook did it while the plans
were agreed). Here, through the development services as the people would have done it:
last year's needs are closed (most done with their evidence, some dropped), a share of
this year's are under way, and items are added later — on a competency of this year's
framework or a skill of its own — with actions, some by the manager. Deterministic and
loaded once: a demo with items added after the plans is left as it is.
"""

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from cadence.development import services
from cadence.development.models import DevelopmentItem
from cadence.people.models import Person
from cadence.planning.models import Competency, PerformancePeriod

ADDED_SHARE = 0.35  # people with a manager who get items added after their plan
ASPIRATION_SHARE = 0.3
SKILLS = [
    "Public speaking",
    "SQL for reporting",
    "Negotiation",
    "Writing design documents",
    "Coaching new colleagues",
    "Spanish for customer calls",
]
ACTIONS = {
    "course": ["Complete the internal {what} course", "Take the two-day {what} workshop"],
    "stretch": ["Lead the next quarter's {what} initiative", "Own {what} for one release"],
    "mentoring": ["Monthly sessions on {what} with a senior colleague"],
    "other": ["Read two books on {what} and share notes with the team"],
}
ASPIRATIONS = [
    "Grow into a team lead within two years, starting by mentoring new colleagues.",
    "Become the go-to expert for our data platform; later, a staff-level role.",
    "Move towards product management: closer to customers and the roadmap.",
    "Stay hands-on and deepen my craft; I want to lead larger projects, not people.",
    "Try a rotation in another department next year to broaden what I know.",
]
EVIDENCE = [
    "Presented the Q2 and Q3 reviews to the leadership team; feedback in the 1:1 notes.",
    "Certificate of completion uploaded to the learning portal.",
    "Led the release; the retrospective notes name what went well.",
]


def load_development_demo(
    *,
    logins: dict[str, Person],
    today: datetime.date | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """Load once; False when items were already added after the plans."""
    today = today or timezone.localdate()
    if DevelopmentItem.objects.filter(plan_item__isnull=True).exists():
        return False
    rng = random.Random(today.year)
    current = PerformancePeriod.objects.filter(
        state=PerformancePeriod.State.ACTIVE, kind=PerformancePeriod.Kind.YEAR
    ).first()
    competencies = list(
        Competency.objects.filter(group__framework__period=current).order_by("id")
        if current
        else []
    )
    with transaction.atomic():
        services.agreed_plans_copy()  # plans agreed before the hook (an older demo)
        closed = _close_last_year(today, rng)
        added = _add_items(logins, competencies, today, rng)
        added += _employee(logins, competencies, today)
        aspirations = _aspirations(logins, rng)
    say(
        f"Demo development plans: {DevelopmentItem.objects.count()} items "
        f"({closed} of last year's closed, {added} added), {aspirations} career aspirations"
    )
    return True


def _close_last_year(today: datetime.date, rng: random.Random) -> int:
    items = DevelopmentItem.objects.filter(
        plan_item__plan__period__state=PerformancePeriod.State.CLOSED,
        status__in=DevelopmentItem.OPEN,
    ).select_related("person", "owner")
    count = 0
    for item in items:
        if rng.random() < 0.8:
            services.item_update(
                actor=None, item=item, status="done", evidence=rng.choice(EVIDENCE)
            )
        else:
            services.item_update(actor=None, item=item, status="dropped")
        count += 1
    # This year's needs: about half under way. A need carried over from last year's plan
    # still has last year's date: the person and their manager set a new one.
    for item in DevelopmentItem.objects.filter(
        plan_item__plan__period__state=PerformancePeriod.State.ACTIVE,
        status=DevelopmentItem.Status.PLANNED,
    ).select_related("person", "owner", "plan_item__plan__period"):
        changes: dict[str, object] = {}
        period = item.plan_item.plan.period if item.plan_item else None
        if period is not None and item.due_on is not None and item.due_on < period.starts_on:
            changes["due_on"] = today + datetime.timedelta(days=rng.randint(14, 90))
        if rng.random() < 0.5:
            changes["status"] = "in_progress"
        if changes:
            services.item_update(actor=None, item=item, **changes)
    return count


def _add(
    person: Person,
    *,
    by_manager: bool,
    competency: Competency | None,
    skill: str,
    due: datetime.date,
    status: str,
    rng: random.Random,
) -> DevelopmentItem:
    manager = person.manager if by_manager and person.manager and person.manager.user else None
    actor = manager.user if manager else person.user
    item = services.item_add(
        actor=actor,
        person=person,
        competency=competency,
        skill=skill,
        owner=manager if manager and rng.random() < 0.5 else None,
        due_on=due,
    )
    what = (competency.name if competency else skill).lower()
    for kind in rng.sample(list(ACTIONS), k=rng.choice((1, 2))):
        action = services.action_add(
            actor=actor,
            item=item,
            kind=kind,
            description=rng.choice(ACTIONS[kind]).format(what=what),
            due_on=due - datetime.timedelta(days=rng.randint(7, 30)),
        )
        if status == "done" or (status == "in_progress" and rng.random() < 0.5):
            services.action_update(actor=actor, action=action, done=True)
    if status != "planned":
        services.item_update(
            actor=actor,
            item=item,
            status=status,
            evidence=rng.choice(EVIDENCE) if status == "done" else "",
        )
    return item


def _add_items(
    logins: dict[str, Person],
    competencies: list[Competency],
    today: datetime.date,
    rng: random.Random,
) -> int:
    skip = {logins["employee"].pk}
    people = list(
        Person.objects.filter(status=Person.Status.ACTIVE, manager__isnull=False)
        .exclude(pk__in=skip)
        .select_related("user", "manager__user")
        .order_by("id")
    )
    manager = logins["manager"]
    count = 0
    for person in people:
        # Everyone in the manager login's team, a share of the others.
        if person.manager_id != manager.pk and rng.random() >= ADDED_SHARE:
            continue
        roll = rng.random()
        status = "done" if roll < 0.2 else "in_progress" if roll < 0.6 else "planned"
        # A few open items are already late: the overdue column and reminders show.
        days = rng.randint(-25, -3) if status != "done" and rng.random() < 0.2 else None
        due = today + datetime.timedelta(days=days if days is not None else rng.randint(5, 150))
        use_competency = competencies and rng.random() < 0.75
        _add(
            person,
            by_manager=rng.random() < 0.4,
            competency=rng.choice(competencies) if use_competency else None,
            skill="" if use_competency else rng.choice(SKILLS),
            due=due,
            status=status,
            rng=rng,
        )
        count += 1
    return count


def _employee(
    logins: dict[str, Person], competencies: list[Competency], today: datetime.date
) -> int:
    """The employee login: one overdue, one due this week, one done."""
    employee = Person.objects.select_related("user", "manager__user").get(pk=logins["employee"].pk)
    rng = random.Random(7)
    first = competencies[0] if competencies else None
    second = competencies[-1] if len(competencies) > 1 else None
    _add(
        employee,
        by_manager=True,
        competency=first,
        skill="" if first else "Ownership",
        due=today - datetime.timedelta(days=4),
        status="in_progress",
        rng=rng,
    )
    _add(
        employee,
        by_manager=False,
        competency=None,
        skill="Public speaking",
        due=today + datetime.timedelta(days=6),
        status="planned",
        rng=rng,
    )
    _add(
        employee,
        by_manager=False,
        competency=second,
        skill="" if second else "SQL for reporting",
        due=today - datetime.timedelta(days=30),
        status="done",
        rng=rng,
    )
    return 3


def _aspirations(logins: dict[str, Person], rng: random.Random) -> int:
    people = list(
        Person.objects.filter(status=Person.Status.ACTIVE, manager__isnull=False).order_by("id")
    )
    chosen = [p for p in people if rng.random() < ASPIRATION_SHARE]
    employee = logins["employee"]
    if employee.pk not in {p.pk for p in chosen}:
        chosen.append(employee)
    for person in chosen:
        services.aspiration_set(actor=None, person=person, text=rng.choice(ASPIRATIONS))
    return len(chosen)
