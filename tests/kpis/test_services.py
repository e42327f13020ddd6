import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cadence.core.models import AuditEvent
from cadence.kpis import services
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.kpis.queries import kpi_groups, on_target, role_holders, series_for

D = datetime.date


@pytest.mark.parametrize(
    ("frequency", "day", "start"),
    [
        ("weekly", D(2026, 3, 5), D(2026, 3, 2)),  # Thursday → Monday
        ("weekly", D(2026, 3, 2), D(2026, 3, 2)),
        ("monthly", D(2026, 3, 31), D(2026, 3, 1)),
        ("quarterly", D(2026, 6, 30), D(2026, 4, 1)),
        ("quarterly", D(2026, 1, 1), D(2026, 1, 1)),
        ("quarterly", D(2026, 12, 31), D(2026, 10, 1)),
    ],
)
def test_period_start(frequency, day, start):
    assert services.period_start_of(frequency, day) == start


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03", D(2026, 3, 1)),
        ("2026-Q2", D(2026, 4, 1)),
        ("Q3 2026", D(2026, 7, 1)),
        ("2026-W02", D(2026, 1, 5)),
        ("2026-03-17", D(2026, 3, 17)),
        ("17.03.2026", D(2026, 3, 17)),
        ("2026-13", None),
        ("soon", None),
    ],
)
def test_parse_period(text, day):
    assert services.parse_period(text) == day


def test_define_writes_audit_and_generates_code(org, platform):
    kpi = services.kpi_define(
        actor=org.hr.user,
        name="Uptime %",
        unit="%",
        target=99.9,
        direction="increase",
        frequency="monthly",
        scope="team",
        department=platform,
    )
    assert kpi.code == "uptime"
    assert kpi.target == Decimal("99.9")
    assert AuditEvent.objects.filter(action="kpi.define", target_id=str(kpi.pk)).exists()
    second = services.kpi_define(
        actor=org.hr.user, name="Uptime", target=1, scope="team", department=platform
    )
    assert second.code == "uptime-2"


def test_define_names_the_field_in_errors(org):
    with pytest.raises(ValidationError) as error:
        services.kpi_define(actor=org.hr.user, name="", target="lots", scope="role")
    fields = error.value.message_dict
    assert fields["name"] == ["Name: enter a name."]
    assert fields["target"][0].startswith("Target:")
    assert fields["job_title"][0].startswith("Job title:")


def test_define_refuses_a_taken_code(org, team_kpi, platform):
    with pytest.raises(ValidationError) as error:
        services.kpi_define(
            actor=org.hr.user, name="x", code="deploys", target=1, scope="team", department=platform
        )
    assert "code" in error.value.message_dict


def test_define_keeps_only_the_scope_field(org, platform):
    kpi = services.kpi_define(
        actor=org.hr.user,
        name="x",
        target=1,
        scope="team",
        department=platform,
        person=org.engineer,
        job_title="Dev",
    )
    assert kpi.person is None and kpi.job_title == "" and kpi.department == platform


def test_update_and_deactivate(org, team_kpi):
    services.kpi_update(actor=org.hr.user, kpi=team_kpi, target=12, name="Deploys to prod")
    team_kpi.refresh_from_db()
    assert team_kpi.target == 12 and team_kpi.name == "Deploys to prod"
    assert AuditEvent.objects.filter(action="kpi.update").exists()
    services.kpi_deactivate(actor=org.hr.user, kpi=team_kpi)
    team_kpi.refresh_from_db()
    assert not team_kpi.is_active
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            actor=org.hr.user, kpi=team_kpi, value=1, period_start=D(2026, 1, 1)
        )
    assert "kpi" in error.value.message_dict


def test_scope_cannot_change_once_there_are_values(org, team_kpi):
    services.measurement_record(
        actor=org.hr.user, kpi=team_kpi, value=3, period_start=D(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.kpi_update(actor=org.hr.user, kpi=team_kpi, scope="person", person=org.engineer)
    assert "scope" in error.value.message_dict


def test_record_normalises_the_period_and_replaces(org, team_kpi):
    m, outcome = services.measurement_record(
        actor=org.eng_manager.user, kpi=team_kpi, value="7", period_start=D(2026, 2, 17)
    )
    assert outcome == "created" and m.period_start == D(2026, 2, 1) and m.person is None
    m2, outcome = services.measurement_record(
        actor=org.eng_manager.user,
        kpi=team_kpi,
        value=9,
        period_start=D(2026, 2, 3),
        note="recount",
    )
    assert outcome == "replaced" and m2.pk == m.pk
    _m3, outcome = services.measurement_record(
        actor=org.eng_manager.user,
        kpi=team_kpi,
        value=9,
        period_start=D(2026, 2, 28),
        note="recount",
    )
    assert outcome == "unchanged"
    assert KpiMeasurement.objects.filter(kpi=team_kpi).count() == 1
    assert KpiMeasurement.objects.get(kpi=team_kpi).value == 9
    assert AuditEvent.objects.filter(action__startswith="kpi.measurement.").count() == 2


def test_record_validation_names_fields(org, team_kpi, person_kpi, role_kpi):
    future = datetime.date.today() + datetime.timedelta(days=120)
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            actor=org.hr.user, kpi=team_kpi, value="abc", period_start=future, person=org.engineer
        )
    fields = error.value.message_dict
    assert set(fields) == {"value", "period", "person"}
    assert fields["value"][0].startswith("Value:")
    # Role KPIs need a holder of the title.
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            actor=org.hr.user, kpi=role_kpi, value=1, period_start=D(2026, 1, 1)
        )
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            actor=org.hr.user,
            kpi=role_kpi,
            value=1,
            period_start=D(2026, 1, 1),
            person=org.engineer,
        )
    assert "does not hold the job title" in error.value.message_dict["person"][0]
    # A person KPI takes its own person, stored as the single series.
    m, _ = services.measurement_record(
        actor=org.engineer.user,
        kpi=person_kpi,
        value=4,
        period_start=D(2026, 1, 7),
        person=org.engineer,
    )
    assert m.person is None and m.period_start == D(2026, 1, 5)
    with pytest.raises(ValidationError):
        services.measurement_record(
            actor=org.hr.user,
            kpi=person_kpi,
            value=1,
            period_start=D(2026, 1, 1),
            person=org.engineer2,
        )
    with pytest.raises(ValidationError):
        services.measurement_record(
            actor=org.hr.user, kpi=team_kpi, value=Decimal("1e15"), period_start=D(2026, 1, 1)
        )


def test_role_kpi_has_a_series_per_holder(org, role_kpi):
    services.measurement_record(
        actor=org.hr.user, kpi=role_kpi, value=30, period_start=D(2026, 1, 1), person=org.seller
    )
    services.measurement_record(
        actor=org.hr.user, kpi=role_kpi, value=45, period_start=D(2026, 2, 1), person=org.seller
    )
    (series,) = series_for(org.hr.user, role_kpi)
    assert series.person == org.seller
    assert [v for _d, v in series.points] == [30.0, 45.0]
    assert series.on_target is True
    # The seller's peer from another branch sees no series.
    assert series_for(org.engineer.user, role_kpi) == []


def test_on_target_follows_direction(org, team_kpi):
    assert on_target(team_kpi, Decimal(10)) is True
    assert on_target(team_kpi, Decimal(9)) is False
    team_kpi.direction = Kpi.Direction.LOWER_IS_BETTER
    assert on_target(team_kpi, Decimal(9)) is True
    assert on_target(team_kpi, None) is None


def test_groups(org, team_kpi, person_kpi, role_kpi, sales_kpi):
    mine = kpi_groups(org.engineer.user)
    assert {r.kpi.code for r in mine.mine} == {"deploys", "tickets"}
    assert not mine.team and not mine.organisation
    manager = kpi_groups(org.eng_manager.user)
    assert {r.kpi.code for r in manager.mine} == {"deploys"}
    assert {r.kpi.code for r in manager.team} == {"tickets"}
    hr = kpi_groups(org.hr.user)
    assert {r.kpi.code for r in hr.organisation} == {"deploys", "tickets", "calls", "pipeline"}
    sales = kpi_groups(org.sales_manager.user)
    assert {r.kpi.code for r in sales.mine} == {"pipeline"}
    assert {r.kpi.code for r in sales.team} == {"calls"}


def test_list_rows_carry_the_latest_value_and_leave_the_kpis_alone(org, team_kpi, role_kpi):
    for day, value in ((D(2026, 1, 1), 12), (D(2026, 2, 1), 8)):
        services.measurement_record(actor=org.hr.user, kpi=team_kpi, value=value, period_start=day)
    services.measurement_record(
        actor=org.hr.user, kpi=role_kpi, value=50, period_start=D(2026, 1, 1), person=org.seller
    )
    rows = {r.kpi.code: r for r in kpi_groups(org.hr.user).organisation}
    deploys = rows["deploys"]
    assert (deploys.latest_value, deploys.latest_label, deploys.on_target) == (
        Decimal(8),
        "Feb 2026",
        False,
    )
    # A role KPI has a series per holder, none of its own.
    calls = rows["calls"]
    assert (calls.latest_value, calls.latest_label, calls.on_target) == (None, "", None)
    # The values are the row's, not attributes stuck onto the KPI.
    assert not hasattr(deploys.kpi, "on_target") and not hasattr(deploys.kpi, "latest_label")
    holders, count = role_holders(org.hr.user, role_kpi)
    assert count == 1
    (seller,) = holders
    assert seller.person == org.seller and not hasattr(seller.person, "on_target")
    assert (seller.latest_value, seller.latest_label, seller.on_target) == (
        Decimal(50),
        "Jan 2026",
        True,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_values_for_one_period_leave_one_row_on_postgresql(org, team_kpi):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def record(value):
        try:
            barrier.wait()
            _m, outcome = services.measurement_record(
                actor=org.hr.user,
                kpi=Kpi.objects.get(pk=team_kpi.pk),
                value=value,
                period_start=D(2026, 1, 15),
            )
            outcomes.append(outcome)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(v,)) for v in (3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["created", "replaced"]
    assert KpiMeasurement.objects.filter(kpi=team_kpi).count() == 1
