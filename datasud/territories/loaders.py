"""Loading the territories of Région Sud from the files shipped in `territories/data/`.

`load_territories()` creates or updates (on `(level, code)`) the région, its 6 départements,
its 52 EPCI and its 946 current communes, with their outlines, bounding boxes and parents
(commune → département and EPCI; EPCI and département → région). It runs in one
transaction with a handful of bulk queries, so it is idempotent and takes a second or two.
Arrondissements municipaux, communes associées and déléguées are not loaded (see the README
of `data/`).
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import Territory

DATA_DIR = Path(__file__).resolve().parent / "data"
Level = Territory.Level
LABELS = {Level.REGION: "région", Level.DEPARTEMENT: "départements", Level.EPCI: "EPCI",
          Level.COMMUNE: "communes"}
UPDATED_FIELDS = ["name", "kind", "population", "siren", "postcodes", "geometry", "bbox"]


class TerritoryDataError(Exception):
    """The shipped territory files are missing or unreadable."""


@dataclass
class TerritoryLoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    parent_links: int = 0

    def __str__(self) -> str:
        levels = ", ".join(f"{self.counts[level]} {label}" for level, label in LABELS.items()
                           if level in self.counts)
        return (f"{levels} ({self.created} créés, {self.updated} mis à jour, "
                f"{self.unchanged} inchangés, {self.parent_links} liens de rattachement)")


def _read(data_dir: Path, name: str) -> list[dict]:
    for path in (data_dir / f"{name}.json.gz", data_dir / f"{name}.json"):
        if path.exists():
            opener = gzip.open if path.suffix == ".gz" else open
            try:
                with opener(path, "rt", encoding="utf-8") as f:
                    return json.load(f)
            except (OSError, ValueError) as exc:
                raise TerritoryDataError(f"Fichier illisible : {path} ({exc})") from exc
    raise TerritoryDataError(f"Fichier de territoires introuvable : {data_dir / name}.json(.gz)")


def geometry_bbox(geometry: dict | None) -> list[float] | None:
    """[min_lon, min_lat, max_lon, max_lat] of a GeoJSON geometry, or None without one."""
    if not geometry or not geometry.get("coordinates"):
        return None
    xs: list[float] = []
    ys: list[float] = []
    stack = [geometry["coordinates"]]
    while stack:
        coords = stack.pop()
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            stack.extend(coords)
    return [min(xs), min(ys), max(xs), max(ys)] if xs else None


def union_bbox(boxes: Iterable[list[float] | None]) -> list[float] | None:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _records(data_dir: Path) -> tuple[list[dict], list[tuple[tuple, tuple]]]:
    """Every territory as a dict of model fields, and the (child key, parent key) pairs."""
    region = _read(data_dir, "region")
    departements = _read(data_dir, "departements")
    epcis = _read(data_dir, "epci")
    communes = _read(data_dir, "communes")

    records: list[dict] = []
    links: list[tuple[tuple, tuple]] = []
    region_key = (Level.REGION, region[0]["code"])
    for r in region:
        records.append({"level": Level.REGION, "code": r["code"], "name": r["name"],
                        "population": r.get("population"), "geometry": r.get("geometry")})
    for d in departements:
        records.append({"level": Level.DEPARTEMENT, "code": d["code"], "name": d["name"],
                        "population": d.get("population"), "geometry": d.get("geometry")})
        links.append(((Level.DEPARTEMENT, d["code"]), region_key))

    commune_bbox: dict[str, list[float] | None] = {}
    for c in communes:
        bbox = geometry_bbox(c.get("geometry")) or c.get("bbox")
        commune_bbox[c["code"]] = bbox
        records.append({"level": Level.COMMUNE, "code": c["code"], "name": c["name"],
                        "kind": "commune-actuelle", "population": c.get("population"),
                        "siren": c.get("siren") or "", "postcodes": c.get("postcodes") or [],
                        "geometry": c.get("geometry"), "bbox": bbox})
        links.append(((Level.COMMUNE, c["code"]), (Level.DEPARTEMENT, c["departement"])))
    for e in epcis:
        # No polygon union without a geometry library: the EPCI has no outline, but its bbox
        # (the union of its members' boxes) is exact.
        records.append({"level": Level.EPCI, "code": e["code"], "name": e["name"],
                        "kind": e["kind"], "population": e.get("population"), "siren": e["code"],
                        "geometry": None,
                        "bbox": union_bbox(commune_bbox.get(m) for m in e["members"])})
        links.append(((Level.EPCI, e["code"]), region_key))
        links.extend(((Level.COMMUNE, m), (Level.EPCI, e["code"])) for m in e["members"])
    for record in records:
        record.setdefault("kind", "")
        record.setdefault("siren", "")
        record.setdefault("postcodes", [])
        if "bbox" not in record:
            record["bbox"] = geometry_bbox(record["geometry"])
    return records, links


# The files read and turned into records, per folder, while they stay the same: reading and
# measuring 946 outlines is a third of a load, and tests load the territories again and again.
_parsed: dict[str, tuple[tuple, list[dict], list[tuple[tuple, tuple]]]] = {}


def _files_signature(data_dir: Path) -> tuple:
    return tuple((path.name, stat.st_mtime_ns, stat.st_size)
                 for path in sorted(data_dir.glob("*.json*"))
                 for stat in [path.stat()])


def _records_once(data_dir: Path) -> tuple[list[dict], list[tuple[tuple, tuple]]]:
    """`_records`, read again only when a file of the folder changed. The records are
    copies (the outlines are shared: nothing here changes them)."""
    signature = _files_signature(data_dir)
    cached = _parsed.get(str(data_dir))
    if cached is None or cached[0] != signature:
        cached = (signature, *_records(data_dir))
        _parsed[str(data_dir)] = cached
    return [dict(record) for record in cached[1]], list(cached[2])


def load_territories(data_dir: Path = DATA_DIR, progress=None) -> TerritoryLoadReport:
    """Create or update every shipped territory and its parents, in one transaction.

    `progress`, if given, is a progress bar (a tqdm bar fits): its `total` is set and its
    `update(n)` called as territories are handled. Territories already in the database but
    no longer shipped are left alone: datasets may still point to them.
    """
    records, links = _records_once(data_dir)
    report = TerritoryLoadReport()
    if progress is not None:
        progress.total = len(records)
    for r in records:
        report.counts[r["level"]] = report.counts.get(r["level"], 0) + 1

    with transaction.atomic():
        existing = {(t.level, t.code): t for t in Territory.objects.filter(
            level__in=report.counts.keys())}
        to_create, to_update = [], []
        for record in records:
            territory = existing.get((record["level"], record["code"]))
            if territory is None:
                to_create.append(Territory(**record))
            elif any(getattr(territory, name) != record[name] for name in UPDATED_FIELDS):
                for name in UPDATED_FIELDS:
                    setattr(territory, name, record[name])
                to_update.append(territory)
            else:
                report.unchanged += 1
        Territory.objects.bulk_create(to_create, batch_size=500)
        Territory.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=200)
        report.created, report.updated = len(to_create), len(to_update)
        if progress is not None:
            progress.update(len(records))

        ids = dict(((level, code), pk) for level, code, pk in Territory.objects.filter(
            level__in=report.counts.keys()).values_list("level", "code", "id"))
        wanted = {(ids[child], ids[parent]) for child, parent in links
                  if child in ids and parent in ids}
        Through = Territory.parents.through
        children = {child for child, _ in wanted}
        current = set(Through.objects.filter(from_territory_id__in=children)
                      .values_list("from_territory_id", "to_territory_id"))
        stale = current - wanted
        if stale:
            # A commune that changed EPCI (or département) loses its old parent.
            for child, parent in stale:
                Through.objects.filter(from_territory_id=child, to_territory_id=parent).delete()
        Through.objects.bulk_create(
            [Through(from_territory_id=c, to_territory_id=p) for c, p in wanted - current],
            batch_size=1000,
        )
        report.parent_links = len(wanted)
    return report
