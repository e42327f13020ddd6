"""My reviews, and the review form of one assignment with its evidence panel. Thin:
parse → access → service or query → render.

The form autosaves with htmx (``save``, debounced on change, one request at a time): the
answer is the save's status line together with the form's hidden ``version``, so the
next save carries the version this one made (``services.writing``: optimistic locking);
a refused save keeps the tab's old version, so a stale tab stays refused until reloaded.
Without JavaScript the same form saves with a button and submits with another.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadence.core import limits
from cadence.core.http import HtmxHttpRequest
from cadence.people.access import acting_person
from cadence.reviews import access
from cadence.reviews.evidence import Evidence, evidence_for
from cadence.reviews.forms_writing import (
    AnswerValue,
    FormSection,
    Item,
    audience,
    parse_answers,
    parse_answers_shown,
    parse_version,
    review_form,
)
from cadence.reviews.models import Answer, Assignment, Review, ReviewCycle
from cadence.reviews.services import writing as services

NAV = "reviews"


def _url(name: str, *args: Any) -> str | None:
    """A page another part builds (nominations, results), linked only once it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- My reviews ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    last_day: Any  # datetime.date: the deadline plus grace days
    refusal: str | None  # why it can no longer be written, if so


@dataclass(frozen=True)
class CycleGroup:
    cycle: ReviewCycle
    rows: list[AssignmentRow]


@dataclass(frozen=True)
class ReviewLink:
    review: Review
    nominations_url: str | None
    results_url: str | None


MANAGED_SHOWN = 200
NOMINATION_PHASES = (ReviewCycle.Phase.NOMINATION, ReviewCycle.Phase.APPROVAL)
RESULT_STATES = (Review.State.RELEASED, Review.State.ACKNOWLEDGED)


def _links(reviews: list[Review], *, as_reviewee: bool) -> list[ReviewLink]:
    links = []
    for review in reviews:
        nominations = (
            _url("reviews:nominations", review.pk)
            if review.cycle.phase in NOMINATION_PHASES
            else None
        )
        # The reviewee reads results once released; the manager side as soon as written.
        readable = review.state in RESULT_STATES or not as_reviewee
        results = _url("reviews:results", review.pk) if readable else None
        if nominations or results:
            links.append(ReviewLink(review, nominations, results))
    return links


@require_GET
@login_required
def index(request: HtmxHttpRequest) -> HttpResponse:
    access.require_member(request.user)
    assignments = (
        access.assignments_of(request.user)
        .exclude(state=Assignment.State.CLOSED)
        .select_related("review__reviewee", "cycle")
        .order_by("-cycle__created_at", "cycle_id", "type", "review__reviewee__last_name", "id")
    )
    groups: dict[int, CycleGroup] = {}
    for assignment in assignments:
        cycle = assignment.cycle
        group = groups.setdefault(cycle.pk, CycleGroup(cycle, []))
        group.rows.append(
            AssignmentRow(
                assignment=assignment,
                last_day=services.last_writing_day(cycle),
                refusal=services.writing_refusal(assignment)
                if assignment.state != Assignment.State.SUBMITTED
                else None,
            )
        )
    own = list(access.reviews_received_by(request.user))
    # The reviews whose manager review the person writes: the chain above sees the rest
    # from the results' pages (a head of a large department would get thousands here).
    me = acting_person(request.user)
    managed = list(
        access.reviews_managed_by(request.user)
        .filter(manager=me)
        .order_by("-cycle__created_at", "reviewee__last_name", "id")[:MANAGED_SHOWN]
    )
    context = {
        "nav_active": NAV,
        "groups": list(groups.values()),
        "own": _links(own, as_reviewee=True),
        "managed": _links(managed, as_reviewee=False),
    }
    return render(request, "reviews/writing/index.html", context)


# --- the review form ---------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    item: Item
    answer: AnswerValue
    error: str = ""
    self_answer: Answer | None = None  # the reviewee's submitted self-review's
    previous_answer: Answer | None = None  # the previous manager's draft's


@dataclass(frozen=True)
class SectionRows:
    section: FormSection
    rows: list[ItemRow]


def _stored(assignment: Assignment) -> dict[str, AnswerValue]:
    return {
        a.item: AnswerValue(rating=a.rating, text=a.text, choice=a.choice)
        for a in assignment.answers.all()
    }


def _page(
    request: HtmxHttpRequest,
    assignment: Assignment,
    *,
    answers: dict[str, AnswerValue] | None = None,
    errors: dict[str, str] | None = None,
    general: list[str] | None = None,
    reopen_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    evidence: Evidence = evidence_for(request.user, assignment)
    form = review_form(assignment, goals=evidence.goals)
    current = answers if answers is not None else _stored(assignment)
    errors = errors or {}
    sections = [
        SectionRows(
            section=s,
            rows=[
                ItemRow(
                    item=item,
                    answer=current.get(item.key) or AnswerValue(),
                    error=errors.get(item.key, ""),
                    self_answer=evidence.self_answers.get(item.key),
                    previous_answer=evidence.previous_answers.get(item.key),
                )
                for item in s.items
            ],
        )
        for s in form.sections
    ]
    refusal = services.writing_refusal(assignment)
    errors_reopen = reopen_errors or {}
    context = {
        "nav_active": NAV,
        "assignment": assignment,
        "review": assignment.review,
        "cycle": assignment.cycle,
        "last_day": services.last_writing_day(assignment.cycle),
        "form": form,
        "sections": sections,
        "evidence": evidence,
        "audience": audience(assignment),
        "refusal": refusal,
        "read_only": refusal is not None,
        "general_errors": general or [],
        # A submitted review its writer may still take back (with a reason).
        "can_reopen": services.reopen_refusal(assignment) is None,
        "reopen_reason": errors_reopen.get("value", ""),
        "reopen_error": errors_reopen.get("error", ""),
        "limits": {"comment": limits.COMMENT},
    }
    return render(request, "reviews/writing/form.html", context, status=status)


@require_GET
@login_required
def write(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    return _page(request, access.assignment_for_read(request.user, assignment_id))


def _split(error: ValidationError) -> tuple[dict[str, str], list[str]]:
    """Item errors by item key; the rest (deadline, version) as sentences."""
    items: dict[str, str] = {}
    general: list[str] = []
    for field, messages_ in error.message_dict.items():
        if field in ("__all__", "version"):
            general.extend(messages_)
        else:
            items[field] = " ".join(messages_)
    return items, general


@require_POST
@login_required
def save(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    """The autosave (htmx: answers with the status line) and the Save draft button."""
    assignment = access.assignment_for_read(request.user, assignment_id)
    form = services.form_for(request.user, assignment)
    try:
        answers = parse_answers(request.POST, form)
        version = parse_version(request.POST)
        assignment = services.answers_save(
            actor=request.user, assignment=assignment, answers=answers, version=version
        )
    except ValidationError as error:
        items, general = _split(error)
        if request.htmx:
            # 200, so htmx swaps the status line in (it leaves 4xx answers unswapped).
            context = {
                "assignment": assignment,
                # The version this tab had: a stale tab stays stale until reloaded.
                "version": request.POST.get("version", "")[:12],
                "errors": list(items.values()) + general,
                "stale": bool(error.message_dict.get("version")),
            }
            return render(request, "reviews/writing/form.html#save-status", context)
        stale = bool(error.message_dict.get("version"))
        return _page(
            request,
            access.assignment_for_read(request.user, assignment_id),
            answers=None if stale else parse_answers_shown(request.POST, form),
            errors=items,
            general=general,
            status=422,
        )
    if request.htmx:
        context = {
            "assignment": assignment,
            "saved": True,
            "now_time": formats.time_format(timezone.localtime(), "H:i"),
        }
        return render(request, "reviews/writing/form.html#save-status", context)
    messages.success(request, _("Draft saved."))
    return redirect("reviews:write", assignment.pk)


@require_POST
@login_required
def submit(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access.assignment_for_read(request.user, assignment_id)
    form = services.form_for(request.user, assignment)
    try:
        answers = parse_answers(request.POST, form)
        version = parse_version(request.POST)
        services.answers_submit(
            actor=request.user, assignment=assignment, answers=answers, version=version
        )
    except ValidationError as error:
        items, general = _split(error)
        stale = bool(error.message_dict.get("version"))
        return _page(
            request,
            # As it is now: after a stale refusal the page shows the latest answers.
            access.assignment_for_read(request.user, assignment_id),
            answers=None if stale else parse_answers_shown(request.POST, form),
            errors=items,
            general=general,
            status=422,
        )
    messages.success(
        request,
        _("Your review of %(name)s is submitted.") % {"name": assignment.review.reviewee.full_name},
    )
    return redirect("reviews:index")


@require_POST
@login_required
def reopen(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    """Take a submitted review back to change it, with the reason the changed ratings
    will be recorded with."""
    assignment = access.assignment_for_read(request.user, assignment_id)
    reason = request.POST.get("reason", "")
    try:
        version = parse_version(request.POST)
        services.assignment_reopen(
            actor=request.user, assignment=assignment, version=version, reason=reason
        )
    except ValidationError as error:
        problems = error.message_dict
        general = [m for field, found in problems.items() if field != "reason" for m in found]
        return _page(
            request,
            access.assignment_for_read(request.user, assignment_id),
            general=general,
            reopen_errors={
                "value": reason[: limits.COMMENT],
                "error": " ".join(problems.get("reason", [])),
            },
            status=422,
        )
    messages.success(
        request,
        _(
            "Your review is reopened. Ratings you change are recorded with your reason "
            "when you submit it again."
        ),
    )
    return redirect("reviews:write", assignment.pk)
