"""Training offers: importing a file (all or nothing) and ranking offers for a skills gap.

Ranking, explicitly: an offer prepares for the ROME codes it targets (given by the source,
or inferred from its certification's title); it is taken to teach the skills the ROME
lists for those fiches (a ROME v3 code stands for every 4.0 fiche born from it). Its
coverage is the share of the person's skills to acquire (target fiche's savoir-faire,
savoir-être and savoirs they do not hold) found among those skills. Offers are ranked by
coverage in steps of 10 points, then by distance from the person's commune (haversine,
between the commune's centre and the place of training; remote offers first at equal
coverage), then by cost. No table maps Formacodes to ROME skills here: Formacodes are
shown, not used to rank.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from .importers import lheo, moncompteformation
from .importers.base import OfferRecord, ParseResult, TrainingImportError, next_session
from .models import ImportBatch, Source, TargetedRome, TrainingOffer

MAX_CANDIDATES = 5000
# Title-to-ROME inference keeps only confident matches of the engine's title index.
INFERENCE_MIN_SCORE = 0.7
EARTH_RADIUS_KM = 6371.0

__all__ = ["TrainingImportError", "import_file", "rank_offers"]


def parse_file(stream: BinaryIO, source: str, region: str | None = None) -> ParseResult:
    if source == Source.LHEO:
        return lheo.parse(stream)
    if source == Source.MCF:
        return moncompteformation.parse(stream, region=region)
    raise TrainingImportError(f"Format inconnu « {source} » : lheo ou mcf.")


def infer_romes(records: Iterable[OfferRecord], search: Callable[[str], dict]) -> int:
    """Fill the ROME codes of records that have none from their certification's (else
    their own) title, through the engine's `search`; one search per distinct title.
    Returns how many records got codes."""
    cache: dict[str, list[str]] = {}
    filled = 0
    for record in records:
        if record.romes:
            continue
        title = record.certification_title or record.title
        if title not in cache:
            try:
                fiches = search(title[:200])["fiches"]
            except ValueError:  # EngineError: no match, text too long...
                fiches = []
            cache[title] = [f["code_rome"] for f in fiches[:1]
                            if f["score"] >= INFERENCE_MIN_SCORE]
        if cache[title]:
            record.romes, record.romes_inferred = list(cache[title]), True
            filled += 1
    return filled


def _fields(record: OfferRecord) -> dict:
    session = next_session(record.sessions)
    return {
        "title": record.title, "provider_name": record.provider_name,
        "provider_siret": record.provider_siret, "commune_insee": record.commune_insee,
        "place_name": record.place_name, "departement": record.departement,
        "latitude": record.latitude, "longitude": record.longitude, "remote": record.remote,
        "duration_hours": record.duration_hours, "cost_euros": record.cost_euros,
        "certification_kind": record.certification_kind,
        "certification_code": record.certification_code,
        "certification_title": record.certification_title,
        "certifinfo": record.certifinfo, "formacodes": record.formacodes,
        "sessions": record.sessions, "url": record.url,
        "start_date": session.get("debut"), "end_date": session.get("fin"),
    }


def import_file(path, source: str, *, is_demo: bool = False, remove_missing: bool = False,
                region: str | None = None,
                search: Callable[[str], dict] | None = None) -> tuple[ImportBatch, list[str]]:
    """Import the offers of the file at `path`, all or nothing.

    The file is read and checked entirely before the database is touched, then written in
    one transaction: a bad file, or a failure while writing, leaves the previous offers as
    they were. Offers are matched on (source, source_id): importing the same file twice
    changes nothing but the batch. `remove_missing` deletes the offers of this source that
    the file no longer lists (a full export replacing the previous one)."""
    with open(path, "rb") as stream:
        checksum = hashlib.file_digest(stream, "sha256").hexdigest()
        stream.seek(0)
        result = parse_file(stream, source, region)
    warnings = list(result.warnings)
    if search is not None:
        inferred = infer_romes(result.records, search)
        if inferred:
            warnings.append(f"{inferred} offres sans code ROME : métiers déduits de "
                            "l'intitulé de la certification.")
    records = {r.source_id: r for r in result.records}  # the last line of a duplicate wins
    with transaction.atomic():
        # The file's name only: a full path would tell about the importing machine.
        batch = ImportBatch.objects.create(source=source, file_name=Path(path).name[-255:],
                                           checksum=checksum, is_demo=is_demo)
        for record in records.values():
            offer, created = TrainingOffer.objects.update_or_create(
                source=source, source_id=record.source_id,
                defaults={**_fields(record), "batch": batch, "is_demo": is_demo})
            batch.created += created
            batch.updated += not created
            offer.romes.all().delete()
            TargetedRome.objects.bulk_create([
                TargetedRome(offer=offer, code=c, inferred=record.romes_inferred)
                for c in record.romes])
        if remove_missing:
            stale = TrainingOffer.objects.filter(source=source).exclude(
                source_id__in=list(records))
            batch.removed = stale.count()
            stale.delete()
        batch.save()
        # Batches no offer points to any more are history of nothing: drop them.
        ImportBatch.objects.exclude(pk=batch.pk).filter(offers__isnull=True).delete()
    return batch, warnings


# --- ranking ------------------------------------------------------------------------------

def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def commune_centres(codes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the centre of each commune's bounding box (territories)."""
    from datasud.territories.models import Territory

    centres = {}
    for code, bbox in Territory.objects.filter(
            level=Territory.Level.COMMUNE, code__in=set(codes)).values_list("code", "bbox"):
        if bbox and len(bbox) == 4:
            centres[code] = ((bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2)
    return centres


def _offer_json(offer: TrainingOffer, coverage: float, distance: float | None) -> dict:
    certification = None
    if offer.certification_code or offer.certification_title:
        certification = {"type": offer.certification_kind, "code": offer.certification_code,
                         "intitule": offer.certification_title}
    romes = list(offer.romes.all())
    return {
        "id": offer.pk, "titre": offer.title, "organisme": offer.provider_name,
        "commune": offer.place_name, "commune_insee": offer.commune_insee,
        "departement": offer.departement,
        "distance_km": round(distance, 1) if distance is not None else None,
        "a_distance": offer.remote,
        "duree_heures": offer.duration_hours,
        "cout_euros": float(offer.cost_euros) if offer.cost_euros is not None else None,
        "certification": certification, "formacodes": offer.formacodes,
        "rome": [r.code for r in romes], "rome_deduit": any(r.inferred for r in romes),
        "debut": offer.start_date.isoformat() if offer.start_date else None,
        "fin": offer.end_date.isoformat() if offer.end_date else None,
        "url": offer.url or None, "couverture_pct": round(coverage * 100),
        "source": offer.get_source_display(), "demonstration": offer.is_demo,
    }


def rank_offers(target: dict, gap_skills: set[str], related_codes: set[str],
                skills_of: Callable[[list[str]], set[str]], commune: str | None = None,
                top: int = 10) -> dict:
    """The offers that close part of the gap, best first (see the module docstring).

    `target` is the engine's fiche (code_rome, code_rome_v3); `related_codes` the ROME
    codes worth looking at (the target's and its neighbours'); `skills_of` the engine's
    ROME codes → skills. Returns the `formations` block of the diagnostic."""
    method = ("Couverture : part des compétences et savoirs à acquérir que le ROME associe "
              "aux métiers visés par la formation ; classement par couverture (par paliers "
              "de 10 points), puis distance depuis votre commune, puis coût.")
    block = {"offres": [], "source": None, "demonstration": False, "methode": method,
             "message": ""}
    if not TrainingOffer.objects.exists():
        block["message"] = ("Aucune offre de formation n'est encore importée sur la "
                            "plateforme : les offres réelles viendront des fichiers LHEO "
                            "des Carif-Oref ou du catalogue MonCompteFormation.")
        return block
    if not gap_skills:
        block["message"] = ("Vous avez déjà toutes les compétences que le ROME décrit "
                            "pour ce métier : pas de formation à proposer pour l'écart.")
        return block
    offers = list(TrainingOffer.objects.filter(romes__code__in=related_codes).distinct()
                  .select_related("batch").prefetch_related("romes")[:MAX_CANDIDATES])
    origin = None
    places = {o.commune_insee for o in offers if o.latitude is None and o.commune_insee}
    centres = commune_centres(places | ({commune} if commune else set()))
    if commune:
        origin = centres.get(commune)
    scored = []
    cache: dict[tuple, set[str]] = {}
    for offer in offers:
        codes = tuple(sorted(r.code for r in offer.romes.all()))
        if codes not in cache:
            cache[codes] = skills_of(list(codes))
        coverage = len(gap_skills & cache[codes]) / len(gap_skills)
        if coverage <= 0:
            continue
        place = ((offer.latitude, offer.longitude) if offer.latitude is not None
                 and offer.longitude is not None else centres.get(offer.commune_insee))
        distance = haversine_km(origin, place) if origin and place else None
        order = (-math.floor(coverage * 10 + 1e-9), 0 if offer.remote else 1,
                 distance if distance is not None else math.inf,
                 float(offer.cost_euros) if offer.cost_euros is not None else math.inf,
                 offer.pk)
        scored.append((order, offer, coverage, distance))
    scored.sort(key=lambda item: item[0])
    chosen = scored[:top]
    block["offres"] = [_offer_json(offer, coverage, distance)
                       for _order, offer, coverage, distance in chosen]
    batches = {offer.batch for _o, offer, _c, _d in chosen}
    block["source"] = " ; ".join(sorted(
        f"{b.get_source_display()}, fichier importé le {b.started_at:%d/%m/%Y}"
        for b in batches)) or None
    block["demonstration"] = any(offer.is_demo for _o, offer, _c, _d in chosen)
    messages = []
    if not chosen:
        messages.append("Aucune offre importée ne prépare à ce métier ou à un métier "
                        "proche.")
    if block["demonstration"]:
        messages.append("Exemple de démonstration : les offres marquées ainsi ne sont pas "
                        "de vraies formations.")
    if commune and origin is None:
        messages.append("Distance non calculée : commune sans coordonnées connues.")
    elif not commune and chosen:
        messages.append("Indiquez votre commune pour classer les formations par distance.")
    if any(o["distance_km"] is None and not o["a_distance"] for o in block["offres"]) \
            and origin is not None:
        messages.append("Certaines offres ne donnent que leur département (catalogue "
                        "MonCompteFormation) : leur distance n'est pas calculée.")
    block["message"] = " ".join(messages)
    return block
