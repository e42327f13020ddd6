"""HR's "Nudge everyone late" button on the cycle page and the cycle dashboard
(``nudges.nudge_late_writers``); ``next=dashboard`` comes back to the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cadence.reviews import access, nudges


@require_POST
@login_required
@transaction.atomic
def cycle_nudge(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id)
    try:
        made = nudges.nudge_late_writers(actor=request.user, cycle=cycle)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s late writer reminded (no one is reminded twice the same day).",
                "%(n)s late writers reminded (no one is reminded twice the same day).",
                made,
            )
            % {"n": made},
        )
    if request.POST.get("next") == "dashboard":
        return redirect("reviews:cycle_dashboard", cycle_id=cycle.pk)
    return redirect("reviews:cycle_detail", cycle_id=cycle.pk)
