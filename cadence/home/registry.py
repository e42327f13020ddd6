"""The registry of the home page's sections: what each area has waiting for the reader.

Areas register a ``HomeSection`` in their ``AppConfig.ready()`` (through
``cadence/<area>/home.py``); the home page and ``GET /api/v1/home`` list the sections in
``order`` and never name an area, so a later area (reviews to write, 1:1 agendas,
feedback requests, certificates expiring) adds its items without an edit here or in the
view. A section's ``items`` reads through its area's access module and answers with a
fixed number of queries whatever the size of the reader's team: the home page is
everybody's first request of the day.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from cadence.accounts.types import Actor
from cadence.people.models import Person

StrOrPromise = str | Promise


@dataclass(frozen=True)
class HomeItem:
    text: str  # a short sentence naming the thing: "Sign David Wagner's FY2026 plan"
    url: str  # every item leads to its object (or to the page that lists them)
    count: int | None = None  # "12 unread notifications": the number, for a badge
    group: str = ""  # the heading it sits under within its section ("Plans to sign")


@dataclass(frozen=True)
class HomeSection:
    key: str  # "plans": the API's name and the HTML id
    title: "StrOrPromise"  # "Plans" (lazy: translated when the page is drawn)
    order: int  # smaller first
    # (the signed-in user, their person record or None) → what needs them now. The
    # user answers the access rules; ``me`` saves each section the lookup.
    items: Callable[[Actor, Person | None], list[HomeItem]]


@dataclass
class Group:
    title: str
    items: list[HomeItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many things wait in the group: an item with a ``count`` speaks for the
        whole group ("All 14 goals awaiting your approval" below the first five),
        otherwise each item is one."""
        return max((i.count for i in self.items if i.count is not None), default=len(self.items))


@dataclass
class SectionView:
    """A section as the page and the API show it: its items in their groups."""

    key: str
    title: str
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def items(self) -> list[HomeItem]:
        return [item for g in self.groups for item in g.items]


_sections: dict[str, HomeSection] = {}


def register_section(section: HomeSection) -> HomeSection:
    existing = _sections.get(section.key)
    if existing is not None and existing != section:
        raise ValueError(f"home section {section.key!r} registered twice")
    _sections[section.key] = section
    return section


def sections() -> list[HomeSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def group_items(items: list[HomeItem]) -> list[Group]:
    """Items in their groups, in the order each group first appears."""
    groups: dict[str, Group] = {}
    for item in items:
        groups.setdefault(item.group, Group(item.group)).items.append(item)
    return list(groups.values())
