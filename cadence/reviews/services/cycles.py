"""Review cycles: creating and editing them while draft, who takes part, launching,
late joiners, people changes mid-cycle and moving from phase to phase.

Invariants kept here (docs/reviews.md, "Cycles and launch"):

* **One truth for who takes part.** ``participants`` (and ``left_out``, which says why
  everyone else is not in) is the rule the preview shows and the launch inserts: the two
  can never disagree.
* **Launching is set-based and idempotent.** Reviews and assignments are written with
  ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (the house pattern of
  ``cadence.notifications.sweeps``): a handful of statements whatever the size of the
  organisation, and the unique constraints (one review per participant, one assignment
  per review, writer and type) make a second launch — or ``cycle_add_late_joiners`` —
  add only what is missing. Everything runs in one transaction: a failure half-way
  leaves the cycle as it was.
* **Deadlines run in phase order**, each after the one before; a refusal names the field.
* **People changes mid-cycle** (``cycle_sync_people``, run every quarter hour by the
  ``review-people-sync`` sweep and on demand by HR from the cycle page):
  a new manager takes over the manager review (the old assignment closes, the new one
  points to it with ``moved_from`` so the old draft stays readable); a leaver's open
  assignments close, written ones are kept.

Notifications (``reviews.notifications``) are written inside each service's transaction.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.people.models import Department, Person
from cadence.planning.models import PerformancePeriod
from cadence.reviews import notifications
from cadence.reviews.models import (
    Assignment,
    PeerNomination,
    Review,
    ReviewCycle,
    ReviewerType,
    ReviewTemplate,
    TemplateVersion,
)

Phase = ReviewCycle.Phase


class _LeftOutReason(TypedDict):
    left_out: str


class _NowManager(TypedDict):
    now_manager: int | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    PersonLeftOut = WithAnnotations[Person, _LeftOutReason]
    Participant = WithAnnotations[Person, _NowManager]
else:  # django-stubs-ext is a development dependency; at run time the model is the type
    PersonLeftOut = Person
    Participant = Person

# The phases in the order a cycle goes through them; DRAFT → the first phase is the launch.
PHASE_ORDER: list[str] = [
    Phase.DRAFT,
    Phase.NOMINATION,
    Phase.APPROVAL,
    Phase.WRITING,
    Phase.CALIBRATION,
    Phase.RELEASE,
    Phase.ACKNOWLEDGEMENT,
    Phase.CLOSED,
]
# Phases that only exist for peer reviews (nominating and approving peers).
PEER_PHASES = (Phase.NOMINATION, Phase.APPROVAL)
# Late joiners may be added until the writing ends.
JOINABLE_PHASES = (Phase.NOMINATION, Phase.APPROVAL, Phase.WRITING)

# Phase deadlines in order: each must fall after the one before.
DEADLINES: list[tuple[str, Any]] = [
    ("nomination_deadline", gettext_lazy("peer nomination")),
    ("approval_deadline", gettext_lazy("approval of peers")),
    ("writing_deadline", gettext_lazy("writing")),
    ("calibration_deadline", gettext_lazy("calibration")),
    ("acknowledgement_deadline", gettext_lazy("acknowledgement")),
]

SECTION_WEIGHTS = ("goals", "competencies", "questions")
REVIEWER_WEIGHTS = tuple(t.value for t in ReviewerType)

# Every setting a draft cycle's form or the API may set, with its default.
SETTINGS: dict[str, Any] = {
    "criteria": dict,
    "nomination_deadline": None,
    "approval_deadline": None,
    "calibration_deadline": None,
    "acknowledgement_deadline": None,
    "grace_days": 0,
    "peers_min": 3,
    "peers_max": 5,
    "peer_load_cap": 5,
    "anonymity_threshold": 3,
    "manager_sees_peer_results": True,
    "hr_sees_attribution": False,
    "manager_may_release": False,
    "reminder_days_before": 3,
    "escalate_after_days": 3,
    "score_weights": dict,
}
FIELDS = ("name", "template_version", "period", "review_types", "writing_deadline", *SETTINGS)


# --- who takes part ------------------------------------------------------------------------


class LeftOut(models.TextChoices):
    """Why someone is not in the cycle — the first reason that applies, in this order."""

    LEFT = "left", gettext_lazy("Left the company")
    DEPARTMENT = "department", gettext_lazy("Outside the chosen departments")
    LOCATION = "location", gettext_lazy("Location not chosen")
    LEVEL = "level", gettext_lazy("Level not chosen")
    STARTED_AFTER = "started_after", gettext_lazy("Started after the cut-off")
    EXCLUDED = "excluded", gettext_lazy("Excluded by name")


def departments_with_those_below(department_ids: Iterable[int]) -> list[int]:
    """The chosen departments and every department below them (by ``full_name``)."""
    names = list(Department.objects.filter(pk__in=list(department_ids)).values_list("full_name"))
    if not names:
        return []
    below = Q()
    for (name,) in names:
        below |= Q(full_name=name) | Q(full_name__startswith=name + "/")
    return list(Department.objects.filter(below).values_list("pk", flat=True))


def _conditions(criteria: dict[str, Any]) -> list[tuple[str, Q]]:
    """Each rule a participant must meet, with the reason given to those who do not."""
    rules: list[tuple[str, Q]] = [(LeftOut.LEFT, Q(status=Person.Status.ACTIVE))]
    if criteria.get("departments"):
        ids = departments_with_those_below(criteria["departments"])
        rules.append((LeftOut.DEPARTMENT, Q(department_id__in=ids or [0])))
    if criteria.get("locations"):
        rules.append((LeftOut.LOCATION, Q(location__in=criteria["locations"])))
    if criteria.get("levels"):
        rules.append((LeftOut.LEVEL, Q(level__in=criteria["levels"])))
    if criteria.get("started_before"):
        cutoff = datetime.date.fromisoformat(criteria["started_before"])
        # Someone whose start date is unknown is not "after" the cut-off: they are in.
        rules.append(
            (LeftOut.STARTED_AFTER, Q(start_date__isnull=True) | Q(start_date__lte=cutoff))
        )
    if criteria.get("exclude"):
        rules.append((LeftOut.EXCLUDED, ~Q(pk__in=criteria["exclude"])))
    return rules


def participants(criteria: dict[str, Any]) -> QuerySet[Person]:
    """Everyone the cycle's criteria take in (active people only), unordered."""
    inside = Q()
    for _reason, rule in _conditions(criteria):
        inside &= rule
    return Person.objects.filter(inside).order_by()


def left_out(criteria: dict[str, Any]) -> "QuerySet[PersonLeftOut]":
    """Everyone else, annotated with ``left_out`` — the first ``LeftOut`` reason that
    applies. ``participants`` and this are the two halves of the same rule."""
    reason = Case(
        *(When(~rule, then=Value(str(code))) for code, rule in _conditions(criteria)),
        default=Value(""),
        output_field=models.CharField(),
    )
    return Person.objects.annotate(left_out=reason).exclude(left_out="").order_by()


def _active_manager() -> Case:
    """The person's manager now, when that manager is still here (None otherwise):
    the writer of the manager review."""
    return Case(
        When(manager__status=Person.Status.ACTIVE, then="manager_id"),
        default=None,
        output_field=models.BigIntegerField(),
    )


@dataclass
class ParticipantsPreview:
    """What HR sees before launching: how many are in, how many without a manager
    (no manager review for them), and for everyone left out, how many per reason."""

    included: int
    without_manager: int
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())

    @property
    def left_out_rows(self) -> list[tuple[str, str, int]]:
        """(code, label, count) per reason, in the order reasons are checked."""
        return [
            (code, str(label), self.left_out[code])
            for code, label in LeftOut.choices
            if self.left_out.get(code)
        ]


def participants_preview(cycle: ReviewCycle) -> ParticipantsPreview:
    """The counts of the preview (three queries). The lists themselves are
    ``participants_list`` and ``left_out_list``, paginated by the caller."""
    people = participants(cycle.criteria).annotate(now_manager=_active_manager())
    included = people.count()
    without_manager = people.filter(now_manager__isnull=True).count()
    counts = Counter(
        dict(
            left_out(cycle.criteria)
            .values_list("left_out")
            .annotate(n=models.Count("id"))
            .values_list("left_out", "n")
        )
    )
    return ParticipantsPreview(
        included=included, without_manager=without_manager, left_out=dict(counts)
    )


def participants_list(cycle: ReviewCycle) -> "QuerySet[Participant]":
    """Who is in, in name order, with ``now_manager`` (None: no manager review)."""
    return (
        participants(cycle.criteria)
        .annotate(now_manager=_active_manager())
        .select_related("department")
        .order_by("last_name", "first_name", "id")
    )


def left_out_list(cycle: ReviewCycle, reason: str = "") -> "QuerySet[PersonLeftOut]":
    """Who is not in and why (``left_out``), in name order; one reason when given."""
    people = left_out(cycle.criteria).select_related("department")
    if reason:
        people = people.filter(left_out=reason)
    return people.order_by("last_name", "first_name", "id")


# --- creating and editing ------------------------------------------------------------------


def latest_version(template: ReviewTemplate) -> TemplateVersion | None:
    return template.versions.order_by("-number").first()


def _error(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _clean_criteria(raw: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        _error(errors, "criteria", _("Participants' criteria must be a set of rules."))
        return {}
    unknown = set(raw) - {"departments", "locations", "levels", "started_before", "exclude"}
    if unknown:
        _error(
            errors,
            "criteria",
            _("Unknown participants' criteria: %(names)s.") % {"names": ", ".join(sorted(unknown))},
        )
    criteria: dict[str, Any] = {}
    for key in ("departments", "exclude"):
        ids = raw.get(key) or []
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            _error(errors, "criteria", _("%(key)s must be a list of ids.") % {"key": key})
            continue
        if ids:
            model = Department if key == "departments" else Person
            found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = sorted(set(ids) - found)
            if missing:
                _error(
                    errors,
                    "criteria",
                    _("No such %(what)s: %(ids)s.")
                    % {
                        "what": _("department") if key == "departments" else _("person"),
                        "ids": ", ".join(map(str, missing)),
                    },
                )
            criteria[key] = sorted(found)
    for key in ("locations", "levels"):
        values = raw.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            _error(errors, "criteria", _("%(key)s must be a list of names.") % {"key": key})
            continue
        if values:
            criteria[key] = sorted(set(values))
    cutoff = raw.get("started_before")
    if cutoff:
        try:
            day = (
                cutoff if isinstance(cutoff, datetime.date) else datetime.date.fromisoformat(cutoff)
            )
        except (TypeError, ValueError):
            _error(errors, "criteria", _("The start-date cut-off must be a date (YYYY-MM-DD)."))
        else:
            criteria["started_before"] = day.isoformat()
    return criteria


def _clean_weights(raw: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    """Empty (the documented defaults) or both groups, each summing to 100."""
    if not raw:
        return {}
    groups = {"sections": SECTION_WEIGHTS, "reviewers": REVIEWER_WEIGHTS}
    if not isinstance(raw, dict) or set(raw) != set(groups):
        _error(
            errors,
            "score_weights",
            _("Score weights need both groups: sections and reviewers."),
        )
        return {}
    weights: dict[str, Any] = {}
    for group, keys in groups.items():
        given = raw[group]
        if (
            not isinstance(given, dict)
            or set(given) != set(keys)
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in given.values())
        ):
            _error(
                errors,
                "score_weights",
                _("The %(group)s weights need a whole number for each of %(keys)s.")
                % {"group": group, "keys": ", ".join(keys)},
            )
            continue
        if any(v < 0 for v in given.values()):
            _error(
                errors,
                "score_weights",
                _("The %(group)s weights cannot be negative.") % {"group": group},
            )
        elif sum(given.values()) != 100:
            _error(
                errors,
                "score_weights",
                _("The %(group)s weights must add up to 100 (they add up to %(sum)s).")
                % {"group": group, "sum": sum(given.values())},
            )
        weights[group] = {k: given[k] for k in keys}
    return weights


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Every setting checked at once; a ValidationError names each bad field."""
    errors: dict[str, list[str]] = {}
    values = dict(values)
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        _error(errors, "name", _("Give the cycle a name, e.g. FY2027 annual review."))
    types = values.get("review_types") or []
    if not types:
        _error(errors, "review_types", _("Choose at least one review type."))
    elif not set(types) <= set(REVIEWER_WEIGHTS):
        _error(errors, "review_types", _("Review types are self, manager, peer and upward."))
    # In a fixed order, whatever order they were given in.
    values["review_types"] = [t for t in REVIEWER_WEIGHTS if t in types]
    period: PerformancePeriod | None = values.get("period")
    if period is None:
        _error(errors, "period", _("Choose the period the cycle reviews."))
    elif period.is_closed:
        _error(
            errors, "period", _("%(period)s is closed: choose an open period.") % {"period": period}
        )
    if values.get("template_version") is None:
        _error(errors, "template", _("Choose a review template with at least one version."))
    if not values.get("writing_deadline"):
        _error(errors, "writing_deadline", _("Give the writing deadline."))
    if ReviewerType.PEER in types:
        for name in ("nomination_deadline", "approval_deadline"):
            if not values.get(name):
                _error(
                    errors,
                    name,
                    _("Peer reviews need a %(phase)s deadline.") % {"phase": dict(DEADLINES)[name]},
                )
    previous: tuple[str, datetime.date] | None = None
    for name, phase in DEADLINES:
        day = values.get(name)
        if not day:
            continue
        if previous is not None and day <= previous[1]:
            _error(
                errors,
                name,
                _("The %(phase)s deadline must be after the %(before)s deadline (%(day)s).")
                % {
                    "phase": phase,
                    "before": dict(DEADLINES)[previous[0]],
                    "day": previous[1].strftime("%-d %b %Y"),
                },
            )
        previous = (name, day)
    for name in ("grace_days", "reminder_days_before", "escalate_after_days"):
        if not 0 <= values[name] <= 365:
            _error(errors, name, _("Give a number of days between 0 and 365."))
    if not 0 <= values["peers_min"] <= 50:
        _error(errors, "peers_min", _("Ask for between 0 and 50 peers."))
    if values["peers_max"] < values["peers_min"] or values["peers_max"] > 50:
        _error(
            errors,
            "peers_max",
            _("The most peers must be at least the fewest (%(min)s) and at most 50.")
            % {"min": values["peers_min"]},
        )
    if not 1 <= values["peer_load_cap"] <= 100:
        _error(errors, "peer_load_cap", _("One person may write between 1 and 100 peer reviews."))
    if not 2 <= values["anonymity_threshold"] <= 100:
        _error(
            errors,
            "anonymity_threshold",
            _("The anonymity threshold must be at least 2: one answer would name its writer."),
        )
    values["criteria"] = _clean_criteria(values.get("criteria"), errors)
    values["score_weights"] = _clean_weights(values.get("score_weights"), errors)
    if errors:
        raise ValidationError(errors)
    return values


def _name_taken(name: str, cycle: ReviewCycle | None = None) -> bool:
    others = ReviewCycle.objects.filter(name__iexact=name)
    if cycle is not None:
        others = others.exclude(pk=cycle.pk)
    return others.exists()


@transaction.atomic
def cycle_create(
    *,
    actor: Actor | None,
    name: str,
    template: ReviewTemplate | None,
    period: PerformancePeriod | None,
    review_types: Sequence[str],
    writing_deadline: datetime.date | None,
    **settings: Any,
) -> ReviewCycle:
    """A draft cycle on the template's latest version. ``settings`` are the optional
    fields of ``SETTINGS`` (the model's defaults otherwise)."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"cycle_create() got unknown settings: {', '.join(sorted(unknown))}")
    values = {
        key: (default() if callable(default) else default) for key, default in SETTINGS.items()
    }
    values.update(settings)
    version = latest_version(template) if template is not None else None
    if template is not None and template.archived:
        raise ValidationError({"template": _("%(t)s is archived.") % {"t": template.name}})
    values.update(
        name=name,
        template_version=version,
        period=period,
        review_types=list(review_types),
        writing_deadline=writing_deadline,
    )
    values = _clean(values)
    if _name_taken(values["name"]):
        raise ValidationError(
            {"name": _("A cycle named %(name)s already exists.") % {"name": values["name"]}}
        )
    cycle = ReviewCycle.objects.create(
        created_by=actor if actor is not None and actor.is_authenticated else None, **values
    )
    audit(
        actor=actor,
        action="review_cycle.create",
        target=cycle,
        summary=f"{cycle.name} ({cycle.period.name}, {cycle.template_version})",
    )
    return cycle


@transaction.atomic
def cycle_update(
    *,
    actor: Actor | None,
    cycle: ReviewCycle,
    template: ReviewTemplate | None = None,
    **changes: Any,
) -> ReviewCycle:
    """Change a draft cycle's settings (any of ``FIELDS``). A launched cycle is fixed:
    its writers are already at work on what it says."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase != Phase.DRAFT:
        raise ValidationError(
            {
                "phase": _("%(cycle)s is launched: its settings can no longer change.")
                % {"cycle": cycle}
            }
        )
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"cycle_update() got unknown fields: {', '.join(sorted(unknown))}")
    values = {name: getattr(cycle, name) for name in FIELDS}
    values.update(changes)
    if template is not None and template.pk != cycle.template_version.template_id:
        values["template_version"] = latest_version(template)
    values = _clean(values)
    if _name_taken(values["name"], cycle):
        raise ValidationError(
            {"name": _("A cycle named %(name)s already exists.") % {"name": values["name"]}}
        )
    changed = [name for name in FIELDS if getattr(cycle, name) != values[name]]
    for name in changed:
        setattr(cycle, name, values[name])
    if changed:
        cycle.save(update_fields=changed)
        audit(
            actor=actor,
            action="review_cycle.update",
            target=cycle,
            summary=f"{cycle.name}: {', '.join(changed)}",
        )
    return cycle


# --- launch and late joiners ------------------------------------------------------------


@dataclass
class LaunchResult:
    """What a launch (or a relaunch, or adding late joiners) added: new reviews, and
    new assignments per reviewer type. Zero everywhere when nothing was missing."""

    reviews: int = 0
    assignments: dict[str, int] = field(default_factory=dict)

    @property
    def assignments_total(self) -> int:
        return sum(self.assignments.values())


def _db_now(now: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(now)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_reviews(cycle: ReviewCycle, now: datetime.datetime) -> int:
    """One review per participant not yet in the cycle; the manager is the reviewee's
    manager now (when still here)."""
    # Aliased columns: SQLite names a derived table's bare "table"."id" column otherwise.
    people = participants(cycle.criteria).annotate(
        person_id=models.F("pk"), now_manager=_active_manager()
    )
    select, params = people.values_list("person_id", "now_manager").query.sql_with_params()
    # "WHERE true": without a WHERE, SQLite would read ON CONFLICT as a join's ON.
    sql = f"""
        INSERT INTO {_table(Review)}
            (cycle_id, reviewee_id, manager_id, state, employee_comment, created_at)
        SELECT %s, p.person_id, p.now_manager, %s, '', %s
        FROM ({select}) p
        WHERE true
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - the interpolated pieces are the ORM's own SQL and table names
    return _execute(sql, [cycle.pk, Review.State.OPEN, _db_now(now), *params])


def _execute(sql: str, params: Sequence[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


_ASSIGNMENT_COLUMNS = (
    "(review_id, cycle_id, writer_id, type, state, version, decline_reason, opened_at)"
)


def _insert_assignments(cycle: ReviewCycle, kind: str, now: datetime.datetime) -> int:
    """The ``kind`` assignments of every open review of the cycle that lacks them."""
    writer = {
        ReviewerType.SELF: ("r.reviewee_id", ""),
        ReviewerType.MANAGER: ("r.manager_id", "AND r.manager_id IS NOT NULL"),
        # Each active direct report of the reviewee reviews them upward.
        ReviewerType.UPWARD: ("d.id", ""),
    }[ReviewerType(kind)]
    join = (
        f"JOIN {_table(Person)} d ON d.manager_id = r.reviewee_id AND d.status = %s"
        if kind == ReviewerType.UPWARD
        else ""
    )
    sql = f"""
        INSERT INTO {_table(Assignment)} {_ASSIGNMENT_COLUMNS}
        SELECT r.id, r.cycle_id, {writer[0]}, %s, %s, 0, '', %s
        FROM {_table(Review)} r
        {join}
        WHERE r.cycle_id = %s AND r.state = %s {writer[1]}
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - table names and fixed fragments only
    params: list[Any] = [kind, Assignment.State.OPEN, _db_now(now)]
    if kind == ReviewerType.UPWARD:
        params.append(Person.Status.ACTIVE)
    params += [cycle.pk, Review.State.OPEN]
    return _execute(sql, params)


def peer_assignments_from_nominations(
    cycle: ReviewCycle, *, now: datetime.datetime | None = None
) -> int:
    """A peer assignment for every approved nomination of the cycle that has none yet
    (set-based: the launch, a relaunch and entering the writing phase call it)."""
    sql = f"""
        INSERT INTO {_table(Assignment)} {_ASSIGNMENT_COLUMNS}
        SELECT r.id, r.cycle_id, n.nominee_id, %s, %s, 0, '', %s
        FROM {_table(PeerNomination)} n
        JOIN {_table(Review)} r ON r.id = n.review_id
        JOIN {_table(Person)} p ON p.id = n.nominee_id
        WHERE r.cycle_id = %s AND r.state = %s AND n.state = %s AND p.status = %s
          AND n.nominee_id <> r.reviewee_id
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - table names only
    return _execute(
        sql,
        [
            ReviewerType.PEER,
            Assignment.State.OPEN,
            _db_now(now or timezone.now()),
            cycle.pk,
            Review.State.OPEN,
            PeerNomination.State.APPROVED,
            Person.Status.ACTIVE,
        ],
    )


def peer_assignments_create(review: Review, nominees: Iterable[Person | int]) -> int:
    """Peer assignments for ``nominees`` on ``review`` (the nominations' approval calls
    it inside its own transaction); returns how many were new. An existing one (even
    declined or closed) is left as it is, people who left and the reviewee are
    skipped: the nominations' guard rails refuse them first, this keeps the data right."""
    ids = {n.pk if isinstance(n, Person) else int(n) for n in nominees} - {review.reviewee_id}
    active = Person.objects.filter(pk__in=ids, status=Person.Status.ACTIVE).values_list(
        "pk", flat=True
    )
    now = timezone.now()
    rows = [
        Assignment(
            review_id=review.pk,
            cycle_id=review.cycle_id,
            writer_id=pk,
            type=ReviewerType.PEER,
            opened_at=now,
        )
        for pk in active
    ]
    before = Assignment.objects.filter(review=review, type=ReviewerType.PEER).count()
    Assignment.objects.bulk_create(rows, ignore_conflicts=True)
    return Assignment.objects.filter(review=review, type=ReviewerType.PEER).count() - before


def _add_missing(cycle: ReviewCycle, now: datetime.datetime) -> LaunchResult:
    result = LaunchResult(reviews=_insert_reviews(cycle, now))
    for kind in (ReviewerType.SELF, ReviewerType.MANAGER, ReviewerType.UPWARD):
        if kind in cycle.review_types:
            result.assignments[kind] = _insert_assignments(cycle, kind, now)
    if ReviewerType.PEER in cycle.review_types:
        result.assignments[ReviewerType.PEER] = peer_assignments_from_nominations(cycle, now=now)
    return result


def _tell_opened(cycle: ReviewCycle) -> None:
    """Tell whoever the cycle's phase now concerns (reviewees choosing peers, writers
    whose reviews opened); keyed per review and assignment, so a relaunch or late
    joiners tell only the newcomers."""
    notifications.nominations_open(cycle)
    notifications.assignments_opened(cycle)


def _first_phase(cycle: ReviewCycle) -> str:
    return Phase.NOMINATION if ReviewerType.PEER in cycle.review_types else Phase.WRITING


@transaction.atomic
def cycle_launch(*, actor: Actor | None, cycle: ReviewCycle) -> LaunchResult:
    """Launch a draft cycle: a review per participant and their assignments, the
    template version frozen, the cycle in its first phase — all or nothing. On a
    launched cycle it adds only what is missing (as ``cycle_add_late_joiners``)."""
    cycle = (
        ReviewCycle.objects.select_for_update().select_related("template_version").get(pk=cycle.pk)
    )
    if cycle.phase != Phase.DRAFT:
        return _late_joiners(actor, cycle)
    if not participants(cycle.criteria).exists():
        raise ValidationError(
            {"criteria": _("Nobody matches the participants' criteria: there is no one to review.")}
        )
    # The version's row is locked first: a template edit (which locks it too) either
    # lands before the launch or sees the version frozen and makes the next one.
    version = TemplateVersion.objects.select_for_update().get(pk=cycle.template_version_id)
    now = timezone.now()
    result = _add_missing(cycle, now)
    if version.locked_at is None:
        version.locked_at = now
        version.save(update_fields=["locked_at"])
    cycle.phase = _first_phase(cycle)
    cycle.launched_at = now
    cycle.save(update_fields=["phase", "launched_at"])
    _tell_opened(cycle)
    audit(
        actor=actor,
        action="review_cycle.launch",
        target=cycle,
        summary=f"{cycle.name}: {result.reviews} reviews, {result.assignments_total} assignments",
        data={"reviews": result.reviews, "assignments": result.assignments},
    )
    return result


def _late_joiners(actor: Actor | None, cycle: ReviewCycle) -> LaunchResult:
    if cycle.phase not in JOINABLE_PHASES:
        raise ValidationError(
            {
                "phase": _("%(cycle)s is past its writing phase: nobody can join it any more.")
                % {"cycle": cycle}
            }
        )
    result = _add_missing(cycle, timezone.now())
    _tell_opened(cycle)
    if result.reviews or result.assignments_total:
        audit(
            actor=actor,
            action="review_cycle.late_joiners",
            target=cycle,
            summary=(
                f"{cycle.name}: {result.reviews} reviews, {result.assignments_total} assignments"
            ),
            data={"reviews": result.reviews, "assignments": result.assignments},
        )
    return result


@transaction.atomic
def cycle_add_late_joiners(*, actor: Actor | None, cycle: ReviewCycle) -> LaunchResult:
    """Reviews and assignments for whoever the criteria take in now and the cycle lacks
    (new starters, a new direct report's upward review): never a duplicate."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase == Phase.DRAFT:
        raise ValidationError({"phase": _("Launch the cycle first.")})
    return _late_joiners(actor, cycle)


# --- people changes mid-cycle ------------------------------------------------------------


@dataclass
class SyncResult:
    moved: int = 0  # manager reviews moved to a new manager
    reviews_closed: int = 0  # reviewees who left
    assignments_closed: int = 0  # open assignments of leavers (as writer or reviewee)


OPEN_STATES = (Assignment.State.OPEN, Assignment.State.DRAFT)


def _move_manager_review(
    review: Review, new_manager_id: int | None, now: datetime.datetime
) -> bool:
    """Hand the review's manager assignment to ``new_manager_id``. The old one closes
    (unless it was submitted: a written review is kept and stands); the new one points
    to it so the new manager reads the old draft."""
    old = (
        Assignment.objects.select_for_update()
        .filter(review=review, type=ReviewerType.MANAGER, writer_id=review.manager_id)
        .first()
    )
    if old is not None and old.state in OPEN_STATES:
        old.state = Assignment.State.CLOSED
        old.closed_at = now
        old.save(update_fields=["state", "closed_at"])
    review.manager_id = new_manager_id
    review.save(update_fields=["manager"])
    if new_manager_id is None or (old is not None and old.state == Assignment.State.SUBMITTED):
        return old is not None
    moved_from = old if old is not None and old.state == Assignment.State.CLOSED else None
    again = Assignment.objects.filter(
        review=review, type=ReviewerType.MANAGER, writer_id=new_manager_id
    ).first()
    if again is None:
        Assignment.objects.create(
            review=review,
            cycle_id=review.cycle_id,
            writer_id=new_manager_id,
            type=ReviewerType.MANAGER,
            moved_from=moved_from,
            opened_at=now,
        )
    elif again.state == Assignment.State.CLOSED:
        # Moved back to a manager who had it before: their own draft comes back.
        again.state = Assignment.State.DRAFT if again.answers.exists() else Assignment.State.OPEN
        again.closed_at = None
        again.moved_from = moved_from
        again.save(update_fields=["state", "closed_at", "moved_from"])
    return True


@transaction.atomic
def cycle_sync_people(*, actor: Actor | None, cycle: ReviewCycle) -> SyncResult:
    """Bring a launched cycle in line with the organisation now: manager reviews follow
    a change of manager, and leavers' reviews and open assignments close (submitted
    ones are kept). Run by HR from the cycle page, at any time: a second run changes
    nothing. The ``review-people-sync`` sweep runs it for every live cycle, so HR's
    button only makes it happen now rather than within the quarter hour."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase == Phase.DRAFT:
        raise ValidationError({"phase": _("Launch the cycle first.")})
    now = timezone.now()
    result = SyncResult()
    left = Person.objects.filter(status=Person.Status.LEFT).values("pk")
    gone = Review.objects.filter(cycle=cycle, state=Review.State.OPEN, reviewee__in=left)
    result.assignments_closed = (
        Assignment.objects.filter(cycle=cycle, state__in=OPEN_STATES)
        .filter(Q(writer__in=left) | Q(review__in=gone.values("pk")))
        .update(state=Assignment.State.CLOSED, closed_at=now)
    )
    result.reviews_closed = gone.update(state=Review.State.CLOSED)
    if ReviewerType.MANAGER in cycle.review_types:
        reviews = (
            Review.objects.filter(cycle=cycle, state=Review.State.OPEN)
            .annotate(now_manager=_active_manager_of_reviewee())
            .values_list("pk", "manager_id", "now_manager")
        )
        changed = {pk: new for pk, old, new in reviews if old != new}
        for review in Review.objects.filter(pk__in=list(changed)).order_by("pk"):
            if _move_manager_review(review, changed[review.pk], now):
                result.moved += 1
                # The new manager hears of the review they now write (once: keyed).
                notifications.assignments_opened(cycle, review=review)
    if result.moved or result.reviews_closed or result.assignments_closed:
        audit(
            actor=actor,
            action="review_cycle.sync",
            target=cycle,
            summary=(
                f"{cycle.name}: {result.moved} manager reviews moved, "
                f"{result.reviews_closed} reviews and {result.assignments_closed} "
                "assignments closed"
            ),
            data=result.__dict__,
        )
    return result


def _active_manager_of_reviewee() -> Case:
    return Case(
        When(reviewee__manager__status=Person.Status.ACTIVE, then="reviewee__manager_id"),
        default=None,
        output_field=models.BigIntegerField(),
    )


# --- phases ------------------------------------------------------------------------------


def phases_of(cycle: ReviewCycle) -> list[str]:
    """The phases this cycle goes through (no nomination or approval without peers)."""
    peers = ReviewerType.PEER in cycle.review_types
    return [p for p in PHASE_ORDER if peers or p not in PEER_PHASES]


def next_phase(cycle: ReviewCycle) -> str | None:
    """The phase after the current one, None once closed. From draft it is the launch."""
    order = phases_of(cycle)
    position = order.index(cycle.phase) if cycle.phase in order else 0
    return order[position + 1] if position + 1 < len(order) else None


@transaction.atomic
def cycle_advance(*, actor: Actor | None, cycle: ReviewCycle, phase: str) -> ReviewCycle:
    """Move a launched cycle to ``phase``, which must be the next one: phases are never
    skipped nor gone back to. Entering the writing phase turns the approved peer
    nominations into assignments (those not yet made)."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase == Phase.DRAFT:
        raise ValidationError({"phase": _("Launch the cycle first.")})
    expected = next_phase(cycle)
    if expected is None:
        raise ValidationError({"phase": _("%(cycle)s is closed.") % {"cycle": cycle}})
    if phase != expected:
        raise ValidationError(
            {
                "phase": _("%(cycle)s is in %(now)s: the next phase is %(next)s.")
                % {
                    "cycle": cycle,
                    "now": Phase(cycle.phase).label,
                    "next": Phase(expected).label,
                }
            }
        )
    before = cycle.phase
    cycle.phase = phase
    cycle.save(update_fields=["phase"])
    if phase == Phase.WRITING and ReviewerType.PEER in cycle.review_types:
        peer_assignments_from_nominations(cycle)
    _tell_opened(cycle)
    if phase == Phase.CALIBRATION:
        # The writing is over: the worker stores each review's score, the figure HR
        # calibrates from (the results page shows a provisional one until then).
        from cadence.reviews.tasks import cycle_scores_compute

        cycle_id = cycle.pk
        transaction.on_commit(lambda: cycle_scores_compute.enqueue(cycle_id))
    audit(
        actor=actor,
        action="review_cycle.advance",
        target=cycle,
        summary=f"{cycle.name}: {Phase(before).label} → {Phase(phase).label}",
    )
    return cycle
