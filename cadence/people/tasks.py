"""Background work for people: applying web imports (run by ``cadence db_worker``)."""

from django.contrib.auth import get_user_model
from django.tasks import task

from cadence.people import services
from cadence.people.models import PeopleImport


@task()
def apply_people_import(import_id: int, actor_id: int, confirm_mass_deactivation: bool) -> None:
    upload = PeopleImport.objects.filter(pk=import_id, state=PeopleImport.State.QUEUED).first()
    if upload is None:  # applied already (a retried task) or gone
        return
    actor = get_user_model().objects.get(pk=actor_id)
    services.people_import_apply(
        actor=actor, upload=upload, confirm_mass_deactivation=confirm_mass_deactivation
    )
