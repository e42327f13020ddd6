"""1:1s, coaching notes and the calendar feed over the API, with the same rules as the
pages (``cadence.meetings.access``) and the same writes (``services``,
``services_notes``). A meeting and everything on it answers only its two participants
(404 to anyone else, HR included); a private note only its author; a coaching note its
manager, and HR admins while the manager shares it.

Every operation has the same shape — load through ``access``, write through a service,
answer with a schema of ``api_schemas`` — so what differs between them stands out.
"""

import datetime
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from cadence.core.api_types import Id
from cadence.core.pagination import KeysetPagination
from cadence.meetings import access, queries, services, services_agenda, services_notes
from cadence.meetings.api_schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    CalendarFeedOut,
    CoachingNoteIn,
    CoachingNoteOut,
    CoachingNotePatch,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    NotesIn,
    OneOnOneIn,
    OneOnOneOut,
    OneOnOnePatch,
    PrivateNoteIn,
    PrivateNoteOut,
    TalkingPointIn,
    TalkingPointMove,
    TalkingPointOut,
    TalkingPointPatch,
)
from cadence.meetings.models import ActionItem, CoachingNote, Meeting, OneOnOne, TalkingPoint
from cadence.people import access as people_access
from cadence.people.models import Person

router = Router(tags=["meetings"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _me(request: HttpRequest) -> Person:
    me = people_access.acting_person(request.user)
    if me is None:
        raise people_access.Refused(_("Only people of the organisation have 1:1s."))
    return me


# --- input helpers --------------------------------------------------------------------


def _time(value: object, default: datetime.time) -> datetime.time:
    """A ``WallClock`` as validated (a time), or ``default`` when not given."""
    return value if isinstance(value, datetime.time) else default


def _patched(current: object, payload: Schema, fields: tuple[str, ...]) -> dict[str, Any]:
    """``fields`` as stored, with those a PATCH sent (``None`` leaves one as it is);
    empty when it sent none of them, so the caller skips the write."""
    sent = {f: getattr(payload, f) for f in fields if getattr(payload, f) is not None}
    return {**{f: getattr(current, f) for f in fields}, **sent} if sent else {}


# --- series ------------------------------------------------------------------------------


@router.get("/one-on-ones", response=list[OneOnOneOut], summary="My 1:1 series")
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_one_on_ones(request: HttpRequest) -> QuerySet[OneOnOne]:
    people_access.require_member(request.user)
    return access.one_on_ones_of(request.user).order_by("id")


@router.post("/one-on-ones", response={201: OneOnOneOut}, summary="Set up a 1:1 series")
def create_one_on_one(request: HttpRequest, payload: OneOnOneIn) -> Status:
    manager, report = access.partner_for_setup(request.user, payload.person_id)
    series = services.series_create(
        actor=request.user,
        manager=manager,
        report=report,
        cadence=payload.cadence,
        first_on=payload.first_on,
        starts_at=_time(payload.starts_at, datetime.time(10, 0)),
        duration_minutes=payload.duration_minutes,
    )
    return Status(201, series)


@router.get("/one-on-ones/{one_on_one_id}", response=OneOnOneOut, summary="One of my 1:1 series")
def get_one_on_one(request: HttpRequest, one_on_one_id: Id) -> OneOnOne:
    return access.one_on_one_for_read(request.user, one_on_one_id)


@router.patch(
    "/one-on-ones/{one_on_one_id}",
    response=OneOnOneOut,
    summary="Change when a series meets, stop or restart it",
)
def update_one_on_one(request: HttpRequest, one_on_one_id: Id, payload: OneOnOnePatch) -> OneOnOne:
    series = access.one_on_one_for_read(request.user, one_on_one_id)
    if payload.active is not None and payload.active != series.active:
        switch = services.series_resume if payload.active else services.series_stop
        series = switch(actor=request.user, series=series)
    if schedule := _patched(
        series, payload, ("cadence", "first_on", "starts_at", "duration_minutes")
    ):
        series = services.series_update(actor=request.user, series=series, **schedule)
    return access.one_on_one_for_read(request.user, series.pk)


@router.get(
    "/one-on-ones/{one_on_one_id}/meetings",
    response=list[MeetingOut],
    summary="A series' meetings, latest first",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_meetings(request: HttpRequest, one_on_one_id: Id) -> QuerySet[Meeting]:
    series = access.one_on_one_for_read(request.user, one_on_one_id)
    return queries.meetings_of(series)


@router.post(
    "/one-on-ones/{one_on_one_id}/meetings",
    response={201: MeetingOut},
    summary="Add an extra meeting",
)
def create_meeting(request: HttpRequest, one_on_one_id: Id, payload: MeetingIn) -> Status:
    series = access.one_on_one_for_read(request.user, one_on_one_id)
    meeting = services.meeting_add(
        actor=request.user,
        series=series,
        when=payload.scheduled_at,
        duration_minutes=payload.duration_minutes,
    )
    return Status(201, meeting)


# --- a meeting ---------------------------------------------------------------------------


# What ``MeetingOut`` reads off a meeting (its url is resolved from the pk).
_MEETING_FIELDS = [f for f in MeetingOut.model_fields if f != "url"]


def _detail(request: HttpRequest, meeting: Meeting) -> SimpleNamespace:
    """The meeting with what ``MeetingDetailOut`` adds, for the caller."""
    page = queries.meeting_page(request.user, meeting)
    return SimpleNamespace(
        pk=meeting.pk,
        **{f: getattr(meeting, f) for f in (*_MEETING_FIELDS, "shared_notes", "notes_version")},
        private_note=page.private_note.text if page.private_note else "",
        talking_points=page.points,
        action_items=page.actions,
    )


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingDetailOut,
    summary="A meeting with its agenda, shared notes, action items and my private note",
)
def get_meeting(request: HttpRequest, meeting_id: Id) -> SimpleNamespace:
    return _detail(request, access.meeting_for_read(request.user, meeting_id))


@router.post(
    "/meetings/{meeting_id}/held",
    response=MeetingOut,
    summary="Mark a meeting held (open points go to the next agenda)",
)
def finish_meeting(request: HttpRequest, meeting_id: Id) -> Meeting:
    meeting = access.meeting_for_write(request.user, meeting_id)
    return services.meeting_finish(actor=request.user, meeting=meeting)


@router.post("/meetings/{meeting_id}/cancel", response=MeetingOut, summary="Cancel a meeting")
def cancel_meeting(request: HttpRequest, meeting_id: Id) -> Meeting:
    meeting = access.meeting_for_write(request.user, meeting_id)
    return services.meeting_cancel(actor=request.user, meeting=meeting)


@router.post(
    "/meetings/{meeting_id}/talking-points",
    response={201: TalkingPointOut},
    summary="Add a talking point (text, or one of the report's goals offered)",
)
def create_talking_point(request: HttpRequest, meeting_id: Id, payload: TalkingPointIn) -> Status:
    meeting = access.meeting_for_write(request.user, meeting_id)
    goal = None
    text = payload.text
    if payload.goal_id is not None:
        goal = queries.offered_goal(request.user, meeting, payload.goal_id)
        if goal is None:
            raise ValidationError(
                {"goal_id": _("Goal: not one of the report's goals offered for this agenda.")}
            )
        text = text or goal.title
    point = services_agenda.point_add(actor=request.user, meeting=meeting, text=text, goal=goal)
    return Status(201, point)


@router.patch(
    "/talking-points/{point_id}", response=TalkingPointOut, summary="Resolve or reopen a point"
)
def update_talking_point(
    request: HttpRequest, point_id: Id, payload: TalkingPointPatch
) -> TalkingPoint:
    point = access.talking_point_for_edit(request.user, point_id)
    return services_agenda.point_resolve(actor=request.user, point=point, resolved=payload.resolved)


@router.post(
    "/talking-points/{point_id}/move",
    response=list[TalkingPointOut],
    summary="Move a point up or down the agenda of a coming meeting (answers the agenda)",
)
def move_talking_point(
    request: HttpRequest, point_id: Id, payload: TalkingPointMove
) -> list[TalkingPoint]:
    point = access.talking_point_for_move(request.user, point_id)
    services_agenda.talking_point_move(actor=request.user, point=point, direction=payload.direction)
    return queries.agenda(point.meeting)


@router.delete("/talking-points/{point_id}", response={204: None}, summary="Remove a point I added")
def delete_talking_point(request: HttpRequest, point_id: Id) -> Status:
    point = access.talking_point_for_edit(request.user, point_id)
    services_agenda.point_remove(actor=request.user, point=point)
    return Status(204, None)


@router.put(
    "/meetings/{meeting_id}/notes",
    response=MeetingDetailOut,
    summary="Save the shared notes (422 when the other participant saved first)",
)
def save_notes(request: HttpRequest, meeting_id: Id, payload: NotesIn) -> SimpleNamespace:
    meeting = access.meeting_for_write(request.user, meeting_id)
    saved = services.notes_save(
        actor=request.user, meeting=meeting, text=payload.text, version=payload.version
    )
    saved.one_on_one = meeting.one_on_one
    return _detail(request, saved)


@router.put(
    "/meetings/{meeting_id}/private-note",
    response=PrivateNoteOut,
    summary="Save my private note (read by me only)",
)
def save_private_note(request: HttpRequest, meeting_id: Id, payload: PrivateNoteIn) -> Any:
    meeting = access.meeting_for_read(request.user, meeting_id)
    return services.private_note_save(actor=request.user, meeting=meeting, text=payload.text)


@router.post(
    "/meetings/{meeting_id}/action-items",
    response={201: ActionItemOut},
    summary="Add an action item for one of the two participants",
)
def create_action_item(request: HttpRequest, meeting_id: Id, payload: ActionItemIn) -> Status:
    meeting = access.meeting_for_write(request.user, meeting_id)
    series = meeting.one_on_one
    owner = {series.manager_id: series.manager, series.report_id: series.report}.get(
        payload.owner_id
    )
    if owner is None:
        raise ValidationError({"owner_id": _("Owner: one of the two participants.")})
    item = services.action_add(
        actor=request.user, meeting=meeting, owner=owner, text=payload.text, due_on=payload.due_on
    )
    return Status(201, item)


@router.get(
    "/action-items",
    response=list[ActionItemOut],
    summary="Open action items of my 1:1s (mine and the other participant's)",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_action_items(
    request: HttpRequest,
    mine: bool = Query(False, description="Only those I own."),  # noqa: B008
) -> QuerySet[ActionItem]:
    me = _me(request)
    items = queries.open_actions_for(me)
    if mine:
        items = items.filter(owner=me)
    return items.order_by("id")


@router.patch("/action-items/{item_id}", response=ActionItemOut, summary="Mark done or not done")
def update_action_item(request: HttpRequest, item_id: Id, payload: ActionItemPatch) -> ActionItem:
    item = access.action_item_for_edit(request.user, item_id)
    return services.action_done(actor=request.user, item=item, done=payload.done)


# --- coaching notes ----------------------------------------------------------------------


@router.get(
    "/coaching-notes",
    response=list[CoachingNoteOut],
    summary="My coaching notes (HR admins: also those shared with HR), newest first",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_coaching_notes(
    request: HttpRequest,
    report_id: Id | None = Query(None, description="Only the notes about this person."),
    shared: bool | None = Query(None, description="Only notes shared with HR (true) or not."),
) -> QuerySet[CoachingNote]:
    people_access.require_member(request.user)
    notes = access.coaching_notes_visible_to(request.user)
    if report_id is not None:
        notes = notes.filter(report_id=report_id)
    if shared is not None:
        notes = notes.filter(shared_with_hr_at__isnull=not shared)
    return notes.order_by("-written_on", "-id")


@router.post("/coaching-notes", response={201: CoachingNoteOut}, summary="Add a coaching note")
def create_coaching_note(request: HttpRequest, payload: CoachingNoteIn) -> Status:
    me = _me(request)
    report = access.coaching_report_for_write(request.user, payload.report_id)
    note = services_notes.coaching_note_add(
        actor=request.user,
        manager=me,
        report=report,
        text=payload.text,
        written_on=payload.written_on,
    )
    return Status(201, note)


@router.get("/coaching-notes/{note_id}", response=CoachingNoteOut, summary="One coaching note")
def get_coaching_note(request: HttpRequest, note_id: Id) -> CoachingNote:
    return access.coaching_note_for_read(request.user, note_id)


@router.patch(
    "/coaching-notes/{note_id}",
    response=CoachingNoteOut,
    summary="Change a note, or share it with HR (or stop sharing)",
)
def update_coaching_note(
    request: HttpRequest, note_id: Id, payload: CoachingNotePatch
) -> CoachingNote:
    note = access.coaching_note_for_edit(request.user, note_id)
    if changes := _patched(note, payload, ("text", "written_on")):
        note = services_notes.coaching_note_change(actor=request.user, note=note, **changes)
    if payload.shared_with_hr is not None:
        note = services_notes.coaching_note_share(
            actor=request.user, note=note, shared=payload.shared_with_hr
        )
    return note


@router.delete("/coaching-notes/{note_id}", response={204: None}, summary="Delete a note")
def delete_coaching_note(request: HttpRequest, note_id: Id) -> Status:
    note = access.coaching_note_for_edit(request.user, note_id)
    services_notes.coaching_note_delete(actor=request.user, note=note)
    return Status(204, None)


# --- calendar feed -----------------------------------------------------------------------


@router.post(
    "/calendar-feed",
    response={201: CalendarFeedOut},
    summary="Make my secret calendar URL (the old one stops working)",
)
def create_calendar_feed(request: HttpRequest) -> Status:
    me = _me(request)
    feed, token = services_notes.feed_create(actor=request.user, person=me)
    url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
    return Status(201, {"url": url, "created_at": feed.created_at})


@router.delete("/calendar-feed", response={204: None}, summary="Revoke my calendar URL")
def revoke_calendar_feed(request: HttpRequest) -> Status:
    me = _me(request)
    services_notes.feed_revoke(actor=request.user, person=me)
    return Status(204, None)
