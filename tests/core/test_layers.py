"""Which app may import which: ``cadence.core`` is the bottom layer, the demo the top.

Read from the source (every import, function-local ones included), not from what
happens to be loaded, so a new import that breaks the layering fails here at once.
"""

import ast
from pathlib import Path

import pytest

CADENCE = Path(__file__).resolve().parents[2] / "cadence"
AREAS = ("people", "planning", "goals", "kpis")

# Modules of core that may import an area, and why. Keep it short: anything else that
# needs an area belongs in that area (or in the demo app).
CORE_ALLOWED = {
    # The navigation lists the areas and shows each entry only to those it is for, so
    # it asks the people area who the user is; each later area adds its entry here.
    "context_processors.py": {"people"},
    # The home page (the user's own team) and the audit log page (its reader rule and
    # its "one person" filter) are pages about people, drawn inside core's layout.
    "views.py": {"people"},
}


def imported_apps(source: str, package: str) -> set[str]:
    """The ``cadence.<app>`` names a module imports, ``if TYPE_CHECKING:`` blocks left
    out (a name for a type annotation is no dependency at run time)."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # ``from cadence import people`` names the app in the imported names.
            names = (
                [f"{base}.{alias.name}" for alias in node.names] if base == "cadence" else [base]
            )
        else:
            continue
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "cadence":
                found.add(parts[1])
    return found


def app_imports(app: str) -> dict[str, set[str]]:
    """For each module of ``cadence.<app>``: the other cadence apps it imports."""
    root = CADENCE / app
    result = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        package = ".".join(["cadence", app, *relative.parent.parts])
        result[relative.as_posix()] = imported_apps(path.read_text(), package) - {app}
    return result


def test_core_imports_no_area_outside_the_allow_list():
    imports = app_imports("core")
    wrong = {
        module: sorted(apps & set(AREAS) - CORE_ALLOWED.get(module, set()))
        for module, apps in imports.items()
    }
    assert {module: apps for module, apps in wrong.items() if apps} == {}


def test_the_allow_list_names_modules_that_still_need_it():
    # A stale entry would let a module start importing an area again unnoticed.
    imports = app_imports("core")
    for module, apps in CORE_ALLOWED.items():
        assert module in imports, module
        assert apps <= imports[module], module


@pytest.mark.parametrize("app", ["core", "accounts", *AREAS])
def test_no_app_depends_on_the_demo(app):
    assert {module for module, apps in app_imports(app).items() if "demo" in apps} == set()


def test_the_demo_commands_live_in_the_demo_app():
    assert not (CADENCE / "core" / "management").exists()
    commands = {p.stem for p in (CADENCE / "demo" / "management" / "commands").glob("*.py")}
    assert {"demo", "seed"} <= commands


def test_the_checker_sees_local_relative_and_package_imports_but_not_type_only_ones():
    source = """
from typing import TYPE_CHECKING
import cadence.goals.models
from cadence import kpis
from ...planning import services
from .audit import action_label
if TYPE_CHECKING:
    from cadence.demo.organisation import HEADERS

def load():
    from cadence.people.models import Person
"""
    assert imported_apps(source, "cadence.core.templatetags") == {
        "goals",
        "kpis",
        "planning",
        "people",
        "core",
    }
