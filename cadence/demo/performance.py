"""The demo organisation's performance data: periods, a competency framework, an
alignment tree of company, team and personal goals with months of check-ins, and plans
in every state. Built through the real services, deterministic, loaded once."""

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cadence.accounts.models import User
from cadence.goals import services as goals
from cadence.goals.health import expected_progress
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.kpis import services as kpis
from cadence.kpis.models import Kpi
from cadence.people.models import Department, Person
from cadence.planning import services as planning
from cadence.planning.models import CompetencyFramework, PerformancePeriod, PerformancePlan

COMPANY_GOALS = [
    (
        "Grow recurring revenue",
        [
            ("Annual recurring revenue", "currency", "increase", 12_000_000, 18_000_000, "EUR"),
            ("Net revenue retention (%)", "number", "stay_above", 100, 105, ""),
        ],
    ),
    (
        "Delight our customers",
        [
            ("Net promoter score", "number", "increase", 32, 50, ""),
            ("Median first response time (hours)", "number", "decrease", 9, 2, "h"),
        ],
    ),
    (
        "Build a great place to work",
        [
            ("Engagement survey score", "percentage", "increase", 68, 80, "%"),
            ("Regretted attrition", "percentage", "stay_below", 0, 8, "%"),
        ],
    ),
]
# title, kind, direction, start, target, unit
type KeyResultSpec = tuple[str, str, str, int, int, str]

TEAM_KRS: list[KeyResultSpec] = [
    ("Ship the quarterly roadmap", "percentage", "increase", 0, 100, "%"),
    ("Customer-facing incidents", "number", "decrease", 12, 3, ""),
    ("Pipeline generated", "currency", "increase", 0, 2_500_000, "EUR"),
    ("Launch the new onboarding", "milestone", "increase", 0, 1, ""),
]
PERSONAL = [
    ("Raise the quality bar", [("Defects escaped to production", "number", "decrease", 10, 2, "")]),
    (
        "Grow my craft",
        [
            ("Complete the advanced course", "milestone", "increase", 0, 1, ""),
            ("Mentoring sessions given", "number", "increase", 0, 12, ""),
        ],
    ),
    (
        "Deliver my part of the roadmap",
        [("Roadmap items delivered", "number", "increase", 0, 8, "")],
    ),
    (
        "Improve how we work together",
        [("Retro actions closed", "percentage", "increase", 0, 100, "%")],
    ),
]
COMPETENCIES = {
    "Delivery": [
        ("Ownership", "Takes responsibility for outcomes, not only tasks."),
        ("Quality", "Builds things that last and fixes what is broken."),
    ],
    "Collaboration": [
        ("Communication", "Shares context clearly, in writing and in person."),
        ("Feedback", "Gives and asks for candid, kind feedback."),
    ],
    "Growth": [
        ("Learning", "Seeks out new skills and shares them."),
        ("Leadership", "Lifts the people around them."),
    ],
}
SCOPE = {
    "L3": "in their own work, with guidance",
    "L4": "independently across their own work",
    "L5": "across the team, and helps others do it",
    "L6": "across several teams",
    "L7": "across the department",
    "L8": "across the organisation",
    "L10": "for the whole company, and sets the standard",
}


def _account(person: Person | None) -> User:
    """The account of someone the demo has act: the people import gives every person
    one, so a missing one is a broken demo, not a case to handle."""
    if person is None or person.user is None:
        raise RuntimeError(f"The demo needs an account for {person}.")
    return person.user


def load_performance_demo(
    *,
    hr_user: User,
    today: datetime.date | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """Load once; returns False when the demo's FY periods already exist."""
    today = today or timezone.localdate()
    year = today.year
    if PerformancePeriod.objects.filter(name=f"FY{year}").exists():
        return False
    rng = random.Random(year)
    with transaction.atomic():
        periods = _periods(hr_user, year)
        framework = _framework(hr_user, periods["current"])
        goal_count, kr_count = _goals(hr_user, periods["current"], rng)
    checkins = _check_ins(periods["current"], today, rng)
    with transaction.atomic():
        plans = _plans(hr_user, periods, framework, rng)
    with transaction.atomic():
        kpi_count, values = _kpis(hr_user, today, rng)
    say(
        f"Demo performance data: FY{year} with {goal_count} goals, {kr_count} key results, "
        f"{checkins} check-ins, {plans} plans, {kpi_count} KPIs with {values} values"
    )
    return True


def _periods(hr_user: User, year: int) -> dict[str, PerformancePeriod]:
    d = datetime.date
    previous = planning.period_create(
        actor=hr_user,
        name=f"FY{year - 1}",
        kind="year",
        starts_on=d(year - 1, 1, 1),
        ends_on=d(year - 1, 12, 31),
    )
    planning.period_activate(actor=hr_user, period=previous)
    current = planning.period_create(
        actor=hr_user,
        name=f"FY{year}",
        kind="year",
        starts_on=d(year, 1, 1),
        ends_on=d(year, 12, 31),
    )
    planning.period_activate(actor=hr_user, period=current)
    for q, (start, end) in enumerate(
        [
            (d(year, 1, 1), d(year, 3, 31)),
            (d(year, 4, 1), d(year, 6, 30)),
            (d(year, 7, 1), d(year, 9, 30)),
            (d(year, 10, 1), d(year, 12, 31)),
        ],
        start=1,
    ):
        quarter = planning.period_create(
            actor=hr_user,
            name=f"{year}-Q{q}",
            kind="quarter",
            starts_on=start,
            ends_on=end,
            parent=current,
        )
        if end < timezone.localdate():
            planning.period_activate(actor=hr_user, period=quarter)
            planning.period_close(actor=hr_user, period=quarter)
        elif start <= timezone.localdate():
            planning.period_activate(actor=hr_user, period=quarter)
    planning.period_create(
        actor=hr_user,
        name=f"FY{year + 1}",
        kind="year",
        starts_on=d(year + 1, 1, 1),
        ends_on=d(year + 1, 12, 31),
    )
    return {"previous": previous, "current": current}


def _framework(hr_user: User, period: PerformancePeriod) -> CompetencyFramework:
    framework = planning.framework_create(actor=hr_user, name="Cadence competencies", period=period)
    for group_name, competencies in COMPETENCIES.items():
        group = planning.group_create(actor=hr_user, framework=framework, name=group_name)
        for name, description in competencies:
            competency = planning.competency_create(
                actor=hr_user, group=group, name=name, description=description
            )
            for level, scope in SCOPE.items():
                planning.expectation_set(
                    actor=hr_user,
                    competency=competency,
                    level=level,
                    behaviour=f"{description} Shows it {scope}.",
                )
    return framework


def _add_krs(hr_user: User, goal: Goal, krs: list[KeyResultSpec], rng: random.Random) -> int:
    for title, kind, direction, start, target, unit in krs:
        goals.key_result_create(
            actor=hr_user,
            goal=goal,
            title=title,
            kind=kind,
            direction=direction,
            start_value=start,
            target_value=target,
            unit=unit,
            current_value=start if kind != "milestone" else 0,
        )
    return len(krs)


def _goals(hr_user: User, period: PerformancePeriod, rng: random.Random) -> tuple[int, int]:
    goal_count = kr_count = 0
    company = []
    for title, krs in COMPANY_GOALS:
        goal = goals.goal_create(actor=hr_user, period=period, title=title, owner_type="company")
        kr_count += _add_krs(hr_user, goal, krs, rng)
        company.append(goal)
        goal_count += 1
    team_goal_of: dict[int | None, Goal] = {}
    top_departments = list(Department.objects.filter(parent__isnull=True).order_by("full_name"))
    for i, department in enumerate(top_departments):
        goal = goals.goal_create(
            actor=hr_user,
            period=period,
            title=f"{department.name}: our part of “{company[i % 3].title}”",
            owner_type="team",
            owner_department=department,
            parent=company[i % 3],
        )
        kr_count += _add_krs(hr_user, goal, rng.sample(TEAM_KRS, 2), rng)
        team_goal_of[department.pk] = goal
        goal_count += 1
        for sub in department.children.order_by("name")[:3]:
            sub_goal = goals.goal_create(
                actor=hr_user,
                period=period,
                title=f"{sub.name}: {rng.choice(TEAM_KRS)[0].lower()}",
                owner_type="team",
                owner_department=sub,
                parent=goal,
            )
            kr_count += _add_krs(hr_user, sub_goal, rng.sample(TEAM_KRS, 1), rng)
            team_goal_of[sub.pk] = sub_goal
            goal_count += 1
    people = (
        Person.objects.filter(status=Person.Status.ACTIVE, manager__isnull=False)
        .select_related("department", "manager__user")
        .order_by("id")
    )
    for person in people:
        if rng.random() < 0.35:
            continue
        parent = team_goal_of.get(person.department_id) or (
            team_goal_of.get(person.department.parent_id) if person.department else None
        )
        title, krs = rng.choice(PERSONAL)
        private = rng.random() < 0.1
        manager_user = _account(person.manager)
        goal = goals.goal_create(
            actor=manager_user,
            period=period,
            title=title,
            owner_type="person",
            owner_person=person,
            parent=None if private else parent,
            visibility="private" if private else "public",
        )
        kr_count += _add_krs(manager_user, goal, krs, rng)
        goal_count += 1
        if rng.random() < 0.08:  # a draft awaiting the manager's approval
            own = goals.goal_create(
                actor=_account(person),
                period=period,
                title="Speak at a conference",
                owner_type="person",
                owner_person=person,
                parent=parent,
            )
            goals.key_result_create(
                actor=_account(person),
                goal=own,
                title="Talk accepted",
                kind="milestone",
                start_value=0,
                target_value=1,
            )
            goals.goal_submit(actor=_account(person), goal=own)
            goal_count += 1
            kr_count += 1
    return goal_count, kr_count


# How the demo's active goals fare, like a real company: most on track, some at risk, a
# few off track. Each goal draws one fate; its check-ins then tell the same story in
# numbers (progress around, behind or far behind what is expected by then) and in the
# owner's word, so the health rule (cadence.goals.health) reads it back whatever the date.
FATES = [  # (fate, chance, progress offset from the expectation, latest confidence)
    ("on_track", 0.70, (-0.08, 0.10), "on_track"),
    ("at_risk", 0.19, (-0.28, -0.17), "at_risk"),
    ("off_track", 0.11, (-0.50, -0.35), "off_track"),
]


def _fate(rng: random.Random) -> tuple[tuple[float, float], str]:
    roll = rng.random()
    for _name, chance, offset, confidence in FATES:
        if roll < chance:
            return offset, confidence
        roll -= chance
    return FATES[0][2], FATES[0][3]


def _check_ins(period: PerformancePeriod, today: datetime.date, rng: random.Random) -> int:
    """Months of check-ins, each posted through the service, then dated in the past."""
    count = 0
    start = max(period.starts_on, today - datetime.timedelta(days=150))
    krs = (
        KeyResult.objects.select_related("goal__owner_person__user", "goal__period")
        .filter(goal__period=period, goal__state=Goal.State.ACTIVE)
        .order_by("goal_id", "id")
    )
    fates: dict[int, tuple[tuple[float, float], str]] = {}
    for kr in krs:
        owner = kr.goal.owner_person
        actor = owner.user if owner and owner.user_id else None
        if kr.goal_id not in fates:
            fates[kr.goal_id] = _fate(rng)
        (low, high), last_word = fates[kr.goal_id]
        offset = rng.uniform(low, high)
        checkins = rng.randint(2, 6)
        stale = rng.random() < 0.15
        last_day = today - datetime.timedelta(
            days=rng.randint(25, 60) if stale else rng.randint(0, 10)
        )
        last_day = max(last_day, start)
        span = max((last_day - start).days, 1)
        start_v, target_v = float(kr.start_value), float(kr.target_value)
        for n in range(1, checkins + 1):
            day = start + datetime.timedelta(days=span * n // checkins)
            expected = expected_progress(
                starts_on=period.starts_on, ends_on=period.ends_on, due_on=None, today=day
            )
            share = min(1.0, max(0.0, expected + offset))
            if kr.kind == "milestone":
                value = Decimal(1 if share > 0.6 else 0)
            elif kr.direction in ("stay_above", "stay_below"):
                met = last_word == "on_track" or rng.random() < 0.5
                above = (kr.direction == "stay_above") == met
                value = Decimal(
                    str(round(target_v * rng.uniform(*((1.0, 1.08) if above else (0.9, 0.99))), 1))
                )
            else:
                value = Decimal(str(round(start_v + (target_v - start_v) * share, 1)))
            # The owner's word darkens towards the end for goals in trouble: at risk
            # before off track, on track before either.
            confidence = (
                last_word
                if n == checkins
                else (
                    "on_track"
                    if n < checkins - 1
                    else ("at_risk" if last_word == "off_track" else last_word)
                )
            )
            check_in = goals.check_in_create(
                actor=actor,
                key_result=kr,
                value=value,
                confidence=confidence,
                comment=rng.choice(
                    {
                        "on_track": ["", "Steady week.", "Good progress after the offsite."],
                        "at_risk": ["Blocked on a dependency.", "Slower than planned."],
                        "off_track": ["Lost two people to the migration.", "Needs a new plan."],
                    }[confidence]
                ),
            )
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, n)))
            CheckIn.objects.filter(pk=check_in.pk).update(at=when)
            KeyResult.objects.filter(pk=kr.pk).update(last_check_in_at=when)
            Goal.objects.filter(pk=kr.goal_id).update(last_check_in_at=when)
            count += 1
    return count


def _plans(
    hr_user: User,
    periods: dict[str, PerformancePeriod],
    framework: CompetencyFramework,
    rng: random.Random,
) -> int:
    """Agreed plans last year (then closed), and this year's in every state."""
    people = list(
        Person.objects.filter(status=Person.Status.ACTIVE, manager__isnull=False)
        .select_related("user", "manager__user")
        .order_by("id")
    )
    previous = periods["previous"]
    for person in people[::3]:
        plan = planning.plan_open(actor=_account(person.manager), person=person, period=previous)
        planning.plan_update(
            actor=_account(person.manager),
            plan=plan,
            expectations=f"Own the {person.job_title.lower()} work of the team.",
        )
        planning.development_item_add(
            actor=_account(person.manager),
            plan=plan,
            need="Presenting to senior stakeholders",
            action="Present the team's quarterly review twice.",
            due_on=previous.ends_on,
        )
        planning.plan_sign(actor=_account(person.manager), plan=plan, comment="Agreed in our 1:1.")
        planning.plan_sign(actor=_account(person), plan=plan)
    planning.period_close(actor=hr_user, period=previous)
    current = periods["current"]
    for i, person in enumerate(people):
        roll = rng.random()
        if roll < 0.15:
            continue  # no plan yet: shows on the manager's team plans page
        manager = _account(person.manager)
        plan = planning.plan_open(actor=manager, person=person, period=current, from_previous=True)
        planning.plan_update(
            actor=manager,
            plan=plan,
            expectations=(
                f"As {person.job_title}, deliver your part of the team goals, "
                "keep the quality bar high and help new colleagues settle in."
            ),
        )
        if i % 4 == 0:
            planning.development_item_add(
                actor=manager,
                plan=plan,
                need="Deeper product knowledge",
                action="Shadow two customer calls a month.",
                due_on=current.ends_on - datetime.timedelta(days=60),
            )
        if roll < 0.35:
            continue  # draft
        planning.plan_propose(actor=manager, plan=plan)
        if roll < 0.5:
            continue  # proposed, waiting for signatures
        planning.plan_sign(actor=manager, plan=plan, comment="Looks right to me.")
        if roll < 0.6:
            continue  # the manager signed, the employee has not yet
        planning.plan_sign(actor=_account(person), plan=plan, comment="Thanks, agreed.")
    return PerformancePlan.objects.count()


TEAM_KPIS = [
    ("Deploys per month", "deploys", 20, "increase"),
    ("Customer tickets escalated", "tickets", 15, "decrease"),
    ("Qualified leads", "leads", 120, "increase"),
    ("Time to hire (days)", "days", 35, "decrease"),
]


def _kpis(hr_user: User, today: datetime.date, rng: random.Random) -> tuple[int, int]:
    """Monthly KPIs for each top department, a role KPI and a personal KPI, with a
    year of values wandering around their targets."""
    months = [datetime.date(today.year - (1 if m > today.month else 0), m, 1) for m in range(1, 13)]
    months.sort()
    defined = values = 0

    def record(kpi: Kpi, target: float, lower_is_better: bool, person: Person | None = None) -> int:
        level = target * rng.uniform(0.7, 0.9 if not lower_is_better else 1.3)
        count = 0
        for month in months:
            improving = -1 if lower_is_better else 1
            level = max(0.0, level + improving * target * rng.uniform(-0.05, 0.08))
            kpis.measurement_record(
                actor=hr_user, kpi=kpi, value=round(level, 1), period_start=month, person=person
            )
            count += 1
        return count

    for i, department in enumerate(
        Department.objects.filter(parent__isnull=True).order_by("full_name")
    ):
        name, unit, target, direction = TEAM_KPIS[i % len(TEAM_KPIS)]
        kpi = kpis.kpi_define(
            actor=hr_user,
            name=f"{department.name}: {name.lower()}",
            unit=unit,
            target=target,
            direction=direction,
            frequency="monthly",
            scope="team",
            department=department,
        )
        defined += 1
        values += record(kpi, target, direction == "decrease")
    title = (
        Person.objects.filter(status=Person.Status.ACTIVE)
        .exclude(job_title="")
        .values_list("job_title", flat=True)
        .order_by("job_title")
        .first()
    )
    if title:
        role = kpis.kpi_define(
            actor=hr_user,
            name="Customer satisfaction (CSAT)",
            unit="%",
            target=90,
            frequency="monthly",
            scope="role",
            job_title=title,
        )
        defined += 1
        for holder in Person.objects.filter(job_title=title, status=Person.Status.ACTIVE)[:5]:
            values += record(role, 90, False, person=holder)
    someone = (
        Person.objects.filter(
            status=Person.Status.ACTIVE, manager__isnull=False, direct_reports__isnull=True
        )
        .order_by("id")
        .first()
    )
    if someone is not None:
        own = kpis.kpi_define(
            actor=hr_user,
            name="Code reviews given",
            unit="reviews",
            target=30,
            frequency="monthly",
            scope="person",
            person=someone,
        )
        defined += 1
        values += record(own, 30, False)
    return defined, values
