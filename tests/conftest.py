"""Shared fixtures. Test data is built through the real services."""

from dataclasses import dataclass

import pytest
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


@pytest.fixture
def org(db) -> Org:
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
