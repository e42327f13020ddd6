"""What the submitted answers of one review may show, per reviewer type.

Self and manager answers are attributed: their writers are known to everyone who reads
the results. Peer and upward answers — what makes people write honestly — reach readers
only as aggregates:

* per rating item: how many answered, the mean and the distribution over the scale;
  per multiple-choice question: how many chose each option;
* free-text comments without names, in a fixed pseudo-random order: sorted by a hash of
  the review, the question and the text, so neither submission order nor writer order
  shows through, the order is the same on every request, and one more comment arriving
  slides in without moving the others relative to each other;
* all of it only when at least K (``threshold``) reviews of that type were submitted;
  below K the group is withheld with a sentence saying why, and the sentence does not
  tell 0 from K−1. An item answered by fewer than K (an optional question) is withheld
  on its own the same way;
* no timestamps anywhere, and no count of invited or pending writers;
* HR admins see who wrote what only when the cycle says so (``access.sees_attribution``;
  writers are told before they write).
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from cadence.people.models import Person
from cadence.reviews.models import Answer, Question, ReviewCycle, ReviewerType

ANONYMOUS_TYPES = (ReviewerType.PEER.value, ReviewerType.UPWARD.value)
ATTRIBUTED_TYPES = (ReviewerType.SELF.value, ReviewerType.MANAGER.value)


def threshold(cycle: ReviewCycle) -> int:
    """K: the cycle's setting, never below 2 (the database refuses less too)."""
    return max(2, cycle.anonymity_threshold)


@dataclass(frozen=True)
class Item:
    """One thing answered: a question, a goal, a competency — in the template's order."""

    key: str  # the answer's item: "q:<id>", "g:<id>", "c:<id>"
    label: str
    section: str  # the section's title
    section_kind: str  # goals / competencies / questions
    kind: str  # rating / text / choice
    order: tuple[int, int, str, int]
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerRow:
    """A submitted answer with its writer, as loaded once for the whole review."""

    item: Item
    writer: Person
    writer_type: str
    rating: int | None
    text: str
    choice: str


@dataclass(frozen=True)
class Bucket:
    value: int
    label: str
    count: int


@dataclass(frozen=True)
class RatingSummary:
    item: Item
    count: int
    mean: Decimal | None
    distribution: list[Bucket]
    withheld: bool  # fewer than K answered this item

    @property
    def widest(self) -> int:
        return max((b.count for b in self.distribution), default=0)


@dataclass(frozen=True)
class ChoiceSummary:
    item: Item
    count: int
    options: list[tuple[str, int]]
    withheld: bool


@dataclass(frozen=True)
class CommentGroup:
    item: Item
    comments: list[str]


@dataclass(frozen=True)
class AttributedAnswer:
    item: Item
    rating: int | None
    rating_label: str
    text: str
    choice: str


@dataclass(frozen=True)
class WriterAnswers:
    writer: Person
    type: str
    answers: list[AttributedAnswer]


@dataclass
class GroupResult:
    """Peer or upward answers of one review, as the reader may see them."""

    type: str
    label: str
    shown: bool
    reason: str = ""  # why not shown, in a sentence
    count: int | None = None  # submitted reviews, only when shown
    ratings: list[RatingSummary] = field(default_factory=list)
    choices: list[ChoiceSummary] = field(default_factory=list)
    comments: list[CommentGroup] = field(default_factory=list)
    attributed: list[WriterAnswers] = field(default_factory=list)  # HR, when the cycle says


def comment_key(review_id: int, item: str, text: str) -> str:
    """The fixed pseudo-random place of a comment: a hash of the review, the question
    and the text — never the writer, the time or the row's id."""
    return hashlib.sha256(f"{review_id}\x1f{item}\x1f{text}".encode()).hexdigest()


def _mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def attributed(rows: Iterable[AnswerRow], scale: dict[int, str]) -> list[WriterAnswers]:
    """Answers grouped by writer, items in the template's order. Writers in name order
    (for HR's attribution view: never the order they wrote in)."""
    by_writer: dict[int, list[AnswerRow]] = {}
    writers: dict[int, tuple[Person, str]] = {}
    for row in rows:
        by_writer.setdefault(row.writer.pk, []).append(row)
        writers[row.writer.pk] = (row.writer, row.writer_type)
    result = []
    for pk, answers in by_writer.items():
        writer, kind = writers[pk]
        result.append(
            WriterAnswers(
                writer=writer,
                type=kind,
                answers=[
                    AttributedAnswer(
                        item=a.item,
                        rating=a.rating,
                        rating_label=scale.get(a.rating, "") if a.rating is not None else "",
                        text=a.text,
                        choice=a.choice,
                    )
                    for a in sorted(answers, key=lambda a: a.item.order)
                    if a.rating is not None or a.text.strip() or a.choice
                ],
            )
        )
    return sorted(result, key=lambda w: (w.writer.last_name, w.writer.first_name, w.writer.pk))


def withheld_sentence(kind: str, k: int) -> str:
    if kind == ReviewerType.UPWARD:
        return _(
            "Upward reviews are shown only when at least %(k)s were submitted, so that no "
            "one's answers can be singled out. Fewer than %(k)s were submitted for this "
            "review, so they are withheld."
        ) % {"k": k}
    return _(
        "Peer reviews are shown only when at least %(k)s were submitted, so that no one's "
        "answers can be singled out. Fewer than %(k)s were submitted for this review, so "
        "they are withheld."
    ) % {"k": k}


def item_withheld_sentence(k: int) -> str:
    return _("Fewer than %(k)s answered this: withheld.") % {"k": k}


def aggregate_group(
    *,
    review_id: int,
    kind: str,
    label: str,
    rows: Sequence[AnswerRow],
    submitted: int,
    k: int,
    scale: dict[int, str],
    with_attribution: bool,
) -> GroupResult:
    """One peer or upward group: withheld below K; else aggregates and comments."""
    if submitted < k:
        group = GroupResult(type=kind, label=label, shown=False, reason=withheld_sentence(kind, k))
        if with_attribution:
            group.attributed = attributed(rows, scale)
        return group
    group = GroupResult(type=kind, label=label, shown=True, count=submitted)
    by_item: dict[str, list[AnswerRow]] = {}
    items: dict[str, Item] = {}
    for row in rows:
        by_item.setdefault(row.item.key, []).append(row)
        items[row.item.key] = row.item
    for key in sorted(items, key=lambda key: items[key].order):
        item, answers = items[key], by_item[key]
        if item.kind == Question.Kind.RATING:
            values = [a.rating for a in answers if a.rating is not None]
            enough = len(values) >= k
            group.ratings.append(
                RatingSummary(
                    item=item,
                    count=len(values),
                    mean=_mean(values) if enough else None,
                    distribution=[
                        Bucket(value, text, values.count(value) if enough else 0)
                        for value, text in sorted(scale.items())
                    ],
                    withheld=not enough,
                )
            )
        elif item.kind == Question.Kind.CHOICE:
            picked = [a.choice for a in answers if a.choice]
            enough = len(picked) >= k
            options = list(item.choices) + sorted({p for p in picked} - set(item.choices))
            group.choices.append(
                ChoiceSummary(
                    item=item,
                    count=len(picked),
                    options=[(o, picked.count(o) if enough else 0) for o in options],
                    withheld=not enough,
                )
            )
        else:
            texts = [a.text.strip() for a in answers if a.text.strip()]
            if texts:
                texts.sort(key=lambda text: comment_key(review_id, key, text))
                group.comments.append(CommentGroup(item=item, comments=texts))
    if with_attribution:
        group.attributed = attributed(rows, scale)
    return group


def answer_rows(answers: Iterable[Answer], items: dict[str, Item]) -> list[AnswerRow]:
    """Pair loaded answers with their items; an answer to an item the template no longer
    lists (a goal deleted since) keeps a label of its own."""
    rows = []
    for answer in answers:
        item = items.get(answer.item)
        if item is None:
            continue
        rows.append(
            AnswerRow(
                item=item,
                writer=answer.assignment.writer,
                writer_type=answer.assignment.type,
                rating=answer.rating,
                text=answer.text,
                choice=answer.choice,
            )
        )
    return rows
