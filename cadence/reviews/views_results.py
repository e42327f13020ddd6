"""Results pages: a review's results (HR and the manager side before release, the
reviewee after), HR's calibration of the score, release (one review, or a cycle's whole
list), and the reviewee's comment and acknowledgement. Thin: parse → access → service or
query → respond.

Every POST view runs in one transaction so that the review the access layer locks stays
locked until the service has written.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cadence.core import limits
from cadence.core.forms import form_errors
from cadence.reviews import access, pdf, queries_results
from cadence.reviews.services import results as services

NAV = "reviews"


class CalibrationForm(forms.Form):
    score = forms.DecimalField(
        label=gettext_lazy("Calibrated score"), max_digits=5, decimal_places=2, min_value=0
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"), max_length=limits.COMMENT, widget=forms.Textarea
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment"),
        required=False,
        max_length=limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _back(review_id: int) -> HttpResponse:
    return redirect(reverse("reviews:results", args=[review_id]))


@require_GET
@login_required
def results(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_results(request.user, review_id)
    shown = queries_results.review_results(request.user, review)
    # HR starts from the figure on the page: the stored one, or the provisional formula's.
    start = shown.final_score if shown.final_score is not None else shown.breakdown.score
    initial: dict[str, Decimal | str | None] = {"score": start}
    return render(
        request,
        "reviews/results/results.html",
        {
            "nav_active": NAV,
            "results": shown,
            "review": review,
            "calibration_form": CalibrationForm(initial=initial) if shown.can_calibrate else None,
            "comment_form": CommentForm(initial={"comment": review.employee_comment})
            if shown.can_acknowledge
            else None,
            "pdf_ready": pdf.exportable(review),
        },
    )


@require_GET
@login_required
def results_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    """The released review as a PDF download: whoever may read the results, once
    released. Before release the reviewee gets 404 (as on the page); HR and the manager
    side, who read it already, are told why (403)."""
    review = pdf.review_for_download(request.user, review_id)
    return pdf.response(request.user, review)


@require_POST
@login_required
@transaction.atomic
def calibrate(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_calibration(request.user, review_id, lock=True)
    form = CalibrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(review.pk)
    try:
        services.calibrate(
            actor=request.user,
            review=review,
            score=form.cleaned_data["score"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Score calibrated; the change and its reason are recorded."))
    return _back(review.pk)


@require_POST
@login_required
@transaction.atomic
def release(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_release(request.user, review_id, lock=True)
    try:
        services.release(actor=request.user, reviews=[review])
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            _("Released: %(name)s can now read this review.") % {"name": review.reviewee.full_name},
        )
    if request.POST.get("next") == "cycle":
        return redirect(reverse("reviews:results_cycle", args=[review.cycle_id]))
    return _back(review.pk)


@require_POST
@login_required
@transaction.atomic
def comment(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_acknowledgement(request.user, review_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(review.pk)
    try:
        if "acknowledge" in request.POST:
            services.acknowledge(
                actor=request.user, review=review, comment=form.cleaned_data["comment"]
            )
            messages.success(
                request,
                _("Acknowledged. This records that you have read the review, not that you agree."),
            )
        else:
            services.comment_save(
                actor=request.user, review=review, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Comment saved."))
    except ValidationError as error:
        _error(request, error)
    return _back(review.pk)


@require_GET
@login_required
def cycle_results(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_release(request.user, cycle_id)
    reviews = list(queries_results.reviews_to_release(cycle))
    return render(
        request,
        "reviews/results/cycle.html",
        {
            "nav_active": NAV,
            "cycle": cycle,
            "reviews": reviews,
            "open_count": sum(1 for r in reviews if r.state == r.State.OPEN),
            "releasable": cycle.phase in access.RELEASABLE_PHASES,
        },
    )


@require_POST
@login_required
@transaction.atomic
def release_all(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_release(request.user, cycle_id)
    try:
        done = services.release(actor=request.user, reviews=services.open_reviews(cycle))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("%(n)s reviews released to their reviewees.") % {"n": len(done)}
        )
    return redirect(reverse("reviews:results_cycle", args=[cycle.pk]))
