"""Rebuild the territory files of this folder from their public sources (maintainers only).

    python -m datasud.territories.data.build /path/to/sources

`/path/to/sources` holds `referentiels/{communes,epci,departements}-paca-2026.json`
(@etalab/decoupage-administratif) and `geo/{communes,departements,region}-paca-2018.geojson`
(IGN ADMIN EXPRESS, simplified). See README.md for what is kept and why. The platform itself
never runs this: it reads the files written here (`datasud load_territories`).
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGION = {"code": "93", "name": "Provence-Alpes-Côte d'Azur"}
PRECISION = 5  # decimals of longitude/latitude: about 1 m, plenty for simplified outlines


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(c, PRECISION) for c in coords]
    return [_round(c) for c in coords]


def _geometry(feature: dict) -> dict:
    geometry = feature["geometry"]
    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}


def _bbox(geometries: list[dict]) -> list[float] | None:
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for geometry in geometries:
        walk(geometry["coordinates"])
    return [min(xs), min(ys), max(xs), max(ys)] if xs else None


def _features(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data["features"] if data.get("type") == "FeatureCollection" else [data]
    return {f["properties"].get("code", ""): f for f in features}


def _write(name: str, payload, compress: bool) -> None:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if compress:
        # mtime=0: the same input gives the same bytes, so git sees no spurious change.
        with gzip.GzipFile(HERE / f"{name}.json.gz", "wb", mtime=0) as out:
            out.write(text.encode("utf-8"))
    else:
        (HERE / f"{name}.json").write_text(text + "\n", encoding="utf-8")


def build(source: Path) -> None:
    ref = source / "referentiels"
    geo = source / "geo"
    communes_ref = json.loads((ref / "communes-paca-2026.json").read_text(encoding="utf-8"))
    epci_ref = json.loads((ref / "epci-paca-2026.json").read_text(encoding="utf-8"))
    deps_ref = json.loads((ref / "departements-paca-2026.json").read_text(encoding="utf-8"))
    commune_shapes = _features(geo / "communes-paca-2018.geojson")
    dep_shapes = _features(geo / "departements-paca-2018.geojson")
    region_shape = next(iter(_features(geo / "region-paca-2018.geojson").values()))

    current = [c for c in communes_ref if c["type"] == "commune-actuelle" and c["region"] == "93"]
    codes = {c["code"] for c in current}
    communes = []
    for c in sorted(current, key=lambda c: c["code"]):
        # The 2018 outline is right only if no former commune that still had its own outline
        # in 2018 has merged into this one since (Ristolas → Abriès-Ristolas). For such
        # merged communes the outline stays empty, but the bbox of the parts is exact.
        merged_since_2018 = [a for a in c.get("anciensCodes", []) if a in commune_shapes]
        shape = commune_shapes.get(c["code"])
        row = {
            "code": c["code"],
            "name": c["nom"],
            "departement": c["departement"],
            "population": c.get("population"),
            "siren": c.get("siren", ""),
            "postcodes": c.get("codesPostaux", []),
            "geometry": None,
            "bbox": None,
        }
        if shape and not merged_since_2018:
            row["geometry"] = _geometry(shape)
        parts = [_geometry(commune_shapes[k]) for k in [c["code"], *merged_since_2018]
                 if k in commune_shapes]
        row["bbox"] = _bbox(parts)
        communes.append(row)

    epcis = []
    for e in sorted(epci_ref, key=lambda e: e["code"]):
        members = sorted(m["code"] for m in e["membres"] if m["code"] in codes)
        epcis.append({
            "code": e["code"],
            "name": e["nom"],
            "kind": e["type"],
            "population": e.get("populationMunicipale"),
            "members": members,
            "members_outside_region": len(e["membres"]) - len(members),
        })

    population_by_dep: dict[str, int] = {}
    for c in communes:
        population_by_dep[c["departement"]] = (population_by_dep.get(c["departement"], 0)
                                               + (c["population"] or 0))
    departements = [{
        "code": d["code"],
        "name": d["nom"],
        "population": population_by_dep.get(d["code"]),
        "geometry": _geometry(dep_shapes[d["code"]]) if d["code"] in dep_shapes else None,
    } for d in sorted(deps_ref, key=lambda d: d["code"])]
    region = {**REGION, "population": sum(population_by_dep.values()),
              "geometry": _geometry(region_shape)}

    _write("region", [region], compress=True)
    _write("departements", departements, compress=True)
    _write("epci", epcis, compress=False)
    _write("communes", communes, compress=True)
    print(f"{len(communes)} communes, {len(epcis)} EPCI, {len(departements)} départements")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(Path(sys.argv[1]))
