"""The ``rusfelt`` console script: Django's manage command with Rusfelt's settings.

``RUSFELT_ENV`` chooses the settings module: ``demo`` (default, SQLite),
``test`` or ``production``.
"""

import os
import sys

ENVIRONMENTS = ("demo", "test", "production")


def settings_module() -> str:
    env = os.environ.get("RUSFELT_ENV", "demo")
    if env not in ENVIRONMENTS:
        raise SystemExit(f"RUSFELT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    return f"rusfelt.settings.{env}"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
