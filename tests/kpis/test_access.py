"""The KPI access rules (cadence/kpis/access.py), person by person."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cadence.kpis import access
from cadence.kpis.models import Kpi
from cadence.people.access import Refused
from cadence.people.models import Department
from tests.conftest import make_person


def dept(name: str) -> Department:
    return Department.objects.get(full_name=name)


# --- defining ---------------------------------------------------------------------------------


def test_team_kpis_are_defined_by_managers_of_the_whole_department(org):
    platform = dept("Engineering/Platform")
    for name in ("eng_manager", "eng_head", "ceo", "hr"):
        assert access.can_define(getattr(org, name).user, scope="team", department=platform), name
    for name in ("engineer", "sales_manager", "exec_viewer"):
        assert not access.can_define(getattr(org, name).user, scope="team", department=platform), (
            name
        )
    # Engineering holds its head: the Platform manager does not manage all of it.
    engineering = dept("Engineering")
    assert access.can_define(org.eng_head.user, scope="team", department=engineering)
    assert not access.can_define(org.eng_manager.user, scope="team", department=engineering)


def test_a_department_with_someone_outside_the_line_is_not_managed(org):
    make_person(
        "outsider.dev@example.com", manager=org.sales_manager, department="Engineering/Platform"
    )
    assert not access.can_define(
        org.eng_manager.user, scope="team", department=dept("Engineering/Platform")
    )
    assert access.can_define(org.ceo.user, scope="team", department=dept("Engineering/Platform"))


def test_person_kpis_are_defined_by_the_manager_chain(org):
    for name in ("eng_manager", "eng_head", "ceo", "hr"):
        assert access.can_define(getattr(org, name).user, scope="person", person=org.engineer)
    for name in ("engineer", "engineer2", "sales_manager", "exec_viewer"):
        assert not access.can_define(
            getattr(org, name).user, scope="person", person=org.engineer
        ), name
    # Not for oneself, even as a manager.
    assert not access.can_define(org.eng_manager.user, scope="person", person=org.eng_manager)


def test_role_kpis_are_for_hr_admins_only(org):
    assert access.can_define(org.hr.user, scope="role")
    for name in ("ceo", "eng_manager", "exec_viewer", "engineer"):
        assert not access.can_define(getattr(org, name).user, scope="role"), name
    assert not access.can_define(AnonymousUser(), scope="role")


def test_kpi_for_edit_refuses_readers_with_403_and_outsiders_with_404(org, team_kpi):
    with pytest.raises(Refused):
        access.kpi_for_edit(org.engineer.user, team_kpi.pk)
    with pytest.raises(Http404):
        access.kpi_for_edit(org.sales_manager.user, team_kpi.pk)
    assert access.kpi_for_edit(org.eng_head.user, team_kpi.pk) == team_kpi


# --- reading -----------------------------------------------------------------------------------


def readers(org, kpi) -> set[str]:
    names = (
        "ceo",
        "eng_head",
        "eng_manager",
        "engineer",
        "engineer2",
        "sales_head",
        "sales_manager",
        "seller",
        "hr",
        "exec_viewer",
    )
    return {n for n in names if access.can_read_kpi(getattr(org, n).user, kpi)}


def visible(org, kpi) -> set[str]:
    names = (
        "ceo",
        "eng_head",
        "eng_manager",
        "engineer",
        "engineer2",
        "sales_head",
        "sales_manager",
        "seller",
        "hr",
        "exec_viewer",
    )
    return {
        n for n in names if access.kpis_visible_to(getattr(org, n).user).filter(pk=kpi.pk).exists()
    }


def test_person_kpi_readers(org, person_kpi):
    expected = {"engineer", "eng_manager", "eng_head", "ceo", "hr", "exec_viewer"}
    assert readers(org, person_kpi) == expected == visible(org, person_kpi)


def test_team_kpi_readers(org, team_kpi):
    expected = {"engineer", "engineer2", "eng_manager", "eng_head", "ceo", "hr", "exec_viewer"}
    assert readers(org, team_kpi) == expected == visible(org, team_kpi)


def test_team_kpi_of_a_parent_department_is_read_by_sub_department_members(org):
    kpi = Kpi.objects.create(
        name="Eng NPS", code="eng-nps", target=50, scope="team", department=dept("Engineering")
    )
    assert {"engineer", "eng_manager", "eng_head"} <= readers(org, kpi)
    assert "seller" not in readers(org, kpi)
    assert readers(org, kpi) == visible(org, kpi)


def test_role_kpi_readers_and_series(org, role_kpi):
    expected = {"seller", "sales_manager", "sales_head", "ceo", "hr", "exec_viewer"}
    assert readers(org, role_kpi) == expected == visible(org, role_kpi)
    assert access.can_read_series(org.seller.user, role_kpi, org.seller)
    assert access.can_read_series(org.sales_manager.user, role_kpi, org.seller)
    other = make_person("other.ae@example.com", manager=org.ceo, job_title="Account executive")
    # A holder sees their own series only; a manager those in their line.
    assert not access.can_read_series(org.seller.user, role_kpi, other)
    assert not access.can_read_series(org.sales_manager.user, role_kpi, other)
    assert access.can_read_series(org.exec_viewer.user, role_kpi, other)


def test_anonymous_and_inactive_users_see_nothing(org, team_kpi):
    assert not access.kpis_visible_to(AnonymousUser()).exists()
    assert not access.can_read_kpi(AnonymousUser(), team_kpi)
    org.engineer.user.is_active = False
    assert not access.can_read_kpi(org.engineer.user, team_kpi)


# --- recording ---------------------------------------------------------------------------------


def test_recording(org, team_kpi, person_kpi, role_kpi):
    assert access.can_record(org.eng_manager.user, team_kpi)
    assert not access.can_record(org.engineer.user, team_kpi)
    # The person records their own person KPI; a colleague does not.
    assert access.can_record(org.engineer.user, person_kpi)
    assert not access.can_record(org.engineer2.user, person_kpi)
    # Role KPIs: HR, and the holder's manager chain, not the holder.
    assert access.can_record(org.hr.user, role_kpi, org.seller)
    assert access.can_record(org.sales_manager.user, role_kpi, org.seller)
    assert not access.can_record(org.seller.user, role_kpi, org.seller)
    assert not access.can_record(org.eng_manager.user, role_kpi, org.seller)
    assert not access.can_record(org.exec_viewer.user, team_kpi)
    team_kpi.is_active = False
    assert not access.can_record(org.hr.user, team_kpi)
    with pytest.raises(Refused):
        team_kpi.save()
        access.kpi_for_record(org.hr.user, team_kpi.pk)


# --- the people a KPI, a value or an import row names ------------------------------------------


def test_definition_finds_only_people_the_user_may_define_kpis_for(org, out_of_reach):
    manager = org.eng_manager.user
    assert access.person_for_definition(manager, key="E100") == org.engineer
    assert access.person_for_definition(manager, key="ANN.engineer@example.com") == org.engineer
    assert access.person_for_definition(manager, person_id=org.engineer.pk) == org.engineer
    # Unknown, another branch, left (from either branch) and oneself: all nobody.
    for key in (
        "E999",
        "E200",
        "sam.seller@example.com",
        "E300",
        "E400",
        "eng.manager@example.com",
    ):
        assert access.person_for_definition(manager, key=key) is None, key
    for person in (*out_of_reach.values(), org.eng_manager):
        assert access.person_for_definition(manager, person_id=person.pk) is None, person
    assert access.person_for_definition(manager, person_id=10**9) is None
    # HR admins define for any active person, never for someone who left.
    assert access.person_for_definition(org.hr.user, key="E200") == org.seller
    assert access.person_for_definition(org.hr.user, key="E300") is None
    # An employee without reports and an executive define nothing.
    assert access.person_for_definition(org.engineer.user, key="E100") is None
    assert access.person_for_definition(org.exec_viewer.user, key="E100") is None


def test_import_finds_only_people_whose_values_the_uploader_may_see(org, out_of_reach):
    keys = {"E100", "E200", "sam.seller@example.com", "E300", "E400", "E999"}
    # The manager sees their line, the one who left it included; not the other branch.
    assert access.people_for_import(org.eng_manager.user, keys) == {
        "E100": org.engineer,
        "ann.engineer@example.com": org.engineer,
        "E400": out_of_reach["own_left"],
        "bo.former@example.com": out_of_reach["own_left"],
    }
    assert set(access.people_for_import(org.hr.user, keys)) >= {"E200", "E300", "E400"}
    assert set(access.people_for_import(None, keys)) >= {"E200", "E300", "E400"}
    assert access.people_for_import(org.engineer.user, keys) == {
        "E100": org.engineer,
        "ann.engineer@example.com": org.engineer,
    }
    assert access.people_for_import(AnonymousUser(), keys) == {}


def test_series_person_is_none_for_unknown_and_hidden_alike(org, role_kpi, out_of_reach):
    manager = org.sales_manager.user
    assert access.series_person(manager, role_kpi, org.seller.pk) == org.seller
    assert access.series_person(manager, role_kpi, str(org.seller.pk)) == org.seller
    for wanted in (org.engineer.pk, out_of_reach["own_left"].pk, 10**9, "x", None):
        assert access.series_person(manager, role_kpi, wanted) is None, wanted
        with pytest.raises(Http404):
            access.series_person_for_read(manager, role_kpi, wanted)
    # The seller reads their own series only.
    assert access.series_person(org.seller.user, role_kpi, org.seller.pk) == org.seller
    assert access.series_person(org.seller.user, role_kpi, out_of_reach["left"].pk) is None
