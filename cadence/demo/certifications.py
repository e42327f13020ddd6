"""The demo's certifications: four types HR keeps and certificates for many demo people,
each with a small generated PDF, recorded through the certifications services.

* "GDPR awareness" — yearly, required of everyone;
* "First aid at work" — three years, required in Operations;
* "AWS Solutions Architect – Associate" — three years, required in Engineering's
  Platform and Infrastructure teams;
* "Forklift licence" — five years, required of nobody (a few Operations people hold one).

Most people are in order; some certificates expire within 30 days, some have expired
(and were not renewed), some people hold none of what their role requires — so the
compliance view, the home page and the reminders all have something to show. The
employee login's GDPR certificate expires in twelve days; a report of the manager login
let their first aid lapse. Deterministic; loaded once (the types' presence says so).
"""

import datetime
import io
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from cadence.accounts.models import User
from cadence.certifications import reminders, services
from cadence.certifications.models import CertificationType
from cadence.people.models import Department, Person

GDPR, FIRST_AID, AWS, FORKLIFT = (
    "GDPR awareness",
    "First aid at work",
    "AWS Solutions Architect – Associate",
    "Forklift licence",
)


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of text, built by hand (no library)."""

    def escape(text: str) -> str:
        ascii_text = text.encode("ascii", "replace").decode("ascii")
        return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"({escape(x)}) '" for x in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _types(hr_user: User) -> dict[str, CertificationType]:
    def department(name: str) -> list[Department]:
        return list(Department.objects.filter(full_name=name))

    specs = [
        services.TypeData(
            name=GDPR,
            issuer="Cadence Learning",
            validity_months=12,
            reminder_days=[30, 7],
            required_everyone=True,
        ),
        services.TypeData(
            name=FIRST_AID,
            issuer="St John Ambulance",
            validity_months=36,
            required_departments=department("Operations"),
        ),
        services.TypeData(
            name=AWS,
            issuer="Amazon Web Services",
            validity_months=36,
            required_departments=department("Engineering/Platform")
            + department("Engineering/Infrastructure"),
        ),
        services.TypeData(name=FORKLIFT, issuer="RTITB", validity_months=60),
    ]
    return {s.name: services.type_define(actor=hr_user, data=s) for s in specs}


def _shift(day: datetime.date, months: int) -> datetime.date:
    return services.add_months(day, months)


@transaction.atomic
def load_certifications_demo(
    *, hr_user: User, logins: dict[str, Person], say: Callable[[str], object] = print
) -> None:
    if CertificationType.objects.filter(name=GDPR).exists():
        say("Certifications: already loaded.")
        return
    rng = random.Random(2027)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    types = _types(hr_user)
    people = list(
        Person.objects.filter(status=Person.Status.ACTIVE)
        .select_related("department")
        .order_by("pk")
    )
    employee, manager = logins["employee"], logins["manager"]
    made = 0

    def record(person: Person, type_: CertificationType, expires_in_days: int) -> None:
        nonlocal made
        months = type_.validity_months or 12
        expires = today + datetime.timedelta(days=expires_in_days)
        issued = min(_shift(expires, -months), today)
        number = f"{type_.name[:3].upper()}-{rng.randint(100000, 999999)}"
        document = demo_pdf(
            [
                type_.issuer,
                f"Certificate of completion: {type_.name}",
                f"Awarded to {person.full_name}",
                f"Issued {issued.isoformat()}, valid until {expires.isoformat()}",
                f"Certificate number {number}",
            ]
        )
        services.certificate_record(
            actor=person.user or hr_user,
            person=person,
            type_=type_,
            issued_on=issued,
            expires_on=expires,
            number=number,
            document=io.BytesIO(document),
            document_name=f"{type_.name} - {person.full_name}.pdf",
            document_size=len(document),
        )
        made += 1

    def expiry() -> int:
        """Days until expiry: most well ahead, some within 30 days, some expired."""
        roll = rng.random()
        if roll < 0.12:
            return rng.randint(1, 30)
        if roll < 0.2:
            return -rng.randint(1, 120)
        return rng.randint(31, 330)

    report = next((p for p in people if p.manager_id == manager.pk and p.pk != employee.pk), None)
    for person in people:
        department = person.department.full_name if person.department else ""
        if person.pk == employee.pk:
            record(person, types[GDPR], 12)
        elif rng.random() < 0.85:
            record(person, types[GDPR], expiry())
        if department.startswith("Operations"):
            if report is not None and person.pk == report.pk:
                pass
            elif rng.random() < 0.7:
                record(person, types[FIRST_AID], expiry() * 3)
            if rng.random() < 0.25:
                record(person, types[FORKLIFT], rng.randint(200, 1500))
        if department in ("Engineering/Platform", "Engineering/Infrastructure") and (
            rng.random() < 0.6
        ):
            record(person, types[AWS], expiry() * 3)
    if report is not None:
        # The manager login's report let their first aid lapse last week.
        record(report, types[FIRST_AID], -6)
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    sent = reminders.certificate_sweep(noon)
    say(f"Certifications: {len(types)} types, {made} certificates, {sent} reminders.")
