"""Map the France Services places of PACA (ANCT, August 2024) to the national schema of
digital-mediation places, for the demo directory of Sud Labs:

    python datasud/programmes/data/build_demo_places.py

reads `france-services-paca-2024.csv` (as published) and writes
`lieux-demo-france-services-paca-2024.csv`. These are stand-ins, not Sud Labs places: the
short presentation of each says so, and the platform flags them as demo data.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

HERE = Path(__file__).parent
# The file as published is shipped once, with the datastore demo data.
SOURCE = HERE.parents[1] / "datastore" / "data" / "france-services-paca-2024.csv"
TARGET = HERE / "lieux-demo-france-services-paca-2024.csv"
DAYS = [("h_lundi", "Mo"), ("h_mardi", "Tu"), ("h_mercredi", "We"), ("h_jeudi", "Th"),
        ("h_vendredi", "Fr"), ("h_samedi", "Sa")]
# The schema wants a SIRET or RNA number; the source has none. The national cartography
# uses fourteen zeros for "unknown", and so do we.
UNKNOWN_PIVOT = "00000000000000"
COLUMNS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]


def opening_hours(row: dict) -> str:
    """"09:30 - 12:30 / 13:30 - 17:30" per day -> "Mo 09:30-12:30,13:30-17:30; ..."."""
    parts = []
    for column, day in DAYS:
        spans = [re.sub(r"\s*-\s*", "-", s.strip()) for s in row[column].split("/") if s.strip()]
        if spans and all(re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", s) for s in spans):
            parts.append(f"{day} {','.join(spans)}")
    return "; ".join(parts)


def phone(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    return "+33" + digits[1:] if len(digits) == 10 and digits.startswith("0") else ""


def convert(row: dict) -> dict:
    itinerant = row["format_fs"] in {"Itinérante", "Bus_équivalent"}
    return {
        "id": f"france-services-{row['id_fs']}",
        "pivot": UNKNOWN_PIVOT,
        "nom": row["lib_fs"].strip(),
        "commune": row["lib_com"].strip(),
        "code_postal": row["code_postal"].strip(),
        "code_insee": row["insee_com"].strip(),
        "adresse": row["adresse"].strip(),
        "complement_adresse": row["complement_adresse"].strip(),
        "latitude": row["latitude"].strip(),
        "longitude": row["longitude"].strip(),
        "typologie": "",
        "telephone": phone(row["telephone"]),
        "courriels": row["mail"].strip(),
        "site_web": "",
        "horaires": opening_hours(row),
        "presentation_resume": ("Lieu de démonstration : un espace France services (données "
                                "ANCT 2024), pas un lieu labellisé Sud Labs."),
        "presentation_detail": row["commentaire"].strip(),
        "source": "ANCT — France services (démonstration DataSud)",
        "itinerance": "Itinérant" if itinerant else "Fixe",
        "structure_parente": "",
        "date_maj": "2024-08-01",
        "services": "Aide aux démarches administratives|Accès internet et matériel "
                    "informatique",
        "publics_specifiquement_adresses": "",
        "prise_en_charge_specifique": "",
        "frais_a_charge": "Gratuit",
        "dispositif_programmes_nationaux": "France Services",
        "formations_labels": "",
        "autres_formations_labels": "",
        "modalites_acces": "Se présenter|Téléphoner",
        "modalites_accompagnement": "Accompagnement individuel",
        "fiche_acces_libre": "",
        "prise_rdv": "",
    }


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as source:
        rows = [convert(row) for row in csv.DictReader(source)]
    with TARGET.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} lieux écrits dans {TARGET.name}")


if __name__ == "__main__":
    main()
