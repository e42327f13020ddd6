"""Who may read and do what with feedback, requests, praise and abuse reports — the only
place it is decided (docs/feedback.md).

Reading feedback
* Public praise: every member of the organisation.
* Private feedback: the giver, the receiver and the receiver's manager chain (as it is
  now: a new manager reads what their report received before). Not HR, not the
  executive, not a peer: people must be able to speak plainly to each other.
* HR admins read a private feedback only once someone has reported it to them (the
  abuse queue): that is the one door through which HR sees it.
* Hidden feedback (HR hid it after a report) is gone for everyone but HR admins: from
  lists, the wall, the API, counts and notifications. Its receiver and giver no longer
  see it either; HR keeps it, with who hid it, when and why.

Requests for feedback: the requester, the person it is about and the colleagues asked
read the request; an asked colleague sees only their own ask among the asks.

Refusals answer 404 where the actor may not know the object exists and 403
(``Refused``) with a sentence where they may see it but not do this.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.feedback.models import (
    AbuseReport,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
)
from cadence.goals.access import goals_visible_to
from cadence.goals.models import Goal
from cadence.people.access import (
    Refused,
    acting_person,
    is_hr_admin,
    is_in_line_of,
    is_member,
    line_filter,
    people_visible_to,
    require_member,
)
from cadence.people.models import Department, Person

__all__ = [
    "Refused",
    "ask_for_answer",
    "can_read_feedback",
    "feedback_for_moderation",
    "feedback_for_react",
    "feedback_for_read",
    "feedback_for_report",
    "feedback_visible_to",
    "request_for_read",
    "requests_visible_to",
]


# --- feedback -----------------------------------------------------------------------------


def _reported() -> Exists:
    return Exists(AbuseReport.objects.filter(feedback=OuterRef("pk")))


def feedback_visible_to(user: Actor) -> QuerySet[Feedback]:
    """Feedback the user may read (the rule above). Unknown or outside users get none."""
    if not is_member(user):
        return Feedback.objects.none()
    me = acting_person(user)
    shown = Q(hidden_at__isnull=True)
    visible = Q(visibility=Feedback.Visibility.PUBLIC)
    if me is not None:
        visible |= Q(giver=me) | Q(receiver=me) | line_filter(me, through="receiver__")
    # HR admins read the rest only through a report (``can_read_feedback``, the queue):
    # never in lists, counts or a review's evidence.
    return Feedback.objects.filter(shown & visible)


def public_praise_visible_to(user: Actor) -> QuerySet[Feedback]:
    """The wall: public, not hidden (HR too: the wall is everybody's wall)."""
    if not is_member(user):
        return Feedback.objects.none()
    return Feedback.objects.filter(visibility=Feedback.Visibility.PUBLIC, hidden_at__isnull=True)


def can_read_feedback(user: Actor, feedback: Feedback) -> bool:
    if not is_member(user):
        return False
    if is_hr_admin(user) and feedback.reports.exists():
        return True
    if feedback.hidden_at is not None:
        return False
    if feedback.visibility == Feedback.Visibility.PUBLIC:
        return True
    me = acting_person(user)
    if me is None:
        return False
    return me.pk in (feedback.giver_id, feedback.receiver_id) or is_in_line_of(
        me, feedback.receiver
    )


def _feedback(feedback_id: int) -> Feedback | None:
    return (
        Feedback.objects.select_related("giver", "receiver", "goal", "hidden_by")
        .filter(pk=feedback_id)
        .first()
    )


def feedback_for_read(user: Actor, feedback_id: int) -> Feedback:
    feedback = _feedback(feedback_id)
    if feedback is None or not can_read_feedback(user, feedback):
        raise Http404
    return feedback


def feedback_for_react(user: Actor, feedback_id: int) -> Feedback:
    """Public praise a person may applaud: readable, public, not their own."""
    feedback = feedback_for_read(user, feedback_id)
    me = acting_person(user)
    if me is None:
        raise Refused(_("Only employees can react to praise."))
    if feedback.visibility != Feedback.Visibility.PUBLIC or feedback.hidden_at is not None:
        raise Refused(_("Only public praise takes reactions."))
    return feedback


def feedback_for_report(user: Actor, feedback_id: int) -> Feedback:
    """Feedback a reader may report to HR: anyone who can read it but its giver."""
    feedback = feedback_for_read(user, feedback_id)
    me = acting_person(user)
    if me is None:
        raise Refused(_("Only employees can report feedback."))
    if feedback.giver_id == me.pk:
        raise Refused(_("You wrote this feedback: you cannot report it."))
    if feedback.hidden_at is not None:
        raise Refused(_("HR has already hidden this feedback."))
    return feedback


def can_moderate(user: Actor) -> bool:
    return is_hr_admin(user)


def require_moderator(user: Actor) -> None:
    require_member(user)
    if not can_moderate(user):
        raise Refused(_("Only HR admins review reported feedback."))


def feedback_for_moderation(user: Actor, feedback_id: int) -> Feedback:
    """Reported feedback, locked for HR's decision; 404 for feedback nobody reported."""
    require_moderator(user)
    feedback = (
        Feedback.objects.select_for_update(of=("self",)).filter(_reported(), pk=feedback_id).first()
    )
    if feedback is None:
        raise Http404
    return feedback


def reports_queue(user: Actor) -> QuerySet[AbuseReport]:
    require_moderator(user)
    return AbuseReport.objects.all()


# --- giving ------------------------------------------------------------------------------


def require_giver(user: Actor) -> Person:
    """The acting person, who gives or asks; HR accounts without a person cannot."""
    require_member(user)
    me = acting_person(user)
    if me is None:
        raise Refused(_("Only employees can give or ask for feedback."))
    return me


def receiver_for_give(user: Actor, person_id: int | None, *, field: str = "receiver") -> Person:
    """The colleague feedback goes to: active, not oneself. Unknown and left read alike."""
    me = require_giver(user)
    person = None
    if person_id is not None:
        person = Person.objects.filter(pk=person_id, status=Person.Status.ACTIVE).first()
    if person is None:
        raise ValidationError(
            {
                field: _(
                    "Colleague: choose an active colleague from the suggestions, or type their "
                    "work email."
                )
            }
        )
    if person.pk == me.pk:
        raise ValidationError({field: _("Colleague: you cannot give feedback to yourself.")})
    return person


def active_person(user: Actor, *, person_id: int | None = None, email: str = "") -> Person | None:
    """An active colleague named by id (a link) or work email (a form), for a member;
    None for unknown and left alike. Who may be given feedback is ``receiver_for_give``."""
    if not is_member(user):
        return None
    people = Person.objects.filter(status=Person.Status.ACTIVE)
    if person_id is not None:
        return people.filter(pk=person_id).first()
    email = email.strip()
    return people.filter(work_email__iexact=email).first() if email else None


def people_by_email(user: Actor, addresses: list[str]) -> dict[str, int]:
    """Work email (lower case) → person id, for the addresses a request names: anyone,
    as the directory shows every member; whether they may be asked is
    ``recipients_for_request``'s answer."""
    if not is_member(user) or not addresses:
        return {}
    rows = Person.objects.filter(work_email__in=addresses).values_list("work_email", "pk")
    return {email.lower(): pk for email, pk in rows}


def goal_for_link(user: Actor, goal_id: int | None) -> Goal | None:
    """A goal the giver may read, to link feedback or a request to."""
    if goal_id is None:
        return None
    goal = goals_visible_to(user).filter(pk=goal_id).first()
    if goal is None:
        raise ValidationError({"goal": _("Goal: choose a goal you can see.")})
    return goal


def readable_goal_ids(user: Actor, goal_ids: set[int]) -> set[int]:
    """Which of these goals the reader may read (one query)."""
    if not goal_ids:
        return set()
    return set(goals_visible_to(user).filter(pk__in=goal_ids).values_list("pk", flat=True))


# --- requests -----------------------------------------------------------------------------


def subject_for_request(user: Actor, person_id: int | None) -> Person:
    """Whom a request is about: the requester, or someone in their line (active)."""
    me = require_giver(user)
    if person_id is None or person_id == me.pk:
        return me
    person = Person.objects.filter(pk=person_id, status=Person.Status.ACTIVE).first()
    if person is None or not is_in_line_of(me, person):
        raise ValidationError({"subject": _("About: yourself, or someone who reports to you.")})
    return person


def recipients_for_request(user: Actor, subject: Person, person_ids: list[int]) -> list[Person]:
    """The colleagues asked. Refused, naming the field: nobody, someone who left or is
    unknown, the requester themself, or the person the feedback is about."""
    me = require_giver(user)
    wanted = list(dict.fromkeys(person_ids))
    if not wanted:
        raise ValidationError({"recipients": _("Colleagues: choose at least one colleague.")})
    if me.pk in wanted:
        raise ValidationError({"recipients": _("Colleagues: you cannot ask yourself.")})
    if subject.pk in wanted:
        raise ValidationError(
            {
                "recipients": _("Colleagues: %(name)s cannot be asked about themself.")
                % {"name": subject.full_name}
            }
        )
    # Through the directory's rule (active people): an id of someone who left, of nobody,
    # or forged, reads alike — the answer does not tell whether the person exists.
    found = {p.pk: p for p in people_visible_to(user).filter(pk__in=wanted)}
    gone = [pk for pk in wanted if pk not in found or found[pk].status != Person.Status.ACTIVE]
    if gone:
        raise ValidationError(
            {"recipients": _("Colleagues: someone you chose has left or does not exist.")}
        )
    return [found[pk] for pk in wanted]


def requests_visible_to(user: Actor) -> QuerySet[FeedbackRequest]:
    me = acting_person(user)
    if me is None:
        return FeedbackRequest.objects.none()
    asked = Exists(FeedbackAsk.objects.filter(request=OuterRef("pk"), recipient=me))
    return FeedbackRequest.objects.filter(Q(requester=me) | Q(subject=me) | asked)


def request_for_read(user: Actor, request_id: int) -> FeedbackRequest:
    request = (
        requests_visible_to(user)
        .select_related("requester", "subject", "goal", "competency")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    return request


def sees_all_asks(user: Actor, request: FeedbackRequest) -> bool:
    """The requester and the subject see every ask; an asked colleague only theirs."""
    me = acting_person(user)
    return me is not None and me.pk in (request.requester_id, request.subject_id)


def ask_for_answer(user: Actor, ask_id: int) -> FeedbackAsk:
    """An ask waiting for the acting person, locked; 404 for anyone else's."""
    me = require_giver(user)
    ask = (
        FeedbackAsk.objects.select_for_update(of=("self",))
        .select_related("request__subject", "request__requester", "request__goal")
        .filter(pk=ask_id, recipient=me)
        .first()
    )
    if ask is None:
        raise Http404
    if ask.state != FeedbackAsk.State.PENDING:
        raise Refused(_("You have already answered or declined this request."))
    return ask


def ask_for_read(user: Actor, ask_id: int) -> FeedbackAsk:
    me = require_giver(user)
    ask = (
        FeedbackAsk.objects.select_related(
            "request__subject", "request__requester", "request__goal", "request__competency"
        )
        .filter(pk=ask_id, recipient=me)
        .first()
    )
    if ask is None:
        raise Http404
    return ask


# --- company values -------------------------------------------------------------------------


def can_manage_values(user: Actor) -> bool:
    return is_hr_admin(user)


def require_values_manager(user: Actor) -> None:
    require_member(user)
    if not can_manage_values(user):
        raise Refused(_("Only HR admins keep the list of company values."))


def values_for_tagging(user: Actor, value_ids: list[int]) -> list[CompanyValue]:
    """The company values named by id (a member's tags); 422 naming the field for any
    that does not exist. Whether each is still in use is the service's check."""
    found = list(CompanyValue.objects.filter(pk__in=value_ids)) if is_member(user) else []
    if len(found) != len(set(value_ids)):
        raise ValidationError({"value_ids": _("Values: choose values from the list.")})
    return found


def value_for_filter(user: Actor, value_id: int | None) -> CompanyValue | None:
    """A value to filter the wall by: every member sees the list."""
    if value_id is None or not is_member(user):
        return None
    return CompanyValue.objects.filter(pk=value_id).first()


def department_for_filter(user: Actor, department_id: int | None) -> Department | None:
    """A department to filter the wall by (the directory is every member's)."""
    if department_id is None or not is_member(user):
        return None
    return Department.objects.filter(pk=department_id).first()


def value_for_edit(user: Actor, value_id: int) -> CompanyValue:
    require_values_manager(user)
    value = CompanyValue.objects.select_for_update().filter(pk=value_id).first()
    if value is None:
        raise Http404
    return value
