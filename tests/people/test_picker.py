"""The people picker's endpoint: suggestions of people the user may see (active, not
oneself, not already chosen), chips re-rendered when one is picked or removed, refusals,
and a query count that does not grow with the matches."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts.models import User
from cadence.people import services
from cadence.people.models import Person
from cadence.people.picker import SUGGESTIONS
from tests.conftest import make_person

URL = reverse("people:picker")


def one(**extra):
    """A single picker's request ("give feedback to a colleague")."""
    return {
        "picker": "receiver",
        "picker_id": "id_receiver",
        "picker_many": "0",
        "picker_limit": "1",
        "picker_others": "1",
        "picker_describedby": "id_receiver_helptext",
        **extra,
    }


def many(limit=20, **extra):
    return {
        "picker": "recipients",
        "picker_id": "id_recipients",
        "picker_many": "1",
        "picker_limit": str(limit),
        "picker_others": "1",
        **extra,
    }


def test_anonymous_is_sent_to_sign_in_and_outsiders_find_nothing(org):
    response = Client().get(URL, one(receiver="eng"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    outsider = User.objects.create_user(email="contractor@example.org", password="x" * 12)
    client = Client()
    client.force_login(outsider)
    assert client.get(URL, one(receiver="eng")).status_code == 404


def test_suggestions_are_active_colleagues_the_user_may_see_never_oneself(org):
    leaver = make_person("gone.engineer@example.com", manager=org.eng_manager, job_title="Tester")
    services.person_mark_left(actor=None, person=leaver)
    # Ann's manager may still open the leaver's profile; a picker offers only the active.
    for person in (org.engineer, org.eng_manager, org.hr):
        html = org.client_for(person).get(URL, one(receiver="engineer")).content.decode()
        assert "Bob Engineer" in html
        assert "Gone Engineer" not in html
        assert ("Ann Engineer" in html) == (person != org.engineer)
    html = org.client_for(org.engineer).get(URL, one(receiver="engineer")).content.decode()
    assert 'name="pick"' in html and "Engineering/Platform" in html
    assert 'id="id_receiver_status" hx-swap-oob="innerHTML">1 colleague suggested.' in html


def test_the_chosen_are_not_suggested_again_and_nothing_is_offered_for_no_text(org):
    client = org.client_for(org.eng_head)
    html = client.get(
        URL, many(recipients="engineer", recipients_ids=[org.engineer2.pk])
    ).content.decode()
    assert "Ann Engineer" in html and "Bob Engineer" not in html
    # Several emails typed, then a name: the name after the last comma is searched.
    html = client.get(URL, many(recipients="a@example.com, sam")).content.decode()
    assert "Sam Seller" in html and "Ann Engineer" not in html
    html = client.get(URL, many(recipients="  ")).content.decode()
    assert 'name="pick"' not in html and "No colleague matches" not in html
    html = client.get(URL, many(recipients="zzzqqq")).content.decode()
    assert "No colleague matches." in html and "Nobody you can choose" in html


def test_picking_and_removing_re_render_the_chips(org):
    client = org.client_for(org.engineer)
    html = client.get(
        URL,
        many(recipients="x@example.com, bo", recipients_ids=[org.seller.pk], pick=org.engineer2.pk),
    ).content.decode()
    assert f'name="recipients_ids" value="{org.seller.pk}"' in html
    assert f'name="recipients_ids" value="{org.engineer2.pk}"' in html
    assert "Remove Bob Engineer" in html and "Bob Engineer chosen." in html
    # The search box keeps the emails typed before the name, and takes the focus back.
    assert 'value="x@example.com, "' in html and "autofocus" in html
    html = client.get(
        URL, many(recipients_ids=[org.seller.pk, org.engineer2.pk], remove=org.seller.pk)
    ).content.decode()
    assert "Sam Seller removed." in html
    assert f'value="{org.seller.pk}"' not in html and f'value="{org.engineer2.pk}"' in html
    # A single picker holds one person: picking replaces, and the search box goes away.
    html = client.get(
        URL, one(receiver="sam", receiver_ids=[org.engineer2.pk], pick=org.seller.pk)
    ).content.decode()
    assert f'name="receiver_ids" value="{org.seller.pk}"' in html
    assert f'value="{org.engineer2.pk}"' not in html and 'name="receiver"' not in html
    assert 'aria-describedby="id_receiver_helptext"' not in html  # no search box
    html = client.get(URL, one(receiver_ids=[org.seller.pk], remove=org.seller.pk)).content.decode()
    assert 'name="receiver"' in html and 'aria-describedby="id_receiver_helptext"' in html


def test_a_forged_pick_gives_no_chip(org):
    leaver = make_person("lee.gone@example.com", manager=org.eng_manager)
    services.person_mark_left(actor=None, person=leaver)
    client = org.client_for(org.engineer)
    for forged in (leaver.pk, 987654, "x", org.engineer.pk):
        html = client.get(URL, many(pick=forged)).content.decode()
        assert 'name="recipients_ids"' not in html and "chosen." not in html, forged
        assert "Lee Gone" not in html and "Ann Engineer" not in html


def test_a_full_picker_takes_no_more(org):
    client = org.client_for(org.engineer)
    html = client.get(
        URL, many(limit=2, recipients_ids=[org.seller.pk, org.ceo.pk], pick=org.engineer2.pk)
    ).content.decode()
    assert html.count('name="recipients_ids"') == 2 and "Bob Engineer" not in html
    assert 'name="recipients"' not in html and "the most there can be (2)" in html


def test_names_from_the_request_must_be_plain_tokens(org):
    client = org.client_for(org.engineer)
    for bad in ({"picker": 'x"><script>'}, {"picker_id": "a b"}, {"picker_describedby": "<i>"}):
        assert client.get(URL, one(receiver="eng", **bad)).status_code == 400
    assert client.get(URL, {"q": "eng"}).status_code == 400


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_matches_or_the_chips(org, django_assert_max_num_queries):
    client = org.client_for(org.engineer)
    search = _queries(client, one(receiver="picker"))
    pick = _queries(client, many(recipients_ids=[org.seller.pk], pick=org.ceo.pk))
    for i in range(SUGGESTIONS + 4):
        make_person(f"p{i}.picker@example.com", department=f"Dept {i}", job_title="Analyst")
    ids = list(
        Person.objects.filter(work_email__endswith="picker@example.com").values_list(
            "pk", flat=True
        )
    )
    with django_assert_max_num_queries(search):
        html = client.get(URL, one(receiver="picker")).content.decode()
    assert html.count('name="pick"') == SUGGESTIONS
    with django_assert_max_num_queries(pick):
        html = client.get(URL, many(recipients_ids=ids[:10], pick=ids[10])).content.decode()
    assert html.count('name="recipients_ids"') == 11
