"""Salaries and recruitment tension of a fiche, through the DARES FAP ↔ ROME table.

DARES publishes by professional family (FAP 225); the ROME v3 code of a fiche
(`code_rome_parent`) leads to one or more families. Every figure says its source and period.
"""
from __future__ import annotations

from collections import defaultdict

SALARY_SOURCE = ("DARES, Portraits statistiques des métiers (enquêtes Emploi, Insee), "
                 "salaire mensuel net des salariés à temps complet")
TENSION_SOURCE = "DARES – France Travail, tensions sur le marché du travail, 2019"
PACA = "93"
PACA_DEPARTEMENTS = ("04", "05", "06", "13", "83", "84")
INDICATORS = ("Intensité d'embauches", "Lien formation-emploi",
              "Manque de main-d'œuvre disponible", "Non-durabilité de l'emploi",
              "Conditions de travail contraignantes", "Inadéquation géographique")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


class LabourMarket:
    def __init__(self, fap_rome: list[dict], salary_median: list[dict],
                 salary_bands: list[dict], tensions: list[dict]):
        self.faps: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in fap_rome:
            self.faps[row["Rome"]].append((row["Fap"], row["intitule_rome"]))
        self.medians: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for row in salary_median:
            value = _number(row["Salaire_median"])
            if value is not None:
                self.medians[row["Fap3"]].append((row["Annee"], value))
        self.bands: dict[str, list[dict]] = defaultdict(list)
        for row in salary_bands:
            share = _number(row["Pourcentage"])
            if share is not None:
                self.bands[row["Fap"]].append({"tranche": row["Salaire"].strip(),
                                               "part_pct": round(share, 1)})
        self.tensions: dict[tuple[str, str], dict] = {}
        for row in tensions:
            if row["niveau_fap"] != "fap 225":
                continue
            level = row["niveau_geo"]
            where = ("France" if level == "nat" else
                     PACA if level == "reg" else row["dep"].zfill(2))
            self.tensions[(row["fap"], where)] = row

    def families(self, parent: str) -> list[str]:
        return sorted({fap for fap, _label in self.faps.get(parent, [])})

    def salaries(self, parent: str) -> dict:
        """Median salary (latest period) and bands of each family of the ROME v3 code."""
        families = []
        for fap in self.families(parent):
            series = sorted(self.medians.get(fap, []))
            if not series:
                continue
            period, median = series[-1]
            families.append({"fap": fap, "periode": period, "salaire_median_net": median,
                             "tranches": self.bands.get(fap, [])})
        return {"source": SALARY_SOURCE, "familles": families, "complet": bool(families)}

    def tension(self, parent: str) -> dict:
        """2019 recruitment tension for France, PACA (93) and its départements."""
        families = []
        for fap in self.families(parent):
            places = {}
            for where in ("France", PACA, *PACA_DEPARTEMENTS):
                row = self.tensions.get((fap, where))
                if row is None:
                    continue
                places[where] = {
                    "tension": _number(row["Tension"]),
                    "categorie": _number(row["Catégorie Tension"]),
                    "emploi_moyen": _number(row["Emploi moyen"]),
                    "indicateurs": {name: _number(row[name]) for name in INDICATORS},
                }
            if places:
                families.append({"fap": fap, "territoires": places})
        return {"source": TENSION_SOURCE, "annee": 2019, "familles": families,
                "complet": bool(families)}
