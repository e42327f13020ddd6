"""``python -m bench [NAME ...] [--size N] [--fresh] [--strict]``

Runs every workload in ``bench/workloads/`` (or the named ones) and prints one JSON
object per line on stdout; progress goes to stderr. Exits 1 when a workload crashes
(or, with ``--strict``, when a result has ``"ok": false``), 2 for an unknown name.
"""

import argparse
import importlib
import json
import pkgutil
import sys
import traceback
from types import ModuleType

from bench import workloads as workloads_package


def discover() -> tuple[dict[str, ModuleType], dict[str, str]]:
    """Workloads by NAME, and the modules that failed to import (module -> error)."""
    found: dict[str, ModuleType] = {}
    broken: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(workloads_package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module_name = f"{workloads_package.__name__}.{info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception:
            broken[module_name] = traceback.format_exc()
            continue
        name = getattr(module, "NAME", None)
        if not isinstance(name, str) or not callable(getattr(module, "run", None)):
            broken[module_name] = "a workload module needs NAME: str and run(args)"
            continue
        found[name] = module
    return found, broken


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[2])
    parser.add_argument("names", nargs="*", metavar="NAME", help="workloads to run (default: all)")
    parser.add_argument("--size", type=int, help="organisation size (default: each workload's)")
    parser.add_argument(
        "--fresh", action="store_true", help="rebuild cached inputs such as seeded databases"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a result misses its target"
    )
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    return parser.parse_args(argv)


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    found, broken = discover()
    if args.list:
        for name, module in sorted(found.items()):
            summary = (module.__doc__ or "").strip().partition("\n")[0]
            print(f"{name:<12} {summary}")
        for module_name in broken:
            print(f"{module_name} could not be loaded", file=sys.stderr)
        return 0
    unknown = [n for n in args.names if n not in found]
    if unknown:
        for module_name, error in broken.items():
            print(f"{module_name} could not be loaded:\n{error}", file=sys.stderr)
        print(
            f"Unknown workload(s): {', '.join(unknown)}. Known: {', '.join(sorted(found))}",
            file=sys.stderr,
        )
        return 2
    failed = False
    if not args.names:
        for module_name, error in broken.items():
            print(error, file=sys.stderr)
            emit({"workload": module_name, "error": error.strip().splitlines()[-1]})
            failed = True
    missed = False
    for name in args.names or sorted(found):
        try:
            rows = found[name].run(args)
        except Exception as exc:
            traceback.print_exc()
            emit({"workload": name, "error": f"{type(exc).__name__}: {exc}"})
            failed = True
            continue
        for row in rows:
            emit(row)
            missed = missed or row.get("ok") is False
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
