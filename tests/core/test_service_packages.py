"""The areas whose writes outgrew one module keep them in a ``services`` package
(docs/architecture.md): callers still write ``services.plan_sign(...)``, so the package
must name every public write its modules define, and each module must stay one read."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import cadence

PACKAGES = ("cadence.goals.services", "cadence.planning.services")
# Modules split out of those packages' old single files, held to the same size.
SPLIT_OUT = ("cadence.goals.rollup",)
ONE_READ = 600  # lines
ROOT = Path(cadence.__file__).resolve().parent.parent


def _modules(package_name: str) -> list:
    package = importlib.import_module(package_name)
    return [
        importlib.import_module(f"{package_name}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


@pytest.mark.parametrize("package_name", PACKAGES)
def test_the_package_names_every_public_write_of_its_modules(package_name):
    package = importlib.import_module(package_name)
    modules = _modules(package_name)
    assert len(modules) >= 2, f"{package_name} is split into modules"
    defined = {
        name
        for module in modules
        for name, value in vars(module).items()
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", None) == module.__name__
    }
    assert defined, package_name
    assert defined <= set(package.__all__), sorted(defined - set(package.__all__))
    for name in package.__all__:
        assert hasattr(package, name), f"{package_name}.{name}"


@pytest.mark.parametrize(
    "module_name",
    [*SPLIT_OUT, *(m.__name__ for p in PACKAGES for m in _modules(p))],
)
def test_each_module_stays_one_read(module_name):
    path = Path(importlib.import_module(module_name).__file__)
    lines = len(path.read_text().splitlines())
    assert lines <= ONE_READ, f"{path.relative_to(ROOT)} has {lines} lines"


def test_callers_import_the_package_not_a_module_inside_it():
    """So that a function can move between the modules without touching a caller."""
    inside = re.compile(
        r"^\s*(from\s+cadence\.(goals|planning)\.services\.\w+\s+import"
        r"|import\s+cadence\.(goals|planning)\.services\.\w+)",
        re.M,
    )
    offenders = []
    for folder in ("cadence", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(("cadence/goals/services/", "cadence/planning/services/")):
                continue
            if inside.search(path.read_text(encoding="utf-8")):
                offenders.append(relative)
    assert offenders == []
