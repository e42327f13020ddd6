"""1:1 pages: my 1:1s (and setting one up), a series, a meeting with its agenda, notes
and action items. Thin: parse → access → service/query → render. Every write answers
with a redirect back to the page and a message, except the shared notes' autosave
(htmx: the status line with the new version, like the review form)."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadence.core.forms import form_errors
from cadence.core.http import HtmxHttpRequest
from cadence.meetings import access, queries, recurrence, services, services_agenda
from cadence.meetings.forms import (
    ActionForm,
    MeetingAddForm,
    PointForm,
    SeriesForm,
    SetupForm,
    add_service_errors,
)
from cadence.meetings.models import Meeting, OneOnOne
from cadence.people import access as people_access
from cadence.people.display import name_shown

NAV = "meetings"


def _error_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _partners(request: HttpRequest) -> list[tuple[int, str]]:
    me = people_access.acting_person(request.user)
    out = []
    for manager, report in access.setup_partners(request.user):
        other = report if me is not None and manager.pk == me.pk else manager
        words = _("%(name)s (your manager)") if other is manager else "%(name)s"
        out.append((other.pk, words % {"name": other.full_name}))
    return out


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    partners = _partners(request)
    return render(
        request, "meetings/index.html", _index_context(request, SetupForm(partners=partners))
    )


def _index_context(request: HttpRequest, form: SetupForm) -> dict[str, Any]:
    return {
        "rows": queries.my_series(request.user),
        "form": form,
        "can_set_up": bool(form.fields["person"].choices),  # type: ignore[attr-defined]
        # HR admins read the coaching notes managers share with them there.
        "can_coach": access.can_coach(request.user) or people_access.is_hr_admin(request.user),
        "nav_active": NAV,
    }


@require_POST
@login_required
def series_create(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    form = SetupForm(request.POST, partners=_partners(request))
    if form.is_valid():
        manager, report = access.partner_for_setup(request.user, form.cleaned_data["person"])
        try:
            series = services.series_create(
                actor=request.user,
                manager=manager,
                report=report,
                cadence=form.cleaned_data["cadence"],
                first_on=form.cleaned_data["first_on"],
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your 1:1 is set up."))
            return redirect("meetings:series", series.pk)
    return render(request, "meetings/index.html", _index_context(request, form), status=422)


def _series_form(series: OneOnOne, data: Any = None) -> SeriesForm:
    return SeriesForm(
        data,
        auto_id="series_%s",
        initial={
            "cadence": series.cadence,
            "first_on": series.first_on,
            "starts_at": series.starts_at,
            "duration_minutes": series.duration_minutes,
        },
    )


def _series_context(
    request: HttpRequest,
    series: OneOnOne,
    *,
    form: SeriesForm | None = None,
    add_form: MeetingAddForm | None = None,
) -> dict[str, Any]:
    me = people_access.acting_person(request.user)
    assert me is not None
    coming, past = queries.series_meetings(series)
    return {
        "series": series,
        "other": queries.other_side(me, series),
        "coming": coming,
        "past": past,
        "form": form or _series_form(series),
        "add_form": add_form
        or MeetingAddForm(initial={"duration_minutes": series.duration_minutes}, auto_id="add_%s"),
        "nav_active": NAV,
    }


@require_GET
@login_required
def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.one_on_one_for_read(request.user, series_id)
    return render(request, "meetings/series.html", _series_context(request, series))


@require_POST
@login_required
def series_edit(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.one_on_one_for_read(request.user, series_id)
    form = _series_form(series, request.POST)
    if form.is_valid():
        try:
            services.series_update(actor=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The schedule is changed; calendars follow."))
            return redirect("meetings:series", series.pk)
    context = _series_context(request, series, form=form)
    return render(request, "meetings/series.html", context, status=422)


@require_POST
@login_required
def series_active(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.one_on_one_for_read(request.user, series_id)
    if request.POST.get("active") == "1":
        try:
            services.series_resume(actor=request.user, series=series)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("The 1:1 is running again."))
    else:
        services.series_stop(actor=request.user, series=series)
        messages.success(request, _("The 1:1 is stopped; its coming meetings are cancelled."))
    return redirect("meetings:series", series.pk)


@require_POST
@login_required
def meeting_add(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.one_on_one_for_read(request.user, series_id)
    form = MeetingAddForm(request.POST, auto_id="add_%s")
    if form.is_valid():
        when = datetime.datetime.combine(
            form.cleaned_data["day"],
            form.cleaned_data["time"],
            tzinfo=recurrence.zone_of(series.time_zone),
        )
        try:
            meeting = services.meeting_add(
                actor=request.user,
                series=series,
                when=when,
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is added."))
            return redirect("meetings:meeting", meeting.pk)
    context = _series_context(request, series, add_form=form)
    return render(request, "meetings/series.html", context, status=422)


# --- a meeting --------------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    page = queries.meeting_page(request.user, meeting)
    series = meeting.one_on_one
    owners = [
        (page.me.pk, _("Me")),
        (page.other.pk, name_shown(request.user, page.other)),
    ]
    context = {
        "page": page,
        "meeting": meeting,
        "series": series,
        "prompts": services_agenda.PROMPTS,
        "offered_goals": queries.offered_goals(request.user, meeting)
        if meeting.state != Meeting.State.CANCELLED
        else [],
        "agenda": page.points,
        "me": page.me,
        "can_reorder": access.can_reorder_agenda(meeting),
        "point_form": PointForm(),
        "action_form": ActionForm(owners=owners, initial={"owner": page.other.pk}),
        "is_open": meeting.state != Meeting.State.CANCELLED,
        "is_past": meeting.scheduled_at < timezone.now(),
        "nav_active": NAV,
    }
    context.update(extra)
    return context


@require_GET
@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_read(request.user, meeting_id)
    return render(request, "meetings/meeting.html", _meeting_context(request, meeting))


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("meetings:meeting", args=[meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_POST
@login_required
def point_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_write(request.user, meeting_id)
    goal = None
    if request.POST.get("goal"):
        goal = queries.offered_goal(request.user, meeting, request.POST["goal"])
        if goal is None:
            messages.error(request, _("That goal is no longer offered for this agenda."))
            return _back(meeting, "agenda")
        text = goal.title
    else:
        form = PointForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return _back(meeting, "agenda")
        text = form.cleaned_data["text"]
    try:
        services_agenda.point_add(actor=request.user, meeting=meeting, text=text, goal=goal)
    except ValidationError as error:
        _error_message(request, error)
    return _back(meeting, "agenda")


@require_POST
@login_required
def point_resolve(request: HttpRequest, point_id: int) -> HttpResponse:
    point = access.talking_point_for_edit(request.user, point_id)
    services_agenda.point_resolve(
        actor=request.user, point=point, resolved=request.POST.get("resolved") == "1"
    )
    return _back(point.meeting, "agenda")


@require_POST
@login_required
def point_remove(request: HttpRequest, point_id: int) -> HttpResponse:
    point = access.talking_point_for_edit(request.user, point_id)
    meeting = point.meeting
    try:
        services_agenda.point_remove(actor=request.user, point=point)
    except ValidationError as error:
        _error_message(request, error)
    return _back(meeting, "agenda")


@require_POST
@login_required
def point_move(request: HtmxHttpRequest, point_id: int) -> HttpResponse:
    """Move a point up or down the agenda. htmx gets the agenda back, with the focus on
    the moved point's button; without JavaScript, the page opens at the point."""
    point = access.talking_point_for_move(request.user, point_id)
    meeting = point.meeting
    direction = request.POST.get("direction", "")
    error = None
    try:
        services_agenda.talking_point_move(actor=request.user, point=point, direction=direction)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        meeting.refresh_from_db(fields=["state"])
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back(meeting, f"point-{point.pk}")
    me = people_access.acting_person(request.user)
    points = queries.agenda(meeting)
    place = next((i for i, p in enumerate(points) if p.pk == point.pk), None)
    # At an end of the list the pressed button is disabled: focus its twin instead.
    focus = {0: "down", len(points) - 1: "up"}.get(place, direction) if place is not None else ""
    context = {
        "meeting": meeting,
        "agenda": points,
        "me": me,
        "is_open": meeting.state != Meeting.State.CANCELLED,
        "can_reorder": access.can_reorder_agenda(meeting),
        "focus_point": point.pk,
        "focus_direction": focus,
        "agenda_error": error,
    }
    return render(request, "meetings/meeting.html#agenda-list", context)


def _version(data: Any) -> int | None:
    try:
        return int(data.get("version") or "")
    except ValueError:
        return None


@require_POST
@login_required
def notes_save(request: HtmxHttpRequest, meeting_id: int) -> HttpResponse:
    """The shared notes' autosave (htmx) and its Save button."""
    meeting = access.meeting_for_write(request.user, meeting_id)
    text = request.POST.get("shared_notes", "").replace("\r\n", "\n")
    version = _version(request.POST)
    try:
        saved = services.notes_save(actor=request.user, meeting=meeting, text=text, version=version)
    except ValidationError as error:
        if not request.htmx:
            _error_message(request, error)
            return _back(meeting, "notes")
        context = {
            "meeting": meeting,
            "version": request.POST.get("version", "")[:12],
            "errors": error.messages,
            "stale": "version" in error.message_dict,
        }
        return render(request, "meetings/meeting.html#notes-status", context)
    if not request.htmx:
        messages.success(request, _("Notes saved."))
        return _back(meeting, "notes")
    context = {
        "meeting": saved,
        "version": saved.notes_version,
        "saved": True,
        "now_time": timezone.localtime().strftime("%H:%M"),
    }
    return render(request, "meetings/meeting.html#notes-status", context)


@require_POST
@login_required
def private_note_save(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_read(request.user, meeting_id)
    text = request.POST.get("private_note", "").replace("\r\n", "\n")
    try:
        services.private_note_save(actor=request.user, meeting=meeting, text=text)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("Your private note is saved."))
    return _back(meeting, "private")


@require_POST
@login_required
def action_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_write(request.user, meeting_id)
    series = meeting.one_on_one
    owners = [(series.manager_id, ""), (series.report_id, "")]
    form = ActionForm(request.POST, owners=owners)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(meeting, "actions")
    owner = series.manager if form.cleaned_data["owner"] == series.manager_id else series.report
    try:
        services.action_add(
            actor=request.user,
            meeting=meeting,
            owner=owner,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
        )
    except ValidationError as error:
        _error_message(request, error)
    return _back(meeting, "actions")


@require_POST
@login_required
def action_done(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access.action_item_for_edit(request.user, item_id)
    services.action_done(actor=request.user, item=item, done=request.POST.get("done") == "1")
    back = request.POST.get("next")
    if back == "home":
        return redirect("home")
    return _back(item.meeting, "actions")


@require_POST
@login_required
def meeting_finish(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_write(request.user, meeting_id)
    try:
        services.meeting_finish(actor=request.user, meeting=meeting)
    except ValidationError as error:
        _error_message(request, error)
        return _back(meeting)
    following = services.next_scheduled(meeting)
    if following is not None:
        messages.success(
            request, _("Marked as held. Open points are on the next meeting's agenda.")
        )
        return _back(following, "agenda")
    messages.success(request, _("Marked as held."))
    return _back(meeting)


@require_POST
@login_required
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_write(request.user, meeting_id)
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return _back(meeting)
