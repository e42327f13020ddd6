"""Coaching journal pages (a manager's notes per report; HR's list of notes shared with
them) and the calendar feed: its settings page and the ``.ics`` itself (no login — the
secret token in the URL is the key)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadence.meetings import access, ics, queries, services_notes
from cadence.meetings.forms import CoachingNoteForm, add_service_errors
from cadence.meetings.models import CoachingNote
from cadence.people import access as people_access
from cadence.people.models import Person

NAV = "meetings"
FEED_SESSION_KEY = "meetings_feed_token"


# --- coaching journal -------------------------------------------------------------------


@require_GET
@login_required
def coaching_index(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    is_hr = people_access.is_hr_admin(request.user)
    if not access.can_coach(request.user) and not is_hr:
        raise access.Refused(_("The coaching journal is for managers."))
    return render(
        request,
        "meetings/coaching_index.html",
        {
            "rows": queries.coaching_overview(request.user),
            "shared": list(queries.shared_with_hr(request.user)[:200]) if is_hr else [],
            "is_hr": is_hr,
            "nav_active": NAV,
        },
    )


def _journal_context(
    request: HttpRequest, person: Person, form: CoachingNoteForm | None = None
) -> dict[str, Any]:
    me = people_access.acting_person(request.user)
    return {
        "person": person,
        "notes": list(queries.journal(request.user, person)),
        "can_write": me is not None and access.may_write_coaching(me, person),
        "form": form or CoachingNoteForm(initial={"written_on": timezone.localdate()}),
        "nav_active": NAV,
    }


@require_GET
@login_required
def journal(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.coaching_report_for_read(request.user, person_id)
    return render(request, "meetings/journal.html", _journal_context(request, person))


@require_POST
@login_required
def coaching_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.coaching_report_for_write(request.user, person_id)
    me = people_access.acting_person(request.user)
    assert me is not None
    form = CoachingNoteForm(request.POST)
    if form.is_valid():
        try:
            services_notes.coaching_note_add(
                actor=request.user, manager=me, report=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note added to your journal."))
            return redirect("meetings:journal", person.pk)
    context = _journal_context(request, person, form)
    return render(request, "meetings/journal.html", context, status=422)


def _note_context(
    request: HttpRequest, note: CoachingNote, form: CoachingNoteForm
) -> dict[str, Any]:
    return {"note": note, "form": form, "nav_active": NAV}


@login_required
def coaching_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    note = access.coaching_note_for_edit(request.user, note_id)
    if request.method == "POST":
        form = CoachingNoteForm(request.POST)
        if form.is_valid():
            try:
                services_notes.coaching_note_change(
                    actor=request.user, note=note, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Note saved."))
                return redirect("meetings:journal", note.report_id)
        return render(
            request, "meetings/coaching_edit.html", _note_context(request, note, form), status=422
        )
    if request.method != "GET":
        return HttpResponse(status=405)
    form = CoachingNoteForm(initial={"written_on": note.written_on, "text": note.text})
    return render(request, "meetings/coaching_edit.html", _note_context(request, note, form))


@require_POST
@login_required
def coaching_share(request: HttpRequest, note_id: int) -> HttpResponse:
    note = access.coaching_note_for_edit(request.user, note_id)
    shared = request.POST.get("shared") == "1"
    services_notes.coaching_note_share(actor=request.user, note=note, shared=shared)
    messages.success(
        request,
        _("HR admins can now read this note.") if shared else _("This note is yours alone again."),
    )
    return redirect("meetings:journal", note.report_id)


@require_POST
@login_required
def coaching_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    note = access.coaching_note_for_edit(request.user, note_id)
    report_id = note.report_id
    services_notes.coaching_note_delete(actor=request.user, note=note)
    messages.success(request, _("Note deleted."))
    return redirect("meetings:journal", report_id)


# --- calendar feed ----------------------------------------------------------------------


@require_GET
@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    token = request.session.pop(FEED_SESSION_KEY, None)
    url = (
        request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "meetings/calendar.html",
        {"feed": access.live_feed_of(request.user), "new_url": url, "nav_active": NAV},
    )


def _me_or_404(request: HttpRequest) -> Person:
    me = people_access.acting_person(request.user)
    if me is None:
        raise Http404
    return me


@require_POST
@login_required
def calendar_create(request: HttpRequest) -> HttpResponse:
    me = _me_or_404(request)
    _feed, token = services_notes.feed_create(actor=request.user, person=me)
    # Shown once, on the next page: kept in the session until then, never stored.
    request.session[FEED_SESSION_KEY] = token
    messages.success(request, _("Your calendar link is ready. Copy it now: it is shown once."))
    return redirect("meetings:calendar")


@require_POST
@login_required
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    me = _me_or_404(request)
    services_notes.feed_revoke(actor=request.user, person=me)
    messages.success(request, _("Your calendar link no longer works."))
    return redirect("meetings:calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = services_notes.feed_for_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(ics.feed(feed.person), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cadence-1-1s.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
