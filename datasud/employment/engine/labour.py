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


# The salary bands of the DARES file, by label: (lowest, highest) monthly net salary.
BAND_BOUNDS = {
    "Moins de 1250 €": (0.0, 1250.0),
    "De 1250 € à moins de 1500 €": (1250.0, 1500.0),
    "De 1500 € à moins de 2000 €": (1500.0, 2000.0),
    "De 2000 € à moins de 3000 €": (2000.0, 3000.0),
    "3000 € ou plus": (3000.0, float("inf")),
}
TOP_BANDS = ("De 2000 € à moins de 3000 €", "3000 € ou plus")
SWAPPED_TOP_BANDS = (
    "Les deux tranches les plus hautes du fichier de la DARES portent chacune le libellé de "
    "l'autre : elles sont remises en ordre ici, d'après les salaires médians publiés dans le "
    "même jeu de données ({agree} familles sur {decisive} où l'ordre change la tranche de la "
    "médiane ne concordent avec elle qu'une fois remises en ordre)."
)


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
        self.bands_note = self._put_top_bands_in_order()
        self.tensions: dict[tuple[str, str], dict] = {}
        for row in tensions:
            if row["niveau_fap"] != "fap 225":
                continue
            level = row["niveau_geo"]
            where = ("France" if level == "nat" else
                     PACA if level == "reg" else row["dep"].zfill(2))
            self.tensions[(row["fap"], where)] = row

    def _put_top_bands_in_order(self) -> str:
        """Swap the shares of the two top bands if the file gives each the other's label;
        returns why it did (shown with the figures), or "".

        The DARES file shows it: most families have far more employees at "3000 € ou plus"
        than at "De 2000 € à moins de 3000 €", farm workers included. The check is read
        from the data, so that a corrected version of the file is left as it is: the
        published median of a family must fall in the band where the cumulated shares
        pass 50 %; over the families where swapping the two top bands moves that band,
        the file is put in order only if the swapped order agrees with the median at
        least four times as often as the published one (63 to 0 in the 2017-2019 file).
        """
        published = swapped = 0
        for fap, bands in self.bands.items():
            series = sorted(self.medians.get(fap, []))
            shares = {band["tranche"]: band["part_pct"] for band in bands}
            if not series or set(shares) != set(BAND_BOUNDS):
                continue
            median = series[-1][1]
            as_given = [shares[label] for label in BAND_BOUNDS]
            in_order = as_given[:3] + as_given[:2:-1]
            found = [_median_band(as_given), _median_band(in_order)]
            if found[0] == found[1]:
                continue
            true = next(i for i, (low, high) in enumerate(BAND_BOUNDS.values())
                        if low <= median < high)
            published += found[0] == true
            swapped += found[1] == true
        if swapped < 10 or swapped < 4 * published:
            return ""
        low, high = TOP_BANDS
        for bands in self.bands.values():
            shares = {band["tranche"]: band for band in bands}
            if low in shares and high in shares:
                shares[low]["part_pct"], shares[high]["part_pct"] = (
                    shares[high]["part_pct"], shares[low]["part_pct"])
        return SWAPPED_TOP_BANDS.format(agree=swapped, decisive=swapped + published)

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
        return {"source": SALARY_SOURCE, "familles": families, "complet": bool(families),
                "correction": self.bands_note}

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


def _median_band(shares: list[float]) -> int:
    """The band (index) where the cumulated shares, lowest band first, pass 50 %."""
    total = 0.0
    for position, share in enumerate(shares):
        total += share
        if total >= 50:
            return position
    return len(shares) - 1
