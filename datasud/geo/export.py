"""GeoJSON export of a geo table (RFC 7946: WGS84, one FeatureCollection), written in
batches off a DuckDB cursor so memory stays bounded whatever the size."""
from __future__ import annotations

import json
from pathlib import Path

from datasud.datastore.duck import quote_identifier
from datasud.datastore.errors import QueryError

from .features import json_value

BATCH = 5_000


def geometry_column(columns: list[tuple[str, str]]) -> str | None:
    return next((n for n, t in columns if t.upper().startswith("GEOMETRY")), None)


def write_geojson(cursor, sql: str, params: list, columns: list[tuple[str, str]],
                  target: Path) -> None:
    """Write the rows of `sql` (a filtered select of a table with `columns`) to `target`
    as a GeoJSON FeatureCollection. QueryError when the table has no geometry, or the
    selection left it out."""
    geometry = geometry_column(columns)
    if geometry is None:
        raise QueryError("Cette table n'a pas de géométrie : l'export GeoJSON n'est possible "
                         "que pour les données géographiques.", parameter="format")
    names = [d[0] for d in cursor.execute(f"DESCRIBE {sql}", params).fetchall()]
    if geometry not in names:
        raise QueryError(f"L'export GeoJSON doit inclure la colonne « {geometry} » "
                         "(la géométrie) dans « select ».", parameter="select")
    ident = quote_identifier(geometry)
    result = cursor.execute(f"SELECT ST_AsGeoJSON(q.{ident}), q.* EXCLUDE ({ident}) "
                            f"FROM ({sql}) q", params)
    properties = [d[0] for d in result.description][1:]
    with open(target, "w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[')
        first = True
        while batch := result.fetchmany(BATCH):
            for row in batch:
                if not first:
                    out.write(",\n")
                first = False
                props = json.dumps(dict(zip(properties, row[1:], strict=True)),
                                   ensure_ascii=False, default=json_value)
                out.write(f'{{"type":"Feature","geometry":{row[0] or "null"},'
                          f'"properties":{props}}}')
        out.write("]}\n")
