"""The data.gouv.fr catalogue export format: reading the file (plain or gzipped CSV,
`;`-separated) and turning each line into a checked `Row`, or a `LineError` saying why not.
No database writes here: `catalog_csv.py` does them."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import html
import io
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from datasud.catalog.models import Dataset, Licence
from datasud.catalog.services import CatalogError, normalise_tag

from .text import fold

# Without these the file is not a catalogue export; every other column is optional.
REQUIRED_COLUMNS = ("id", "title", "url", "organization", "description", "license", "tags",
                    "created_at", "last_modified")
# Some descriptions of the national catalogue exceed csv's default 128 KiB field limit.
csv.field_size_limit(2**31 - 1)

# data.gouv.fr / DCAT frequencies → ours; the ones we lack go to the nearest we have.
FREQUENCIES = {
    "": Dataset.Frequency.UNKNOWN, "unknown": Dataset.Frequency.UNKNOWN,
    "other": Dataset.Frequency.UNKNOWN,
    "continuous": Dataset.Frequency.CONTINUOUS, "hourly": Dataset.Frequency.CONTINUOUS,
    "fourTimesADay": Dataset.Frequency.CONTINUOUS,
    "threeTimesADay": Dataset.Frequency.CONTINUOUS,
    "semidaily": Dataset.Frequency.CONTINUOUS, "severalTimesADay": Dataset.Frequency.CONTINUOUS,
    "daily": Dataset.Frequency.DAILY,
    "semiweekly": Dataset.Frequency.WEEKLY, "threeTimesAWeek": Dataset.Frequency.WEEKLY,
    "weekly": Dataset.Frequency.WEEKLY, "biweekly": Dataset.Frequency.WEEKLY,
    "threeTimesAMonth": Dataset.Frequency.MONTHLY, "semimonthly": Dataset.Frequency.MONTHLY,
    "monthly": Dataset.Frequency.MONTHLY,
    "bimonthly": Dataset.Frequency.QUARTERLY, "quarterly": Dataset.Frequency.QUARTERLY,
    "threeTimesAYear": Dataset.Frequency.QUARTERLY,
    "semiannual": Dataset.Frequency.SEMIANNUAL, "annual": Dataset.Frequency.ANNUAL,
    "biennial": Dataset.Frequency.BIENNIAL, "triennial": Dataset.Frequency.BIENNIAL,
    "quadrennial": Dataset.Frequency.BIENNIAL, "quinquennial": Dataset.Frequency.BIENNIAL,
    "decennial": Dataset.Frequency.BIENNIAL,
    "irregular": Dataset.Frequency.IRREGULAR, "notPlanned": Dataset.Frequency.IRREGULAR,
    "punctual": Dataset.Frequency.PUNCTUAL, "never": Dataset.Frequency.PUNCTUAL,
}
# Format names of other portals → the short names we use.
FORMAT_ALIASES = {
    "shapefile (zip)": "shp", "esri shapefile (shp)": "shp", "esri shapefile": "shp",
    "shapefile": "shp", "microsoft excel": "xls", "excel": "xls",
    "vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "web page": "html", "page web": "html", "ogc:wms": "wms", "ogc:wfs": "wfs",
    "csv lonlat/xy": "csv", "mapinfo tab": "tab", "esri rest": "arcgis rest",
    "arcgis geoservices rest api": "arcgis rest",
}
# Lines harvested from these portals come from producers of the région.
REGIONAL_PORTALS = ("datasud.fr",)
# Datasets whose line names no producer are attached to this organisation.
UNKNOWN_PRODUCER = "Producteur non renseigné"


class CatalogImportError(CatalogError):
    """The source cannot be imported at all: unreadable, or not a catalogue export."""


class LineError(Exception):
    """This line cannot be imported (the message says why)."""


@dataclass
class Row:
    """One line of the export, checked and converted."""

    line: int
    source_id: str
    title: str
    slug: str
    description: str
    organisation: str
    organisation_source_id: str
    licence: Licence | None
    frequency: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    created_at: dt.datetime | None
    modified_at: dt.datetime | None
    tags: list[str]
    formats: list[str]
    zones: str
    page_url: str
    regional_source: bool
    # data.gouv.fr marks datasets no longer maintained as archived (a date, or "False").
    archived_at: dt.datetime | None = None


# --- reading ---------------------------------------------------------------------------------

def _binary_to_text(raw) -> io.TextIOBase:
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        buffered = gzip.GzipFile(fileobj=buffered)
    return io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")


@contextmanager
def open_source(source) -> Iterator[io.TextIOBase]:
    """A text stream of `source`: a path, or an open text or binary file (gzipped or not).
    A file given open is left open."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            raw = path.open("rb")
        except OSError as exc:
            raise CatalogImportError(f"Impossible de lire {path} : {exc.strerror}.") from exc
        with raw:
            yield _binary_to_text(raw)
    elif isinstance(source.read(0), str):
        yield source
    else:
        stream = _binary_to_text(source)
        try:
            yield stream
        finally:
            stream.detach()  # so that dropping the wrapper does not close the caller's file


def read_records(stream) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, fields), the header included."""
    reader = csv.reader(stream, delimiter=";")
    line = 1
    try:
        for record in reader:
            yield line, record
            line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise CatalogImportError(
            f"Ligne {line} : le fichier n'est pas encodé en UTF-8 ({exc.reason})."
        ) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise CatalogImportError(f"Ligne {line} : fichier illisible ou tronqué ({exc}).") from exc
    except csv.Error as exc:
        raise CatalogImportError(f"Ligne {line} : CSV illisible ({exc}).") from exc


# --- parsing one line ------------------------------------------------------------------------

def _datetime(value: str, column: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LineError(f"date illisible dans « {column} » : {value!r}") from None
    # data.gouv.fr writes its timestamps in UTC, without saying so.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _date(value: str, column: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise LineError(f"date illisible dans « {column} » : {value!r}") from None


def _formats(value: str) -> list[str]:
    found = []
    for name in value.split(","):
        name = " ".join(name.strip().lower().split())
        name = FORMAT_ALIASES.get(name, name)[:40]
        if name and name not in found:
            found.append(name)
    return found


class LineParser:
    """Turns the records of one file into `Row`s; `warn(line, message)` receives what is
    imported with something left out (unknown licence...)."""

    def __init__(self, header: list[str], licences: dict[str, Licence], warn):
        self.columns = {name: i for i, name in enumerate(header)}
        self.width = len(header)
        self.licences = licences
        self.warn = warn
        self.seen: dict[str, int] = {}

    def get(self, record: list[str], column: str) -> str:
        i = self.columns.get(column)
        return record[i].strip() if i is not None else ""

    def parse(self, line: int, record: list[str]) -> Row:
        if len(record) != self.width:
            raise LineError(f"{len(record)} champs au lieu de {self.width}")
        get = self.get
        # Some titles of the export carry HTML entities ("&amp;").
        source_id, title = get(record, "id"), " ".join(html.unescape(get(record, "title")).split())
        if not source_id:
            raise LineError("identifiant (« id ») manquant")
        if not title:
            raise LineError("titre (« title ») manquant")
        if source_id in self.seen:
            raise LineError(f"identifiant {source_id} déjà importé ligne {self.seen[source_id]}")
        created_at = _datetime(get(record, "created_at"), "created_at")
        modified_at = _datetime(get(record, "last_modified"), "last_modified")
        start = _date(get(record, "temporal_coverage.start"), "temporal_coverage.start")
        end = _date(get(record, "temporal_coverage.end"), "temporal_coverage.end")
        if start and end and start > end:
            self.warn(line, "fin de la période couverte avant son début : période ignorée")
            start = end = None

        licence = None
        licence_name = get(record, "license")
        if licence_name:
            licence = self.licences.get(fold(licence_name))
            if licence is None:
                self.warn(line, f"licence inconnue : {licence_name!r}")
        frequency_name = get(record, "frequency")
        frequency = FREQUENCIES.get(frequency_name)
        if frequency is None:
            self.warn(line, f"fréquence inconnue : {frequency_name!r}")
            frequency = Dataset.Frequency.UNKNOWN
        tags = []
        for name in get(record, "tags").split(","):
            tag = normalise_tag(name)
            if tag and tag not in tags:
                tags.append(tag)
        page_url = get(record, "harvest.remote_url") or get(record, "url")
        if len(page_url) > 500 or not page_url.startswith(("http://", "https://")):
            page_url = ""
        organisation = " ".join(get(record, "organization").split())
        if not organisation:
            self.warn(line, f"producteur non renseigné : rattaché à « {UNKNOWN_PRODUCER} »")
            organisation = UNKNOWN_PRODUCER
        archived = get(record, "archived")
        archived_at = None
        if archived and archived.lower() not in ("false", "0", "no"):
            archived_at = (_datetime(archived, "archived") if archived.lower() != "true"
                           else modified_at or created_at)
        self.seen[source_id] = line
        return Row(
            line=line, source_id=source_id[:100], title=title[:300],
            slug=get(record, "slug") or title, description=get(record, "description"),
            organisation=organisation[:255],
            organisation_source_id=get(record, "organization_id")[:100], licence=licence,
            frequency=frequency,
            temporal_start=start, temporal_end=end, created_at=created_at,
            modified_at=modified_at, tags=tags, formats=_formats(get(record, "resources_formats")),
            zones=get(record, "spatial.zones"), page_url=page_url,
            regional_source=get(record, "harvest.domain").endswith(REGIONAL_PORTALS),
            archived_at=archived_at,
        )


def licence_index() -> dict[str, Licence]:
    """Every licence under its folded slug, title and alternate titles."""
    index: dict[str, Licence] = {}
    for licence in Licence.objects.all():
        for name in [licence.slug, licence.title, *(licence.alternate_titles or [])]:
            index.setdefault(fold(name), licence)
    return index



def check_header(header: list[str]) -> list[str]:
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogImportError(
            "Ce fichier n'est pas un export du catalogue data.gouv.fr (CSV séparé par des "
            f"« ; ») : colonnes manquantes : {', '.join(missing)}."
        )
    return header
