"""LHEO 2.x XML (Langage Harmonisé d'Échange d'informations sur l'Offre de formation), the
format in which the Carif-Oref network exchanges training offers.

Structure read (element names of the LHEO schema, namespace ignored so 2.0 to 2.3 files
all read): lheo/offres/formation with domaine-formation (code-FORMACODE, code-ROME),
intitule-formation, certification (code-RNCP, code-CERTIFINFO), url-formation, one or more
action (lieu-de-formation/coordonnees/adresse with ville, code-INSEE-commune, departement,
geolocalisation/latitude+longitude; modalites-enseignement; session/periode/debut+fin;
prix-total-TTC; nombre-heures-total or nombre-heures-centre + nombre-heures-entreprise;
url-action) and organisme-formation-responsable (nom-organisme, raison-sociale,
SIRET-organisme-formation/SIRET). Each action becomes one offer, identified by the
`numero` attributes of its formation and action.

Safety: parsed by defusedxml with DTDs forbidden (no external entity, no entity expansion:
XXE and "billion laughs" are refused), streamed with iterparse and each formation freed
once read, so memory stays bounded by one formation whatever the file size. Contact
persons (names, e-mails, phones in contact-* and coordonnees/nom) are not read.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .base import (
    INSEE_CODE,
    SIRET,
    OfferRecord,
    ParseResult,
    TrainingImportError,
    clean,
    code,
    coordinate,
    euros,
    hours,
    lheo_date,
    rome_codes,
)

# modalites-enseignement: 0 entirely on site, 1 mixed, 2 entirely remote. Only the last
# frees the person from travelling.
REMOTE = {"2"}


@lru_cache(maxsize=512)
def local(tag: str) -> str:
    """The element's name without its namespace (LHEO 2.0 to 2.3 use different ones)."""
    return tag.rsplit("}", 1)[-1]


def child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if local(c.tag) == name), None)
    return element


def children(element: Element | None, name: str) -> list[Element]:
    return [] if element is None else [c for c in element if local(c.tag) == name]


def text(element: Element | None, *path: str, limit: int = 500) -> str:
    found = child(element, *path) if path else element
    return clean(found.text if found is not None else "", limit)


def _sessions(action: Element) -> list[dict]:
    sessions = []
    for session in children(action, "session"):
        start = lheo_date(text(session, "periode", "debut"))
        end = lheo_date(text(session, "periode", "fin"))
        sessions.append({"debut": start.isoformat() if start else None,
                         "fin": end.isoformat() if end else None})
    return sorted(sessions, key=lambda s: (s["debut"] is None, s["debut"] or ""))


def _offer(formation: Element, action: Element, index: int) -> OfferRecord:
    domain = child(formation, "domaine-formation")
    certification = child(formation, "certification")
    provider = child(formation, "organisme-formation-responsable")
    address = child(action, "lieu-de-formation", "coordonnees", "adresse")
    geo = child(address, "geolocalisation")
    total = hours(text(action, "nombre-heures-total"))
    if total is None:
        parts = [hours(text(action, name)) for name in ("nombre-heures-centre",
                                                        "nombre-heures-entreprise")]
        total = sum(p for p in parts if p) or None
    rncp = code(text(certification, "code-RNCP"))
    insee = text(address, "code-INSEE-commune", limit=5).upper()
    siret = text(provider, "SIRET-organisme-formation", "SIRET", limit=14)
    formation_id = formation.get("numero") or ""
    action_id = action.get("numero") or ""
    if formation_id and action_id:
        source_id = f"{formation_id}/{action_id}"
    else:
        # No identifiers: a digest of what identifies the offer, stable across re-imports.
        digest = hashlib.sha256("|".join([
            text(formation, "intitule-formation"), siret, insee, str(index)]).encode())
        source_id = f"sans-numero-{digest.hexdigest()[:24]}"
    latitude = coordinate(text(geo, "latitude", limit=30), -90, 90)
    longitude = coordinate(text(geo, "longitude", limit=30), -180, 180)
    if latitude is None or longitude is None:  # half a point is no point
        latitude = longitude = None
    insee = insee if INSEE_CODE.match(insee) else ""
    return OfferRecord(
        source_id=source_id[:255],
        title=text(formation, "intitule-formation"),
        provider_name=(text(provider, "raison-sociale", limit=255)
                       or text(provider, "nom-organisme", limit=255)),
        provider_siret=siret if SIRET.match(siret) else "",
        commune_insee=insee,
        place_name=text(address, "ville", limit=255),
        departement=text(address, "departement", limit=3) or insee[:2],
        latitude=latitude, longitude=longitude,
        remote=text(action, "modalites-enseignement", limit=2) in REMOTE,
        duration_hours=total,
        cost_euros=euros(text(action, "prix-total-TTC", limit=30)),
        certification_kind="RNCP" if rncp else "",
        certification_code=f"RNCP{rncp}" if rncp.isdigit() else rncp,
        certifinfo=code(text(certification, "code-CERTIFINFO")),
        formacodes=[code(c.text) for c in children(domain, "code-FORMACODE")
                    if code(c.text)][:5],
        romes=rome_codes(c.text for c in children(domain, "code-ROME")),
        sessions=_sessions(action),
        url=(text(action, "url-action") or text(formation, "url-formation"))[:500],
    )


def parse(stream: BinaryIO) -> ParseResult:
    """Read an LHEO file into offer records, or raise TrainingImportError (French message
    with the line and column of a syntax error)."""
    records, warnings = [], []
    root_checked = False
    parents: list[Element] = []
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True,
                                        forbid_entities=True, forbid_external=True):
            name = local(element.tag)
            if event == "start":
                if not root_checked:
                    root_checked = True
                    if name != "lheo":
                        raise TrainingImportError(
                            f"Ce fichier n'est pas au format LHEO : son élément racine est "
                            f"« {clean(name, 40)} » au lieu de « lheo ».")
                parents.append(element)
                continue
            parents.pop()
            if name != "formation":
                continue
            title = text(element, "intitule-formation")
            actions = children(element, "action")
            if not title or not actions:
                warnings.append(f"Formation {clean(element.get('numero') or '?', 40)} "
                                "ignorée : intitulé ou action manquant.")
            else:
                for action in actions:
                    record = _offer(element, action, len(records))
                    if record.provider_name:
                        records.append(record)
                    else:
                        warnings.append(f"Offre « {title[:60]} » ignorée : organisme "
                                        "responsable sans nom.")
            # Free what was read: memory stays bounded by one formation.
            element.clear()
            if parents:
                parents[-1].remove(element)
    except DefusedXmlException as exc:
        raise TrainingImportError(
            "Fichier refusé : il déclare une DTD ou des entités XML (risque d'attaque par "
            "entités externes ou par expansion) ; un fichier LHEO n'en contient pas.") from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise TrainingImportError(
            f"XML illisible ligne {line}, colonne {column} : fichier tronqué ou qui n'est "
            "pas du XML LHEO.") from exc
    if not root_checked:
        raise TrainingImportError("Fichier vide.")
    if not records:
        raise TrainingImportError("Aucune offre de formation (élément « formation » avec "
                                  "au moins une « action ») dans ce fichier LHEO.")
    return ParseResult(records, warnings)
