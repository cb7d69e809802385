"""The territorial coverage of a dataset, derived from its geo data.

When a geo resource's version becomes current and the producer declared no coverage, the
territories (communes, départements, région from `datasud.territories`) its features fall
in are recorded through `catalog.services.update_dataset`, so that the history, the
search index and permissions stay right. The level is the most telling one: the communes
when there are few, else the départements, else the whole région.
"""
from __future__ import annotations

import json
import logging

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset
from datasud.datastore import duck
from datasud.datastore.models import Load, Table
from datasud.territories.models import Territory

from .ingest import spatial_cursor

logger = logging.getLogger(__name__)
MAX_COMMUNES = 10


def _actor(load: Load, dataset: Dataset):
    """Who the change is recorded for: whoever asked for the load, else the dataset's
    creator, provided they may still edit it."""
    for user in (load.requested_by, dataset.created_by):
        if user is not None and Dataset.objects.editable_by(user).filter(pk=dataset.pk).exists():
            return user
    return None


def communes_covered(tables: list[Table]) -> set[str]:
    """INSEE codes of the communes the features of `tables` fall in.

    A polygon counts for a commune when one of them has a point inside the other: shared
    borders alone do not make a neighbouring commune covered.
    """
    boxes = [t.geo["bbox"] for t in tables if (t.geo or {}).get("bbox")]
    if not boxes:
        return set()
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    shapes = list(Territory.objects.filter(level=Territory.Level.COMMUNE, geometry__isnull=False)
                  .values_list("code", "geometry", "bbox"))
    shapes = [(code, geometry) for code, geometry, bbox in shapes
              if not bbox or (bbox[0] <= east and bbox[2] >= west and bbox[1] <= north
                              and bbox[3] >= south)]
    if not shapes:
        return set()
    con = spatial_cursor()
    try:
        con.execute("CREATE TEMP TABLE commune AS SELECT unnest($1) AS code, "
                    "ST_GeomFromGeoJSON(unnest($2)) AS geom",
                    [[c for c, _ in shapes], [json.dumps(g) for _, g in shapes]])
        found: set[str] = set()
        for table in tables:
            column = duck.quote_identifier(table.geo["column"])
            source = (f"(SELECT {column} AS g FROM "
                      f"{duck.parquet_source(table.path)} WHERE {column} IS NOT NULL)")
            rows = con.execute(
                f"SELECT c.code FROM commune c JOIN {source} d "
                "ON ST_Intersects(c.geom, ST_PointOnSurface(d.g)) "
                f"UNION SELECT c.code FROM commune c JOIN {source} d "
                "ON ST_Intersects(d.g, ST_PointOnSurface(c.geom))").fetchall()
            found.update(str(row[0]) for row in rows)
        return found
    finally:
        con.close()


def territories_for(codes: set[str]) -> list[Territory]:
    """The communes themselves when few, else their départements, else the région."""
    communes = list(Territory.objects.filter(level=Territory.Level.COMMUNE, code__in=codes))
    if len(communes) <= MAX_COMMUNES:
        return communes
    departements = list(Territory.objects.filter(level=Territory.Level.DEPARTEMENT,
                                                 children__in=communes).distinct())
    total = Territory.objects.filter(level=Territory.Level.DEPARTEMENT).count()
    if departements and len(departements) < total:
        return departements
    return list(Territory.objects.filter(level=Territory.Level.REGION)) or departements


def cover_from_load(load_id: int) -> list[Territory]:
    """Set the coverage of the dataset of `load_id` from its geo tables when it has none;
    returns the territories set (empty when nothing changed)."""
    load = Load.objects.select_related("resource__dataset", "requested_by").get(pk=load_id)
    dataset = load.resource.dataset
    if dataset.territories.exists() or catalog.harvest_source_name(dataset):
        return []  # the producer's (or the harvested source's) word wins
    actor = _actor(load, dataset)
    if actor is None:
        return []
    tables = list(Table.objects.filter(load=load, geo__isnull=False))
    territories = territories_for(communes_covered(tables))
    if territories:
        catalog.update_dataset(actor, dataset, territories=territories)
    return territories
