"""The acting user has a type (``cadence.accounts.types.Actor``), not ``Any``.

mypy with django-stubs (``make lint``) checks what is done with it; an ``Any`` would
switch that check off for every rule the user passes through. This test reads the
modules already converted and fails on a parameter named ``user`` or ``actor``
annotated ``Any``. goals and planning join the list once they are converted;
people/queries.py is being rewritten by the search work."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("accounts", "core", "people", "kpis")
NOT_YET = {"cadence/people/queries.py", "cadence/core/search.py", "cadence/core/pagination.py"}


def modules() -> list[Path]:
    found = [
        path
        for area in AREAS
        for path in (ROOT / "cadence" / area).rglob("*.py")
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in NOT_YET
    ]
    assert len(found) > 30, "the module search found too little: is ROOT right?"
    return sorted(found)


def untyped_actors(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args
        for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            if arg.arg not in ("user", "actor"):
                continue
            if arg.annotation is None:
                found.append(f"{node.name}({arg.arg}) without a type")
            elif "Any" in ast.unparse(arg.annotation):
                found.append(f"{node.name}({arg.arg}: {ast.unparse(arg.annotation)})")
    return found


def test_the_check_sees_an_untyped_actor() -> None:
    source = "def f(user: Any) -> None: ...\ndef g(*, actor) -> None: ...\n"
    assert untyped_actors(source) == ["f(user: Any)", "g(actor) without a type"]
    assert untyped_actors("def h(user: Actor, *, actor: Actor | None) -> None: ...") == []


def test_no_acting_user_is_any() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in modules()
        if (found := untyped_actors(path.read_text()))
    }
    assert offenders == {}
