"""What a fiche is besides its skills: its sectors of activity, its RIASEC profile and the
centres of interest the ROME associates with it (ROME 4.0 tables shipped as referentials).

Shown in the fiche's profile so that a person sees the worlds a job belongs to; missing
tables (an older referential version) give empty lists, not errors.
"""
from __future__ import annotations

from collections import defaultdict

RIASEC = {"R": "Réaliste", "I": "Investigateur", "A": "Artistique", "S": "Social",
          "E": "Entreprenant", "C": "Conventionnel"}


def _principal_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (not r.pop("_principal"), r["libelle"]))


class FicheDescriptors:
    def __init__(self, sectors: list[dict], riasec: list[dict], interests: list[dict]):
        self.sectors: dict[str, list[tuple]] = defaultdict(list)
        for row in sectors:
            # A sub-sector when the ROME gives one, else the sector itself.
            code = row["code_sous_secteur"] or row["code_secteur"]
            label = row["libelle_sous_secteur"] or row["libelle_secteur"]
            self.sectors[row["code_rome"]].append(
                (code, label, row["libelle_secteur"], row["principal"] == "oui"))
        self.riasec = {row["code_rome"]: (row["riasec_majeur"], row["riasec_mineur"])
                       for row in riasec}
        self.interests: dict[str, list[tuple]] = defaultdict(list)
        for row in interests:
            self.interests[row["code_rome"]].append(
                (row["code_centre_interet"], row["libelle_centre_interet"],
                 row["principal"] == "oui"))

    def of(self, code: str) -> dict:
        seen: set[str] = set()
        sectors = []
        for sector_code, label, parent, principal in self.sectors.get(code, ()):
            if sector_code in seen:
                continue
            seen.add(sector_code)
            sectors.append({"code": sector_code, "libelle": label, "secteur": parent,
                            "_principal": principal})
        interests = [{"code": c, "libelle": label, "_principal": principal}
                     for c, label, principal in self.interests.get(code, ())]
        major, minor = self.riasec.get(code, ("", ""))
        return {
            "secteurs": _principal_first(sectors),
            "riasec": {"majeur": RIASEC.get(major, ""), "mineur": RIASEC.get(minor, ""),
                       "code": major + minor},
            "centres_interet": _principal_first(interests),
        }
