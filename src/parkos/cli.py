"""The `parkos` console script: manage.py under another name.

Every Django management command works through it (`parkos migrate`, `parkos runserver`), together with
ParkOS's own (`parkos demo`, `parkos import`, `parkos export`, `parkos calendar`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parkos", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
