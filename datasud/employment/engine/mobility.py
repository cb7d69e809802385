"""Mobility proposals: for any fiche, the nearby fiches a person could move to, with why.

Two passes. First, every other fiche (source → target) gets a few signals, each in [0, 1],
summed with weights (`DEFAULT_WEIGHTS`):
- `skills`: TF-IDF cosine of the two fiches' skills and knowledge (core ones weigh more);
- `domain`, `grand_domain`, `parent`: same professional domain, same large domain, same
  ROME v3 code;
- `observed`: transitions La Bonne Boîte observes between the two jobs (share of
  employment areas where the pair appears, by its score);
- `reverse`: the ROME lists the opposite move (target → source);
- `cocited`: the fiches that list the source as a mobility also list the target;
- `isco`: the two fiches map to the same ESCO/ISCO-08 groups;
- `popular`: how often other fiches list the target as a mobility;
- `neighbours`: the fiches closest in skills to the source list the target (weighted by
  their closeness), as a collaborative filter;
- `regression`: the same idea done as a kernel ridge regression of the other fiches'
  official lists on their skills (the skills cosine as kernel): it discounts neighbours
  that say the same thing;
- `siblings`: the fiches born from the same ROME v3 fiche as the source list the target;
- `family_linked`: some fiche of the source's v3 family lists some fiche of the target's;
- `interests`, `contexts`, `riasec_letters`, `naf_hiring`: centres of interest, work
  contexts and RIASEC letters in common, cosine of La Bonne Boîte's hirings by NAF sector
  (`referential_features.py`, fourth round).

Then the best `CANDIDATES` are reordered by a small gradient-boosted trees ranker
(`ranker.py`, shipped as `mobility_ranker.json`) from these signals and a few more: raw
counts beside the ratios, ranks and per-source normalised values, the target's incoming
links and the skills of the fiches that list it, 2-hop paths target → fiche → source, the
skills of the fiches the target leads to and of those that lead to the source, how close
source and target sit in the ordered lists that cite the source, ROME v3 / 4.0 origin and
executive status of both fiches; and (`MORE_FEATURES`, computed in `more_features.py`)
where the source sits in the target's own list, two-hop paths from the source's skill
neighbours and co-cited fiches, the target's list against the list predicted for the
source, the share of each fiche's skills the other holds, appellation words, sectors and
ISCO minor groups in common, the source's rank among the target's closest fiches in
skills, and more ranks of signals; and (`REFERENTIAL_FEATURES`, `referential_features.py`)
what the ROME, La Bonne Boîte and DARES say of both fiches besides skills and links.

The source's own official outgoing links are never used to rank its proposals: they are
what the proposals are measured against, and what fiches without links lack. Every matrix
row of the source's own links is either unread or only subtracted from a total (the
source's own `reverse_sim` and `paths_ts`, which would move the others' ranks, are set to
a constant).

Memory: the fiche × fiche tables that the ranker reads one row at a time are kept small
where that changes no value: Jaccard similarities (ISCO groups, sectors) are computed per
row from the fiches' memberships (`pairs.JaccardRows`), La Bonne Boîte's transitions are
stored per ROME v3 family, counts of shared items in 16-bit integers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from . import pairs
from . import ranker as ranker_module
from .more_features import MORE_FEATURES, adjacent, more_features, rank_score
from .referential_features import REFERENTIAL_FEATURES, FicheReferentials
from .text import STOPWORDS, fold

# Tuned by `benchmarks/bench_mobility.py --tune` on the training part of the split only
# (coordinate ascent on MRR + Recall@10); see docs/employment.md.
DEFAULT_WEIGHTS = {
    "skills": 1.0,
    "domain": 0.05,
    "grand_domain": 0.1,
    "parent": 0.3,
    "observed": 0.3,
    "reverse": 0.5,
    "cocited": 0.8,
    "isco": 0.3,
    "popular": 0.3,
    "neighbours": 1.2,
    "regression": 1.2,
    "siblings": 0.3,
    "family_linked": 0.3,
    # Fourth round (`referential_features.py`): chosen on the first pass's own figures on
    # the training sources (each at 0.1, 0.3, 0.6, then the four at 0.1), kept with the
    # ranker features out of fold; see docs/benchmarks.md.
    "interests": 0.1,
    "contexts": 0.1,
    "naf_hiring": 0.1,
    "riasec_letters": 0.1,
}
FEATURES = tuple(DEFAULT_WEIGHTS)
CORE_WEIGHT = {"Principale": 2.0, "Émergente": 1.5}
NEIGHBOURS = 15
RIDGE = 1.0  # regularisation of the kernel ridge regression
CANDIDATES = 150  # reordered by the trees ranker
# Counts that grow with the number of known links: divided by the share of the reference
# links the model sees, so that a model trained on part of the links reads them alike.
COUNTS = ("cocite", "indeg_t", "sib_count", "famlink_count", "paths_ts", "indeg_s")
# Also given to the ranker rescaled to [0, 1] among the source's candidates.
PER_SOURCE = (
    "cocite",
    "indeg_t",
    "sib_count",
    "famlink_count",
    "paths_ts",
    "neighbours",
    "regression",
    "citer_sim",
    "stage1",
    "skills",
)
RANKER_FEATURES = (
    "skills",
    "domain",
    "grand_domain",
    "parent",
    "observed",
    "observed_reverse",
    "isco",
    "reverse",
    "cocite",
    "cocited",
    "indeg_t",
    "popular",
    "neighbours",
    "regression",
    "siblings",
    "sib_count",
    "family_linked",
    "famlink_count",
    "citer_sim",
    "paths_ts",
    "legacy_t",
    "legacy_s",
    "cadre_t",
    "cadre_s",
    "indeg_s",
    "skills_rank",
    "neighbours_rank",
    "regression_rank",
    "stage1",
    "stage1_rank",
    "citing_sim",
    "reverse_sim",
    "cocite_adjacent",
) + tuple(f"{name}_source" for name in PER_SOURCE)
# Added in the second round (`more_features.py`), then the fourth
# (`referential_features.py`).
RANKER_FEATURES += MORE_FEATURES + REFERENTIAL_FEATURES


@dataclass(frozen=True)
class Proposal:
    code_rome: str
    score: float
    signals: dict[str, float]


class MobilityModel:
    def __init__(
        self,
        fiches: dict[str, dict],
        fiche_items: dict[str, dict[str, str]],
        links: dict[str, list[str]],
        observed: dict[tuple[str, str], float],
        isco: dict[str, set[str]],
        ranker="shipped",
        titles: dict[str, list[str]] | None = None,
        sectors: dict[str, set[str]] | None = None,
        referentials: dict | None = None,
    ):
        """`fiches`: code → {"parent": ROME v3 code, "cadre": "O"/"N"/""}; `fiche_items`:
        code → {item: coeur}; `links`: official outgoing links; `observed`: (v3, v3) →
        strength in [0, 1]; `isco`: code → ISCO-08 unit groups; `ranker`: a
        `ranker.TreeRanker` or `ranker.CrossFitted`, None for the weighted sum alone,
        "shipped" for the file; `referentials`: the keyword arguments of
        `referential_features.FicheReferentials` (RIASEC, centres of interest, work
        contexts, hirings by NAF sector, DARES families and salaries)."""
        self.codes = sorted(fiches)
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.fiches = fiches
        parents = [fiches[c]["parent"] for c in self.codes]
        self.parent_id = self._ids(parents)
        self.domain_id = self._ids([c[:3] for c in self.codes])
        self.grand_id = self._ids([c[:1] for c in self.codes])
        self.legacy = np.array(
            [p == c for p, c in zip(parents, self.codes, strict=True)], np.float32
        )
        self.cadre = np.array(
            [{"O": 1.0, "N": 0.0}.get(fiches[c].get("cadre", ""), 0.5) for c in self.codes],
            np.float32,
        )
        self.similarity = self._skill_matrix(fiche_items)
        # La Bonne Boîte observes ROME v3 codes: one row per v3 family (parent_id), which
        # the fiches born from it share, instead of an [n, n] table.
        family = {parent: self.parent_id[i] for i, parent in enumerate(parents)}
        self.family_observed = np.zeros((len(family), len(family)), np.float32)
        for (source_parent, target_parent), value in observed.items():
            if source_parent in family and target_parent in family:
                self.family_observed[family[source_parent], family[target_parent]] = value
        self.isco = pairs.JaccardRows([isco.get(c, set()) for c in self.codes])
        self.isco_minor = pairs.JaccardRows(
            [{g[:3] for g in isco.get(c, set())} for c in self.codes]
        )
        self.words = pairs.tfidf_cosine(
            [_title_words((titles or {}).get(c, ())) for c in self.codes]
        )
        self.sectors = pairs.JaccardRows([(sectors or {}).get(c, set()) for c in self.codes])
        item_sets = [set(fiche_items.get(c, {})) for c in self.codes]
        # counts of shared items, exact in 16 bits (a fiche lists fewer than 65,536)
        self.shared_items = pairs.shared_counts(item_sets).astype(np.uint16)
        self.item_count = np.array([max(len(s), 1) for s in item_sets], np.float32)
        self.referentials = FicheReferentials(self.codes, parents, **(referentials or {}))
        self.ranker = ranker_module.load() if ranker == "shipped" else ranker
        self.reference_links = self.ranker.meta.get("reference_links") if self.ranker else None
        self.set_links(links)

    @staticmethod
    def _ids(keys: list[str]) -> np.ndarray:
        seen: dict[str, int] = {}
        return np.array([seen.setdefault(k, len(seen)) for k in keys], np.int64)

    def _skill_matrix(self, fiche_items: dict[str, dict[str, str]]) -> np.ndarray:
        """Cosine of the fiches' TF-IDF skill vectors, [n, n] with a zero diagonal; built
        from the pairs of fiches sharing each item (about 5 million for the ROME)."""
        n = len(self.codes)
        df: dict[str, int] = defaultdict(int)
        for items in fiche_items.values():
            for code in items:
                df[code] += 1
        rows, cols, vals, item_ids = [], [], [], {}
        for fiche, items in fiche_items.items():
            if fiche not in self.index:
                continue
            vector = {
                c: math.log(n / df[c]) * CORE_WEIGHT.get(coeur, 1.0) for c, coeur in items.items()
            }
            vector = {c: v for c, v in vector.items() if v > 0}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for c, v in vector.items():
                rows.append(self.index[fiche])
                cols.append(item_ids.setdefault(c, len(item_ids)))
                vals.append(v / norm)
        return pairs.pair_sums(
            np.array(rows, np.int64), np.array(cols, np.int64), np.array(vals), n
        )

    def set_links(self, links: dict[str, list[str]]) -> None:
        """The official links the model may learn from (tuning and training pass a subset)."""
        n = len(self.codes)
        self.links = {s: list(t) for s, t in links.items()}
        self.matrix = np.zeros((n, n), np.float32)
        for source, targets in self.links.items():
            if source in self.index:
                cols = [self.index[t] for t in targets if t in self.index]
                self.matrix[self.index[source], cols] = 1
        self.indeg = self.matrix.sum(0)
        self.outdeg = self.matrix.sum(1)
        self.has_out = self.outdeg > 0
        self.total_links = float(self.matrix.sum())
        # Kernel ridge regression over the fiches that have links: B = (K_VV + λI)^-1.
        self.visible = np.flatnonzero(self.has_out)
        self.position = np.full(n, -1)
        self.position[self.visible] = np.arange(len(self.visible))
        # The kernel is the skills cosine, with 1 on the diagonal.
        self.ridge_inverse = np.linalg.inv(
            self.similarity[np.ix_(self.visible, self.visible)].astype(np.float64)
            + (1.0 + RIDGE) * np.eye(len(self.visible))
        )
        self.order = {
            self.index[s]: np.array([self.index[t] for t in targets if t in self.index], np.int64)
            for s, targets in self.links.items()
            if s in self.index
        }
        # The links as (source, target) index pairs, for sums over them with np.bincount.
        self.link_sources, self.link_targets = np.nonzero(self.matrix)

    def _regression(self, i: int) -> np.ndarray:
        """Kernel ridge prediction of fiche i's links, fitted without fiche i."""
        k = self.similarity[i, self.visible].astype(np.float64)
        p = self.position[i]
        if p >= 0:  # leave fiche i out (block inverse downdate): its row is never read
            k[p] = 0.0
            column = self.ridge_inverse[p]
            alpha = self._times_inverse(k) - (k @ column) * column / column[p]
            alpha[p] = 0.0
        else:
            alpha = self._times_inverse(k)
        return self._sum_over_links(alpha[self.position[self.link_sources]])

    def _times_inverse(self, k: np.ndarray) -> np.ndarray:
        """k @ B (B is symmetric). einsum, not BLAS: a threaded BLAS matrix-vector product
        of this size takes 20 ms instead of 2 ms on a busy machine (thread contention)."""
        return np.einsum("ij,j->i", self.ridge_inverse, k)

    def _sum_over_links(self, weights: np.ndarray) -> np.ndarray:
        """For every target, the sum of `weights` (one per link) over the links to it."""
        return np.bincount(self.link_targets, weights=weights, minlength=len(self.codes))

    def signals(self, code: str) -> dict[str, np.ndarray]:
        """The first-pass signals of every fiche as a target of `code` ([n] arrays),
        ignoring `code`'s own links."""
        i = self.index[code]
        skills = self.similarity[i]
        own = self.matrix[i]  # only ever subtracted from the targets' in-degrees
        citing = np.flatnonzero(self.matrix[:, i])
        cocite = self.matrix[citing].sum(0) if len(citing) else np.zeros(len(skills))
        masked = skills * self.has_out
        closest = np.argsort(-masked, kind="stable")[:NEIGHBOURS]
        weights = masked[closest]
        neighbours = (weights / (weights.sum() or 1.0)) @ self.matrix[closest]
        siblings = np.flatnonzero((self.parent_id == self.parent_id[i]) & self.has_out)
        siblings = siblings[siblings != i]
        sib_count = (
            self.matrix[siblings].sum(0) if len(siblings) else np.zeros(len(skills), np.float32)
        )
        famlink_count = np.bincount(
            self.parent_id, weights=sib_count, minlength=self.parent_id.max() + 1
        )[self.parent_id]
        indeg_t = self.indeg - own
        referentials = self.referentials.rows(i)
        return {
            **{name: referentials[name] for name in FEATURES if name in referentials},
            "skills": skills,
            "domain": (self.domain_id == self.domain_id[i]).astype(np.float32),
            "grand_domain": (self.grand_id == self.grand_id[i]).astype(np.float32),
            "parent": (self.parent_id == self.parent_id[i]).astype(np.float32),
            "observed": self.family_observed[self.parent_id[i]][self.parent_id],
            "reverse": self.matrix[:, i],
            "cocited": cocite / max(len(citing), 1),
            "isco": self.isco[i],
            "popular": np.log1p(indeg_t) / math.log1p(max(float(indeg_t.max()), 1.0)),
            "neighbours": neighbours,
            "regression": self._regression(i),
            "siblings": sib_count / max(len(siblings), 1),
            "family_linked": (famlink_count > 0).astype(np.float32),
            "_cocite": cocite,
            "_indeg_t": indeg_t,
            "_sib_count": sib_count,
            "_famlink_count": famlink_count,
            "_citing": citing,
            "_referentials": referentials,
        }

    def ranker_features(
        self, code: str, signals: dict, stage1: np.ndarray, candidates: np.ndarray
    ) -> np.ndarray:
        """[candidates, RANKER_FEATURES] for the second pass."""
        i = self.index[code]
        citing = signals["_citing"]
        # The share of the reference links seen, not counting the source's own.
        others = self.total_links - float(self.matrix[i].sum())
        density = max(others / (self.reference_links or others or 1.0), 1e-9)
        values = {name: signals[name] for name in FEATURES}
        values.update(
            cocite=signals["_cocite"] / density,
            indeg_t=signals["_indeg_t"] / density,
            sib_count=signals["_sib_count"] / density,
            famlink_count=signals["_famlink_count"] / density,
            observed_reverse=self.family_observed[self.parent_id, self.parent_id[i]],
            citer_sim=(
                self._sum_over_links(self.similarity[i][self.link_sources])
                / np.maximum(signals["_indeg_t"], 1)
            ),
            paths_ts=(self.matrix[:, citing].sum(1) if len(citing) else np.zeros(len(stage1)))
            / density,
            legacy_t=self.legacy,
            cadre_t=self.cadre,
            skills_rank=rank_score(signals["skills"]),
            neighbours_rank=rank_score(signals["neighbours"]),
            regression_rank=rank_score(signals["regression"]),
            stage1=stage1,
            stage1_rank=rank_score(stage1),
            # the target is like the fiches that lead to the source
            citing_sim=(self.similarity[citing].mean(0) if len(citing) else np.zeros(len(stage1))),
            # the target leads to fiches like the source (its own links, not the source's)
            reverse_sim=(
                np.bincount(
                    self.link_sources,
                    weights=self.similarity[i][self.link_targets],
                    minlength=len(self.codes),
                )
                / np.maximum(self.outdeg, 1)
            ),
            cocite_adjacent=adjacent(self, i, citing),
        )
        # The source's own value of these two reads its own row of links: it is never a
        # candidate, but it would move the others' ranks (`*_rank`): a constant instead.
        values["reverse_sim"][i] = 0.0
        values["paths_ts"][i] = 0.0
        values.update(more_features(self, i, signals, values, candidates, density))
        values.update(signals["_referentials"])
        constants = {
            "legacy_s": self.legacy[i],
            "cadre_s": self.cadre[i],
            "indeg_s": len(citing) / density,
        }
        columns = {}
        for name in RANKER_FEATURES:
            if name in constants:
                columns[name] = np.full(len(candidates), constants[name])
            elif name.endswith("_source"):
                v = values[name.removesuffix("_source")][candidates].astype(np.float64)
                low, high = v.min(), v.max()
                columns[name] = (v - low) / max(high - low, 1e-9)
            else:
                columns[name] = values[name][candidates]
        return np.stack([np.asarray(columns[name], np.float64) for name in RANKER_FEATURES], axis=1)

    def first_pass(self, code: str, weights: dict, signals: dict) -> np.ndarray:
        score = sum(weights.get(f, 0.0) * signals[f].astype(np.float64) for f in FEATURES)
        score = np.asarray(score, np.float64).copy()
        score[self.index[code]] = -np.inf
        return score

    def propose(
        self, code: str, top: int = 20, weights: dict | None = None, signals: dict | None = None
    ) -> list[Proposal]:
        """The `top` best targets of `code`: the trees ranker over the first pass's best
        candidates when no `weights` are given and a ranker is loaded, else the weighted
        sum alone."""
        signals = signals if signals is not None else self.signals(code)
        stage1 = self.first_pass(code, weights or DEFAULT_WEIGHTS, signals)
        order = np.argsort(-stage1, kind="stable")
        order = order[np.isfinite(stage1[order])]
        final = stage1
        if weights is None and self.ranker is not None and len(order):
            candidates = order[:CANDIDATES]
            # Cross-fitted: a training fiche is scored by the ranker that never saw its links.
            scores = self.ranker.for_code(code).predict(
                self.ranker_features(code, signals, stage1, candidates)
            )
            rerank = candidates[np.argsort(-scores, kind="stable")]
            order = np.concatenate([rerank, order[CANDIDATES:]])
            final = stage1.copy()
            final[candidates] = scores
        return [
            Proposal(
                self.codes[j],
                round(float(final[j]), 4),
                {f: round(float(signals[f][j]), 3) for f in FEATURES if signals[f][j]},
            )
            for j in order[:top]
        ]


def _title_words(titles) -> set[str]:
    """The distinctive words of a fiche's titles (folded, no stop words or 1-2 letters)."""
    return {w for t in titles for w in fold(t).split() if len(w) > 2 and w not in STOPWORDS}


def observed_transitions(rows: list[dict]) -> dict[tuple[str, str], float]:
    """(ROME v3, ROME v3) → share of the employment areas where La Bonne Boîte observes the
    move, weighted by its score; in [0, 1]."""
    totals: dict[tuple[str, str], float] = defaultdict(float)
    areas = set()
    for row in rows:
        try:
            score = float(row["score"])
        except (TypeError, ValueError):
            continue
        areas.add(row["code_bassin_emploi"])
        totals[(row["rome"], row["rome_connexe"])] += score
    if not totals:
        return {}
    top = max(totals.values())
    return {pair: math.sqrt(value / top) for pair, value in totals.items()}
