"""What gets tiled: a geo table (one layer), or the région's territories (the basemap).

A `Tileset` names its version (the ETag and cache folder follow it), says how to build its
tile source and which layers its tiles hold; `tile_bytes` serves a tile from the cache or
renders it. Permissions are not checked here: the views get collections through
`collections.get_collection`, which does.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.db.models import Q
from django.urls import reverse

from datasud.datastore.duck import quote_literal_body
from datasud.territories.models import Territory

from . import tilecache
from .collections import Collection
from .tiles import (
    INTERNAL,
    SOURCE_FILE,
    Layer,
    Tile,
    prepare_source,
    property_columns,
    render_tile,
    source_select,
)

TERRITORY_SOURCE = "territoires"
POINT_TYPES = {"Point", "Point Z"}  # GeoParquet names of a table of points only
# Basemap layers, coarsest first (drawn in that order), and the zoom each starts at: the
# 946 communes are not drawn over the whole of France.
TERRITORY_LAYERS = [("region", Territory.Level.REGION, 0),
                    ("departements", Territory.Level.DEPARTEMENT, 0),
                    ("epci", Territory.Level.EPCI, 5),
                    ("communes", Territory.Level.COMMUNE, 6)]
TERRITORY_PROPERTIES = ("level", "code", "name", "href")
TERRITORY_ATTRIBUTION = "Territoires : IGN Admin Express, INSEE (Licence Ouverte 2.0)"


@dataclass
class Tileset:
    source: str                       # folder name: resource_12, territoires
    version: str                      # changes with the data: l34-t1, a fingerprint
    layers: list[Layer]
    build: Callable[[Path], Path]     # makes the tile source in a folder, returns its path
    bounds: list[float] | None

    @property
    def directory(self) -> Path:
        return tilecache.version_dir(self.source, self.version)

    @property
    def etag(self) -> str:
        return f"{self.source}-{self.version}"

    def source_path(self) -> Path:
        directory = self.directory
        path = directory / SOURCE_FILE
        if path.exists():
            return path
        tilecache.drop_other_versions(self.source, self.version)
        return self.build(directory)


def tile_bytes(tileset: Tileset, tile: Tile) -> tuple[bytes, bool]:
    """(tile, whether it came from the cache)."""
    cached = tilecache.read(tileset.directory, tile)
    if cached is not None:
        return cached, True
    try:
        data = render_tile(tileset.source_path(), tileset.layers, tile)
    except duckdb.IOException:
        # Another process removed this version's folder (it saw a newer version first)
        # between our check and the read: build the source again, once.
        data = render_tile(tileset.source_path(), tileset.layers, tile)
    tilecache.write(tileset.directory, tile, data)
    return data, False


# --- geo tables ------------------------------------------------------------------------------

def collection_tileset(collection: Collection) -> Tileset:
    table = collection.table
    properties = property_columns(collection.properties)
    version = f"l{table.load_id}-t{table.position + 1}"
    types = set(collection.geo.get("geometry_types") or ())
    layer = Layer(collection.id, tuple(name for name, _ in properties),
                  points_only=bool(types) and types <= POINT_TYPES)
    return Tileset(
        source=collection.id, version=version, layers=[layer], bounds=collection.geo.get("bbox"),
        build=lambda directory: prepare_source(
            directory, source_select(table.path, collection.geometry_column, properties)))


# --- territories -----------------------------------------------------------------------------

_fingerprint: dict[str, tuple[float, str]] = {}
FINGERPRINT_SECONDS = 60


def territory_fingerprint() -> str:
    """Changes when the territories are reloaded with other outlines or names; read from
    the database at most once a minute per process."""
    cached = _fingerprint.get("value")
    if cached and time.monotonic() - cached[0] < FINGERPRINT_SECONDS:
        return cached[1]
    digest = hashlib.sha256()
    for row in Territory.objects.order_by("pk").values_list("pk", "level", "code", "name",
                                                             "bbox"):
        digest.update(repr(row).encode())
    value = digest.hexdigest()[:16]
    _fingerprint["value"] = (time.monotonic(), value)
    return value


def _territory_rows(path: Path) -> None:
    """The territories as JSON lines: id, level, code, name, page address, GeoJSON outline
    (EPCI have none stored: their members' outlines are merged by DuckDB), and for each
    commune the EPCI it belongs to."""
    Level = Territory.Level
    epci_of = dict(Territory.parents.through.objects.filter(
        from_territory__level=Level.COMMUNE, to_territory__level=Level.EPCI)
        .values_list("from_territory_id", "to_territory_id"))
    with path.open("w", encoding="utf-8") as out:
        rows = Territory.objects.filter(Q(geometry__isnull=False) | Q(level=Level.EPCI))
        for t in rows.values("pk", "level", "code", "name", "geometry").iterator():
            out.write(json.dumps({
                "id": t["pk"], "level": t["level"], "code": t["code"], "name": t["name"],
                "href": reverse("territories:detail", args=[t["level"], t["code"]]),
                "epci": epci_of.get(t["pk"]),
                "geometry": json.dumps(t["geometry"]) if t["geometry"] else None,
            }, ensure_ascii=False) + "\n")


def _territory_select(rows: Path) -> str:
    p = INTERNAL
    columns = ("{id: 'BIGINT', level: 'VARCHAR', code: 'VARCHAR', name: 'VARCHAR', "
               "href: 'VARCHAR', epci: 'BIGINT', geometry: 'VARCHAR'}")
    source = (f"read_json('{quote_literal_body(str(rows))}', format='newline_delimited', "
              f"columns={columns})")
    return f"""
      WITH t AS (SELECT *, ST_MakeValid(ST_GeomFromGeoJSON(geometry)) AS g
                 FROM {source}),
      merged AS (SELECT epci AS id, ST_Union_Agg(g) AS g FROM t
                 WHERE level = 'commune' AND epci IS NOT NULL GROUP BY epci)
      SELECT t.id AS {p}fid, level, code, name, href,
             coalesce(t.g, merged.g) AS {p}g
      FROM t LEFT JOIN merged ON merged.id = t.id
      WHERE coalesce(t.g, merged.g) IS NOT NULL
    """


def territory_tileset() -> Tileset:
    version = territory_fingerprint()

    def build(directory: Path) -> Path:
        # The rows reach DuckDB through a file of JSON lines, removed once the source is made.
        directory.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=directory, suffix=".jsonl", delete=False)
        handle.close()
        rows = Path(handle.name)
        try:
            _territory_rows(rows)
            return prepare_source(directory, _territory_select(rows))
        finally:
            rows.unlink(missing_ok=True)

    layers = [Layer(name, TERRITORY_PROPERTIES, where="level = $p0", params=(level,),
                    minzoom=minzoom) for name, level, minzoom in TERRITORY_LAYERS]
    region = Territory.objects.filter(level=Territory.Level.REGION).values_list(
        "bbox", flat=True).first()
    return Tileset(source=TERRITORY_SOURCE, version=version, layers=layers,
                   build=build, bounds=region)
