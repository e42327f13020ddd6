"""The overall score of a review — the formula docs/reviews.md ("Scores") documents with
worked examples, which ``tests/reviews/test_scoring.py`` computes exactly.

1. For each reviewer type (manager, self, peer, upward) and each section kind (goals,
   competencies, other rating questions), the **part** is the plain mean of every rating
   that type's submitted reviews gave in that kind of section (peers' ratings pooled).
2. A reviewer type's score is the weighted mean of its parts, with the cycle's section
   weights; a part nobody rated is left out and the other weights re-normalised (divided
   by the sum of the weights of the parts that exist).
3. The overall score is the weighted mean of the reviewer types' scores, with the cycle's
   reviewer weights, re-normalised the same way. Peer and upward count only when at
   least K of their reviews were submitted (``anonymity.threshold``): a group withheld
   from the page is withheld from the score too, or the score would leak it.

Arithmetic is exact (fractions); the result is rounded half-up to two decimals once, at
the end, on the template's own scale.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadence.reviews.models import ReviewerType

SECTION_KINDS = ("goals", "competencies", "questions")
REVIEWER_TYPES = tuple(t.value for t in ReviewerType)

DEFAULT_SECTION_WEIGHTS: dict[str, int] = {"goals": 50, "competencies": 30, "questions": 20}
DEFAULT_REVIEWER_WEIGHTS: dict[str, int] = {"manager": 60, "self": 10, "peer": 20, "upward": 10}
ANONYMOUS_TYPES = (ReviewerType.PEER.value, ReviewerType.UPWARD.value)
MAX_WEIGHT = 1000
CENT = Decimal("0.01")

# Answer items by section kind: "g:<goal>", "c:<competency>", "q:<question>".
KIND_OF_PREFIX = {"g": "goals", "c": "competencies", "q": "questions"}


@dataclass(frozen=True)
class Weights:
    sections: dict[str, Fraction]
    reviewers: dict[str, Fraction]


def parse_weights(raw: Any) -> Weights:
    """The cycle's ``score_weights`` merged over the defaults: each given weight replaces
    its default, a missing one keeps it. Weights are whole or decimal numbers from 0 to
    1000 (0 leaves the part out); they need not add up to 100."""
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ValidationError({"score_weights": _("Score weights must be a mapping.")})
    sections = _merge(raw.get("sections"), DEFAULT_SECTION_WEIGHTS, "sections")
    reviewers = _merge(raw.get("reviewers"), DEFAULT_REVIEWER_WEIGHTS, "reviewers")
    return Weights(sections=sections, reviewers=reviewers)


def _merge(given: Any, defaults: dict[str, int], group: str) -> dict[str, Fraction]:
    merged = {key: Fraction(value) for key, value in defaults.items()}
    if given is None:
        return merged
    if not isinstance(given, Mapping):
        raise ValidationError({"score_weights": _("Score weights must be a mapping.")})
    for key, value in given.items():
        if key not in merged:
            raise ValidationError(
                {
                    "score_weights": _("“%(key)s” is not a %(group)s weight.")
                    % {"key": key, "group": group}
                }
            )
        try:
            weight = Fraction(str(value)) if not isinstance(value, bool) else None
        except (ValueError, ZeroDivisionError):
            weight = None
        if weight is None or not 0 <= weight <= MAX_WEIGHT:
            raise ValidationError(
                {
                    "score_weights": _(
                        "The weight of “%(key)s” must be a number from 0 to %(max)s."
                    )
                    % {"key": key, "max": MAX_WEIGHT}
                }
            )
        merged[key] = weight
    return merged


@dataclass(frozen=True)
class Rating:
    """One submitted rating, as the formula sees it."""

    reviewer_type: str
    section_kind: str
    value: int


@dataclass(frozen=True)
class SectionPart:
    kind: str
    weight: Fraction
    ratings: int
    mean: Fraction | None  # None: nobody of this type rated this kind of section

    @property
    def mean_shown(self) -> Decimal | None:
        return rounded(self.mean)


@dataclass(frozen=True)
class ReviewerPart:
    type: str
    weight: Fraction
    sections: list[SectionPart]
    score: Fraction | None
    withheld: bool  # peer/upward with fewer than K reviews: left out of the score
    share: Fraction  # this part's share of the overall score, 0–1 after re-normalising

    @property
    def score_shown(self) -> Decimal | None:
        return rounded(self.score)

    @property
    def share_percent(self) -> Decimal:
        return (Decimal(self.share.numerator) * 100 / Decimal(self.share.denominator)).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class ScoreBreakdown:
    score: Decimal | None
    parts: list[ReviewerPart]


def rounded(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def _weighted_mean(pairs: Iterable[tuple[Fraction, Fraction | None]]) -> Fraction | None:
    present = [(w, v) for w, v in pairs if v is not None and w > 0]
    total = sum((w for w, _v in present), Fraction(0))
    if not present or total == 0:
        return None
    return sum((w * v for w, v in present), Fraction(0)) / total


def compute(
    ratings: Iterable[Rating],
    *,
    weights: Weights,
    submitted: Mapping[str, int],
    threshold: int,
) -> ScoreBreakdown:
    """The formula. ``submitted`` counts the submitted reviews per reviewer type; peer
    and upward parts count only with at least ``threshold`` of them."""
    by_part: dict[tuple[str, str], list[int]] = {}
    for rating in ratings:
        by_part.setdefault((rating.reviewer_type, rating.section_kind), []).append(rating.value)
    parts: list[ReviewerPart] = []
    scores: dict[str, Fraction | None] = {}
    for reviewer in REVIEWER_TYPES:
        withheld = reviewer in ANONYMOUS_TYPES and submitted.get(reviewer, 0) < threshold
        sections = []
        for kind in SECTION_KINDS:
            values = [] if withheld else by_part.get((reviewer, kind), [])
            mean = Fraction(sum(values), len(values)) if values else None
            sections.append(SectionPart(kind, weights.sections[kind], len(values), mean))
        score = _weighted_mean((s.weight, s.mean) for s in sections)
        scores[reviewer] = score
        parts.append(
            ReviewerPart(
                reviewer, weights.reviewers[reviewer], sections, score, withheld, Fraction(0)
            )
        )
    counted = [(p.weight, p.score) for p in parts if p.score is not None and p.weight > 0]
    total = sum((w for w, _s in counted), Fraction(0))
    overall = _weighted_mean(counted)
    shared = [
        ReviewerPart(
            p.type,
            p.weight,
            p.sections,
            p.score,
            p.withheld,
            p.weight / total if total and p.score is not None else Fraction(0),
        )
        for p in parts
    ]
    return ScoreBreakdown(score=rounded(overall), parts=shared)
