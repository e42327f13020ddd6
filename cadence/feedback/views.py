"""Feedback pages: my feedback (received, given, requests), giving, one feedback (with
"Report to HR"), the praise wall with its reactions (htmx), asking for feedback and
answering or declining, and HR's pages (reported feedback, company values). Thin:
parse → access → service/query → render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.types import Actor
from cadence.core.http import HtmxHttpRequest
from cadence.feedback import access, queries, services
from cadence.feedback.forms import (
    AnswerForm,
    DeclineForm,
    GiveForm,
    HideForm,
    ReportForm,
    RequestForm,
    ValueForm,
    add_service_errors,
    emails,
)
from cadence.feedback.models import Feedback
from cadence.goals.access import goals_visible_to
from cadence.goals.models import Goal
from cadence.people import access as people_access
from cadence.people import picker
from cadence.people.models import Person

NAV = "feedback"
TABS = ("received", "given", "requests")


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _goals_of(user: Any, person: Person | None) -> list[Goal]:
    if person is None:
        return []
    return list(
        goals_visible_to(user)
        .filter(owner_type=Goal.Owner.PERSON, owner_person=person)
        .exclude(state=Goal.State.CANCELLED)
        .order_by("-created_at", "-id")[:100]
    )


# --- my feedback ------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    if people_access.acting_person(request.user) is None:
        # An organisation-wide account without a person gives and receives nothing:
        # HR's queue, or the wall.
        return redirect(
            "feedback:reports" if access.can_moderate(request.user) else "feedback:wall"
        )
    me = access.require_giver(request.user)
    tab = request.GET.get("tab", "received")
    tab = tab if tab in TABS else "received"
    q = request.GET.get("q", "")[:100]
    context: dict[str, Any] = {"tab": tab, "q": q, "nav_active": NAV, "me": me}
    context["counts"] = queries.counts_for(request.user, me)
    context["pending"] = list(queries.pending_asks(request.user)[:50])
    if tab == "requests":
        context["requests"] = queries.my_requests(request.user)
    else:
        rows = (queries.received if tab == "received" else queries.given)(request.user, me)
        context["page"] = queries.page_of(
            request.user, queries.search(rows, q), request.GET.get("cursor")
        )
    return render(request, "feedback/index.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def give(request: HttpRequest) -> HttpResponse:
    me = access.require_giver(request.user)
    receiver = None
    if request.method == "POST":
        # The picker's chip (an id) or, without JavaScript, a typed work email.
        ids = picker.parse_ids(request.POST.getlist(picker.ids_name("receiver")))[:1]
        if ids:
            receiver = access.active_person(request.user, person_id=ids[0])
        else:
            email = request.POST.get("receiver", "").strip()
            receiver = access.active_person(request.user, email=email)
    else:
        to = _int(request.GET.get("to"))
        if to is not None:
            receiver = access.active_person(request.user, person_id=to)
            if receiver is not None and receiver.pk == me.pk:
                receiver = None
        ids = [receiver.pk] if receiver else []
    form = GiveForm(
        request.POST or None,
        initial={"receiver": picker.Picked(ids=ids)},
        goals=_goals_of(request.user, receiver),
        competencies=queries.current_competencies(),
        chosen=picker.chips_for(request.user, ids, others_only=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = access.receiver_for_give(request.user, receiver.pk if receiver else None)
                goal = access.goal_for_link(request.user, form.cleaned_data.get("goal"))
                feedback = services.feedback_give(
                    giver=me,
                    receiver=person,
                    text=form.cleaned_data["text"],
                    visibility=form.cleaned_data["visibility"],
                    values=form.cleaned_data["values"],
                    competencies=form.cleaned_data.get("competencies") or [],
                    goal=goal,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your praise is on the wall.")
                if feedback.visibility == Feedback.Visibility.PUBLIC
                else _("Your feedback is sent."),
            )
            return redirect("feedback:detail", feedback_id=feedback.pk)
    return render(
        request,
        "feedback/give.html",
        {"form": form, "receiver": receiver, "nav_active": NAV},
        status=422 if form.errors else 200,
    )


@require_GET
@login_required
def give_goal(request: HttpRequest) -> HttpResponse:
    """The give form's goal field for the colleague the picker now holds (htmx, after
    each pick or removal): their goals the user may read, or no field."""
    me = access.require_giver(request.user)
    ids = picker.parse_ids(request.GET.getlist(picker.ids_name("receiver")))[:1]
    receiver = access.active_person(request.user, person_id=ids[0]) if ids else None
    if receiver is not None and receiver.pk == me.pk:
        receiver = None
    form = GiveForm(
        goals=_goals_of(request.user, receiver),
        competencies=[],
        chosen=picker.chips_for(request.user, [receiver.pk] if receiver else []),
    )
    return render(request, "feedback/give.html#goal", {"form": form})


@require_GET
@login_required
def detail(request: HttpRequest, feedback_id: int) -> HttpResponse:
    feedback = access.feedback_for_read(request.user, feedback_id)
    card = queries.card_of(request.user, feedback)
    me = people_access.acting_person(request.user)
    can_report = me is not None and feedback.giver_id != me.pk and feedback.hidden_at is None
    return render(
        request,
        "feedback/detail.html",
        {
            "card": card,
            "can_report": can_report,
            "report_form": ReportForm(),
            "is_moderator": access.can_moderate(request.user) and feedback.reports.exists(),
            "nav_active": NAV,
        },
    )


@require_POST
@login_required
def report(request: HttpRequest, feedback_id: int) -> HttpResponse:
    feedback = access.feedback_for_report(request.user, feedback_id)
    me = access.require_giver(request.user)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.abuse_report(
                feedback=feedback, reporter=me, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: HR will look at it."))
    else:
        messages.error(request, _("Say what is wrong with it."))
    return redirect("feedback:detail", feedback_id=feedback.pk)


@require_POST
@login_required
def react(request: HtmxHttpRequest, feedback_id: int) -> HttpResponse:
    feedback = access.feedback_for_react(request.user, feedback_id)
    me = access.require_giver(request.user)
    kind = request.POST.get("kind", "")
    try:
        services.reaction_toggle(feedback=feedback, person=me, kind=kind)
    except ValidationError:
        return HttpResponse(_("Choose a reaction."), status=400)
    if not request.htmx:
        return redirect(request.POST.get("next") or "feedback:wall")
    card = queries.card_of(request.user, feedback)
    return render(request, "feedback/_reactions.html", {"card": card})


# --- the praise wall ---------------------------------------------------------------------------


@require_GET
@login_required
def wall(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    department = access.department_for_filter(request.user, _int(request.GET.get("department")))
    value = access.value_for_filter(request.user, _int(request.GET.get("value")))
    rows = queries.wall(request.user, department=department, value=value)
    page = queries.page_of(request.user, rows, request.GET.get("cursor"))
    return render(
        request,
        "feedback/wall.html",
        {
            "page": page,
            "department": department,
            "value": value,
            "departments": queries.departments(),
            "values": queries.all_values(),
            "nav_active": NAV,
        },
    )


@require_GET
@login_required
def recognition(request: HtmxHttpRequest, person_id: int) -> HttpResponse:
    """A person's recognition: the profile's card (htmx) or a page of its own."""
    person = people_access.person_for_read(request.user, person_id)
    me = people_access.acting_person(request.user)
    context = {
        **queries.recognition(request.user, person),
        "person": person,
        "can_give": me is not None and me.pk != person.pk and person.status == Person.Status.ACTIVE,
        "nav_active": NAV,
    }
    if request.htmx:
        return render(request, "feedback/_recognition.html", context)
    return render(request, "feedback/recognition.html", context)


# --- requests ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    me = access.require_giver(request.user)
    about = _int(request.POST.get("subject") or request.GET.get("about"))
    try:
        subject = access.subject_for_request(request.user, about)
    except ValidationError:
        subject = me
    subjects = [(me.pk, _("Myself"))]
    reports = me.direct_reports.filter(status=Person.Status.ACTIVE).order_by(
        "first_name", "last_name"
    )[:200]
    subjects += [(p.pk, p.full_name) for p in reports]
    if subject.pk not in {pk for pk, _n in subjects}:
        subjects.append((subject.pk, subject.full_name))
    chosen = picker.parse_ids(request.POST.getlist(picker.ids_name("recipients")))
    form = RequestForm(
        request.POST or None,
        initial={"subject": subject.pk},
        subjects=subjects,
        goals=_goals_of(request.user, subject),
        competencies=queries.current_competencies(),
        chosen=picker.chips_for(request.user, chosen, others_only=True),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                recipients = _recipients(request.user, subject, data["recipients"])
                goal = (
                    access.goal_for_link(request.user, data.get("goal"))
                    if data["topic"] == "goal"
                    else None
                )
                competency = None
                if data.get("competency"):
                    competency = next(
                        (c for c in queries.current_competencies() if c.pk == data["competency"]),
                        None,
                    )
                feedback_request = services.request_create(
                    requester=me,
                    subject=subject,
                    recipients=recipients,
                    topic=data["topic"],
                    topic_text=data["topic_text"],
                    goal=goal,
                    competency=competency,
                    message=data["message"],
                    due_on=data["due_on"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request is sent."))
            return redirect("feedback:request", request_id=feedback_request.pk)
    return render(
        request,
        "feedback/request_form.html",
        {"form": form, "subject": subject, "nav_active": NAV},
        status=422 if form.errors else 200,
    )


def _recipients(user: Actor, subject: Person, picked: picker.Picked) -> list[Person]:
    """The colleagues chosen with the picker (ids), then those typed as work emails
    (without JavaScript), checked together by ``access.recipients_for_request``."""
    addresses = emails(picked.text)
    found = access.people_by_email(user, addresses)
    missing = [a for a in addresses if a not in found]
    if missing:
        raise ValidationError(
            {
                "recipients": _("Colleagues: nobody has the work email %(email)s.")
                % {"email": missing[0]}
            }
        )
    return access.recipients_for_request(
        user, subject, [*picked.ids, *(found[a] for a in addresses)]
    )


@require_GET
@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    feedback_request = access.request_for_read(request.user, request_id)
    asks = queries.request_asks(request.user, feedback_request)
    answers = [pk for a in asks if (pk := queries.answer_id(a)) is not None]
    readable = set(
        access.feedback_visible_to(request.user).filter(pk__in=answers).values_list("pk", flat=True)
    )
    return render(
        request,
        "feedback/request_detail.html",
        {
            "r": feedback_request,
            "asks": asks,
            "readable": readable,
            "sees_all": access.sees_all_asks(request.user, feedback_request),
            "nav_active": NAV,
        },
    )


@require_GET
@login_required
def ask(request: HttpRequest, ask_id: int) -> HttpResponse:
    the_ask = access.ask_for_read(request.user, ask_id)
    return _ask_page(request, the_ask)


def _ask_page(
    request: HttpRequest,
    the_ask: Any,
    answer_form: AnswerForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    competencies = queries.current_competencies()
    return render(
        request,
        "feedback/ask.html",
        {
            "ask": the_ask,
            "r": the_ask.request,
            "goal_readable": the_ask.request.goal_id
            in access.readable_goal_ids(request.user, {the_ask.request.goal_id} - {None}),
            "answer_form": answer_form or AnswerForm(competencies=competencies),
            "decline_form": decline_form or DeclineForm(),
            "nav_active": NAV,
        },
        status=status,
    )


@require_POST
@login_required
@transaction.atomic
def ask_answer(request: HttpRequest, ask_id: int) -> HttpResponse:
    the_ask = access.ask_for_answer(request.user, ask_id)
    form = AnswerForm(request.POST, competencies=queries.current_competencies())
    if form.is_valid():
        try:
            with transaction.atomic():
                feedback = services.ask_answer(
                    ask=the_ask,
                    text=form.cleaned_data["text"],
                    visibility=form.cleaned_data["visibility"],
                    values=form.cleaned_data["values"],
                    competencies=form.cleaned_data.get("competencies") or [],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your feedback is sent."))
            return redirect("feedback:detail", feedback_id=feedback.pk)
    return _ask_page(request, the_ask, answer_form=form, status=422)


@require_POST
@login_required
@transaction.atomic
def ask_decline(request: HttpRequest, ask_id: int) -> HttpResponse:
    the_ask = access.ask_for_answer(request.user, ask_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.ask_decline(ask=the_ask, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request declined."))
            return redirect(f"{redirect('feedback:index').url}?tab=requests")
    return _ask_page(request, the_ask, decline_form=form, status=422)


# --- HR ---------------------------------------------------------------------------------------


@require_GET
@login_required
def reports(request: HttpRequest) -> HttpResponse:
    access.require_moderator(request.user)
    return render(
        request,
        "feedback/reports.html",
        {"reports": queries.open_reports(request.user), "nav_active": NAV},
    )


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def moderate(request: HttpRequest, feedback_id: int) -> HttpResponse:
    feedback = access.feedback_for_moderation(request.user, feedback_id)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("decision") == "keep":
            services.feedback_keep(actor=request.user, feedback=feedback)
            messages.success(request, _("Feedback kept: the reports are closed."))
            return redirect("feedback:reports")
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.feedback_hide(
                        actor=request.user, feedback=feedback, reason=form.cleaned_data["reason"]
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Feedback hidden."))
                return redirect("feedback:reports")
    return render(
        request,
        "feedback/moderate.html",
        {
            "card": queries.card_of(request.user, feedback),
            "reports": queries.reports_of(request.user, feedback),
            "form": form,
            "nav_active": NAV,
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def values(request: HttpRequest) -> HttpResponse:
    access.require_values_manager(request.user)
    form = ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.value_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Value added."))
            return redirect("feedback:values")
    return render(
        request,
        "feedback/values.html",
        {"form": form, "values": queries.all_values(), "nav_active": NAV},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
@transaction.atomic
def value_edit(request: HttpRequest, value_id: int) -> HttpResponse:
    value = access.value_for_edit(request.user, value_id)
    try:
        if "active" in request.POST:
            services.value_update(
                actor=request.user, value=value, active=request.POST["active"] == "1"
            )
        else:
            form = ValueForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"name": _("Name: enter a name.")})
            services.value_update(actor=request.user, value=value, **form.cleaned_data)
    except ValidationError as error:
        transaction.set_rollback(True)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Value saved."))
    return redirect("feedback:values")
