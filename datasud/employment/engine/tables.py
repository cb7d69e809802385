"""Where the engine's tables come from: the datastore (the platform's own data layer), or
the shipped files (benchmarks, and tests on small extracts).

Every value is read as text: codes such as "01001" or "A1101" must keep their exact form
whatever type the datastore inferred.
"""
from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from ..referentials import DATA, FILES
from .errors import EngineError

Tables = dict[str, list[dict[str, str]]]


def read_from_datastore(keys=None) -> Tables:
    """The current Parquet version of each referential resource, read with DuckDB."""
    from datasud.catalog.models import Dataset, Resource
    from datasud.datastore import duck, services

    tables: Tables = {}
    for key in keys or FILES:
        spec, item = FILES[key]
        # Only the public, published referential: a draft edition is not served.
        found = Resource.objects.filter(
            dataset__slug=spec.slug, dataset__status=Dataset.Status.PUBLISHED,
            dataset__private=False, title=item.name).first()
        current = services.current_tables(found) if found is not None else []
        if not current:
            raise EngineError(f"Le référentiel « {item.name} » n'est pas chargé dans "
                              "l'entrepôt de données : lancez `datasud load_employment`.",
                              code="referential_missing")
        table = current[0]
        names = [name for name, _type in table.column_pairs]
        select = ", ".join(f"CAST({duck.quote_identifier(n)} AS VARCHAR)" for n in names)
        cursor = duck.query_cursor()
        rows = cursor.execute(f"SELECT {select} FROM {duck.parquet_source(table.path)} "
                              "ORDER BY file_row_number").fetchall()
        tables[key] = [{n: ("" if v is None else v) for n, v in zip(names, row, strict=True)}
                       for row in rows]
    return tables


def read_from_files(folder: Path = DATA, keys=None) -> Tables:
    """The shipped CSV files (gzip or plain) of `folder`, by referential key."""
    tables: Tables = {}
    for key in keys or FILES:
        _spec, item = FILES[key]
        path = Path(folder) / item.file
        if not path.exists():
            path = Path(folder) / item.file.removesuffix(".gz")
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        tables[key] = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    return tables
