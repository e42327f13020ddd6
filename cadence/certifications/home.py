"""What the certifications area puts on the home page: my certificates expiring within
30 days, expired, and the ones my role requires that I do not hold.

Expired ones are those that still matter: a required type, or one that expired in the
last 30 days (an optional licence lapsed years ago is no longer news). Three queries
(the types with their departments, my certificates) whatever the organisation's size.
"""

import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.certifications import queries
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.people.models import Person


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    day = queries.today()
    mine = queries.person_certificates(me, day=day)
    url = reverse("certifications:mine")
    needed = {type_.pk for type_, _status, _latest in mine.needed}
    out = []
    for row in mine.rows:
        c = row.certificate
        if not row.current or c.expires_on is None:
            continue
        if row.status == queries.EXPIRING:
            out.append(
                HomeItem(
                    _("Your %(type)s certificate expires on %(day)s")
                    % {"type": c.type.name, "day": date_format(c.expires_on)},
                    url,
                    group=_("Expiring soon"),
                )
            )
        elif row.status == queries.EXPIRED and (
            c.type_id in needed or c.expires_on >= day - datetime.timedelta(days=30)
        ):
            out.append(
                HomeItem(
                    _("Your %(type)s certificate expired on %(day)s")
                    % {"type": c.type.name, "day": date_format(c.expires_on)},
                    url,
                    group=_("Expired"),
                )
            )
    for type_, status, _latest in mine.needed:
        if status == queries.MISSING:
            out.append(
                HomeItem(
                    _("Record your %(type)s certificate: your role requires it")
                    % {"type": type_.name},
                    url,
                    group=_("Required, not recorded"),
                )
            )
    return out


def register() -> None:
    register_section(
        HomeSection(key="certificates", title=gettext_lazy("Certificates"), order=60, items=items)
    )
