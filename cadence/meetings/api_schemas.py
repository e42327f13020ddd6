"""The 1:1 API's input and output shapes (``cadence.meetings.api``): what each
operation reads and answers, never a model dumped as it is. A name is shown as the
reader may see it (``name_shown``); a private note is only ever the caller's own."""

import datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

from cadence.core.api_types import LONG_TEXT, Day, Id, Text
from cadence.meetings import services_agenda
from cadence.meetings.models import Meeting, OneOnOne
from cadence.people.display import name_shown

# --- output ------------------------------------------------------------------------------

# Resolvers the output schemas share: ninja collects any ``resolve_<field>`` staticmethod,
# so one factory per kind of derived value replaces a method per schema and field.


def _name_of(relation: str) -> Any:
    """``<relation>_name``: the person's name as the reader may see it."""

    def resolve(obj: Any, context: Any) -> str:
        return name_shown(context["request"].user, getattr(obj, relation))

    return staticmethod(resolve)


def _is_set(moment: str) -> Any:
    """A flag that holds once the ``moment`` field has a time (resolved, done, shared)."""

    def resolve(obj: Any) -> bool:
        return getattr(obj, moment) is not None

    return staticmethod(resolve)


def _url_of(view: str) -> Any:
    """The object's page."""

    def resolve(obj: Any) -> str:
        return reverse(view, args=[obj.pk])

    return staticmethod(resolve)


class OneOnOneOut(Schema):
    id: int
    manager_id: int
    manager_name: str
    report_id: int
    report_name: str
    cadence: OneOnOne.Cadence
    first_on: datetime.date
    starts_at: str = Field(description="HH:MM, the local time in time_zone.")
    duration_minutes: int
    time_zone: str
    active: bool
    url: str

    resolve_manager_name = _name_of("manager")
    resolve_report_name = _name_of("report")
    resolve_url = _url_of("meetings:series")

    @staticmethod
    def resolve_starts_at(obj: OneOnOne) -> str:
        return obj.starts_at.strftime("%H:%M")


class MeetingOut(Schema):
    id: int
    one_on_one_id: int
    scheduled_at: datetime.datetime
    duration_minutes: int
    state: Meeting.State
    ad_hoc: bool
    sequence: int
    url: str

    resolve_url = _url_of("meetings:meeting")


class TalkingPointOut(Schema):
    id: int
    meeting_id: int
    author_id: int
    author_name: str
    text: str
    order: int
    resolved: bool
    carried_from_id: int | None = Field(description="The earlier meeting's point it continues.")
    goal_id: int | None

    resolve_author_name = _name_of("author")
    resolve_resolved = _is_set("resolved_at")


class ActionItemOut(Schema):
    id: int
    meeting_id: int
    owner_id: int
    owner_name: str
    text: str
    due_on: datetime.date | None
    done: bool
    done_at: datetime.datetime | None

    resolve_owner_name = _name_of("owner")
    resolve_done = _is_set("done_at")


class MeetingDetailOut(MeetingOut):
    shared_notes: str
    notes_version: int = Field(description="Send it back to PUT …/notes (optimistic lock).")
    private_note: str = Field(description="The caller's own private note: nobody else's.")
    talking_points: list[TalkingPointOut]
    action_items: list[ActionItemOut]


class PrivateNoteOut(Schema):
    meeting_id: int
    text: str
    updated_at: datetime.datetime


class CoachingNoteOut(Schema):
    id: int
    manager_id: int
    manager_name: str
    report_id: int
    report_name: str
    written_on: datetime.date
    text: str
    shared_with_hr: bool
    shared_with_hr_at: datetime.datetime | None
    updated_at: datetime.datetime

    resolve_manager_name = _name_of("manager")
    resolve_report_name = _name_of("report")
    resolve_shared_with_hr = _is_set("shared_with_hr_at")


class CalendarFeedOut(Schema):
    url: str = Field(description="The secret feed URL: shown in this answer only.")
    created_at: datetime.datetime


# --- input -------------------------------------------------------------------------------


def _wall_clock(value: str) -> datetime.time:
    return datetime.time(int(value[:2]), int(value[3:5]))


def _moment(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(_("Give a time zone offset."))
    if not 1900 <= value.year <= 2199:
        raise ValueError(_("Give a date between 1900 and 2199."))
    return value


WallClock = Annotated[
    str,
    Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="HH:MM, the local time in the series' time zone.",
    ),
    AfterValidator(_wall_clock),
]
Moment = Annotated[datetime.datetime, AfterValidator(_moment)]


class OneOnOneIn(Schema):
    person_id: Id = Field(description="Your direct report, or your manager.")
    cadence: OneOnOne.Cadence = OneOnOne.Cadence.BIWEEKLY
    first_on: Day
    starts_at: WallClock | None = Field(None, description="HH:MM; 10:00 when not given.")
    duration_minutes: int = Field(30, ge=5, le=240)


class OneOnOnePatch(Schema):
    cadence: OneOnOne.Cadence | None = None
    first_on: Day | None = None
    starts_at: WallClock | None = None
    duration_minutes: int | None = Field(None, ge=5, le=240)
    active: bool | None = Field(None, description="false stops the series.")


class MeetingIn(Schema):
    scheduled_at: Moment = Field(description="With a time zone offset.")
    duration_minutes: int = Field(30, ge=5, le=240)


class TalkingPointIn(Schema):
    text: Text = Field("", max_length=services_agenda.POINT_MAX)
    goal_id: Id | None = Field(None, description="One of the report's goals offered on the page.")


class TalkingPointPatch(Schema):
    resolved: bool


class TalkingPointMove(Schema):
    direction: Literal["up", "down"] = Field(
        description="One place up or down the agenda; at its end the point stays put."
    )


class NotesIn(Schema):
    text: Text = Field(max_length=LONG_TEXT)
    version: int = Field(ge=0, le=2**31, description="The notes_version the text rests on.")


class PrivateNoteIn(Schema):
    text: Text = Field(max_length=LONG_TEXT)


class ActionItemIn(Schema):
    text: Text = Field(max_length=services_agenda.POINT_MAX)
    owner_id: Id
    due_on: Day | None = None


class ActionItemPatch(Schema):
    done: bool


class CoachingNoteIn(Schema):
    report_id: Id
    written_on: Day
    text: Text = Field(max_length=LONG_TEXT)


class CoachingNotePatch(Schema):
    written_on: Day | None = None
    text: Text | None = Field(None, max_length=LONG_TEXT)
    shared_with_hr: bool | None = None
