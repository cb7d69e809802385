"""The `datasud` command: Django's management commands with the project's settings.

`datasud --help` lists every command; `datasud COMMAND --help` documents one.
The operations of the platform (load_demo, createadmin, import_catalog, rebuild_search_index...)
are management commands of the app that owns them.
"""
import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datasud.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)
    return 0
