"""DuckDB connections of the datastore: one place that knows how DuckDB is configured.

Three kinds of connection, each for one use:
- `ingest_connection()`: a fresh in-memory database for one load (reads the source file,
  writes Parquet), with its own memory limit so a huge file spills to disk, not to swap;
- `query_cursor()`: a cursor on one shared in-memory database per process, one cursor per
  thread (a DuckDB connection is not thread-safe, its cursors are), for the query API,
  previews and exports. It keeps Parquet metadata cached between requests, which is what
  makes small queries fast;
- `sandbox_connection(paths)`: a locked-down database for the public read-only SQL
  endpoint: no file access except the given Parquet files, no extension loading, its
  configuration locked so that user SQL cannot undo any of it.

No connection ever downloads anything: automatic extension install/load is off, and the
spatial extension is loaded from the file shipped in the `duckdb-extension-spatial` package.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

# DuckDB's Python binding tries `import pandas` for every bound parameter it converts; without
# pandas installed each failed attempt walks sys.path again (a 1,000-value IN list took 330 ms
# instead of 60). Recording pandas as absent makes the attempt fail at once; nothing changes
# where pandas is really installed.
if importlib.util.find_spec("pandas") is None:
    sys.modules.setdefault("pandas", None)

import duckdb  # noqa: E402 - after the pandas note above
import duckdb_extension_spatial  # noqa: E402
from django.conf import settings  # noqa: E402

# Settings every connection gets: nothing is fetched from the network, ever.
_BASE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


def spatial_extension_path() -> Path:
    """The spatial extension binary shipped by the `duckdb-extension-spatial` package."""
    root = Path(duckdb_extension_spatial.__file__).parent / "extensions"
    path = root / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.exists():  # a DuckDB/extension version mismatch is a broken install
        raise RuntimeError(f"DuckDB spatial extension not found at {path}")
    return path


def _connect(memory_limit: str, threads: int, spatial: bool) -> duckdb.DuckDBPyConnection:
    config = dict(_BASE_CONFIG, memory_limit=memory_limit, threads=threads)
    temp_dir = settings.DATASTORE_DIR / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    config["temp_directory"] = str(temp_dir)
    con = duckdb.connect(":memory:", config=config)
    if spatial:
        con.execute(f"LOAD '{quote_literal_body(str(spatial_extension_path()))}'")
    return con


def quote_literal_body(text: str) -> str:
    """Escape a string for use inside a single-quoted SQL literal (for our own paths only)."""
    return text.replace("'", "''")


def quote_identifier(name: str) -> str:
    """Quote a column or table name for DuckDB (any name, even with quotes inside)."""
    return '"' + name.replace('"', '""') + '"'


def parquet_source(path: Path | str) -> str:
    """The FROM fragment reading one of our Parquet files, with its stable row number."""
    return f"read_parquet('{quote_literal_body(str(path))}', file_row_number=true)"


def ingest_connection(*, spatial: bool = True) -> duckdb.DuckDBPyConnection:
    """A fresh database for one ingestion; close it when the load is done."""
    return _connect(settings.DATASTORE_INGEST_MEMORY, settings.DATASTORE_THREADS, spatial)


_shared_lock = threading.Lock()
_shared: duckdb.DuckDBPyConnection | None = None
_local = threading.local()


def query_cursor() -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the process-wide query database."""
    global _shared
    cursor = getattr(_local, "cursor", None)
    if cursor is not None and getattr(_local, "owner", None) is _shared:
        return cursor
    with _shared_lock:
        if _shared is None:
            _shared = _connect(settings.DATASTORE_QUERY_MEMORY, settings.DATASTORE_THREADS,
                               spatial=True)
            _shared.execute("SET parquet_metadata_cache = true")
        _local.cursor = _shared.cursor()
        _local.owner = _shared
    return _local.cursor


def reset_query_database() -> None:
    """Drop the shared query database (tests, or after settings change)."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
        _shared = None


def sandbox_connection(allowed_files: Iterable[Path]) -> duckdb.DuckDBPyConnection:
    """A locked-down database that can read only `allowed_files`.

    The order matters: allowed paths must be set while external access is still on, and
    the configuration locked last, so that `SET` in user SQL is refused.
    """
    config = dict(_BASE_CONFIG, memory_limit=settings.DATASTORE_SQL_MEMORY, threads=1,
                  allow_unsigned_extensions=False)
    con = duckdb.connect(":memory:", config=config)
    paths = [str(p) for p in allowed_files]
    con.execute("SET allowed_paths = $1", [paths] if paths else [[]])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con
