"""Full-text backends: one interface (`base.SearchBackend`), one implementation per database.

The backend follows the database vendor of the default connection, so the embedded SQLite
database gets FTS5 and production's PostgreSQL gets its own full-text search, with no
setting to keep in step.
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.module_loading import import_string

from .base import SearchBackend

BACKENDS = {
    "sqlite": "datasud.search.backends.sqlite.SQLiteBackend",
    "postgresql": "datasud.search.backends.postgres.PostgresBackend",
}


def get_backend(using: str = DEFAULT_DB_ALIAS) -> SearchBackend:
    """The backend for the database `using` (the default one unless told otherwise)."""
    connection = connections[using]
    try:
        path = BACKENDS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"No search backend for the {connection.vendor!r} database (SQLite or PostgreSQL)"
        ) from None
    return import_string(path)(connection)
