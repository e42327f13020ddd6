"""What the goals area tells people: its target type (a goal, read by the goals rule)
and its kinds (a goal sent for approval, approved, sent back; a check-in).

Who is told is decided here, once for every goal service: ``approvers_of`` (who is
asked to approve), ``chain_owners`` (the owners up a goal's alignment chain, for a
check-in) and ``goal_readers`` (the last filter: nobody hears of a goal they may not
read — a private goal's title must not reach anyone outside its readers)."""

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadence.accounts.types import Actor
from cadence.goals import access
from cadence.goals.models import Goal
from cadence.notifications import kinds
from cadence.notifications.models import Channel
from cadence.people.models import Person

SUBMITTED = "goal.submitted"
APPROVED = "goal.approved"
RETURNED = "goal.returned"
CHECK_IN = "goal.check_in"

# A comment quoted in a bell item is cut here; the goal page has it whole.
COMMENT_SHOWN = 200


def _load_goals(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    rows = access.goals_visible_to(reader).filter(pk__in=ids).values_list("pk", "title")
    return {pk: kinds.Target(title, reverse("goals:goal", args=[pk])) for pk, title in rows}


def goal_readers(goal: Goal, people: Iterable[Person | None]) -> list[Person]:
    """The active ``people`` who may read ``goal`` now, each once.

    A public goal is read by every member, so nobody is dropped and no query is made
    (a check-in tells every owner up its chain; that must cost the same at any depth).
    A private goal is asked person by person — it is never aligned, so its only
    candidates are its owner and an approver."""
    unique: dict[int, Person] = {}
    for person in people:
        if person is not None and person.status == Person.Status.ACTIVE:
            unique.setdefault(person.pk, person)
    if goal.visibility == Goal.Visibility.PUBLIC:
        return list(unique.values())
    return [p for p in unique.values() if p.user is not None and access.can_read_goal(p.user, goal)]


def approvers_of(goal: Goal) -> list[Person]:
    """Who is asked to approve ``goal`` (``access.can_approve_goal``): the owner's
    nearest active manager — their manager, or the next one up when that one left —
    and, for the top of the organisation or a team or company goal, the HR admins."""
    owner = goal.owner_person if goal.owner_type == Goal.Owner.PERSON else None
    if owner is not None and owner.chain_ids:
        chain = owner.chain_ids
        managers = Person.objects.filter(pk__in=chain, status=Person.Status.ACTIVE).select_related(
            "user"
        )
        nearest = max(managers, key=lambda m: chain.index(m.pk), default=None)
        if nearest is not None:
            return [nearest]
    hr_admins = Person.objects.filter(
        Q(user__is_hr_admin=True) | Q(user__is_superuser=True),
        status=Person.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user")
    return [p for p in hr_admins if owner is None or p.pk != owner.pk]


def chain_owners(goal: Goal) -> list[Person]:
    """The owners of ``goal`` and of every person-owned goal it is aligned under, in
    one query whatever the depth (the chain is the goal's ``alignment_path``)."""
    chain = [int(x) for x in goal.alignment_path.strip("/").split("/") if x] or [goal.pk]
    owners = (
        Goal.objects.filter(pk__in=chain, owner_type=Goal.Owner.PERSON)
        .select_related("owner_person__user")
        .only("pk", "owner_person")
    )
    return [g.owner_person for g in owners if g.owner_person is not None]


def comment_params(comment: str) -> dict[str, str]:
    """A returned goal's comment as params: the words (cut to ``COMMENT_SHOWN``) and
    the same quoted for the sentence (" “…”"), or nothing."""
    comment = " ".join(comment.split())
    if len(comment) > COMMENT_SHOWN:
        comment = comment[: COMMENT_SHOWN - 1].rstrip() + "…"
    return {"comment": comment, "said": f" “{comment}”" if comment else ""}


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key="goals.goal", load=_load_goals, hidden=str(_("a private goal")))
    )
    group = str(_("Goals"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=SUBMITTED,
                group=group,
                label=str(_("A goal awaits my approval")),
                sentence=str(_("{actor} sent a goal for your approval: {target}.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=APPROVED,
                group=group,
                label=str(_("My goal is approved")),
                sentence=str(_("{actor} approved your goal: {target}.")),
            ),
            kinds.Kind(
                key=RETURNED,
                group=group,
                label=str(_("My goal is sent back to draft")),
                # {said}: the approver's comment, quoted, or nothing.
                sentence=str(_("{actor} sent your goal back to draft: {target}.{said}")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=CHECK_IN,
                group=group,
                label=str(_("Someone checks in on my goal or on one aligned under it")),
                sentence=str(_("{actor} checked in on {target}.")),
            ),
        ]
    )
