"""Planning reads spreadsheets with the generic reader (``cadence.core.tabular``), not
through the people import, whose rules (header aliases, HRIS columns) are not its own."""

import ast
from pathlib import Path

import cadence.planning

PLANNING = Path(cadence.planning.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_competency_import_reads_its_file_with_the_generic_reader():
    imported = _imported_modules(PLANNING / "services" / "framework.py")
    assert "cadence.core.tabular" in imported
    assert not {m for m in imported if m.startswith("cadence.people.importing")}


def test_no_planning_module_leans_on_the_people_import():
    offenders = [
        path.relative_to(PLANNING).as_posix()
        for path in PLANNING.rglob("*.py")
        if any(m.startswith("cadence.people.importing") for m in _imported_modules(path))
    ]
    assert offenders == []
