"""The people picker: type part of a name, choose a colleague from the suggestions, and
they become a removable chip holding a hidden input with their id.

Everything is server-rendered htmx (the CSP allows no inline script and no eval): the
search box asks ``people:picker`` for suggestions as the user types; choosing one, or
removing a chip, asks it again for the chips and the search box, re-rendered with the
chosen ids. Each round trip names the widget's own inputs (``hx-vals`` on the picker),
so the endpoint serves any form that uses ``PeoplePickerField``.

Without JavaScript the search box is a plain text input that the form reads as work
emails (one for a single person, several separated by commas): the page keeps working,
as it did before the picker. The picker decides nothing: suggestions and chips show
only people the user may see (``access.people_visible_to``, active), but whoever
receives the ids checks them again through its own access rules, as for any posted id.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from cadence.accounts.types import Actor
from cadence.people import access, queries

SUGGESTIONS = 8
# Names of inputs and element ids the endpoint writes back into the page: a strict
# alphabet, since they come from the request.
_TOKEN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,79}$")
_MAX_TEXT = 5000


def ids_name(name: str) -> str:
    """The name of the chips' hidden inputs of the picker whose search box is ``name``."""
    return f"{name}_ids"


def parse_ids(values: Sequence[str]) -> list[int]:
    """Posted ids in order, once each. Anything that is not an id reads as id 0, which
    nobody has: a forged value is refused as an unknown colleague, not dropped."""
    out: list[int] = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 0 < number < 2**63:
            number = 0
        if number not in out:
            out.append(number)
    return out


@dataclass(frozen=True)
class Picked:
    """What a picker posted: the chosen ids and what is left in the search box."""

    ids: list[int] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class Chip:
    pk: int
    full_name: str


@dataclass(frozen=True)
class Suggestion:
    pk: int
    full_name: str
    detail: str  # "Engineer · Engineering/Platform"


def chips_for(user: Actor, ids: list[int], *, others_only: bool = False) -> list[Chip]:
    """The chosen people the user may see, in the order chosen (one query). An id of
    someone who left, does not exist or is hidden from the user gives no chip."""
    wanted = [pk for pk in ids if pk]
    if not wanted:
        return []
    me = access.acting_person(user)
    people = access.people_visible_to(user).filter(pk__in=wanted)
    if others_only and me is not None:
        people = people.exclude(pk=me.pk)
    rows = people.values_list("pk", "first_name", "last_name", "work_email")
    names = {pk: queries.full_name(first, last, email) for pk, first, last, email in rows}
    return [Chip(pk, names[pk]) for pk in wanted if pk in names]


def suggestions_for(
    user: Actor, q: str, *, exclude: list[int], others_only: bool = False
) -> list[Suggestion]:
    """Up to ``SUGGESTIONS`` people matching ``q`` through the directory's search (so
    only people the user may see, active), leaving out those already chosen."""
    if not q.strip():
        return []
    left_out = [pk for pk in exclude if pk]
    me = access.acting_person(user)
    if others_only and me is not None:
        left_out.append(me.pk)
    rows = (
        queries.directory_search(user, q=q[:100])
        .exclude(pk__in=left_out)
        .values("pk", "first_name", "last_name", "work_email", "job_title")
        .annotate(department_name=F("department__full_name"))[:SUGGESTIONS]
    )
    return [
        Suggestion(
            pk=row["pk"],
            full_name=queries.full_name(row["first_name"], row["last_name"], row["work_email"]),
            detail=" · ".join(p for p in (row["job_title"], row["department_name"] or "") if p),
        )
        for row in rows
    ]


# --- the widget ---------------------------------------------------------------------------


@dataclass
class PickerView:
    """What ``people/_picker.html`` shows of one picker."""

    name: str
    id: str
    many: bool
    limit: int
    others_only: bool
    describedby: str = ""
    invalid: bool = False
    chips: list[Chip] = field(default_factory=list)
    text: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)
    status: str = ""
    no_match: bool = False
    focus: str = ""  # "input" or "remove" after a pick or a removal: where the keyboard goes

    @property
    def ids_name(self) -> str:
        return ids_name(self.name)

    @property
    def url(self) -> str:
        return reverse("people:picker")

    @property
    def open(self) -> bool:
        """Whether the search box is shown: a single picker with its person chosen, or a
        full one, has none (remove a chip to search again)."""
        return len(self.chips) < self.limit

    @property
    def vals(self) -> str:
        # The widget's own names, echoed back by every htmx request of the picker.
        return json.dumps(
            {
                "picker": self.name,
                "picker_id": self.id,
                "picker_many": int(self.many),
                "picker_limit": self.limit,
                "picker_others": int(self.others_only),
                "picker_describedby": self.describedby,
            }
        )


class PeoplePickerWidget(forms.Widget):
    template_name = "people/_picker.html"

    def __init__(
        self, *, many: bool = False, limit: int = 1, others_only: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.many = many
        self.limit = limit if many else 1
        self.others_only = others_only
        # Filled by the form, which knows the user: the chosen people as they may see them.
        self.chips: list[Chip] = []

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Picked:
        getlist = getattr(data, "getlist", None)
        raw = getlist(ids_name(name)) if getlist else data.get(ids_name(name), [])
        if isinstance(raw, str | int):
            raw = [raw]
        return Picked(ids=parse_ids([str(v) for v in raw]), text=str(data.get(name, "")))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def format_value(self, value: Any) -> str:
        return value.text if isinstance(value, Picked) else str(value or "")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        final = context["widget"]["attrs"]
        context["p"] = PickerView(
            name=name,
            id=final.get("id") or f"id_{name}",
            many=self.many,
            limit=self.limit,
            others_only=self.others_only,
            describedby=final.get("aria-describedby", ""),
            invalid=bool(final.get("aria-invalid")),
            chips=self.chips,
            text=self.format_value(value),
        )
        return context


class PeoplePickerField(forms.Field):
    """One colleague (``many=False``) or up to ``limit``, chosen with the picker or typed
    as work emails. Cleans to ``Picked``; who the ids and emails name, and whether they
    may be chosen, is for the caller's access rules to say."""

    widget = PeoplePickerWidget

    def __init__(
        self, *, many: bool = False, limit: int = 1, others_only: bool = True, **kwargs: Any
    ) -> None:
        kwargs.setdefault("required", False)
        kwargs["widget"] = PeoplePickerWidget(many=many, limit=limit, others_only=others_only)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Picked:
        picked = value if isinstance(value, Picked) else Picked(text=str(value or ""))
        if len(picked.text) > _MAX_TEXT:
            raise ValidationError(_("That is too long: choose colleagues from the suggestions."))
        if self.required and not picked.ids and not picked.text.strip():
            raise ValidationError(self.error_messages["required"], code="required")
        return Picked(ids=picked.ids, text=picked.text.strip())

    def show(self, chips: list[Chip]) -> None:
        """The chosen people, as the form's user may see them (``chips_for``)."""
        assert isinstance(self.widget, PeoplePickerWidget)
        self.widget.chips = chips


# --- the endpoint ---------------------------------------------------------------------------


def _view_from(query: Mapping[str, Any]) -> PickerView | None:
    name, element_id = query.get("picker", ""), query.get("picker_id", "")
    describedby = query.get("picker_describedby", "")
    if not _TOKEN.match(name) or not _TOKEN.match(element_id):
        return None
    if describedby and not all(_TOKEN.match(part) for part in describedby.split()):
        return None
    many = query.get("picker_many") == "1"
    try:
        limit = max(1, min(int(query.get("picker_limit", "1")), 100)) if many else 1
    except ValueError:
        return None
    return PickerView(
        name=name,
        id=element_id,
        many=many,
        limit=limit,
        others_only=query.get("picker_others") != "0",
        describedby=describedby[:200],
    )


def _search_term(text: str, *, many: bool) -> str:
    # Several colleagues are typed as emails separated by commas: search the last one.
    return text.replace(";", ",").rsplit(",", 1)[-1].strip() if many else text.strip()


@require_GET
@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions for the search box (``#suggestions``), or — with ``pick`` or
    ``remove`` — the picker's chips and search box again (``#body``)."""
    access.require_member(request.user)
    view = _view_from(request.GET)
    if view is None:
        return HttpResponseBadRequest(_("This picker is not one Cadence knows."))
    ids = parse_ids(request.GET.getlist(view.ids_name))
    text = request.GET.get(view.name, "")[:_MAX_TEXT]
    if "pick" in request.GET or "remove" in request.GET:
        return _choose(request, view, ids, text)
    view.chips = []
    view.suggestions = suggestions_for(
        request.user,
        _search_term(text, many=view.many),
        exclude=ids,
        others_only=view.others_only,
    )
    view.no_match = not view.suggestions and bool(_search_term(text, many=view.many))
    if view.suggestions:
        view.status = ngettext(
            "%(n)d colleague suggested.", "%(n)d colleagues suggested.", len(view.suggestions)
        ) % {"n": len(view.suggestions)}
    elif view.no_match:
        view.status = _("No colleague matches.")
    return render(request, "people/_picker.html#suggestions", {"p": view})


def _choose(request: HttpRequest, view: PickerView, ids: list[int], text: str) -> HttpResponse:
    [pick] = parse_ids([request.GET.get("pick", "")]) if "pick" in request.GET else [0]
    [remove] = parse_ids([request.GET.get("remove", "")]) if "remove" in request.GET else [0]
    known = {c.pk: c for c in chips_for(request.user, [*ids, pick], others_only=view.others_only)}
    chosen = [pk for pk in ids if pk != remove]
    if pick and pick not in chosen:
        chosen = [*chosen, pick] if view.many else [pick]
    view.chips = [known[pk] for pk in chosen if pk in known][: view.limit]
    view.text = text
    if pick in {c.pk for c in view.chips}:
        view.status = _("%(name)s chosen.") % {"name": known[pick].full_name}
        # The search that found them is done with; emails typed before it stay.
        typed = text.replace(";", ",").rsplit(",", 1)
        view.text = typed[0].strip() + ", " if view.many and len(typed) == 2 else ""
    elif remove in known:
        view.status = _("%(name)s removed.") % {"name": known[remove].full_name}
    view.focus = "input" if view.open else "remove"
    response = render(request, "people/_picker.html#chosen", {"p": view})
    # Once the new chips (and their hidden ids) are in the page, a part of the form that
    # depends on whom was chosen may follow: ``hx-trigger="picker-changed from:body"``.
    response["HX-Trigger-After-Settle"] = json.dumps({"picker-changed": {"picker": view.name}})
    return response


__all__ = [
    "Chip",
    "PeoplePickerField",
    "PeoplePickerWidget",
    "Picked",
    "chips_for",
    "suggest",
    "suggestions_for",
]
