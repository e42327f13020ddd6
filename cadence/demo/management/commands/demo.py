"""``cadence demo``: load (or refresh) the demo organisation and print the logins.

Safe to run again: the import matches people by employee id, so a second run
changes nothing and creates no duplicates.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cadence.accounts.models import User
from cadence.demo.certifications import load_certifications_demo
from cadence.demo.development import load_development_demo
from cadence.demo.feedback import load_feedback_demo
from cadence.demo.inbox import fill_inboxes
from cadence.demo.meetings import load_meetings_demo
from cadence.demo.organisation import generate_people, to_csv
from cadence.demo.performance import load_performance_demo
from cadence.demo.reviews import load_review_demo
from cadence.people.importing import plan_import, read_table
from cadence.people.models import Person
from cadence.people.services import people_import

DEMO_PASSWORD = "cadence-demo"  # noqa: S105 - a published demo login, by design
DEMO_SIZE = 200
DEMO_DOMAIN = "demo.cadence.test"


class Command(BaseCommand):
    help = "Load the demo organisation (about 200 people) and print demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=DEMO_SIZE)

    def handle(self, *args: object, **options: Any) -> None:
        summary = self._load_people(int(options["people"]))
        self.stdout.write(f"Demo organisation: {summary}")
        logins = self._assign_roles()
        hr_user = User.objects.get(email=logins["hr admin"])
        load_performance_demo(hr_user=hr_user, say=self.stdout.write)
        people = {
            role: Person.objects.select_related("user").get(user__email=email)
            for role, email in logins.items()
        }
        load_review_demo(hr_user=hr_user, logins=people, say=self.stdout.write)
        load_certifications_demo(hr_user=hr_user, logins=people, say=self.stdout.write)
        load_development_demo(logins=people, say=self.stdout.write)
        load_feedback_demo(logins=people, say=self.stdout.write)
        load_meetings_demo(logins=people, say=self.stdout.write)
        fill_inboxes(people)
        for role, email in logins.items():
            self.stdout.write(f"login: {email}  password: {DEMO_PASSWORD}  ({role})")

    def _load_people(self, people: int) -> object:
        rows = generate_people(people, seed=2027, domain=DEMO_DOMAIN)
        table = read_table(to_csv(rows).encode(), "demo.csv")
        plan = plan_import(table)
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise SystemExit(1)
        return people_import(actor=None, plan=plan)

    @transaction.atomic
    def _assign_roles(self) -> dict[str, str]:
        active = Person.objects.filter(status=Person.Status.ACTIVE).select_related("user")
        ceo = active.filter(manager__isnull=True).order_by("id").first()
        # Below ~280 people the seed has no People department: any individual
        # contributor then plays HR.
        hr = (
            active.filter(department__full_name__startswith="People").order_by("id").first()
            or active.filter(direct_reports__isnull=True).order_by("-id").first()
        )
        # The manager login is a first-line manager (the deepest who has reports), so
        # their team page shows individual contributors.
        managers = active.filter(direct_reports__isnull=False, manager__isnull=False).distinct()
        manager = max(managers, key=lambda p: (p.depth, -p.pk), default=None)
        employee = (
            active.filter(manager=manager, direct_reports__isnull=True).order_by("id").first()
        )
        if ceo is None or hr is None or manager is None or employee is None:
            raise CommandError("The demo organisation is too small for one login per role.")
        # The executive login is an executive viewer, not the top of the organisation:
        # everyone is in the CEO's line anyway, so as the CEO the role would show nothing
        # of its own. The individual contributor closest to the top (a chief of staff, an
        # analyst to the board) sees the whole organisation only because of the role.
        others = (
            active.filter(manager__isnull=False, direct_reports__isnull=True)
            .exclude(pk__in=[hr.pk, employee.pk])
            .exclude(manager=manager)
        )
        executive = min(others, key=lambda p: (p.depth, p.pk), default=ceo)
        picks = {"hr admin": hr, "executive": executive, "manager": manager, "employee": employee}
        # Running the demo again must not leave an earlier pick with the role.
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_executive=True).exclude(
            person=executive
        ).update(is_executive=False)
        logins = {}
        for role, person in picks.items():
            user = person.user
            if user is None:
                raise CommandError(f"{person} has no account to sign in with.")
            user.set_password(DEMO_PASSWORD)
            user.is_hr_admin = role == "hr admin"
            user.is_executive = role == "executive"
            user.save(update_fields=["password", "is_hr_admin", "is_executive"])
            logins[role] = user.email
        return logins
