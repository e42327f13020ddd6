"""The PDF of a released review: who may download it, what it carries, and attempts to
break anonymity through it — as the reviewee with K−1 peer answers and with exactly K,
in the document's text and in its metadata — and that it keeps the page's order of
comments. Text is read back with pypdf, as a reader's PDF viewer would."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cadence.reviews import pdf
from cadence.reviews.models import Review, ReviewCycle
from tests.conftest import Org
from tests.reviews.results_support import API, MANAGER, PEER, SELF, page, release_now, submit

COMMENTS = {
    "engineer2": "Always reviews my pull requests within the hour.",
    "seller": "Explains the platform to customers patiently.",
    "exec_viewer": "Could share plans earlier with the wider team.",
    "sales_head": "Ran the incident review with a calm hand.",
}
RATINGS = {"engineer2": 5, "seller": 4, "exec_viewer": 2, "sales_head": 3}
RELEASED_AT = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)


def url(review: Review) -> str:
    return reverse("reviews:results_pdf", args=[review.pk])


def api_url(review: Review) -> str:
    return f"{API}/reviews/{review.pk}/results.pdf"


@pytest.fixture
def make_review(org: Org, make_cycle):
    def make(*, released: bool = True, **fields: object) -> Review:
        cycle = make_cycle(
            [org.engineer],
            peers={org.engineer: [getattr(org, name) for name in COMMENTS]},
            phase=ReviewCycle.Phase.RELEASE,
            **fields,
        )
        review = cycle.reviews.get()
        submit(review, org.engineer, SELF, rating=4, comment="I kept the build green.")
        submit(review, org.eng_manager, MANAGER, rating=4, comment="Reliable and kind.")
        Review.objects.filter(pk=review.pk).update(score=Decimal("3.75"))
        if released:
            release_now(review)
            Review.objects.filter(pk=review.pk).update(released_at=RELEASED_AT)
        review.refresh_from_db()
        return review

    return make


@pytest.fixture
def review(make_review) -> Review:
    return make_review()


def peer_submit(org: Org, review: Review, name: str) -> None:
    submit(review, getattr(org, name), PEER, rating=RATINGS[name], comment=COMMENTS[name])


def download(client: Client, review: Review) -> bytes:
    response = client.get(url(review))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def read(data: bytes) -> tuple[str, dict[str, str]]:
    """The PDF's text (whitespace made single: lines break anywhere) and metadata."""
    reader = PdfReader(io.BytesIO(data))
    words = " ".join(p.extract_text() for p in reader.pages)
    meta = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    return re.sub(r"\s+", " ", words), meta


def identifying(org: Org, names: list[str]) -> list[str]:
    words = []
    for name in names:
        person = getattr(org, name)
        words += [person.full_name, person.work_email]
    return words


def assert_anonymous(org: Org, data: bytes, names: list[str]) -> None:
    text, meta = read(data)
    everything = text + " " + " ".join(meta.values())
    for word in identifying(org, names):
        assert word not in everything
        assert word.encode() not in data
    # Answers were written on 4 Mar 2021 at 05:06: no trace of that time anywhere.
    for stamp in ("2021", "4 Mar", "05:06"):
        assert stamp not in everything


# --- the reviewee's document ---------------------------------------------------------------


def test_the_reviewee_downloads_their_released_review(org: Org, review, settings) -> None:
    settings.CADENCE_COMPANY_NAME = "Northwind Traders Ltd"
    response = org.client_for(org.engineer).get(url(review))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="review-ann-engineer-fy2027-annual-review.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    text, meta = read(response.content)
    assert org.engineer.full_name in text
    assert "Northwind Traders Ltd" in text
    assert "FY2027 annual review" in text
    assert "3.75 / 5" in text
    assert "Reliable and kind." in text
    assert "I kept the build green." in text
    assert org.eng_manager.full_name in text  # the manager review is attributed
    assert "Page 1 of" in text
    assert "20 Nov 2026" in text  # released, in the one date format
    assert meta["/Title"] == "Performance review · Ann Engineer · FY2027 annual review"
    assert "/Author" not in meta
    assert meta["/CreationDate"].startswith("D:20261120093000")
    assert meta["/Creator"] == "Cadence"


def test_the_same_reader_gets_the_same_bytes(org: Org, review) -> None:
    """No "now" anywhere: a download does not carry when it happened."""
    client = org.client_for(org.engineer)
    assert download(client, review) == download(client, review)


def test_the_comment_and_acknowledgement_appear_with_their_time(org: Org, review) -> None:
    at = datetime.datetime(2026, 11, 22, 14, 5, tzinfo=datetime.UTC)
    Review.objects.filter(pk=review.pk).update(
        state=Review.State.ACKNOWLEDGED, employee_comment="Fair overall.", acknowledged_at=at
    )
    text, _ = read(download(org.client_for(org.engineer), review))
    assert "Fair overall." in text
    assert "Acknowledged 22 Nov 2026, 14:05" in text


# --- anonymity ------------------------------------------------------------------------------


def test_below_k_the_peer_group_is_withheld_in_the_pdf(org: Org, review) -> None:
    names = ["engineer2", "seller"]  # K − 1 = 2
    for name in names:
        peer_submit(org, review, name)
    data = download(org.client_for(org.engineer), review)
    text, _ = read(data)
    assert "Peer reviews are shown only when at least 3 were submitted" in text
    for name in names:
        assert COMMENTS[name] not in text
    assert_anonymous(org, data, names)


def test_exactly_k_shows_the_aggregate_and_names_no_peer(org: Org, review) -> None:
    names = ["engineer2", "seller", "exec_viewer"]
    for name in names:
        peer_submit(org, review, name)
    data = download(org.client_for(org.engineer), review)
    text, _ = read(data)
    assert "3 reviews submitted" in text
    assert "Mean 3.67" in text
    for name in names:
        assert COMMENTS[name] in text
    assert_anonymous(org, data, names)


def test_comments_come_in_the_order_the_page_shows(org: Org, review) -> None:
    names = ["engineer2", "seller", "exec_viewer", "sales_head"]
    for name in names:
        peer_submit(org, review, name)
    client = org.client_for(org.engineer)
    html = client.get(page(review)).content.decode()
    on_page = sorted(COMMENTS.values(), key=html.index)
    text, _ = read(download(client, review))
    in_pdf = sorted(COMMENTS.values(), key=text.index)
    assert in_pdf == on_page
    api = client.get(f"{API}/reviews/{review.pk}/results").json()
    (group,) = [g for g in api["groups"] if g["type"] == PEER]
    assert group["comments"][0]["comments"] == on_page


def test_hr_with_attribution_gets_a_marked_copy_the_reviewee_never_does(
    org: Org, make_review
) -> None:
    review = make_review(hr_sees_attribution=True)
    names = ["engineer2", "seller", "exec_viewer"]
    for name in names:
        peer_submit(org, review, name)
    hr_text, _ = read(download(org.client_for(org.hr), review))
    assert "HR copy." in hr_text
    assert org.seller.full_name in hr_text  # the page's rule for HR in this cycle
    data = download(org.client_for(org.engineer), review)
    assert "HR copy." not in read(data)[0]
    assert_anonymous(org, data, names)


def test_managers_read_peer_groups_only_when_the_cycle_lets_them(org: Org, make_review) -> None:
    review = make_review(manager_sees_peer_results=False)
    for name in ("engineer2", "seller", "exec_viewer"):
        peer_submit(org, review, name)
    data = download(org.client_for(org.eng_manager), review)
    text, _ = read(data)
    assert "This cycle shares peer and upward results with the reviewee and HR only." in text
    assert COMMENTS["seller"] not in text
    assert_anonymous(org, data, ["engineer2", "seller", "exec_viewer"])


# --- who may download -----------------------------------------------------------------------


def test_hr_and_the_manager_chain_download_once_released(org: Org, review) -> None:
    for reader in (org.hr, org.eng_manager, org.eng_head, org.ceo):
        assert org.client_for(reader).get(url(review)).status_code == 200
    response = org.client_for(org.hr).get(api_url(review))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_outsiders_are_refused(org: Org, review) -> None:
    # Another employee, another team's manager, the other branch's head: 404 everywhere.
    for outsider in (org.seller, org.sales_manager, org.sales_head):
        client = org.client_for(outsider)
        assert client.get(url(review)).status_code == 404
        assert client.get(api_url(review)).status_code == 404
    anonymous = Client()
    response = anonymous.get(url(review))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert anonymous.get(api_url(review)).status_code == 401
    assert (
        org.client_for(org.hr).get(reverse("reviews:results_pdf", args=[999999])).status_code == 404
    )


def test_an_unreleased_review_does_not_export(org: Org, make_review) -> None:
    review = make_review(released=False)
    me = org.client_for(org.engineer)
    assert me.get(url(review)).status_code == 404  # as the page: not there yet
    assert me.get(api_url(review)).status_code == 404
    for reader in (org.hr, org.eng_manager):
        client = org.client_for(reader)
        response = client.get(url(review))
        assert response.status_code == 403
        assert "once the review is released" in response.content.decode()
        api = client.get(api_url(review))
        assert api.status_code == 403
        assert "once the review is released" in api.json()["detail"]
        assert "Download PDF" not in client.get(page(review)).content.decode()
    # A review closed before release (the reviewee left) never was released either.
    Review.objects.filter(pk=review.pk).update(state=Review.State.CLOSED)
    assert org.client_for(org.hr).get(url(review)).status_code == 403


def test_the_results_page_links_the_pdf_once_released(org: Org, review) -> None:
    for reader in (org.engineer, org.hr, org.eng_manager):
        html = org.client_for(reader).get(page(review)).content.decode()
        assert f'href="{url(review)}"' in html
        assert "Download PDF" in html


def test_the_renderer_fetches_nothing_but_inline_data() -> None:
    fetcher = pdf._fetcher()
    for address in ("http://127.0.0.1:9/x.css", "https://example.com/a.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(address)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
