"""The evidence panel asks the goals and KPI areas for one person's goals and KPIs
(``person_goals_visible_to``, ``person_kpis_visible_to``): the same answer as the
general rules narrowed to that person, for every reader of the organisation — what the
review form shows is exactly what its writer may read elsewhere."""

from decimal import Decimal

from cadence.goals import access as goals_access
from cadence.goals import services as goals_services
from cadence.goals.models import Goal
from cadence.kpis import access as kpis_access
from cadence.kpis.models import Kpi
from tests.conftest import Org


def test_one_persons_goals_and_kpis_read_as_the_general_rules(org: Org, period) -> None:
    people = [getattr(org, name) for name in org.__dataclass_fields__]
    # Two engineers share a title: a role KPI each may see, whose series are their own.
    for engineer in (org.engineer, org.engineer2):
        engineer.job_title = "Software Engineer"
        engineer.save(update_fields=["job_title"])
    for person in (org.engineer, org.eng_manager, org.seller):
        for visibility in Goal.Visibility.values:
            goals_services.goal_create(
                actor=None,
                period=period,
                title=f"{person.full_name} {visibility}",
                owner_type=Goal.Owner.PERSON,
                owner_person=person,
                visibility=visibility,
            )
        Kpi.objects.create(
            name=f"{person.full_name} tickets",
            code=f"tickets-{person.pk}",
            target=Decimal(10),
            scope=Kpi.Scope.PERSON,
            person=person,
        )
    Kpi.objects.create(
        name="Engineer velocity",
        code="velocity",
        target=Decimal(5),
        scope=Kpi.Scope.ROLE,
        job_title="software engineer",
    )
    checked_goals = checked_kpis = 0
    for reader in people:
        user = reader.user
        for person in people:
            expected_goals = set(
                goals_access.goals_visible_to(user)
                .filter(owner_type=Goal.Owner.PERSON, owner_person=person)
                .values_list("pk", flat=True)
            )
            assert (
                set(goals_access.person_goals_visible_to(user, person).values_list("pk", flat=True))
                == expected_goals
            ), (reader, person)
            checked_goals += len(expected_goals)
            title = person.job_title.strip()
            expected_kpis = {
                kpi.pk
                for kpi in kpis_access.kpis_visible_to(user)
                if (
                    (kpi.scope == Kpi.Scope.PERSON and kpi.person_id == person.pk)
                    or (
                        kpi.scope == Kpi.Scope.ROLE
                        and title
                        and kpi.job_title.lower() == title.lower()
                    )
                )
                and kpis_access.can_read_series(user, kpi, person)
            }
            assert (
                set(kpis_access.person_kpis_visible_to(user, person).values_list("pk", flat=True))
                == expected_kpis
            ), (reader, person)
            checked_kpis += len(expected_kpis)
    # Not vacuous: readers saw goals and KPIs, some of them private or role series.
    assert checked_goals > 9
    assert checked_kpis > 3
    ann_kpis = kpis_access.person_kpis_visible_to(org.engineer2.user, org.engineer)
    assert not ann_kpis.exists()  # same title, but Ann's series is not Bob's to read
    assert kpis_access.person_kpis_visible_to(org.eng_manager.user, org.engineer).count() == 2
