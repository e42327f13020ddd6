"""The ``cadence`` command: Django's management commands plus Cadence's own."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "cadence"
    # Django names commands after modules (import_people); people type import-people.
    for i in (1, 2) if argv[1:2] == ["help"] else (1,):
        if len(argv) > i and not argv[i].startswith("-"):
            argv[i] = argv[i].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
