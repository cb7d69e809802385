"""The mobile sites of Provence-Alpes-Côte d'Azur from the Arcep's national file, published
as a dataset: the first brick of the region's digital-coverage observatory.

The Arcep (the French telecoms regulator) publishes every mobile site of metropolitan France
as `Operateur;X;Y;2G;3G;4G`: the operator's network code (PLMN), Lambert-93 coordinates
(EPSG:2154) and, per technology, 1 when the site carries it. This module:

1. reads such a file (plain or gzipped), keeping the rows it can trust and the line and
   reason of the others (`read_sites`);
2. keeps the sites inside the région's outline and finds the commune of each, by
   point-in-polygon with DuckDB spatial against the shipped territories (`locate_sites`);
3. publishes them in the catalogue: one dataset of the Arcep with two resources loaded by the
   platform's own datastore/geo pipeline (`publish`): the sites (a CSV with longitude and
   latitude, hence a geo table with its map, OGC API collection and tiles), and the count of
   sites per commune, operator and technology (a plain table).

Re-running it is safe: the same input gives the same bytes, which are neither re-uploaded nor
re-loaded; a different input becomes a new version of the same two resources.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Theme
from datasud.catalog.organisations import create_organisation
from datasud.datastore import services as datastore
from datasud.datastore.errors import LoadFailed
from datasud.datastore.ingest.staging import sql_path
from datasud.territories.models import Territory

from .ingest import spatial_cursor

DATA = Path(__file__).resolve().parent / "data"
#: The PACA rows of the Arcep's January 2018 file, in its own format (see data/README.md).
DEFAULT_FILE = DATA / "arcep-sites-mobiles-2018-01-paca.csv.gz"
HEADER = ["Operateur", "X", "Y", "2G", "3G", "4G"]
TECHNOLOGIES = ["2G", "3G", "4G"]
#: The four networks of metropolitan France, by PLMN code (the file's `Operateur`);
#: another code is kept, under its code.
OPERATORS = {"20801": "Orange", "20810": "SFR", "20815": "Free Mobile",
             "20820": "Bouygues Telecom"}
# Lambert-93 covers metropolitan France within these bounds (metres): outside, a row's
# coordinates are not Lambert-93 and the row is refused rather than misplaced.
L93_X = (0.0, 1_300_000.0)
L93_Y = (6_000_000.0, 7_200_000.0)
# Above this share of refused rows, the file is not the one expected: nothing is published.
MAX_REJECTED_SHARE = 0.5
REPORTED_REJECTS = 20

SERVICE_ACCOUNT = "datasud-observatoire"
ORGANISATION = {"slug": "arcep", "acronym": "Arcep", "website": "https://www.arcep.fr",
                "name": "Autorité de régulation des communications électroniques, des postes "
                        "et de la distribution de la presse"}
DATASET_SLUG = "sites-mobiles-arcep-paca"
SITES_TITLE = "Sites mobiles en Provence-Alpes-Côte d'Azur"
COMMUNES_TITLE = "Nombre de sites mobiles par commune, opérateur et technologie"
SITES_FILE = "sites-mobiles-paca.csv"
COMMUNES_FILE = "sites-mobiles-par-commune.csv"
THEME_SLUG = "energies-et-reseaux"
LICENCE_SLUG = "lov2"
LOAD_TIMEOUT = 600  # seconds


class ArcepError(Exception):
    """The file cannot be published (unreadable, not the Arcep's format, no site in the
    région, territories missing, failed load); the message says why, in French."""


@dataclass
class SitesFile:
    """The rows of an Arcep file that can be trusted, column by column, and the others."""

    lines: list[int] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    technologies: dict[str, list[int]] = field(
        default_factory=lambda: {t: [] for t in TECHNOLOGIES})
    rows: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class LocatedSites:
    """The sites inside the région, each with its commune, as CSV-ready rows."""

    sites: list[tuple]          # see SITE_COLUMNS
    communes: list[tuple]       # see COMMUNE_COLUMNS
    outside: int = 0            # sites of the file outside the région
    nearest: int = 0            # sites in no commune outline, given the nearest commune


SITE_COLUMNS = ["operateur_code", "operateur", "x_l93", "y_l93", "longitude", "latitude",
                "site_2g", "site_3g", "site_4g", "code_insee", "commune", "departement"]
COMMUNE_COLUMNS = ["code_insee", "commune", "departement", "operateur", "sites", "sites_2g",
                   "sites_3g", "sites_4g"]


# --- 1. Reading the file ---------------------------------------------------------------------

def _open_text(path: Path) -> io.TextIOBase:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ArcepError(f"L'archive gzip est endommagée ({exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # the Arcep's older files
    return io.StringIO(text, newline="")


def read_sites(path: Path | str) -> SitesFile:
    """The sites of the Arcep file at `path` (`;`-separated, header
    `Operateur;X;Y;2G;3G;4G`), with the line and reason of each refused row."""
    path = Path(path)
    if not path.is_file():
        raise ArcepError(f"Fichier introuvable : {path}")
    stream = _open_text(path)
    reader = csv.reader(stream, delimiter=";")
    header = next(reader, None)
    if header is None:
        raise ArcepError("Le fichier est vide.")
    if [h.strip().upper() for h in header] != [h.upper() for h in HEADER]:
        raise ArcepError("Ce n'est pas un fichier des sites mobiles de l'Arcep : colonnes "
                         f"attendues {';'.join(HEADER)}, trouvées {';'.join(header)[:200]}.")
    found = SitesFile()
    for values in reader:
        line = reader.line_num
        if not values or values == [""]:
            continue
        found.rows += 1
        problem = _check_row(values)
        if problem:
            found.rejected.append((line, problem))
            continue
        operator, x, y, *flags = (v.strip() for v in values)
        found.lines.append(line)
        found.operators.append(operator)
        found.xs.append(float(x))
        found.ys.append(float(y))
        for technology, flag in zip(TECHNOLOGIES, flags, strict=True):
            found.technologies[technology].append(int(flag))
    if found.rows == 0:
        raise ArcepError("Le fichier ne contient aucun site.")
    if len(found.rejected) > found.rows * MAX_REJECTED_SHARE:
        first = "; ".join(f"ligne {n} : {why}" for n, why in found.rejected[:3])
        raise ArcepError(f"{len(found.rejected)} lignes sur {found.rows} sont illisibles "
                         f"({first}...) : ce fichier n'est pas au format attendu.")
    return found


def _check_row(values: list[str]) -> str:
    """Why a row cannot be used ("" when it can)."""
    if len(values) != len(HEADER):
        return f"{len(values)} colonnes au lieu de {len(HEADER)}"
    operator, x, y, *flags = (v.strip() for v in values)
    if not operator.isdigit():
        return f"code opérateur « {operator[:20]} » invalide"
    try:
        x_value, y_value = float(x), float(y)
    except ValueError:
        return f"coordonnées « {x[:20]} », « {y[:20]} » non numériques"
    if not (L93_X[0] <= x_value <= L93_X[1] and L93_Y[0] <= y_value <= L93_Y[1]):
        return f"coordonnées ({x}, {y}) hors de la France métropolitaine en Lambert-93"
    for technology, flag in zip(TECHNOLOGIES, flags, strict=True):
        if flag not in ("0", "1"):
            return f"{technology} vaut « {flag[:20]} » au lieu de 0 ou 1"
    return ""


# --- 2. Point in polygon ---------------------------------------------------------------------

def _region() -> Territory:
    region = Territory.objects.filter(level=Territory.Level.REGION,
                                      geometry__isnull=False).first()
    if region is None:
        raise ArcepError("Le contour de la région est absent : lancez d'abord "
                         "`datasud load_territories`.")
    return region


def _temp_table(con, workdir: Path, name: str, columns: dict[str, str], rows) -> None:
    """A temporary DuckDB table of `rows`, through a CSV file: binding Python lists as
    parameters costs minutes for the national file's 77,000 rows, a file a second."""
    path = workdir / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    types = ", ".join(f"'{column}': '{kind}'" for column, kind in columns.items())
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM read_csv({sql_path(path)}, "
                f"header = false, quote = '\"', columns = {{{types}}})")


def locate_sites(found: SitesFile) -> LocatedSites:
    """Keep the sites of `found` inside the région's outline and give each its commune
    (that whose outline holds it; else, for sites on a coast or border the simplified
    outlines miss, the nearest one). Rows are sorted, so that the same input always gives
    the same files."""
    region = _region()
    communes = list(Territory.objects.filter(level=Territory.Level.COMMUNE,
                                             geometry__isnull=False)
                    .values_list("code", "name", "geometry"))
    departements = dict(Territory.objects.filter(level=Territory.Level.DEPARTEMENT)
                        .values_list("code", "name"))
    con = spatial_cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="arcep-") as workdir:
            _temp_table(con, Path(workdir), "raw_site",
                        {"line": "INTEGER", "op": "VARCHAR", "x": "DOUBLE", "y": "DOUBLE",
                         "g2": "INTEGER", "g3": "INTEGER", "g4": "INTEGER"},
                        zip(found.lines, found.operators, found.xs, found.ys,
                            *(found.technologies[t] for t in TECHNOLOGIES), strict=True))
            _temp_table(con, Path(workdir), "commune_shape",
                        {"code": "VARCHAR", "shape": "VARCHAR"},
                        ((code, json.dumps(shape)) for code, _, shape in communes))
        con.execute("CREATE TEMP TABLE commune AS SELECT code, ST_GeomFromGeoJSON(shape) "
                    "AS geom FROM commune_shape")
        con.execute("CREATE TEMP TABLE region AS SELECT ST_GeomFromGeoJSON($1) AS geom",
                    [json.dumps(region.geometry)])
        west, south, east, north = region.bbox
        # Always x/y order: longitude first, whatever PROJ's axis order for EPSG:4326. Only
        # the sites within the région's extent go on to the (costlier) polygon tests.
        con.execute(
            "CREATE TEMP TABLE site AS SELECT * FROM (SELECT s.*, ST_Transform(ST_Point(x, y), "
            "'EPSG:2154', 'EPSG:4326', true) AS g FROM raw_site s) "
            "WHERE ST_X(g) BETWEEN $1 AND $3 AND ST_Y(g) BETWEEN $2 AND $4",
            [west, south, east, north])
        # In a commune's outline is in the région (a spatial join: an R-tree over the
        # communes). A site exactly on a border between two communes goes to the smaller code.
        con.execute(
            "CREATE TEMP TABLE site_commune AS SELECT s.line, min(c.code) AS code "
            "FROM site s JOIN commune c ON ST_Intersects(c.geom, s.g) GROUP BY s.line")
        # The others (mostly across the border) are tested against the région's outline;
        # those inside it, in no simplified commune outline, take the nearest commune.
        con.execute("CREATE TEMP TABLE unmatched AS SELECT * FROM site "
                    "WHERE line NOT IN (SELECT line FROM site_commune)")
        nearest = con.execute(
            "INSERT INTO site_commune SELECT s.line, arg_min(c.code, ST_Distance(c.geom, s.g)) "
            "FROM (SELECT s.* FROM unmatched s JOIN region r ON ST_Intersects(r.geom, s.g)) s "
            "CROSS JOIN commune c GROUP BY s.line").fetchone()[0]
        rows = con.execute(
            "SELECT s.op, s.x, s.y, round(ST_X(s.g), 6), round(ST_Y(s.g), 6), s.g2, s.g3, "
            "s.g4, sc.code FROM site s JOIN site_commune sc USING (line) "
            "ORDER BY sc.code, s.op, s.x, s.y, s.line").fetchall()
    finally:
        con.close()
    if not rows:
        raise ArcepError("Aucun site du fichier ne se trouve dans la région.")
    names = {code: name for code, name, _ in communes}
    sites = []
    for op, x, y, lon, lat, g2, g3, g4, code in rows:
        sites.append((op, OPERATORS.get(op, op), _number(x), _number(y), lon, lat, g2, g3, g4,
                      code, names.get(code, ""), departements.get(code[:2], code[:2])))
    return LocatedSites(sites=sites, communes=_per_commune(sites, names, departements),
                        outside=len(found) - len(rows), nearest=int(nearest or 0))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _per_commune(sites: list[tuple], names: dict[str, str],
                 departements: dict[str, str]) -> list[tuple]:
    """One row per commune of the région and operator, with zero counts too: a commune
    without any 4G site of an operator is what an observatory of coverage looks for."""
    operators = sorted({site[1] for site in sites} | set(OPERATORS.values()))
    counts: dict[tuple[str, str], list[int]] = {}
    for site in sites:
        totals = counts.setdefault((site[9], site[1]), [0, 0, 0, 0])
        totals[0] += 1
        for i in range(3):
            totals[i + 1] += site[6 + i]
    rows = []
    for code in sorted(names):
        for operator in operators:
            rows.append((code, names[code], departements.get(code[:2], code[:2]), operator,
                         *counts.get((code, operator), [0, 0, 0, 0])))
    return rows


def csv_bytes(columns: list[str], rows: list[tuple]) -> bytes:
    """Comma-separated UTF-8, what the datastore reads best (types inferred)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_extract(found: SitesFile, located: LocatedSites, target: Path) -> int:
    """Write the région's sites in the Arcep's own format (gzipped if `target` ends in .gz):
    how the shipped extract is made from the national file. Returns the rows written."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    for site in located.sites:
        writer.writerow([site[0], site[2], site[3], site[6], site[7], site[8]])
    data = out.getvalue().encode("utf-8")
    if target.suffix == ".gz":
        data = gzip.compress(data, mtime=0)  # same bytes for the same sites
    target.write_bytes(data)
    return len(located.sites)


# --- 3. Publication --------------------------------------------------------------------------

def service_account():
    """The staff account in whose name the observatory's datasets are published (the
    history shows it); it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=SERVICE_ACCOUNT, defaults={"is_staff": True,
                                            "first_name": "Observatoire du numérique"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _organisation(user) -> Organisation:
    found = Organisation.objects.filter(slug=ORGANISATION["slug"]).first()
    if found is not None:
        return found
    return create_organisation(user, type=Organisation.Type.AUTRE, **ORGANISATION)


def _description(located: LocatedSites, source_name: str) -> str:
    per_operator: dict[str, int] = {}
    for site in located.sites:
        per_operator[site[1]] = per_operator.get(site[1], 0) + 1
    listed = ", ".join(f"{name} {count}" for name, count in sorted(per_operator.items()))
    return (
        "Les sites de téléphonie mobile (antennes-relais) de Provence-Alpes-Côte d'Azur, "
        "par opérateur, avec les technologies qu'ils portent (2G, 3G, 4G), et leur nombre "
        "par commune : première brique de l'observatoire régional de la couverture "
        "numérique.\n\n"
        "**Source** : Arcep, liste des sites mobiles de France métropolitaine au "
        "1er janvier 2018 (fichier `arcep-sites-mobiles-2018-01-L93.csv`, coordonnées en "
        "Lambert-93), publiée sous Licence Ouverte. Données reprises telles quelles ; seuls "
        f"les sites situés dans la région sont gardés.\n\n"
        f"**Contenu** : {len(located.sites)} sites ({listed}).\n\n"
        "**Méthode** : chaque site est placé dans la région et dans sa commune par "
        "point-dans-polygone (DuckDB spatial) avec les contours simplifiés IGN ADMIN EXPRESS "
        "2018 ; un site de la côte ou d'une frontière hors de tout contour simplifié reçoit "
        f"la commune la plus proche ({located.nearest} site(s)).\n\n"
        "**Ressources** : les sites (longitude, latitude en WGS84 et X, Y d'origine en "
        "Lambert-93 ; 1 quand le site porte la technologie) ; le nombre de sites par "
        "commune, opérateur et technologie, communes sans site comprises (zéro). Le total "
        "d'une commune est la somme des lignes de ses opérateurs.\n\n"
        f"Chargé par `datasud load_arcep` depuis `{source_name}`.")


def _dataset(user, located: LocatedSites, source_name: str) -> Dataset:
    theme = Theme.objects.filter(slug=THEME_SLUG).first()
    licence = Licence.objects.filter(slug=LICENCE_SLUG).first()
    region = _region()
    fields = {"title": "Sites de téléphonie mobile en Provence-Alpes-Côte d'Azur "
                       "(Arcep, janvier 2018)",
              "description": _description(located, source_name), "licence": licence,
              "frequency": Dataset.Frequency.PUNCTUAL,
              "temporal_start": dt.date(2018, 1, 1), "temporal_end": dt.date(2018, 1, 31)}
    found = Dataset.objects.filter(slug=DATASET_SLUG).first()
    if found is None:
        return catalog.create_dataset(
            user, _organisation(user), slug=DATASET_SLUG, themes=[theme] if theme else [],
            territories=[region], status=Dataset.Status.PUBLISHED,
            tags=["téléphonie mobile", "antennes-relais", "couverture numérique", "4G",
                  "Arcep"], **fields)
    return catalog.update_dataset(user, found, force=True, **fields)


def _ensure_loaded(resource: Resource, user) -> int:
    """The resource's tables served before the command ends; returns their row count."""
    try:
        tables = datastore.load_now(resource, user, LOAD_TIMEOUT)
    except LoadFailed as exc:
        raise ArcepError(str(exc)) from exc
    return sum(t.row_count for t in tables)


@dataclass
class ArcepReport:
    rows: int
    rejected: list[tuple[int, str]]
    sites: int
    outside: int
    nearest: int
    communes: int
    dataset: str
    resources: dict[str, str]
    timings: dict[str, float]


def load_arcep(path: Path | str = DEFAULT_FILE, user=None,
               progress: Callable[[str], None] | None = None) -> ArcepReport:
    """Read, locate and publish the Arcep file at `path` (see the module's docstring).

    Nothing is published when the file cannot be used (`ArcepError`)."""
    say = progress or (lambda message: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    found = read_sites(path)
    timings["lecture"] = time.perf_counter() - started
    say(f"{found.rows} lignes lues, {len(found.rejected)} refusées")
    mark = time.perf_counter()
    located = locate_sites(found)
    timings["localisation"] = time.perf_counter() - mark
    say(f"{len(located.sites)} sites dans la région ({located.outside} hors région)")
    mark = time.perf_counter()
    user = user or service_account()
    dataset = _dataset(user, located, Path(path).name)
    states = {}
    sites_resource, states[SITES_TITLE] = catalog.put_generated_file(
        user, dataset, SITES_TITLE, SITES_FILE, csv_bytes(SITE_COLUMNS, located.sites),
        description="Un site par ligne : opérateur (code PLMN et nom), coordonnées "
                    "Lambert-93 d'origine et WGS84, technologies (1 = présente), commune et "
                    "département.")
    communes_resource, states[COMMUNES_TITLE] = catalog.put_generated_file(
        user, dataset, COMMUNES_TITLE, COMMUNES_FILE,
        csv_bytes(COMMUNE_COLUMNS, located.communes),
        description="Une ligne par commune de la région et opérateur : nombre de sites, et "
                    "de sites portant la 2G, la 3G, la 4G (zéro compris).")
    timings["publication"] = time.perf_counter() - mark
    for resource in (sites_resource, communes_resource):
        mark = time.perf_counter()
        rows = _ensure_loaded(resource, user)
        timings[f"chargement {resource.title}"] = time.perf_counter() - mark
        say(f"{resource.title} : {states[resource.title]}, {rows} lignes servies")
    timings["total"] = time.perf_counter() - started
    return ArcepReport(rows=found.rows, rejected=found.rejected, sites=len(located.sites),
                       outside=located.outside, nearest=located.nearest,
                       communes=len({row[0] for row in located.communes}),
                       dataset=dataset.slug, resources=states, timings=timings)
