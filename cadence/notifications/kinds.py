"""The registry of notification kinds and of the objects they can be about.

Areas register their kinds and target types in their ``AppConfig.ready()`` (through
``register_kind`` and ``register_target``); this app imports no area. A kind is a key
("plan.signed"), the words of the preferences page, the sentence a notification reads as,
and its default channel. A target type says how to load objects *for one reader*: only
what that reader may read comes back, and anything else is shown by the type's neutral
words ("a private goal"), so unknown and not-yours read the same.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cadence.accounts.types import Actor
from cadence.notifications.models import Channel


@dataclass(frozen=True)
class Target:
    label: str  # "Grow self-serve revenue 20 %", "FY2026 plan of David Wagner"
    url: str


# (reader, ids) → {id: Target} for the ids the reader may read; one or two queries for
# the whole batch, whatever its size.
TargetLoader = Callable[[Actor, list[int]], dict[int, Target]]


@dataclass(frozen=True)
class TargetType:
    key: str  # the model's ``_meta.label_lower``: "goals.goal"
    load: TargetLoader
    hidden: str  # the words for one the reader may not read or that is gone


@dataclass(frozen=True)
class Kind:
    key: str  # "plan.signed"
    group: str  # heading on the preferences page: "Plans", "Goals"
    label: str  # the preference's words: "My plan is signed by the other side"
    # The sentence, with {actor} (who acted, by the reader's naming rule), {target} (the
    # object's label or the type's neutral words) and the notification's params.
    sentence: str
    default: Channel = Channel.IN_APP
    # Cannot be switched off (email or digest may still be chosen); the page says so.
    mandatory: bool = False
    # Who can ever receive it (None: every member) — an HR-only kind is not offered on
    # everyone's preferences page, nor accepted from them through the API.
    audience: Callable[[Actor], bool] | None = None


_kinds: dict[str, Kind] = {}
_targets: dict[str, TargetType] = {}


def register_kind(kind: Kind) -> Kind:
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.key!r} registered twice")
    _kinds[kind.key] = kind
    return kind


def register_kinds(kinds: Iterable[Kind]) -> None:
    for kind in kinds:
        register_kind(kind)


def register_target(target: TargetType) -> TargetType:
    _targets[target.key] = target
    return target


def kind(key: str) -> Kind:
    """The registered kind; a KeyError for an unknown key is a programming error."""
    return _kinds[key]


def is_kind(key: str) -> bool:
    return key in _kinds


def all_kinds() -> list[Kind]:
    """Every kind, grouped (in registration order of the groups) for the preferences."""
    groups: dict[str, list[Kind]] = {}
    for registered in _kinds.values():
        groups.setdefault(registered.group, []).append(registered)
    return [k for members in groups.values() for k in members]


def kinds_for(user: Actor) -> list[Kind]:
    """``all_kinds()`` that ``user`` can receive: what their preferences offer."""
    return [k for k in all_kinds() if k.audience is None or k.audience(user)]


def target_type(key: str) -> TargetType | None:
    return _targets.get(key)


def channels_for(kind_: Kind) -> list[Channel]:
    """The channels a person may choose for the kind (OFF only where it may be off)."""
    return [c for c in Channel if not (kind_.mandatory and c == Channel.OFF)]


def format_sentence(kind_: Kind, *, actor: str, target: str, params: dict[str, Any]) -> str:
    """The kind's sentence filled in; a missing parameter reads as nothing, never as a
    crash or a raw placeholder. A sentence may open with its target ("your FY2026
    plan …"): the first letter is made a capital."""
    values: dict[str, Any] = {k: v for k, v in params.items() if isinstance(k, str)}
    values.update(actor=actor, target=target)
    text = kind_.sentence.format_map(_Blank(values))
    return text[:1].upper() + text[1:]


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""
