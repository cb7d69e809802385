"""The trees ranker's fourth-round features: what the referentials say of two fiches
besides their skills and the links (`REFERENTIAL_FEATURES`), and four of them weighed by
the first pass as well (`mobility.DEFAULT_WEIGHTS`).

RIASEC profile (ROME), centres of interest (ROME), work contexts (the fiche's ROME items
without a rubric, which the skills leave out), La Bonne Boîte's hirings by NAF sector of
the fiche's ROME v3 family, DARES FAP 225 families and their median salary. None of them
depends on the links. Kept on the out-of-fold figures of the training sources alone
(`benchmarks/mobility_oof.py`, docs/benchmarks.md, fourth round).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from .pairs import JaccardRows

REFERENTIAL_FEATURES = (
    "riasec_major",
    "riasec_letters",
    "riasec_hexagon",
    "interests",
    "interest_principal",
    "contexts",
    "naf_hiring",
    "naf_division",
    "fap",
    "fap_family",
    "salary_ratio",
    "salary_t",
)
HEXAGON = "RIASEC"  # Holland's hexagon: neighbours in this cycle are alike


class FicheReferentials:
    """Per-fiche memberships from the referential tables, in the model's fiche order, and
    their similarities for one source fiche against all (`rows`).

    `codes`, `parents`: the fiches and their ROME v3 codes; `riasec`: code → (major, minor)
    letters; `interests`: code → {centre code: principal}; `contexts`: code → work-context
    items; `naf`: ROME v3 → {NAF sub-class: hirings}; `faps`: ROME v3 → FAP 225 codes;
    `salaries`: FAP code (any level) → median monthly salary. Missing entries give zeros
    (and the middle of the hexagon), never errors."""

    def __init__(
        self,
        codes: list[str],
        parents: list[str],
        riasec: dict[str, tuple[str, str]] | None = None,
        interests: dict[str, dict[str, bool]] | None = None,
        contexts: dict[str, set[str]] | None = None,
        naf: dict[str, dict[str, float]] | None = None,
        faps: dict[str, set[str]] | None = None,
        salaries: dict[str, float] | None = None,
    ):
        riasec, interests, contexts = riasec or {}, interests or {}, contexts or {}
        naf, faps, salaries = naf or {}, faps or {}, salaries or {}
        majors = [riasec.get(c, ("", ""))[0] for c in codes]
        self.major = np.array([HEXAGON.find(m) if m else -1 for m in majors], np.int64)
        self.letters = JaccardRows([{x for x in riasec.get(c, ("", "")) if x} for c in codes])
        self.interests = JaccardRows([set(interests.get(c, {})) for c in codes])
        self.principal = JaccardRows(
            [{k for k, main in interests.get(c, {}).items() if main} for c in codes]
        )
        self.contexts = JaccardRows([set(contexts.get(c, ())) for c in codes])
        self.fap = JaccardRows([set(faps.get(p, ())) for p in parents])
        self.fap_family = JaccardRows([{f[:3] for f in faps.get(p, ())} for p in parents])
        # Hirings by NAF sub-class and by NAF division (2 digits), per ROME v3 family,
        # normalised to unit length: the cosine is one product of two rows.
        family = {p: k for k, p in enumerate(sorted(set(parents)))}
        self.family = np.array([family[p] for p in parents], np.int64)
        self.naf = self._unit_rows(family, naf, lambda code: code)
        self.naf_division = self._unit_rows(family, naf, lambda code: code[:2])
        # log median salary of the fiche's FAP families (their own figure, else the figure
        # of their FAP 87 family), 0 where DARES has none
        logs = []
        for p in parents:
            found = [salaries.get(f) or salaries.get(f[:3]) for f in sorted(faps.get(p, ()))]
            found = [math.log(v) for v in found if v]
            logs.append(sum(found) / len(found) if found else 0.0)
        self.log_salary = np.array(logs)
        self.has_salary = self.log_salary > 0

    @staticmethod
    def _unit_rows(family: dict, naf: dict, key) -> np.ndarray:
        """[families, columns] hirings by `key(NAF code)`, each row of unit length."""
        columns: dict[str, int] = {}
        cells = defaultdict(float)
        for parent, hirings in naf.items():
            if parent in family:
                for code, count in hirings.items():
                    cells[family[parent], columns.setdefault(key(code), len(columns))] += count
        matrix = np.zeros((len(family), max(len(columns), 1)), np.float32)
        for (row, column), count in cells.items():
            matrix[row, column] = count
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-9)

    def rows(self, i: int) -> dict[str, np.ndarray]:
        """The `REFERENTIAL_FEATURES` of every fiche as a target of fiche i ([n] arrays)."""
        major = self.major
        known = (major >= 0) & (major[i] >= 0)
        steps = np.abs(major - major[i]) % 6
        steps = np.minimum(steps, 6 - steps)  # 0 same, 1 neighbours, 3 opposite
        both = self.has_salary & self.has_salary[i]
        return {
            "riasec_major": (known & (major == major[i])).astype(np.float32),
            "riasec_letters": self.letters[i],
            "riasec_hexagon": np.where(known, 1 - steps / 3, 0.5),
            "interests": self.interests[i],
            "interest_principal": self.principal[i],
            "contexts": self.contexts[i],
            "naf_hiring": (self.naf @ self.naf[self.family[i]])[self.family],
            "naf_division": (self.naf_division @ self.naf_division[self.family[i]])[self.family],
            "fap": self.fap[i],
            "fap_family": self.fap_family[i],
            "salary_ratio": np.where(both, self.log_salary - self.log_salary[i], 0.0),
            "salary_t": self.log_salary,
        }


def work_contexts(items: list[dict], fiche_items: list[dict]) -> dict[str, set[str]]:
    """Fiche → its work-context items: the ROME items without a rubric (conditions,
    places, hours...), which `skills.SkillsReferential` leaves out."""
    context_items = {r["code_ogr"] for r in items if not r["code_rubrique"]}
    contexts: dict[str, set[str]] = defaultdict(set)
    for row in fiche_items:
        if row["code_ogr"] in context_items:
            contexts[row["code_rome"]].add(row["code_ogr"])
    return contexts
