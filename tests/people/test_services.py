import pytest
from django.core.exceptions import ValidationError

from cadence.core.models import AuditEvent
from cadence.people import services
from cadence.people.models import Person


@pytest.mark.django_db
def test_moving_a_manager_moves_their_whole_line(org):
    services.person_update(actor=org.hr.user, person=org.eng_manager, manager=org.sales_head)
    for person in (org.eng_manager, org.engineer, org.engineer2):
        person.refresh_from_db()
    assert org.eng_manager.reporting_path == f"{org.sales_head.reporting_path}{org.eng_manager.pk}/"
    assert org.engineer.reporting_path.startswith(org.eng_manager.reporting_path)
    assert org.engineer.chain_ids == [org.ceo.pk, org.sales_head.pk, org.eng_manager.pk]
    assert org.engineer.depth == 3
    assert AuditEvent.objects.filter(action="person.update", target_id=str(org.eng_manager.pk))


@pytest.mark.django_db
def test_a_move_under_ones_own_report_is_refused_as_a_cycle(org):
    with pytest.raises(ValidationError) as error:
        services.person_update(actor=org.hr.user, person=org.eng_head, manager=org.engineer)
    assert "cycle" in str(error.value)
    org.eng_head.refresh_from_db()
    assert org.eng_head.manager_id == org.ceo.pk


@pytest.mark.django_db
def test_rebuilding_paths_changes_nothing_when_consistent(org):
    assert services.reporting_paths_rebuild() == 0
    Person.objects.filter(pk=org.engineer.pk).update(reporting_path="/broken/")
    assert services.reporting_paths_rebuild() == 1
    org.engineer.refresh_from_db()
    assert org.engineer.reporting_path == f"{org.eng_manager.reporting_path}{org.engineer.pk}/"


@pytest.mark.django_db
def test_the_last_hr_admin_cannot_be_removed(org):
    hr = org.hr.user
    with pytest.raises(ValidationError, match="last HR admin"):
        services.user_set_roles(actor=hr, user=hr, hr_admin=False, executive=False)
    org.hr.user.refresh_from_db()
    assert org.hr.user.is_hr_admin
    services.user_set_roles(actor=org.hr.user, user=org.ceo.user, hr_admin=True, executive=False)
    services.user_set_roles(actor=org.hr.user, user=org.hr.user, hr_admin=False, executive=False)
    org.hr.user.refresh_from_db()
    assert not org.hr.user.is_hr_admin


@pytest.mark.django_db
def test_leaving_deactivates_the_account_and_reactivation_restores_it(org):
    services.person_mark_left(actor=org.hr.user, person=org.engineer)
    org.engineer.refresh_from_db()
    assert org.engineer.status == Person.Status.LEFT and org.engineer.left_on is not None
    assert not org.engineer.user.is_active
    services.person_reactivate(actor=org.hr.user, person=org.engineer)
    org.engineer.user.refresh_from_db()
    assert org.engineer.user.is_active
