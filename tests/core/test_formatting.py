"""One way to write a date, a person, a measure and an audit action, on every page."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cadence.accounts.models import User
from cadence.core.audit import ACTION_LABELS, action_label
from cadence.core.models import AuditEvent
from cadence.core.templatetags.cadence_format import (
    audit_action,
    format_quantity,
    kr_target,
    kr_value,
    person_name,
)
from cadence.goals import services as goals
from cadence.goals.models import CheckIn
from cadence.people import services as people
from cadence.planning import services as planning
from tests.conftest import Org, make_person

# --- the one date format ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "en-us", "en-gb"])
def test_one_date_and_one_date_time_format_whatever_english(language: str) -> None:
    day = datetime.date(2026, 12, 1)
    moment = datetime.datetime(2026, 12, 1, 14, 5, tzinfo=datetime.UTC)
    with translation.override(language):
        assert date_format(day) == "1 Dec 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "1 Dec 2026"
        assert date_format(moment, "DATETIME_FORMAT") == "1 Dec 2026, 14:05"
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "1 Dec 2026, 14:05"


def written(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y, %H:%M}"


def test_no_template_spells_out_its_own_date_format() -> None:
    # Every date goes through |date (DATE_FORMAT) or |date:"DATETIME_FORMAT"; only
    # machine formats (ISO for <time datetime> and <input type="date">) are spelled out.
    allowed = {"'c'", '"c"', "'Y-m-d'", '"Y-m-d"', '"DATETIME_FORMAT"', "'DATETIME_FORMAT'"}
    # A chart's or table's column of days within one year: the named short form.
    allowed |= {'"MONTH_DAY_FORMAT"', "'MONTH_DAY_FORMAT'"}
    offenders = [
        f"{template}: {fmt}"
        for template in Path("cadence").rglob("*.html")
        for fmt in re.findall(r"\|date:(\"[^\"]*\"|'[^']*')", template.read_text())
        if fmt not in allowed
    ]
    assert offenders == []


# --- people by name ----------------------------------------------------------------------


def test_person_name_prefers_the_persons_name(org: Org) -> None:
    assert person_name(org.engineer) == "Ann Engineer"
    assert person_name(org.engineer.user) == "Ann Engineer"
    no_person = User.objects.create_user("robot@example.com")
    assert person_name(no_person) == "robot@example.com"
    assert person_name(None) == ""


# --- numbers by kind ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "unit", "expected"),
    [
        (Decimal("12.0000"), "number", "", "12"),
        (Decimal("12500.0000"), "number", "tickets", "12,500 tickets"),
        (Decimal("3.5000"), "number", "", "3.5"),
        (Decimal("3.1415"), "number", "", "3.14"),
        (Decimal("45.0000"), "percentage", "", "45%"),
        (Decimal("12.5000"), "percentage", "%", "12.5%"),
        (Decimal("250000.0000"), "currency", "EUR", "250,000 EUR"),
        (Decimal("1250.5000"), "currency", "EUR", "1,250.50 EUR"),
        (Decimal("1250.0000"), "currency", "€", "€1,250"),
        (Decimal("1.0000"), "milestone", "", "Done"),
        (Decimal("0.0000"), "milestone", "", "Not done"),
        (None, "number", "", "—"),
    ],
)
def test_a_value_is_written_by_its_kind(value, kind, unit, expected) -> None:
    assert format_quantity(value, kind, unit) == expected


def kr(**fields):
    defaults = {
        "kind": "number",
        "unit": "",
        "direction": "increase",
        "target_value": Decimal("10.0000"),
        "current_value": Decimal("4.0000"),
    }
    return SimpleNamespace(**{**defaults, **fields})


def test_targets_read_the_way_they_are_meant() -> None:
    assert kr_target(kr()) == "increase to 10"
    churn = kr(kind="percentage", direction="decrease", target_value=Decimal("3"))
    assert kr_target(churn) == "decrease to 3%"
    assert kr_target(kr(kind="currency", unit="EUR", direction="stay_above")) == (
        "stay above 10 EUR"
    )
    assert kr_target(kr(kind="milestone")) == "Done"
    assert kr_value(churn) == "4%"
    assert kr_value(churn, Decimal("5.25")) == "5.25%"
    assert kr_value(churn, None) == "—"


# --- audit actions as words -----------------------------------------------------------


def test_every_recorded_action_has_words() -> None:
    source = "\n".join(p.read_text() for p in Path("cadence").rglob("*.py"))
    literal = set(re.findall(r"\baction=\"([a-z_]+\.[a-z_.]+)\"", source))
    assert literal, "the scan found no audit actions"
    for prefix in ("goal.", "plan.", "kpi.measurement."):
        literal |= {code for code in ACTION_LABELS if code.startswith(prefix)}
    assert sorted(code for code in literal if code not in ACTION_LABELS) == []
    assert audit_action("plan.agree") == "Plan agreed"
    # A code someone forgot to add still reads as words, not as a code.
    assert action_label("review.self_assess") == "Review self assess"


# --- pages -------------------------------------------------------------------------------


def test_audit_log_names_people_and_actions_in_words(org: Org) -> None:
    people.person_update(actor=org.hr.user, person=org.engineer, job_title="Staff Engineer")
    event = AuditEvent.objects.get(action="person.update")
    html = org.client_for(org.hr).get(reverse("audit_log")).text
    row = re.search(r"<tr>\s*<td class=\"audit-when\">.*?</tr>", html, re.S).group(0)
    assert written(event.at) in row
    assert "Hr Admin" in row
    assert "hr.admin@example.com" not in row
    assert "Person changed" in row
    assert "person.update" not in row


@pytest.fixture
def fy(org: Org):
    today = timezone.localdate()
    period = planning.period_create(
        actor=org.hr.user,
        name="FY",
        kind="year",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=200),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


def test_plan_history_uses_the_date_time_format_and_names(org: Org, fy) -> None:
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=fy)
    event = plan.events.get()
    html = org.client_for(org.eng_manager).get(reverse("planning:plan", args=[plan.pk])).text
    history = html[html.index(f'datetime="{event.at.isoformat()}'[:30]) :]
    history = history[: history.index("</li>")]
    assert written(event.at) in history
    assert "Eng Manager" in history
    assert "@example.com" not in history
    assert f"{fy.starts_on.day} {fy.starts_on:%b %Y}" in html


def test_goal_page_dates_values_and_authors(org: Org, fy) -> None:
    due = fy.ends_on
    goal = goals.goal_create(
        actor=org.eng_manager.user,
        period=fy,
        title="Keep customers",
        owner_type="person",
        owner_person=org.engineer,
        due_on=due,
        state="active",
    )
    churn = goals.key_result_create(
        actor=org.eng_manager.user,
        goal=goal,
        title="Monthly churn",
        kind="percentage",
        direction="decrease",
        start_value=8,
        target_value=3,
    )
    goals.check_in_create(
        actor=org.engineer.user, key_result=churn, value="6.5", confidence="on_track"
    )
    check_in = CheckIn.objects.get()
    html = org.client_for(org.engineer).get(reverse("goals:goal", args=[goal.pk])).text
    assert f"due {due.day} {due:%b %Y}" in html
    assert written(check_in.at) in html
    assert "8% → 6.5%" in html
    assert "decrease to 3%" in html
    row = html[html.index(written(check_in.at)) :]
    assert "Ann Engineer" in row[: row.index("</tr>")]


def test_audit_log_finds_changes_by_the_name_it_shows(org: Org) -> None:
    zelda = make_person("z.q@example.com", first_name="Zelda", last_name="Quinn")
    people.person_update(actor=zelda.user, person=org.engineer, job_title="Staff Engineer")
    found = org.client_for(org.hr).get(reverse("audit_log"), {"q": "zelda"})
    # Her own record's creation names her in its summary; her change to Ann's does not.
    assert "person.update" in [e.action for e in found.context["page"].object_list]
