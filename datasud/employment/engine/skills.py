"""Skills profiles of the ROME fiches and the gap between two of them."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import EngineError

RUBRIQUES = {"1": "savoir_faire", "2": "savoir_etre", "3": "savoirs"}
# Core skills of the job come first in what to acquire: principal, then emerging ones.
CORE_RANK = {"Principale": 0, "Émergente": 1, "": 2}


@dataclass(frozen=True)
class Item:
    code_ogr: str
    label: str
    kind: str  # savoir_faire, savoir_etre, savoirs


class SkillsReferential:
    def __init__(self, items: list[dict], fiche_items: list[dict]):
        self.items: dict[str, Item] = {}
        for row in items:
            kind = RUBRIQUES.get(row["code_rubrique"])
            if kind:
                self.items[row["code_ogr"]] = Item(row["code_ogr"], row["libelle"], kind)
        # fiche -> {item code: coeur_metier}
        self.by_fiche: dict[str, dict[str, str]] = {}
        for row in fiche_items:
            if row["code_ogr"] in self.items:
                self.by_fiche.setdefault(row["code_rome"], {})[row["code_ogr"]] = (
                    row.get("coeur_metier") or "")

    def _entry(self, code: str, coeur: str) -> dict:
        item = self.items[code]
        return {"code_ogr": code, "libelle": item.label, "coeur_metier": coeur or None}

    def profile(self, code_rome: str) -> dict:
        """The skills of a fiche by kind, core skills first."""
        linked = self.by_fiche.get(code_rome, {})
        result = {kind: [] for kind in RUBRIQUES.values()}
        for code, coeur in sorted(linked.items(),
                                  key=lambda kv: (CORE_RANK.get(kv[1], 2),
                                                  self.items[kv[0]].label)):
            result[self.items[code].kind].append(self._entry(code, coeur))
        return result

    def gap(self, current: str, target: str, extra: list[str] = ()) -> dict:
        """What the person already holds of the target fiche and what is left to acquire.

        `extra` lists item codes the person ticked beyond their current job; unknown codes
        are refused rather than silently ignored."""
        unknown = [code for code in extra if code not in self.items]
        if unknown:
            raise EngineError(f"Compétences inconnues : {', '.join(unknown[:5])}.",
                              code="unknown_skill")
        held = set(self.by_fiche.get(current, {})) | set(extra)
        wanted = self.by_fiche.get(target, {})
        if not wanted:
            raise EngineError(f"La fiche {target} n'a pas de compétences décrites.",
                              code="no_skills")

        def ordered(codes):
            return sorted(codes, key=lambda c: (CORE_RANK.get(wanted[c], 2),
                                                self.items[c].label))

        transferable = ordered(c for c in wanted if c in held)
        missing = ordered(c for c in wanted if c not in held)
        core = [c for c in wanted if wanted[c]]
        return {
            "transferables": [self._entry(c, wanted[c]) for c in transferable],
            "competences_a_acquerir": [self._entry(c, wanted[c]) for c in missing
                                       if self.items[c].kind != "savoirs"],
            "savoirs_a_acquerir": [self._entry(c, wanted[c]) for c in missing
                                   if self.items[c].kind == "savoirs"],
            "part_couverte": round(len(transferable) / len(wanted), 3),
            "part_coeur_metier_couverte": (
                round(sum(1 for c in core if c in held) / len(core), 3) if core else None),
            "competences_supplementaires": sorted(set(extra)),
        }
