"""A released review as a PDF document (WeasyPrint), for the results page's "Download
PDF" and ``GET /api/v1/reviews/{id}/results.pdf``.

The document is built only from ``queries_results.review_results(user, review)`` — the
reader-aware data the results page shows — so it follows the page's anonymity rules:
peer and upward answers as aggregates of at least K, comments without names or times in
the page's fixed order, withheld groups with the sentence saying why, who wrote what
only for HR when the cycle says so (and then marked as HR's copy).

What the file carries besides its pages is chosen, not left to the library:

* title: "Performance review · <reviewee> · <cycle>"; subject "Performance review";
  creator "Cadence"; no author (it would name writers, or the person who downloaded it);
* created: the release time, never "now" — the time of a download says who looked when,
  and the same review read by the same reader gives the same bytes;
* no file identifier, no links, nothing fetched: the fetcher refuses every URL but
  ``data:`` (the template needs none), so a comment cannot make the server call out.
"""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.people.display import person_shown
from cadence.reviews import access, queries_results
from cadence.reviews.anonymity import WriterAnswers
from cadence.reviews.models import Review, ReviewerType

if TYPE_CHECKING:
    from weasyprint import URLFetcher

EXPORTABLE_STATES = (Review.State.RELEASED, Review.State.ACKNOWLEDGED, Review.State.CLOSED)
CONTENT_TYPE = "application/pdf"


def exportable(review: Review) -> bool:
    """Each released review exports: released (then perhaps acknowledged or closed),
    never an open one — not even for HR or the manager side, who read it before."""
    return review.released_at is not None and review.state in EXPORTABLE_STATES


def review_for_download(user: Actor, review_id: int) -> Review:
    """The review whose PDF ``user`` may download: ``access.review_for_results`` (404 for
    anyone who may not read it, the reviewee before release included), then released —
    else a refusal that says why (HR and the manager side read it before release)."""
    review = access.review_for_results(user, review_id)
    if not exportable(review):
        raise access.Refused(_("The PDF can be downloaded once the review is released."))
    return review


def filename(review: Review) -> str:
    name = slugify(review.reviewee.full_name) or "employee"
    cycle = slugify(review.cycle.name) or "cycle"
    return f"review-{name}-{cycle}.pdf"


def _created(review: Review) -> str:
    """The release time as W3C date-time in UTC, for the PDF's creation date."""
    at = review.released_at or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fetcher() -> "URLFetcher":
    # Only inline data: a template or a comment naming http(s):// or file:// is refused.
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def _part_labels() -> dict[str, str]:
    return {
        ReviewerType.SELF.value: _("Self"),
        ReviewerType.MANAGER.value: _("Manager"),
        ReviewerType.PEER.value: _("Peers"),
        ReviewerType.UPWARD.value: _("Upward"),
    }


def _named(user: Actor, writers: list[WriterAnswers]) -> list[tuple[WriterAnswers, str]]:
    """Each writer with their name as ``user`` may see it (the pages' rule)."""
    return [(w, person_shown(user, w.writer).name) for w in writers]


def render_html(user: Actor, review: Review) -> str:
    """The document's HTML (also what the tests read before it becomes a PDF)."""
    shown = queries_results.review_results(user, review)
    labels = _part_labels()
    parts = [
        (part, labels.get(part.type, part.type))
        for part in shown.breakdown.parts
        if part.type in review.cycle.review_types and part.type in shown.kinds
    ]
    groups = [(g, _named(user, g.attributed)) for g in shown.groups]
    return render_to_string(
        "reviews/pdf/results.html",
        {
            "results": shown,
            "review": review,
            "parts": parts,
            "groups": groups,
            "self_answers": _named(user, shown.self_answers),
            "manager_answers": _named(user, shown.manager_answers),
            "hr_copy": any(named for _group, named in groups),
            "manager_name": person_shown(user, review.manager).name if review.manager else "",
            "company": settings.CADENCE_COMPANY_NAME,
            "created": _created(review),
            "lang": get_language() or settings.LANGUAGE_CODE,
        },
    )


def results_pdf(user: Actor, review: Review) -> bytes:
    """The review as ``user`` may read it, as PDF bytes. The caller has checked that
    ``user`` passed ``access.review_for_results`` and that the review is ``exportable``."""
    # WeasyPrint takes ~2 s to import (fonts, CSS tables): only a download pays for it,
    # not every process that loads the URLs.
    from weasyprint import HTML

    html = render_html(user, review)
    document = HTML(string=html, url_fetcher=_fetcher())
    return document.write_pdf(pdf_identifier=False)


def response(user: Actor, review: Review) -> HttpResponse:
    """The PDF as a download that no shared cache keeps."""
    result = HttpResponse(
        results_pdf(user, review),
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename(review)}"'},
    )
    patch_cache_control(result, private=True, no_store=True)
    return result
