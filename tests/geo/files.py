"""Small real geo files for the tests, made from the communes extract at test time."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio.raw
import pyproj
import shapely

DATA = Path(__file__).parent / "data"
COMMUNES = DATA / "communes-extrait.geojson"
L93_WKT_NAME = "RGF93 v1 / Lambert-93"


def communes() -> list[dict]:
    return json.loads(COMMUNES.read_text(encoding="utf-8"))["features"]


def communes_bytes() -> bytes:
    return COMMUNES.read_bytes()


def _to_l93(geometry):
    project = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(
        project.transform(xy[:, 0], xy[:, 1])))


def write_layer(path: Path, features: list[dict], *, driver: str, layer: str | None = None,
                crs: str | None = "EPSG:4326", lambert: bool = False, encoding=None,
                append: bool = False) -> None:
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    if lambert:
        shapes = [_to_l93(s) for s in shapes]
    names = list(features[0]["properties"])
    data = [np.array([f["properties"][n] for f in features], dtype=object) for n in names]
    pyogrio.raw.write(str(path), np.array(shapely.to_wkb(shapes), dtype=object), data, names,
                      layer=layer, driver=driver, crs=crs,
                      geometry_type="MultiPolygon" if driver == "ESRI Shapefile" else
                      "Unknown", encoding=encoding, append=append,
                      promote_to_multi=driver == "ESRI Shapefile")


def shapefile_zip(tmp: Path, *, lambert: bool = True, prj: bool = True,
                  encoding: str = "cp1252", features=None) -> bytes:
    """A zipped Shapefile of the communes (Lambert-93 by default, names in CP1252 with a
    .cpg saying so)."""
    folder = tmp / "shp"
    folder.mkdir(exist_ok=True)
    write_layer(folder / "communes.shp", features or communes(), driver="ESRI Shapefile",
                crs="EPSG:2154" if lambert else "EPSG:4326", lambert=lambert,
                encoding=encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            if part.suffix == ".prj" and not prj:
                continue
            archive.write(part, f"communes/{part.name}")
    return buffer.getvalue()


def geopackage(tmp: Path) -> bytes:
    """Two layers: the communes of the Bouches-du-Rhône (Lambert-93) and their centroids."""
    path = tmp / "territoires.gpkg"
    features = [f for f in communes() if f["properties"]["code"].startswith("13")]
    write_layer(path, features, driver="GPKG", layer="communes_13", crs="EPSG:2154",
                lambert=True)
    centroids = [{"geometry": shapely.geometry.mapping(
        shapely.geometry.shape(f["geometry"]).representative_point()),
        "properties": f["properties"]} for f in features]
    write_layer(path, centroids, driver="GPKG", layer="centres", append=True)
    return path.read_bytes()


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Phares</name>
<Placemark><name>Phare du Planier</name><description>Marseille</description>
<Point><coordinates>5.2306,43.1989,0</coordinates></Point></Placemark>
<Placemark><name>Phare de Porquerolles</name><description>Hyères</description>
<Point><coordinates>6.2036,42.9842,0</coordinates></Point></Placemark>
<Placemark><name>Phare du Cap d'Antibes</name><description>Antibes</description>
<Point><coordinates>7.1320,43.5510,0</coordinates></Point></Placemark>
</Document></kml>
""".encode()


def feature_collection(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def point(lon: float, lat: float, **properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}
