"""The peers page of a review (the reviewee's and the manager side's views of the same
page) and the nominee's "asked to review" list. Thin: parse → access → service or
query → respond; every POST answers with a redirect back to its page (no JavaScript
needed), a refusal as a message naming the field's problem.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadence.core.limits import SEARCH
from cadence.people import access as people_access
from cadence.reviews import access, queries_nominations
from cadence.reviews.services import nominations as services

NAV = "reviews"
REASON_MAX = 500


def _peers_url(review_id: int) -> str:
    return reverse("reviews:nomination_peers", args=[review_id])


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _nominee(request: HttpRequest) -> int | None:
    raw = request.POST.get("nominee", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


@require_GET
@login_required
def peers(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_nomination(request.user, review_id)
    q = request.GET.get("q", "")[:SEARCH]
    page = queries_nominations.peers_page(request.user, review, q=q)
    return render(
        request,
        "reviews/nominations/peers.html",
        {
            "page": page,
            "cycle": review.cycle,
            "q": q,
            "summary": queries_nominations.summary_sentence(page),
            "nav_active": NAV,
        },
    )


def _choose(request: HttpRequest, review_id: int, *, as_reviewee: bool) -> HttpResponse:
    review = access.review_for_nomination(request.user, review_id)
    if as_reviewee:
        access.require_peer_proposer(request.user, review)
    else:
        access.require_nomination_decider(request.user, review)
    nominee_id = _nominee(request)
    try:
        if nominee_id is None:
            raise ValidationError({"nominee": _("Choose a colleague.")})
        nominee = people_access.person_for_read(request.user, nominee_id)
        with transaction.atomic():
            if as_reviewee:
                services.nomination_propose(actor=request.user, review=review, nominee=nominee)
            else:
                services.nomination_add(actor=request.user, review=review, nominee=nominee)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(name)s added.") % {"name": nominee.full_name})
    return redirect(_peers_url(review.pk))


@require_POST
@login_required
def propose(request: HttpRequest, review_id: int) -> HttpResponse:
    return _choose(request, review_id, as_reviewee=True)


@require_POST
@login_required
def add(request: HttpRequest, review_id: int) -> HttpResponse:
    return _choose(request, review_id, as_reviewee=False)


@require_POST
@login_required
def withdraw(request: HttpRequest, review_id: int, nomination_id: int) -> HttpResponse:
    nomination = access.nomination_for_review(request.user, review_id, nomination_id)
    access.require_peer_proposer(request.user, nomination.review)
    try:
        services.nomination_withdraw(actor=request.user, nomination=nomination)
    except ValidationError as error:
        _refused(request, error)
    return redirect(_peers_url(review_id))


@require_POST
@login_required
def approve(request: HttpRequest, review_id: int, nomination_id: int) -> HttpResponse:
    nomination = access.nomination_for_review(request.user, review_id, nomination_id)
    access.require_nomination_decider(request.user, nomination.review)
    try:
        services.nomination_approve(actor=request.user, nomination=nomination)
    except ValidationError as error:
        _refused(request, error)
    return redirect(_peers_url(review_id))


@require_POST
@login_required
def approve_all(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_nomination(request.user, review_id)
    access.require_nomination_decider(request.user, review)
    try:
        services.nomination_approve_all(actor=request.user, review=review)
    except ValidationError as error:
        _refused(request, error)
    return redirect(_peers_url(review_id))


@require_POST
@login_required
def remove(request: HttpRequest, review_id: int, nomination_id: int) -> HttpResponse:
    nomination = access.nomination_for_review(request.user, review_id, nomination_id)
    access.require_nomination_decider(request.user, nomination.review)
    try:
        services.nomination_remove(
            actor=request.user,
            nomination=nomination,
            reason=request.POST.get("reason", "")[:REASON_MAX],
        )
    except ValidationError as error:
        _refused(request, error)
    return redirect(_peers_url(review_id))


@require_GET
@login_required
def asked(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    rows = queries_nominations.asked_of(request.user)
    return render(
        request,
        "reviews/nominations/asked.html",
        {
            "rows": [(n, queries_nominations.declinable(n)) for n in rows],
            "nav_active": NAV,
        },
    )


@require_POST
@login_required
def decline(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = access.nomination_for_decline(request.user, nomination_id)
    try:
        services.nomination_decline(
            actor=request.user,
            nomination=nomination,
            reason=request.POST.get("reason", "")[:REASON_MAX],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("You have declined. Thank you for saying why."))
    return redirect(reverse("reviews:nomination_asked"))
