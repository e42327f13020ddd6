"""Pages, endpoints and forms get their objects from the access modules, never from the
table directly (docs/access.md, "Where objects come from").

A lookup written in a view is a rule written twice: the second copy forgets who may see
the row. This test reads the source of every ``views*.py``, ``api.py`` and ``forms.py``
and fails on any ``.objects.get/filter/all/exclude(`` or ``get_object_or_404(`` that is
not in the allow-list below, each entry with the reason it is not an object read or is
already cleared by access. An entry that no longer matches fails too, so the list only
shrinks (it is empty now).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOOKUP = re.compile(r"\.objects\.(get|filter|all|exclude)\(|get_object_or_404\(")

# (module, text of the line) → why it may stay. Empty: every read a page, endpoint or
# form makes goes through an access (or, for what every member reads, queries) function.
# Add an entry only for a line that is no object read, with the reason.
ALLOWED: dict[tuple[str, str], str] = {}


def modules() -> list[Path]:
    found = [
        path
        for path in (ROOT / "cadence").rglob("*.py")
        if "migrations" not in path.parts
        and (path.name.startswith("views") or path.name in ("api.py", "forms.py"))
    ]
    assert len(found) > 10, "the module search found too little: is ROOT right?"
    return sorted(found)


def lookups() -> list[tuple[str, int, str]]:
    hits = []
    for path in modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if LOOKUP.search(line):
                hits.append((str(path.relative_to(ROOT)), number, line.strip()))
    return hits


def allowed_by(module: str, line: str) -> tuple[str, str] | None:
    for key in ALLOWED:
        if key[0] == module and key[1] in line:
            return key
    return None


def test_views_apis_and_forms_read_objects_through_access():
    stray = [
        f"{module}:{number}: {line}"
        for module, number, line in lookups()
        if allowed_by(module, line) is None
    ]
    assert not stray, (
        "Read these objects through an access function (cadence/<app>/access.py), or, "
        "when it is not an object read, add it to ALLOWED with the reason:\n" + "\n".join(stray)
    )


def test_every_allowed_lookup_still_exists_and_says_why():
    used = {allowed_by(module, line) for module, _number, line in lookups()}
    stale = [f"{module}: {text}" for module, text in ALLOWED if (module, text) not in used]
    assert not stale, "Remove these entries from ALLOWED, the lookup is gone:\n" + "\n".join(stale)
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_check_catches_a_lookup():
    # The pattern itself, on the lines this issue found (so the test cannot pass empty).
    for line in (
        "person = Person.objects.filter(pk=int(wanted)).first()",
        "return get_object_or_404(PerformancePeriod, pk=period_id)",
        "goal = queries.with_key_results(Goal.objects.filter(pk=goal_id)).get()",
        "x = KeyResult.objects.get(pk=1)",
        "Kpi.objects.all()",
    ):
        assert LOOKUP.search(line), line
    assert not LOOKUP.search("access.goals_visible_to(user).filter(pk=goal_id)")
