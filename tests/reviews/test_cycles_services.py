"""Cycles: settings checked field by field, who takes part and why others do not, the
launch (all or nothing, idempotent), late joiners, people changes mid-cycle, phases."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadence.core.models import AuditEvent
from cadence.people import services as people_services
from cadence.people.models import Department, Person
from cadence.planning.models import PerformancePeriod
from cadence.reviews.models import (
    Assignment,
    PeerNomination,
    Review,
    ReviewCycle,
    ReviewerType,
    TemplateVersion,
)
from cadence.reviews.services import cycles
from tests.conftest import Org, make_person

TODAY = datetime.date.today()
ALL = [t.value for t in ReviewerType]


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def create(
    org: Org, period: PerformancePeriod, version: TemplateVersion, **overrides: Any
) -> ReviewCycle:
    values: dict[str, Any] = {
        "name": "FY2027 annual review",
        "template": version.template,
        "period": period,
        "review_types": ALL,
        "nomination_deadline": day(7),
        "approval_deadline": day(10),
        "writing_deadline": day(30),
        "calibration_deadline": day(40),
        "acknowledgement_deadline": day(60),
    }
    values.update(overrides)
    return cycles.cycle_create(actor=org.hr.user, **values)


def assignments(cycle: ReviewCycle) -> set[tuple[str, str, str]]:
    return {
        (a.review.reviewee.work_email, a.writer.work_email, a.type)
        for a in Assignment.objects.filter(cycle=cycle).select_related("review__reviewee", "writer")
    }


# --- settings --------------------------------------------------------------------------


def test_create_takes_the_templates_latest_version(org, period, version):
    newer = TemplateVersion.objects.create(template=version.template, number=2)
    cycle = create(org, period, version)
    assert cycle.template_version == newer
    assert cycle.phase == ReviewCycle.Phase.DRAFT
    assert AuditEvent.objects.filter(action="review_cycle.create", target_id=str(cycle.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"approval_deadline": day(5)}, "approval_deadline", "after the peer nomination"),
        ({"writing_deadline": day(9)}, "writing_deadline", "after the approval of peers"),
        ({"calibration_deadline": day(30)}, "calibration_deadline", "after the writing"),
        ({"acknowledgement_deadline": day(39)}, "acknowledgement_deadline", "after the calib"),
        ({"nomination_deadline": None}, "nomination_deadline", "Peer reviews need"),
        ({"anonymity_threshold": 1}, "anonymity_threshold", "at least 2"),
        ({"peers_min": 4, "peers_max": 3}, "peers_max", "at least the fewest"),
        ({"review_types": []}, "review_types", "at least one"),
        ({"name": "  "}, "name", "name"),
        (
            {"score_weights": {"sections": {"goals": 50, "competencies": 30, "questions": 10}}},
            "score_weights",
            "both groups",
        ),
        (
            {
                "score_weights": {
                    "sections": {"goals": 50, "competencies": 30, "questions": 10},
                    "reviewers": {"manager": 60, "self": 10, "peer": 20, "upward": 10},
                }
            },
            "score_weights",
            "add up to 100 (they add up to 90)",
        ),
        ({"criteria": {"departments": [999999]}}, "criteria", "No such department"),
        ({"criteria": {"started_before": "soon"}}, "criteria", "cut-off must be a date"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(org, period, version, overrides, field, words):
    with pytest.raises(ValidationError) as refused:
        create(org, period, version, **overrides)
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert not ReviewCycle.objects.exists()


def test_without_peers_no_nomination_deadlines_are_needed(org, period, version):
    cycle = create(
        org,
        period,
        version,
        review_types=["self", "manager"],
        nomination_deadline=None,
        approval_deadline=None,
    )
    assert cycle.review_types == ["self", "manager"]


def test_valid_weights_are_kept(org, period, version):
    weights = {
        "sections": {"goals": 50, "competencies": 30, "questions": 20},
        "reviewers": {"manager": 60, "self": 10, "peer": 20, "upward": 10},
    }
    assert create(org, period, version, score_weights=weights).score_weights == weights


def test_a_draft_is_edited_a_launched_cycle_is_not(org, period, version):
    cycle = create(org, period, version)
    cycle = cycles.cycle_update(actor=org.hr.user, cycle=cycle, grace_days=2, name="Renamed")
    assert (cycle.grace_days, cycle.name) == (2, "Renamed")
    with pytest.raises(ValidationError) as refused:
        cycles.cycle_update(actor=org.hr.user, cycle=cycle, writing_deadline=day(8))
    assert "writing_deadline" in refused.value.message_dict
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    with pytest.raises(ValidationError) as refused:
        cycles.cycle_update(actor=org.hr.user, cycle=cycle, grace_days=3)
    assert "launched" in refused.value.message_dict["phase"][0]


# --- who takes part --------------------------------------------------------------------


def test_preview_says_who_is_in_and_why_others_are_not(org, period, version):
    late = make_person(
        "late.starter@example.com",
        manager=org.eng_manager,
        department="Engineering/Platform",
        start_date=day(-5),
    )
    gone = make_person("gone.person@example.com", manager=org.eng_manager, department="Engineering")
    people_services.person_mark_left(actor=None, person=gone)
    engineering = Department.objects.get(full_name="Engineering")
    cycle = create(
        org,
        period,
        version,
        criteria={
            "departments": [engineering.pk],
            "started_before": day(-30).isoformat(),
            "exclude": [org.engineer2.pk],
        },
    )
    inside = {p.work_email for p in cycles.participants_list(cycle)}
    # Engineering includes Engineering/Platform, the department below it.
    assert inside == {
        org.eng_head.work_email,
        org.eng_manager.work_email,
        org.engineer.work_email,
    }
    why = {p.work_email: p.left_out for p in cycles.left_out_list(cycle)}
    assert why[gone.work_email] == cycles.LeftOut.LEFT
    assert why[org.seller.work_email] == cycles.LeftOut.DEPARTMENT
    assert why[late.work_email] == cycles.LeftOut.STARTED_AFTER
    assert why[org.engineer2.work_email] == cycles.LeftOut.EXCLUDED
    preview = cycles.participants_preview(cycle)
    assert preview.included == 3
    assert preview.left_out_total == Person.objects.count() - 3
    assert preview.left_out[cycles.LeftOut.EXCLUDED] == 1
    assert preview.without_manager == 0


def test_levels_and_locations_and_no_manager(org, period, version):
    cycle = create(org, period, version, criteria={"levels": ["L3"]})
    assert [p.work_email for p in cycles.participants_list(cycle)] == [org.engineer.work_email]
    assert {p.left_out for p in cycles.left_out_list(cycle)} == {cycles.LeftOut.LEVEL}
    everyone = create(org, period, version, name="Everyone")
    preview = cycles.participants_preview(everyone)
    # The CEO has no manager: in, without a manager review.
    assert preview.without_manager == 1
    ceo = next(p for p in cycles.participants_list(everyone) if p.pk == org.ceo.pk)
    assert ceo.now_manager is None
    located = create(org, period, version, name="Located", criteria={"locations": ["Nowhere"]})
    assert cycles.participants_preview(located).included == 0


def test_preview_and_launch_agree(org, period, version):
    engineering = Department.objects.get(full_name="Engineering")
    cycle = create(org, period, version, criteria={"departments": [engineering.pk]})
    expected = set(cycles.participants_list(cycle).values_list("pk", flat=True))
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    assert set(Review.objects.filter(cycle=cycle).values_list("reviewee_id", flat=True)) == expected


# --- launch ------------------------------------------------------------------------------


def test_launch_makes_reviews_and_assignments(org, period, version):
    engineering = Department.objects.get(full_name="Engineering")
    cycle = create(org, period, version, criteria={"departments": [engineering.pk]})
    result = cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    cycle.refresh_from_db()
    version.refresh_from_db()
    assert cycle.phase == ReviewCycle.Phase.NOMINATION
    assert cycle.launched_at is not None
    assert version.locked_at is not None
    assert result.reviews == 4
    review = Review.objects.get(cycle=cycle, reviewee=org.engineer)
    assert review.manager == org.eng_manager
    e = {p: getattr(org, p).work_email for p in ("eng_head", "eng_manager", "engineer", "ceo")}
    e2 = org.engineer2.work_email
    assert assignments(cycle) == {
        (e["eng_head"], e["eng_head"], "self"),
        (e["eng_head"], e["ceo"], "manager"),
        (e["eng_head"], e["eng_manager"], "upward"),
        (e["eng_manager"], e["eng_manager"], "self"),
        (e["eng_manager"], e["eng_head"], "manager"),
        (e["eng_manager"], e["engineer"], "upward"),
        (e["eng_manager"], e2, "upward"),
        (e["engineer"], e["engineer"], "self"),
        (e["engineer"], e["eng_manager"], "manager"),
        (e2, e2, "self"),
        (e2, e["eng_manager"], "manager"),
    }
    assert result.assignments == {"self": 4, "manager": 4, "upward": 3, "peer": 0}
    assert AuditEvent.objects.filter(action="review_cycle.launch").count() == 1


def test_launch_without_peers_goes_straight_to_writing(org, period, version):
    cycle = create(
        org,
        period,
        version,
        review_types=["self"],
        nomination_deadline=None,
        approval_deadline=None,
    )
    result = cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.phase == ReviewCycle.Phase.WRITING
    assert set(result.assignments) == {"self"}
    assert {t for _r, _w, t in assignments(cycle)} == {"self"}


def test_launch_with_no_participants_is_refused(org, period, version):
    cycle = create(org, period, version, criteria={"locations": ["Nowhere"]})
    with pytest.raises(ValidationError) as refused:
        cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    assert "Nobody matches" in refused.value.message_dict["criteria"][0]
    cycle.refresh_from_db()
    assert cycle.phase == ReviewCycle.Phase.DRAFT


def test_launching_again_adds_nothing(org, period, version):
    cycle = create(org, period, version)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    before = assignments(cycle)
    again = cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    assert (again.reviews, again.assignments_total) == (0, 0)
    assert assignments(cycle) == before
    assert Assignment.objects.filter(cycle=cycle).count() == len(before)


def test_late_joiners_get_what_is_missing_and_nothing_twice(org, period, version):
    cycle = create(org, period, version)
    with pytest.raises(ValidationError):
        cycles.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    count = Assignment.objects.filter(cycle=cycle).count()
    newcomer = make_person(
        "new.comer@example.com", manager=org.engineer, department="Engineering/Platform"
    )
    added = cycles.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle)
    # Their review (self, manager by Ann) and Ann's new upward review by them.
    assert added.reviews == 1
    assert added.assignments == {"self": 1, "manager": 1, "upward": 1, "peer": 0}
    assert (
        Assignment.objects.get(cycle=cycle, writer=newcomer, type="upward").review.reviewee
        == org.engineer
    )
    assert Assignment.objects.filter(cycle=cycle).count() == count + 3
    nothing = cycles.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle)
    assert (nothing.reviews, nothing.assignments_total) == (0, 0)
    assert AuditEvent.objects.filter(action="review_cycle.late_joiners").count() == 1


def test_a_crash_in_the_last_insert_leaves_nothing(org, period, version, monkeypatch):
    cycle = create(org, period, version)
    real = cycles.peer_assignments_from_nominations

    def crash(*args: Any, **kwargs: Any) -> int:
        real(*args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(cycles, "peer_assignments_from_nominations", crash)
    with pytest.raises(RuntimeError):
        cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    cycle.refresh_from_db()
    version.refresh_from_db()
    assert cycle.phase == ReviewCycle.Phase.DRAFT
    assert version.locked_at is None
    assert not Review.objects.filter(cycle=cycle).exists()
    assert not Assignment.objects.filter(cycle=cycle).exists()
    assert not AuditEvent.objects.filter(action="review_cycle.launch").exists()


def test_peer_assignments_from_approved_nominations(org, period, version):
    cycle = create(org, period, version)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    review = Review.objects.get(cycle=cycle, reviewee=org.engineer)
    assert cycles.peer_assignments_create(review, [org.engineer2, org.seller, org.engineer]) == 2
    # Again, and with someone who left: nothing new, nobody twice.
    people_services.person_mark_left(actor=None, person=org.sales_head)
    assert cycles.peer_assignments_create(review, [org.engineer2.pk, org.sales_head]) == 0
    peers = set(
        Assignment.objects.filter(review=review, type="peer").values_list("writer_id", flat=True)
    )
    assert peers == {org.engineer2.pk, org.seller.pk}
    other = Review.objects.get(cycle=cycle, reviewee=org.seller)
    PeerNomination.objects.create(
        review=other, nominee=org.engineer, state=PeerNomination.State.APPROVED
    )
    PeerNomination.objects.create(review=other, nominee=org.engineer2)  # still proposed
    assert cycles.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle).assignments["peer"] == 1
    assert Assignment.objects.filter(review=other, type="peer").get().writer == org.engineer


# --- people changes mid-cycle --------------------------------------------------------------


def test_a_new_manager_takes_over_the_manager_review(org, period, version):
    cycle = create(org, period, version)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    old = Assignment.objects.get(cycle=cycle, review__reviewee=org.engineer, type="manager")
    old.state = Assignment.State.DRAFT
    old.save(update_fields=["state"])
    people_services.person_update(actor=None, person=org.engineer, manager=org.sales_manager)
    result = cycles.cycle_sync_people(actor=org.hr.user, cycle=cycle)
    assert result.moved == 1
    old.refresh_from_db()
    assert old.state == Assignment.State.CLOSED
    new = Assignment.objects.get(
        cycle=cycle, review__reviewee=org.engineer, type="manager", state="open"
    )
    assert new.writer == org.sales_manager
    assert new.moved_from == old
    assert Review.objects.get(cycle=cycle, reviewee=org.engineer).manager == org.sales_manager
    # A second run changes nothing.
    again = cycles.cycle_sync_people(actor=org.hr.user, cycle=cycle)
    assert (again.moved, again.reviews_closed, again.assignments_closed) == (0, 0, 0)
    # Moved back: the first manager's own draft comes back, nobody gets a second one.
    people_services.person_update(actor=None, person=org.engineer, manager=org.eng_manager)
    assert cycles.cycle_sync_people(actor=org.hr.user, cycle=cycle).moved == 1
    old.refresh_from_db()
    assert old.state == Assignment.State.OPEN
    assert old.moved_from == new
    assert Assignment.objects.filter(review__reviewee=org.engineer, type="manager").count() == 2


def test_a_leavers_open_assignments_close_and_written_ones_stay(org, period, version):
    cycle = create(org, period, version)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    written = Assignment.objects.get(cycle=cycle, writer=org.engineer, type="upward")
    written.state = Assignment.State.SUBMITTED
    written.save(update_fields=["state"])
    people_services.person_mark_left(actor=None, person=org.engineer)
    result = cycles.cycle_sync_people(actor=org.hr.user, cycle=cycle)
    # Ann's own review closes with her self and manager assignments; her manager
    # review of nobody; her submitted upward review of her manager stays.
    assert result.reviews_closed == 1
    assert result.assignments_closed == 2
    assert Review.objects.get(cycle=cycle, reviewee=org.engineer).state == Review.State.CLOSED
    written.refresh_from_db()
    assert written.state == Assignment.State.SUBMITTED
    assert not Assignment.objects.filter(
        cycle=cycle, state__in=["open", "draft"], writer=org.engineer
    ).exists()
    # Relaunching does not bring a leaver back.
    assert cycles.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle).assignments_total == 0


def test_a_manager_who_left_leaves_the_review_without_one(org, period, version):
    cycle = create(org, period, version)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    people_services.person_mark_left(actor=None, person=org.sales_manager)
    result = cycles.cycle_sync_people(actor=org.hr.user, cycle=cycle)
    assert result.moved == 1
    review = Review.objects.get(cycle=cycle, reviewee=org.seller)
    assert review.manager is None
    assert review.assignments.get(type="manager").state == Assignment.State.CLOSED


# --- phases ------------------------------------------------------------------------------


def test_phases_advance_in_order_only(org, period, version):
    cycle = create(org, period, version)
    with pytest.raises(ValidationError):
        cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase="nomination")
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    with pytest.raises(ValidationError) as refused:
        cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase="writing")
    assert "the next phase is Approval of peers" in refused.value.message_dict["phase"][0]
    for phase in ("approval", "writing", "calibration", "release", "acknowledgement", "closed"):
        cycle = cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase=phase)
        assert cycle.phase == phase
    with pytest.raises(ValidationError):
        cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase="closed")
    with pytest.raises(ValidationError):
        cycles.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle)


def test_entering_writing_makes_the_approved_peers_assignments(org, period, version):
    cycle = create(org, period, version)
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    review = Review.objects.get(cycle=cycle, reviewee=org.engineer)
    PeerNomination.objects.create(
        review=review, nominee=org.seller, state=PeerNomination.State.APPROVED
    )
    cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase="approval")
    assert not Assignment.objects.filter(review=review, type="peer").exists()
    cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase="writing")
    assert Assignment.objects.get(review=review, type="peer").writer == org.seller


def test_without_peers_writing_follows_the_launch(org, period, version):
    cycle = create(
        org,
        period,
        version,
        review_types=["self"],
        nomination_deadline=None,
        approval_deadline=None,
    )
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    cycle.refresh_from_db()
    assert cycles.next_phase(cycle) == "calibration"
    assert cycles.phases_of(cycle) == [
        "draft",
        "writing",
        "calibration",
        "release",
        "acknowledgement",
        "closed",
    ]


def test_entering_calibration_stores_every_open_reviews_score(
    org, period, version, django_capture_on_commit_callbacks
):
    from cadence.reviews import queries_results
    from cadence.reviews.models import Answer, Question

    cycle = create(
        org,
        period,
        version,
        review_types=["self"],
        nomination_deadline=None,
        approval_deadline=None,
    )
    cycles.cycle_launch(actor=org.hr.user, cycle=cycle)
    review = Review.objects.get(cycle=cycle, reviewee=org.engineer)
    mine = review.assignments.get(type="self")
    question = Question.objects.get(section__version=version, kind=Question.Kind.RATING)
    Answer.objects.create(assignment=mine, item=f"q:{question.pk}", question=question, rating=4)
    Assignment.objects.filter(pk=mine.pk).update(state=Assignment.State.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        cycles.cycle_advance(actor=org.hr.user, cycle=cycle, phase="calibration")
    review.refresh_from_db()
    assert review.score is not None
    assert review.score == queries_results.score_of(review).score
