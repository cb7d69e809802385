"""Sud Labs places in and out as CSV following the national schema of digital-mediation
places: `import_places` checks every row against the schema and imports all of them or
none; `export_places` writes a file that the same check accepts.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from .models import Place, Programme
from .models.places import SCHEMA_COLUMNS
from .tableschema import CellError, check_header, validate_rows

MAX_ROWS = 50_000
MAX_BYTES = 50 * 1024 * 1024
# The model names the schema's `id` column `local_id` (Django keeps `id` for its own key).
MODEL_FIELD = {"id": "local_id"}


class PlacesImportError(ValueError):
    """The file is refused; `errors` lists every problem found (line, column, message)."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:50])
        more = f"\n  ... et {len(errors) - 50} autres" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} erreur(s) : rien n'a été importé.\n{shown}{more}")


def read_csv(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a UTF-8 CSV separated by commas or semicolons."""
    if len(content) > MAX_BYTES:
        raise PlacesImportError([CellError(0, "-", "fichier trop volumineux (50 Mo au plus)")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlacesImportError([CellError(0, "-", f"le fichier n'est pas en UTF-8 "
                                                   f"(octet {error.start})")]) from None
    if not text.strip():
        raise PlacesImportError([CellError(0, "-", "le fichier est vide")])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise PlacesImportError([CellError(
                    reader.line_num, "-", f"{len(values)} valeurs pour {len(header)} colonnes")])
            rows.append(dict(zip(header, values, strict=True)))
            if len(rows) > MAX_ROWS:
                raise PlacesImportError([CellError(reader.line_num, "-",
                                                   f"plus de {MAX_ROWS} lignes")])
    except csv.Error as error:
        raise PlacesImportError([CellError(reader.line_num, "-", f"CSV illisible : {error}")]) \
            from None
    return header, rows


def _values(row: dict[str, str]) -> dict:
    values = {}
    for column in SCHEMA_COLUMNS:
        value = (row.get(column) or "").strip()
        field = MODEL_FIELD.get(column, column)
        if column in {"latitude", "longitude"}:
            values[field] = float(value) if value else None
        elif column == "date_maj":
            values[field] = dt.date.fromisoformat(value)
        else:
            values[field] = value
    code = values["code_insee"]
    values["departement"] = code[:2] if code else values["code_postal"][:2]
    return values


def _slug(values: dict) -> str:
    base = slugify(f"{values['nom']} {values['commune']}")[:100] or "lieu"
    slug, n = base, 1
    while Place.objects.filter(slug=slug).exclude(local_id=values["local_id"]).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_places(content: bytes, programme: Programme | None, *, is_demo: bool = False) \
        -> dict[str, int]:
    """Create or update (by the schema's `id`) the places of a CSV file for `programme`.

    Every row is checked first; any error refuses the whole file (PlacesImportError listing
    them all) and nothing changes. Returns {"created": n, "updated": n}."""
    header, rows = read_csv(content)
    errors = check_header(header)
    if not errors:
        errors = validate_rows(rows)
    if errors:
        raise PlacesImportError(errors)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            values = _values(row)
            place = Place.objects.filter(local_id=values["local_id"]).first()
            if place is None:
                place = Place(**values, programme=programme, is_demo=is_demo)
                place.slug = _slug(values)
                created += 1
            else:
                for name, value in values.items():
                    setattr(place, name, value)
                place.programme = programme or place.programme
                place.is_demo = is_demo
                updated += 1
            place.save()
    return {"created": created, "updated": updated}


def _cell(place: Place, column: str) -> str:
    value = getattr(place, MODEL_FIELD.get(column, column))
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_places(places: Iterable[Place], out: io.TextIOBase) -> int:
    """Write `places` as CSV in the schema's column order; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCHEMA_COLUMNS)
    count = 0
    for place in places:
        writer.writerow([_cell(place, column) for column in SCHEMA_COLUMNS])
        count += 1
    return count
