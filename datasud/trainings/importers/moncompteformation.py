"""The MonCompteFormation catalogue as published in open data by the Caisse des Dépôts
(dataset `moncompteformation_catalogueformation` on opendata.caissedesdepots.fr, relayed by
data.gouv.fr): one line per training, `;`-separated CSV export (`,` and tab accepted too).

Columns read, with their published names: numero_formation, siret, nom_of,
intitule_formation, type_referentiel (RNCP or RS), code_rncp, code_inventaire (RS code),
intitule_certification, code_certifinfo, code_formacode_1 to code_formacode_5,
nombre_heures_total_mean, frais_ttc_tot_mean, code_departement, nom_departement,
code_region, nb_session_a_distance. Required: intitule_formation and nom_of.

The catalogue gives no ROME code, no commune and no session date: the offer's place is its
département, its distance is not computed, and the targeted ROME codes are inferred from
the certification's title by the import command (and labelled as inferred).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
from typing import BinaryIO

from .base import (
    SIRET,
    OfferRecord,
    ParseResult,
    TrainingImportError,
    clean,
    code,
    euros,
    hours,
    number,
)

REQUIRED = ("intitule_formation", "nom_of")
MAX_FIELD = 100_000  # characters in one cell (points_forts can be long, not megabytes)


def _text_stream(stream: BinaryIO) -> io.TextIOBase:
    head = stream.read(4096)
    stream.seek(0)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head[:4000], final=False)
    except UnicodeDecodeError:
        encoding = "cp1252"  # older exports opened and saved in a spreadsheet
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get)


def _certification(row: dict) -> tuple[str, str]:
    kind = clean(row.get("type_referentiel"), 10).upper()
    rncp, rs = code(row.get("code_rncp")), code(row.get("code_inventaire"))
    if kind == "RS" and rs:
        return "RS", rs if rs.upper().startswith("RS") else f"RS{rs}"
    if rncp:
        return "RNCP", rncp if rncp.upper().startswith("RNCP") else f"RNCP{rncp}"
    if rs:
        return "RS", rs if rs.upper().startswith("RS") else f"RS{rs}"
    return "", ""


def parse(stream: BinaryIO, region: str | None = None) -> ParseResult:
    """Read a MonCompteFormation catalogue CSV into offer records (only the lines of
    `code_region` == `region` when given), or raise TrainingImportError."""
    csv.field_size_limit(MAX_FIELD)
    text = _text_stream(stream)
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise TrainingImportError("Fichier vide.")
        if "\x00" in header_line:
            raise TrainingImportError("Ce fichier n'est pas un CSV (contenu binaire).")
        delimiter = _delimiter(header_line)
        header = [clean(h, 80).lower() for h in next(csv.reader([header_line],
                                                                delimiter=delimiter))]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise TrainingImportError(
                "Ce fichier n'est pas le catalogue MonCompteFormation : colonnes absentes "
                f"{', '.join(missing)} (en-tête lu : {', '.join(header[:6])}…).")
        records, warnings, seen = [], [], set()
        reader = csv.reader(text, delimiter=delimiter)
        for number_, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                warnings.append(f"Ligne {number_} ignorée : {len(cells)} colonnes au lieu "
                                f"de {len(header)}.")
                continue
            row = dict(zip(header, cells, strict=True))
            if region and code(row.get("code_region")) != region:
                continue
            title, provider = clean(row["intitule_formation"]), clean(row["nom_of"], 255)
            if not title or not provider:
                warnings.append(f"Ligne {number_} ignorée : intitulé ou organisme vide.")
                continue
            siret = code(row.get("siret"))
            kind, certification = _certification(row)
            source_id = code(row.get("numero_formation"))
            if not source_id:
                # Older exports have no training number: siret + certification + title +
                # département identify the line, as a digest.
                source_id = "sans-numero-" + hashlib.sha256("|".join([
                    siret, certification, title, code(row.get("code_departement"))]).encode(
                )).hexdigest()[:24]
            if source_id in seen:
                warnings.append(f"Ligne {number_} : identifiant {source_id[:40]} en double, "
                                "la dernière ligne l'emporte.")
            seen.add(source_id)
            remote = (number(row.get("nb_session_a_distance")) or 0) > 0
            records.append(OfferRecord(
                source_id=source_id[:255], title=title, provider_name=provider,
                provider_siret=siret if SIRET.match(siret) else "",
                place_name=clean(row.get("nom_departement"), 255),
                departement=code(row.get("code_departement"))[:3],
                remote=remote,
                duration_hours=hours(row.get("nombre_heures_total_mean")),
                cost_euros=euros(row.get("frais_ttc_tot_mean")),
                certification_kind=kind, certification_code=certification[:20],
                certification_title=clean(row.get("intitule_certification")),
                certifinfo=code(row.get("code_certifinfo"))[:20],
                formacodes=[c for c in (code(row.get(f"code_formacode_{i}"))
                                        for i in range(1, 6)) if c],
            ))
    except UnicodeDecodeError as exc:
        raise TrainingImportError("Encodage illisible : le fichier doit être en UTF-8 (ou "
                                  "Windows-1252).") from exc
    except csv.Error as exc:
        raise TrainingImportError(f"CSV mal formé : {exc}.") from exc
    finally:
        text.detach()
    if not records:
        raise TrainingImportError("Aucune offre de formation lisible dans ce fichier"
                                  + (f" pour la région {region}." if region else "."))
    return ParseResult(records, warnings)
