"""Where a target job hires in the région: the NAF sectors that hire for it and the
employment areas (bassins d'emploi) of Provence-Alpes-Côte d'Azur, from La Bonne Boîte.

What the figures are, exactly (they are shown as such, never as job offers):
- sectors: the hirings La Bonne Boîte counts per ROME v3 code and NAF sub-class (national
  figures of its model, not regional ones);
- areas: for each bassin, the ROME v3 pairs La Bonne Boîte observes as related (people
  moving from one occupation to the other, with a score in [0, 1]). The target appearing
  among a bassin's related pairs means such moves to or from it are observed there; it does
  not measure how many jobs there are.
"""
from __future__ import annotations

from collections import Counter, defaultdict

SECTORS_SOURCE = ("France Travail, La Bonne Boîte : embauches par métier (ROME v3) et "
                  "secteur d'activité (NAF), modèle national")
AREAS_SOURCE = ("France Travail, La Bonne Boîte : communes par bassin d'emploi et métiers "
                "connexes observés par bassin ; noms et populations : Insee, COG 2026")
PACA_PREFIX = "93"  # bassin codes start with the région's code
DEPARTEMENT_NAMES = {"04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
                     "06": "Alpes-Maritimes", "13": "Bouches-du-Rhône", "83": "Var",
                     "84": "Vaucluse"}


def _int(text: str) -> int:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return 0


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


class EmploymentAreas:
    def __init__(self, area_communes: list[dict], related_romes: list[dict],
                 rome_naf: list[dict], naf_labels: list[dict]):
        self.naf_labels = {r["naf"]: r["libelle"] for r in naf_labels}
        self.hirings: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for row in rome_naf:
            self.hirings[row["rome"]].append((row["naf"], _int(row["embauches"])))
        self.area_of: dict[str, str] = {}
        members: dict[str, list[dict]] = defaultdict(list)
        for row in area_communes:
            if row["code_bassin_emploi"].startswith(PACA_PREFIX):
                self.area_of[row["code_insee"]] = row["code_bassin_emploi"]
                members[row["code_bassin_emploi"]].append(row)
        self.areas = {code: self._area(code, rows) for code, rows in members.items()}
        # bassin -> ROME v3 -> [(related ROME v3, score, direction)]
        self.related: dict[str, dict[str, list[tuple[str, float, str]]]] = {
            code: defaultdict(list) for code in self.areas}
        for row in related_romes:
            bassin = row["code_bassin_emploi"]
            if bassin not in self.related:
                continue
            score = _float(row["score"]) or 0.0
            self.related[bassin][row["rome"]].append((row["rome_connexe"], score, "vers"))
            self.related[bassin][row["rome_connexe"]].append((row["rome"], score, "depuis"))

    @staticmethod
    def _area(code: str, rows: list[dict]) -> dict:
        """Name a bassin by its most populated communes, and give its main département."""
        by_size = sorted(rows, key=lambda r: -_int(r.get("population")))
        main = [r["nom_commune"] for r in by_size if r.get("nom_commune")][:2]
        weight = Counter()
        for row in rows:
            weight[row["departement"]] += _int(row.get("population")) or 1
        departement = weight.most_common(1)[0][0] if weight else ""
        return {"code": code,
                "libelle": " – ".join(main) if main else f"Bassin {code}",
                "departement": departement,
                "departements": sorted(weight),
                "population": sum(_int(r.get("population")) for r in rows),
                "communes": sorted(r["code_insee"] for r in rows)}

    def area_of_commune(self, insee: str) -> dict | None:
        code = self.area_of.get(insee)
        return self.areas.get(code) if code else None

    def sectors(self, parent: str, top: int = 10) -> list[dict]:
        """The NAF sectors with the most hirings for the ROME v3 code `parent`."""
        rows = sorted(self.hirings.get(parent, []), key=lambda r: (-r[1], r[0]))[:top]
        return [{"naf": naf, "libelle": self.naf_labels.get(naf, ""), "embauches": count}
                for naf, count in rows]

    def zones(self, parent: str, current_parent: str | None = None,
              tension_by_departement: dict[str, dict] | None = None,
              commune: str | None = None) -> list[dict]:
        """Every PACA bassin with what La Bonne Boîte observes there about the target
        (ROME v3 `parent`): bassins where it does come first, then by population."""
        result = []
        for code, area in self.areas.items():
            links = self.related[code].get(parent, [])
            from_current = [score for other, score, direction in links
                            if other == current_parent and direction == "depuis"]
            best = max((score for _o, score, _d in links), default=None)
            if links:
                text = (f"La Bonne Boîte observe dans ce bassin des passages entre le métier "
                        f"visé et {len({o for o, _s, _d in links})} autre(s) métier(s) "
                        f"(score maximal {best:.2f} sur 1).")
            else:
                text = ("Aucun passage vers ou depuis ce métier n'est observé par La Bonne "
                        "Boîte dans ce bassin : pas de donnée, ce qui ne veut pas dire "
                        "qu'il n'y a pas d'emplois.")
            result.append({
                **area,
                "departement_libelle": DEPARTEMENT_NAMES.get(area["departement"], ""),
                "indicateur": {
                    "nature": "métiers connexes observés par La Bonne Boîte (score 0 à 1)",
                    "metier_observe": bool(links),
                    "metiers_connexes": len({o for o, _s, _d in links}),
                    "score_max": round(best, 3) if best is not None else None,
                    "passage_depuis_metier_actuel": (round(max(from_current), 3)
                                                     if from_current else None),
                    "texte": text,
                },
                "tension_departement": (tension_by_departement or {}).get(
                    area["departement"]),
                "commune_de_la_personne": bool(commune) and commune in area["communes"],
            })
        result.sort(key=lambda z: (not z["commune_de_la_personne"],
                                   not z["indicateur"]["metier_observe"],
                                   -(z["indicateur"]["score_max"] or 0), -z["population"]))
        return result
