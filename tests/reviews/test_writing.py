"""Writing a review: the form (items per writer type, scale, goals, competencies), the
autosave with optimistic locking, submission (required items, deadline and grace), the
evidence panel as the writer may read it, My reviews, and the API."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cadence.goals import services as goals_services
from cadence.goals.models import Goal
from cadence.kpis import services as kpis_services
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod
from cadence.reviews.forms_writing import AnswerValue
from cadence.reviews.models import Answer, Assignment, Question, ReviewCycle, ReviewerType
from cadence.reviews.services import writing
from cadence.reviews.services.writing import answers_save, answers_submit
from tests.conftest import Org

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
STALE = "changed in another tab or window"


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def cycle(org: Org, make_cycle) -> ReviewCycle:
    """The engineer is reviewed by themself, their manager and two peers."""
    return make_cycle([org.engineer], peers={org.engineer: [org.engineer2, org.sales_manager]})


def assignment_of(cycle: ReviewCycle, writer, kind: str) -> Assignment:
    return Assignment.objects.get(cycle=cycle, writer=writer, type=kind)


def question(cycle: ReviewCycle, kind: str) -> Question:
    return Question.objects.get(section__version=cycle.template_version, kind=kind)


def goal_for(org: Org, period: PerformancePeriod, title: str, *, private: bool = False) -> Goal:
    goal = goals_services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title=title,
        owner_type=Goal.Owner.PERSON,
        owner_person=org.engineer,
        visibility=Goal.Visibility.PRIVATE if private else Goal.Visibility.PUBLIC,
        state=Goal.State.ACTIVE,
    )
    return goal


def check_ins(org: Org, goal: Goal, count: int) -> None:
    kr = goals_services.key_result_create(
        actor=org.eng_manager.user, goal=goal, title=f"{goal.title} KR", target_value=10
    )
    for value in range(1, count + 1):
        goals_services.check_in_create(
            actor=org.engineer.user, key_result=kr, value=value, confidence="on_track"
        )


def form_data(version: int, **answers: str) -> dict[str, str]:
    """``q12_rating="4"`` → ``{"q:12-rating": "4"}``."""
    data = {"version": str(version)}
    for name, value in answers.items():
        key, field = name.rsplit("_", 1)
        data[f"{key[0]}:{key[1:]}-{field}"] = value
    return data


def full_answers(cycle: ReviewCycle, goals: list[Goal] = ()) -> dict[str, str]:
    rating, text = question(cycle, "rating"), question(cycle, "text")
    answers = {f"q{rating.pk}_rating": "4", f"q{text.pk}_text": "Clear specs."}
    answers.update({f"g{g.pk}_rating": "3" for g in goals})
    return answers


# --- the form -------------------------------------------------------------------------------


def test_the_form_shows_the_scale_and_the_questions_for_the_writers_type(org: Org, cycle) -> None:
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    page = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delivers what was agreed" in html
    assert "Far exceeds" in html and "Sets the standard others learn from." in html
    # Self-only question and the self/manager goals section are not a peer's.
    assert "Which area grew most?" not in html
    assert "Goals of the period" not in html
    # A peer is told who reads their answers before writing.
    assert "at least 3 of you" in html
    assert "Nobody in Cadence, HR admins included, sees who wrote which answer." in html


def test_a_peer_is_told_when_hr_sees_attribution(org: Org, make_cycle) -> None:
    cycle = make_cycle(
        [org.engineer], peers={org.engineer: [org.engineer2]}, hr_sees_attribution=True
    )
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    html = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk])).content
    assert b"HR admins can see who wrote each answer in this cycle." in html


def test_the_self_review_lists_goals_and_competencies_of_the_level(
    org: Org, cycle, period: PerformancePeriod
) -> None:
    goal = goal_for(org, period, "Ship the billing service")
    check_ins(org, goal, 2)
    framework = planning.framework_create(actor=org.hr.user, name="Engineering", period=period)
    group = planning.group_create(actor=org.hr.user, framework=framework, name="Craft")
    testing = planning.competency_create(actor=org.hr.user, group=group, name="Testing")
    planning.expectation_set(
        actor=org.hr.user, competency=testing, level="L3", behaviour="Writes tests first."
    )
    other = planning.competency_create(actor=org.hr.user, group=group, name="Architecture")
    planning.expectation_set(
        actor=org.hr.user, competency=other, level="L6", behaviour="Shapes the platform."
    )
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    html = org.client_for(org.engineer).get(reverse("reviews:write", args=[mine.pk])).content
    html = html.decode()
    assert "Ship the billing service" in html and f"g:{goal.pk}-rating" in html
    assert "2 check-ins" in html
    assert "Which area grew most?" in html
    # The engineer is L3: the L3 competency with its behaviour, not the L6 one.
    assert f"c:{testing.pk}-rating" in html and "Writes tests first." in html
    assert f"c:{other.pk}-rating" not in html


# --- autosave and optimistic locking -----------------------------------------------------------


def test_autosave_keeps_a_draft_and_moves_the_version_on(org: Org, cycle) -> None:
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    rating = question(cycle, "rating")
    client = org.client_for(org.engineer)
    url = reverse("reviews:write_save", args=[mine.pk])
    first = client.post(url, form_data(0, **{f"q{rating.pk}_rating": "3"}), **HX)
    assert first.status_code == 200
    assert b"Draft saved at" in first.content
    assert b'name="version" value="1"' in first.content
    second = client.post(url, form_data(1, **{f"q{rating.pk}_rating": "4"}), **HX)
    assert b'name="version" value="2"' in second.content
    mine.refresh_from_db()
    assert (mine.state, mine.version) == (Assignment.State.DRAFT, 2)
    assert list(mine.answers.values_list("item", "rating")) == [(f"q:{rating.pk}", 4)]


def test_the_save_button_without_javascript_saves_and_comes_back(org: Org, cycle) -> None:
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    text = question(cycle, "text")
    response = org.client_for(org.engineer).post(
        reverse("reviews:write_save", args=[mine.pk]), form_data(0, **{f"q{text.pk}_text": "Hi"})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:write", args=[mine.pk])
    assert Answer.objects.get(assignment=mine).text == "Hi"


def test_a_save_from_a_stale_tab_is_refused_and_overwrites_nothing(org: Org, cycle) -> None:
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    rating = question(cycle, "rating")
    client = org.client_for(org.engineer)
    url = reverse("reviews:write_save", args=[mine.pk])
    client.post(url, form_data(0, **{f"q{rating.pk}_rating": "5"}), **HX)  # tab A
    stale = client.post(url, form_data(0, **{f"q{rating.pk}_rating": "1"}), **HX)  # tab B
    assert STALE.encode() in stale.content and b"Reload" in stale.content
    assert b'name="version" value="0"' in stale.content  # still stale until reloaded
    assert Answer.objects.get(assignment=mine).rating == 5
    # Without JavaScript: 422 and the page shows the latest answers, not the stale ones.
    page = client.post(url, form_data(0, **{f"q{rating.pk}_rating": "1"}))
    assert page.status_code == 422
    assert STALE.encode() in page.content
    assert f'name="q:{rating.pk}-rating" value="5" checked'.encode() in page.content


def test_two_tabs_submitting_save_once_and_the_second_is_told(org: Org, cycle) -> None:
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    client = org.client_for(org.engineer2)
    url = reverse("reviews:write_submit", args=[peer.pk])
    first = client.post(url, form_data(0, **full_answers(cycle)))
    assert first.status_code == 302
    peer.refresh_from_db()
    submitted_at = peer.submitted_at
    changed = full_answers(cycle) | {f"q{question(cycle, 'rating').pk}_rating": "1"}
    second = client.post(url, form_data(0, **changed))
    assert second.status_code == 422
    assert b"already submitted from another tab or window" in second.content
    peer.refresh_from_db()
    assert (peer.state, peer.submitted_at, peer.version) == ("submitted", submitted_at, 1)
    assert (
        Answer.objects.get(assignment=peer, item__startswith="q:", rating__isnull=False).rating == 4
    )


def test_a_submitted_review_can_no_longer_be_saved(org: Org, cycle) -> None:
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    answers_submit(
        actor=org.engineer2.user,
        assignment=peer,
        version=0,
        answers={
            f"q:{question(cycle, 'rating').pk}": AnswerValue(rating=3),
            f"q:{question(cycle, 'text').pk}": AnswerValue(text="Fine"),
        },
    )
    with pytest.raises(ValidationError, match="submitted on"):
        answers_save(actor=org.engineer2.user, assignment=peer, answers={}, version=1)
    page = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    assert b"To change it, reopen it and say why." in page.content and b"disabled" in page.content


# --- submission rules -------------------------------------------------------------------------


def test_submit_names_every_required_question_left_empty(
    org: Org, cycle, period: PerformancePeriod
) -> None:
    goal = goal_for(org, period, "Cut the build time")
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    page = org.client_for(org.engineer).post(
        reverse("reviews:write_submit", args=[mine.pk]), form_data(0)
    )
    assert page.status_code == 422
    html = page.content.decode()
    for title in ("Delivers what was agreed", "What should they keep doing?", goal.title):
        assert f"“{title}” needs an answer." in html
    assert "“Which area grew most?” needs an answer." not in html  # optional
    mine.refresh_from_db()
    assert (mine.state, mine.version) == (Assignment.State.OPEN, 0)
    # Answering them (goal included) submits.
    done = org.client_for(org.engineer).post(
        reverse("reviews:write_submit", args=[mine.pk]),
        form_data(0, **full_answers(cycle, [goal])),
    )
    assert done.status_code == 302 and done["Location"] == reverse("reviews:index")
    mine.refresh_from_db()
    assert mine.state == Assignment.State.SUBMITTED and mine.submitted_at is not None


def test_a_rating_off_the_scale_or_a_choice_not_offered_is_refused(org: Org, cycle) -> None:
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    rating, choice = question(cycle, "rating"), question(cycle, "choice")
    client = org.client_for(org.engineer)
    url = reverse("reviews:write_save", args=[mine.pk])
    off_scale = client.post(url, form_data(0, **{f"q{rating.pk}_rating": "9"}))
    assert off_scale.status_code == 422
    assert "“Delivers what was agreed”: a rating must be between 1 and 5." in (
        off_scale.content.decode()
    )
    not_offered = client.post(url, form_data(0, **{f"q{choice.pk}_choice": "Golf"}))
    assert "choose one of Craft, Collaboration, Leadership" in not_offered.content.decode()
    with pytest.raises(ValidationError, match="not on this review"):
        answers_save(
            actor=org.engineer.user,
            assignment=mine,
            answers={"q:999999": AnswerValue(rating=3)},
            version=0,
        )
    assert not Answer.objects.filter(assignment=mine).exists()


def test_a_peer_may_not_answer_a_self_only_question(org: Org, cycle) -> None:
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    choice = question(cycle, "choice")
    with pytest.raises(ValidationError, match="not on this review"):
        answers_save(
            actor=org.engineer2.user,
            assignment=peer,
            answers={f"q:{choice.pk}": AnswerValue(choice="Craft")},
            version=0,
        )


def test_after_the_deadline_submit_is_refused_naming_the_day(org: Org, make_cycle) -> None:
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    cycle = make_cycle([org.engineer], writing_deadline=yesterday)
    peerless = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    response = org.client_for(org.engineer).post(
        reverse("reviews:write_submit", args=[peerless.pk]), form_data(0, **full_answers(cycle))
    )
    assert response.status_code == 422
    day = f"{yesterday.day} {yesterday:%b %Y}"
    assert f"The writing closed on {day}" in response.content.decode()
    peerless.refresh_from_db()
    assert peerless.state == Assignment.State.OPEN


def test_grace_days_keep_writing_open_after_the_deadline(org: Org, make_cycle) -> None:
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    cycle = make_cycle([org.engineer], writing_deadline=yesterday, grace_days=1)
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    response = org.client_for(org.engineer).post(
        reverse("reviews:write_submit", args=[mine.pk]), form_data(0, **full_answers(cycle))
    )
    assert response.status_code == 302
    # The last day is counted with the grace days; the day after it is refused.
    assert writing.last_writing_day(cycle) == datetime.date.today()
    assert writing.writing_refusal(
        assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER),
        today=datetime.date.today() + datetime.timedelta(days=1),
    )


def test_calibration_closes_the_writing(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], phase=ReviewCycle.Phase.CALIBRATION)
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    with pytest.raises(ValidationError, match="writing phase of"):
        answers_save(actor=org.engineer.user, assignment=mine, answers={}, version=0)


# --- who may open an assignment ----------------------------------------------------------------


def test_someone_elses_assignment_is_missing(org: Org, cycle) -> None:
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    urls = [
        ("get", reverse("reviews:write", args=[peer.pk])),
        ("post", reverse("reviews:write_save", args=[peer.pk])),
        ("post", reverse("reviews:write_submit", args=[peer.pk])),
    ]
    # Another employee, the reviewee (a peer's review of them), their manager, HR.
    for person in (org.seller, org.engineer, org.eng_manager, org.hr):
        client = org.client_for(person)
        for method, url in urls:
            response = getattr(client, method)(url, form_data(0))
            assert response.status_code == 404, (person, url)
    for method, url in urls:
        response = getattr(Client(), method)(url, form_data(0))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    peer.refresh_from_db()
    assert (peer.state, peer.version) == (Assignment.State.OPEN, 0)


def test_an_assignment_of_a_draft_cycle_is_missing(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], phase=ReviewCycle.Phase.DRAFT)
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    response = org.client_for(org.engineer).get(reverse("reviews:write", args=[mine.pk]))
    assert response.status_code == 404


# --- the evidence panel ---------------------------------------------------------------------


def test_a_private_goal_reaches_the_manager_but_never_a_peer(
    org: Org, cycle, period: PerformancePeriod
) -> None:
    goal_for(org, period, "Public roadmap goal")
    goal_for(org, period, "Private growth goal", private=True)
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    manager = assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER)
    as_peer = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    as_manager = org.client_for(org.eng_manager).get(reverse("reviews:write", args=[manager.pk]))
    assert b"Public roadmap goal" in as_peer.content
    assert b"Private growth goal" not in as_peer.content
    assert b"Private growth goal" in as_manager.content


def test_kpis_of_the_period_show_to_those_who_may_read_them(
    org: Org, cycle, period: PerformancePeriod
) -> None:
    kpi = kpis_services.kpi_define(
        actor=org.eng_manager.user,
        name="Tickets closed",
        target=40,
        scope="person",
        person=org.engineer,
    )
    kpis_services.measurement_record(
        actor=org.eng_manager.user,
        kpi=kpi,
        value=37,
        period_start=period.starts_on + datetime.timedelta(days=40),
    )
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    manager = assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER)
    as_manager = org.client_for(org.eng_manager).get(reverse("reviews:write", args=[manager.pk]))
    assert b"Tickets closed" in as_manager.content and b"37" in as_manager.content
    # A person KPI is the person's and their manager chain's, not a peer's.
    as_peer = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    assert b"Tickets closed" not in as_peer.content


def test_the_evidence_panel_costs_the_same_queries_for_more_goals_and_check_ins(
    org: Org, cycle, period: PerformancePeriod, django_assert_num_queries
) -> None:
    manager = assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER)
    client = org.client_for(org.eng_manager)
    url = reverse("reviews:write", args=[manager.pk])
    check_ins(org, goal_for(org, period, "First"), 1)
    client.get(url)  # warm the session and caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        check_ins(org, goal_for(org, period, f"More {n}", private=n % 2 == 0), 3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.count(b"evidence-goal") == 5


def test_the_manager_reads_the_submitted_self_review_not_a_draft(org: Org, cycle) -> None:
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    manager = assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER)
    text = question(cycle, "text")
    answers_save(
        actor=org.engineer.user,
        assignment=mine,
        answers={f"q:{text.pk}": AnswerValue(text="My secret draft")},
        version=0,
    )
    url = reverse("reviews:write", args=[manager.pk])
    client = org.client_for(org.eng_manager)
    assert b"My secret draft" not in client.get(url).content
    answers_submit(
        actor=org.engineer.user,
        assignment=mine,
        version=1,
        answers={f"q:{question(cycle, 'rating').pk}": AnswerValue(rating=4)},
    )
    page = client.get(url).content
    assert b"Self-review (submitted)" in page and b"My secret draft" in page
    # A peer never reads it.
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    peer_page = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    assert b"My secret draft" not in peer_page.content


def test_a_moved_manager_review_shows_the_previous_managers_draft(org: Org, cycle) -> None:
    old = assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER)
    text = question(cycle, "text")
    answers_save(
        actor=org.eng_manager.user,
        assignment=old,
        answers={f"q:{text.pk}": AnswerValue(text="Strong quarter, see the launch.")},
        version=0,
    )
    # The reviewee moved under the head of engineering (the cycles' service does this).
    Assignment.objects.filter(pk=old.pk).update(state=Assignment.State.CLOSED)
    moved = Assignment.objects.create(
        review=old.review,
        cycle=cycle,
        writer=org.eng_head,
        type=ReviewerType.MANAGER,
        moved_from=old,
    )
    page = org.client_for(org.eng_head).get(reverse("reviews:write", args=[moved.pk]))
    assert (
        b"The previous manager&#x27;s draft" in page.content or b"previous manager" in page.content
    )
    assert b"Strong quarter, see the launch." in page.content
    # The old manager no longer writes it.
    gone = org.client_for(org.eng_manager).get(reverse("reviews:write", args=[old.pk]))
    assert b"This review is closed" in gone.content


# --- My reviews and the navigation ---------------------------------------------------------


def test_my_reviews_lists_what_i_write_with_its_deadline(org: Org, cycle) -> None:
    page = org.client_for(org.engineer2).get(reverse("reviews:index"))
    assert page.status_code == 200
    html = page.content.decode()
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    assert reverse("reviews:write", args=[peer.pk]) in html
    assert "Peer review of" in html and "To write" in html
    deadline = cycle.writing_deadline
    assert f"due {deadline.day} {deadline:%b %Y}" in html
    # The tab in the main navigation, marked as the current page.
    assert f'<a href="{reverse("reviews:index")}" aria-current="page">Reviews</a>' in html


def test_my_reviews_is_for_members_only(org: Org) -> None:
    anonymous = Client().get(reverse("reviews:index"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    nobody = org.client_for(org.seller).get(reverse("reviews:index"))
    assert nobody.status_code == 200 and b"No reviews to write." in nobody.content


# --- API ---------------------------------------------------------------------------------------


def api(client: Client, method: str, path: str, body: object = None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_api_lists_my_assignments_and_gives_the_form(org: Org, cycle) -> None:
    client = org.client_for(org.engineer2)
    listed = api(client, "get", "/review-assignments").json()
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    assert [row["id"] for row in listed["items"]] == [peer.pk]
    assert listed["items"][0]["type"] == "peer"
    assert listed["items"][0]["reviewee"]["name"] == org.engineer.full_name
    form = api(client, "get", f"/review-assignments/{peer.pk}").json()
    assert form["version"] == 0
    assert [p["label"] for p in form["scale"]][-1] == "Far exceeds"
    items = [i for s in form["sections"] for i in s["items"]]
    assert {i["kind"] for i in items} == {"rating", "text"}
    assert any("at least 3" in line for line in form["audience"])


def test_api_saves_with_the_version_and_refuses_a_stale_one(org: Org, cycle) -> None:
    client = org.client_for(org.engineer)
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    rating = question(cycle, "rating")
    body = {"version": 0, "answers": {f"q:{rating.pk}": {"rating": 4}}}
    saved = api(client, "put", f"/review-assignments/{mine.pk}/answers", body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1 and saved.json()["state"] == "draft"
    assert saved.json()["answers"][f"q:{rating.pk}"]["rating"] == 4
    stale = api(client, "put", f"/review-assignments/{mine.pk}/answers", body)
    assert stale.status_code == 422 and STALE in stale.json()["detail"]
    off = api(
        client,
        "put",
        f"/review-assignments/{mine.pk}/answers",
        {"version": 1, "answers": {f"q:{rating.pk}": {"rating": 7}}},
    )
    assert off.status_code == 422 and "between 1 and 5" in off.json()["detail"]


def test_api_submits_once(org: Org, cycle) -> None:
    client = org.client_for(org.engineer2)
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    rating, text = question(cycle, "rating"), question(cycle, "text")
    missing = api(client, "post", f"/review-assignments/{peer.pk}/submit", {"version": 0})
    assert missing.status_code == 422
    assert "“Delivers what was agreed” needs an answer." in missing.json()["detail"]
    body = {
        "version": 0,
        "answers": {f"q:{rating.pk}": {"rating": 5}, f"q:{text.pk}": {"text": "Great pairing"}},
    }
    done = api(client, "post", f"/review-assignments/{peer.pk}/submit", body)
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    again = api(client, "post", f"/review-assignments/{peer.pk}/submit", body)
    assert again.status_code == 422 and "already submitted" in again.json()["detail"]


def test_api_refuses_someone_elses_assignment(org: Org, cycle) -> None:
    peer = assignment_of(cycle, org.engineer2, ReviewerType.PEER)
    paths = [
        ("get", f"/review-assignments/{peer.pk}", None),
        ("put", f"/review-assignments/{peer.pk}/answers", {"version": 0, "answers": {}}),
        ("post", f"/review-assignments/{peer.pk}/submit", {"version": 0}),
    ]
    for person in (org.seller, org.engineer, org.hr):
        client = org.client_for(person)
        for method, path, body in paths:
            assert api(client, method, path, body).status_code == 404, (person, path)
        assert (
            api(client, "get", "/review-assignments").json()["items"] == []
            or person == org.engineer
        )
    for method, path, body in [*paths, ("get", "/review-assignments", None)]:
        assert api(Client(), method, path, body).status_code == 401


def test_my_reviews_links_a_managers_team_reviews_not_the_whole_chains(org: Org, cycle) -> None:
    manager = org.client_for(org.eng_manager).get(reverse("reviews:index")).content.decode()
    head = org.client_for(org.eng_head).get(reverse("reviews:index")).content.decode()
    assert "team-h" in manager and org.engineer.full_name in manager
    # The head of engineering is above the engineer but does not write their manager review.
    assert "team-h" not in head
