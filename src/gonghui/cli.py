"""The `gonghui` console script: Django's manage.py with the project's own commands.

Every command exits 0 on success and non-zero with a one-line message on failure (DESIGN.md).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gonghui", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
