"""Shared fixtures. Test data is built through the real services."""

import copy
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from cadence.accounts.models import User
from cadence.people import services
from cadence.people.models import Person

PASSWORD = "correct-horse-battery-staple"


def make_person(
    email: str,
    *,
    manager: Person | None = None,
    department: str = "",
    password: str = PASSWORD,
    **fields,
) -> Person:
    first, _, last = email.split("@")[0].partition(".")
    person = services.person_create(
        actor=None,
        work_email=email,
        first_name=fields.pop("first_name", first.title()),
        last_name=fields.pop("last_name", last.title()),
        manager=manager,
        department=services.department_ensure(full_name=department) if department else None,
        **fields,
    )
    person.user.set_password(password)
    person.user.save(update_fields=["password"])
    return person


def make_active_period(org: "Org", name: str, *, days_before: int = 30, days_after: int = 300):
    """A year period holding today, created and activated by HR through the services."""
    import datetime

    from cadence.planning import services as planning

    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name=name,
        kind="year",
        starts_on=today - datetime.timedelta(days=days_before),
        ends_on=today + datetime.timedelta(days=days_after),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


@dataclass
class Org:
    """A small organisation with two branches, enough for every access rule:

    ceo
    ├── eng_head (Engineering)
    │   └── eng_manager (Engineering/Platform)
    │       ├── engineer
    │       └── engineer2
    └── sales_head (Sales)
        └── sales_manager (Sales/Enterprise)
            └── seller
    hr (People, HR admin, reports to ceo) · exec_viewer (executive, reports to ceo)
    """

    ceo: Person
    eng_head: Person
    eng_manager: Person
    engineer: Person
    engineer2: Person
    sales_head: Person
    sales_manager: Person
    seller: Person
    hr: Person
    exec_viewer: Person

    def client_for(self, person: Person) -> Client:
        client = Client()
        client.force_login(person.user)
        return client


def build_org() -> Org:
    ceo = make_person("ceo.boss@example.com", department="Leadership", job_title="CEO")
    eng_head = make_person("eng.head@example.com", manager=ceo, department="Engineering")
    eng_manager = make_person(
        "eng.manager@example.com", manager=eng_head, department="Engineering/Platform"
    )
    engineer = make_person(
        "ann.engineer@example.com",
        manager=eng_manager,
        department="Engineering/Platform",
        employee_id="E100",
        level="L3",
        custom_attributes={"gender": "Female", "cost_center": "CC-1"},
    )
    engineer2 = make_person(
        "bob.engineer@example.com", manager=eng_manager, department="Engineering/Platform"
    )
    sales_head = make_person("sales.head@example.com", manager=ceo, department="Sales")
    sales_manager = make_person(
        "sales.manager@example.com", manager=sales_head, department="Sales/Enterprise"
    )
    seller = make_person(
        "sam.seller@example.com", manager=sales_manager, department="Sales/Enterprise"
    )
    hr = make_person("hr.admin@example.com", manager=ceo, department="People")
    exec_viewer = make_person("exec.viewer@example.com", manager=ceo, department="Leadership")
    User.objects.filter(pk=hr.user_id).update(is_hr_admin=True)
    User.objects.filter(pk=exec_viewer.user_id).update(is_executive=True)
    services.attributes_ensure(labels=["gender", "cost_center"])
    for p in (hr, exec_viewer):
        p.user.refresh_from_db()
    return Org(
        ceo,
        eng_head,
        eng_manager,
        engineer,
        engineer2,
        sales_head,
        sales_manager,
        seller,
        hr,
        exec_viewer,
    )


# The organisation is built once per test module and each test gets a fresh copy of its
# Python objects; every test still runs in its own savepoint, rolled back after it, so
# nothing a test writes reaches the next one (Django's setUpTestData, for pytest).
# Modules with a transactional test (threads, a live server) need real commits, which an
# open module transaction would swallow, and a test without the organisation must not
# find it: in those modules every test builds its own.
SHARED_DATA = "_cadence_shares_test_data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    modules: dict[object, bool] = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = (
            "transactional_db" in getattr(item, "fixturenames", ())
            or "live_server" in getattr(item, "fixturenames", ())
            or bool(marker and marker.kwargs.get("transaction"))
        )
        if any(m.args and m.args[0] is True for m in item.iter_markers("skipif")):
            continue  # skipped here (a PostgreSQL-only test on SQLite): it writes nothing
        names = getattr(item, "fixturenames", ())
        uses_db = marker is not None or "db" in names
        # A test that reads the database without the organisation must not find it there,
        # unless it says it does not mind (``@pytest.mark.any_data``).
        indifferent = item.get_closest_marker("any_data") is not None
        shares = not transactional and ("org" in names or indifferent or not uses_db)
        modules[module] = modules.get(module, True) and shares
    for module, shares in modules.items():
        setattr(module, SHARED_DATA, shares)


@pytest.fixture(scope="module")
def _module_org(
    request: pytest.FixtureRequest, django_db_setup, django_db_blocker
) -> Iterator[Org | None]:
    if not getattr(request.module, SHARED_DATA, False):
        yield None
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_org()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def org(_module_org: Org | None, db) -> Org:
    if _module_org is None:
        return build_org()
    return copy.deepcopy(_module_org)
