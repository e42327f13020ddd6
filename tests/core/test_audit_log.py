"""The audit log page: HR admins only; filters by area, words and person."""

import pytest
from django.urls import reverse

from cadence.core.models import AuditEvent
from cadence.core.views import AUDIT_PAGE_SIZE
from cadence.people import services
from tests.conftest import Org
from tests.people.test_access import MEMBERS, ROLES, Cast, build_cast


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def test_only_hr_admins_read_the_audit_log(cast: Cast) -> None:
    url = reverse("audit_log")
    for role in ROLES:
        response = cast.client(role).get(url)
        if role == "hr_admin":
            assert response.status_code == 200
        elif role in MEMBERS:
            assert response.status_code == 403, role
        elif role == "no_person":
            assert response.status_code == 404
        else:
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("account_login")), role


def test_navigation_and_profile_link_to_it_for_hr_only(cast: Cast) -> None:
    history = f"{reverse('audit_log')}?person={cast.target.pk}"
    for role in MEMBERS:
        html = cast.client(role).get(reverse("people:person", args=[cast.target.pk])).text
        assert (f'href="{reverse("audit_log")}"' in html) is (role == "hr_admin"), role
        assert (f'href="{history}"' in html) is (role == "hr_admin"), role


def test_a_persons_history_holds_their_record_and_their_roles(cast: Cast) -> None:
    hr = cast.persons["hr_admin"].user
    services.person_update(actor=hr, person=cast.target, job_title="Staff Engineer")
    services.user_set_roles(actor=hr, user=cast.target.user, hr_admin=False, executive=True)
    services.person_update(actor=hr, person=cast.org.engineer2, job_title="Other change")
    page = cast.client("hr_admin").get(reverse("audit_log"), {"person": cast.target.pk})
    events = list(page.context["page"].object_list)
    assert [e.action for e in events] == ["user.roles", "person.update", "person.create"]
    assert "Changes to the record of Ann Engineer." in page.text
    assert hr.person.full_name in page.text  # who made the change, by name
    assert "Other change" not in page.text
    assert cast.client("hr_admin").get(reverse("audit_log"), {"person": 999_999}).status_code == 404


def test_a_persons_history_is_refused_like_the_log(cast: Cast) -> None:
    # The person filter is read only after the reader rule: a member who may not read
    # the log learns nothing about the id, known or unknown, their own included.
    url = reverse("audit_log")
    for person_id in (cast.target.pk, cast.leaver.pk, 999_999):
        for role in ROLES:
            response = cast.client(role).get(url, {"person": person_id})
            if role == "hr_admin":
                assert response.status_code == (404 if person_id == 999_999 else 200)
            elif role in MEMBERS:
                assert response.status_code == 403, role
                assert "Changes to the record of" not in response.text
            elif role == "no_person":
                assert response.status_code == 404
            else:
                assert response.status_code == 302, role


def test_filter_by_area_and_words(cast: Cast) -> None:
    hr = cast.persons["hr_admin"].user
    services.person_update(actor=hr, person=cast.target, job_title="Staff Engineer")
    client = cast.client("hr_admin")
    people = client.get(reverse("audit_log"), {"area": "people"}).context["page"].object_list
    assert people and all(
        e.action.split(".")[0] in {"person", "people", "user", "attribute"} for e in people
    )
    assert not client.get(reverse("audit_log"), {"area": "kpis"}).context["page"].object_list
    found = client.get(reverse("audit_log"), {"q": "ann job_title"}).context["page"].object_list
    assert [e.action for e in found] == ["person.update"]
    by_actor = client.get(reverse("audit_log"), {"q": "hr.admin@"}).context["page"].object_list
    assert [e.action for e in by_actor] == ["person.update"]


def test_pages_newest_first(cast: Cast) -> None:
    hr = cast.persons["hr_admin"].user
    for n in range(AUDIT_PAGE_SIZE + 5):
        services.person_update(actor=hr, person=cast.target, job_title=f"Title {n}")
    client = cast.client("hr_admin")
    first = client.get(reverse("audit_log"), {"q": "job_title"})
    assert first.context["page"].object_list[0].data["before"]["job_title"] == (
        f"Title {AUDIT_PAGE_SIZE + 3}"
    )
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("audit_log"), {"q": "job_title", "page": 2}).context["page"]
    assert len(second.object_list) == 5
    assert AuditEvent.objects.filter(action="person.update").count() == AUDIT_PAGE_SIZE + 5


def test_query_count_does_not_grow_with_the_page(cast: Cast, django_assert_max_num_queries) -> None:
    hr = cast.persons["hr_admin"].user
    for n in range(30):
        services.person_update(actor=hr, person=cast.target, job_title=f"Title {n}")
    client = cast.client("hr_admin")
    client.get(reverse("audit_log"))  # warm the session
    with django_assert_max_num_queries(8):
        client.get(reverse("audit_log"))
