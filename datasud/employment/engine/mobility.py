"""Mobility proposals: for any fiche, the nearby fiches a person could move to, with why.

Each candidate pair (source → target) gets a few signals, each in [0, 1]:
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
- `siblings`: the fiches born from the same ROME v3 fiche as the source list the target;
- `family_linked`: some fiche of the source's v3 family lists some fiche of the target's.

The source's own official outgoing links are never used to rank its proposals: they are
what the proposals are measured against, and what fiches without links lack.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

# Tuned by `benchmarks/bench_mobility.py --tune` on the training part of the split only
# (coordinate ascent on MRR + Recall@10); see docs/employment.md.
DEFAULT_WEIGHTS = {
    "skills": 1.0, "domain": 0.05, "grand_domain": 0.1, "parent": 0.3, "observed": 0.3,
    "reverse": 0.5, "cocited": 0.8, "isco": 0.3, "popular": 0.3, "neighbours": 1.2,
    "siblings": 0.3, "family_linked": 0.3,
}
FEATURES = tuple(DEFAULT_WEIGHTS)
CORE_WEIGHT = {"Principale": 2.0, "Émergente": 1.5}
SKILL_CANDIDATES = 120
NEIGHBOURS = 15


@dataclass(frozen=True)
class Proposal:
    code_rome: str
    score: float
    signals: dict[str, float]


class MobilityModel:
    def __init__(self, fiches: dict[str, dict], fiche_items: dict[str, dict[str, str]],
                 links: dict[str, list[str]], observed: dict[tuple[str, str], float],
                 isco: dict[str, set[str]]):
        """`fiches`: code → {"parent": ROME v3 code}; `fiche_items`: code → {item: coeur};
        `links`: official outgoing links; `observed`: (v3, v3) → strength in [0, 1];
        `isco`: code → ISCO-08 unit groups."""
        self.codes = sorted(fiches)
        self.fiches = fiches
        self.observed = observed
        self.isco = isco
        self.by_domain: dict[str, list[str]] = defaultdict(list)
        for code in self.codes:
            self.by_domain[code[:3]].append(code)
        self.observed_from: dict[str, set[str]] = defaultdict(set)
        for source_parent, target_parent in observed:
            self.observed_from[source_parent].add(target_parent)
        self._skill_vectors(fiche_items)
        self.set_links(links)

    def _skill_vectors(self, fiche_items: dict[str, dict[str, str]]) -> None:
        df: dict[str, int] = defaultdict(int)
        for items in fiche_items.values():
            for code in items:
                df[code] += 1
        n = len(self.fiches) or 1
        self.vectors: dict[str, dict[str, float]] = {}
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for fiche, items in fiche_items.items():
            vector = {c: math.log(n / df[c]) * CORE_WEIGHT.get(coeur, 1.0)
                      for c, coeur in items.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            vector = {c: v / norm for c, v in vector.items() if v > 0}
            self.vectors[fiche] = vector
            for c, v in vector.items():
                self.postings[c].append((fiche, v))

    def set_links(self, links: dict[str, list[str]]) -> None:
        """The official links the model may learn from (tuning passes a subset)."""
        self.links = {s: list(t) for s, t in links.items()}
        self.incoming: dict[str, set[str]] = defaultdict(set)
        for source, targets in self.links.items():
            for target in targets:
                self.incoming[target].add(source)
        self.max_in = max((len(s) for s in self.incoming.values()), default=1) or 1
        self.family: dict[str, list[str]] = defaultdict(list)
        for code, info in self.fiches.items():
            self.family[info["parent"]].append(code)

    def skill_similarities(self, code: str) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for item, weight in self.vectors.get(code, {}).items():
            for other, other_weight in self.postings[item]:
                scores[other] += weight * other_weight
        scores.pop(code, None)
        return scores

    def signals(self, code: str) -> dict[str, dict[str, float]]:
        """Candidate targets of `code` and their signals, ignoring `code`'s own links."""
        skills = self.skill_similarities(code)
        candidates = set(sorted(skills, key=skills.get, reverse=True)[:SKILL_CANDIDATES])
        parent = self.fiches[code]["parent"]
        # Fiches that list `code` as a mobility (their links, not `code`'s own).
        citing = self.incoming.get(code, set()) - {code}
        reverse = citing
        cocited: dict[str, int] = defaultdict(int)
        for source in citing:
            for target in self.links.get(source, ()):
                if target != code:
                    cocited[target] += 1
        candidates |= reverse | set(cocited)
        # Collaborative filter: where the fiches most like this one send people.
        neighbours: dict[str, float] = defaultdict(float)
        closest = [c for c in sorted(skills, key=skills.get, reverse=True)
                   if self.links.get(c)][:NEIGHBOURS]
        total = sum(skills[c] for c in closest) or 1.0
        for other in closest:
            for target in self.links[other]:
                neighbours[target] += skills[other] / total
        siblings = [c for c in self.family[parent] if c != code and self.links.get(c)]
        sibling_votes: dict[str, int] = defaultdict(int)
        for sibling in siblings:
            for target in self.links[sibling]:
                sibling_votes[target] += 1
        # The family's links, except those that only this fiche itself gives.
        own_families = {self.fiches[t]["parent"] for s in siblings for t in self.links[s]}
        candidates |= set(neighbours) | set(sibling_votes)
        candidates |= set(self.by_domain[code[:3]])
        for target_parent in self.observed_from.get(parent, ()):
            candidates |= set(self.family.get(target_parent, ()))
        candidates.discard(code)
        my_isco = self.isco.get(code, set())
        result = {}
        for other in candidates:
            info = self.fiches[other]
            other_isco = self.isco.get(other, set())
            popularity = len(self.incoming.get(other, set()) - {code})
            result[other] = {
                "skills": skills.get(other, 0.0),
                "domain": 1.0 if other[:3] == code[:3] else 0.0,
                "grand_domain": 1.0 if other[0] == code[0] else 0.0,
                "parent": 1.0 if info["parent"] == parent else 0.0,
                "observed": self.observed.get((parent, info["parent"]), 0.0),
                "reverse": 1.0 if other in reverse else 0.0,
                "cocited": cocited.get(other, 0) / len(citing) if citing else 0.0,
                "isco": (len(my_isco & other_isco) / len(my_isco | other_isco)
                         if my_isco and other_isco else 0.0),
                "popular": math.log1p(popularity) / math.log1p(self.max_in),
                "neighbours": neighbours.get(other, 0.0),
                "siblings": sibling_votes.get(other, 0) / len(siblings) if siblings else 0.0,
                "family_linked": 1.0 if info["parent"] in own_families else 0.0,
            }
        return result

    def propose(self, code: str, top: int = 20, weights: dict | None = None,
                signals: dict | None = None) -> list[Proposal]:
        weights = weights or DEFAULT_WEIGHTS
        signals = signals if signals is not None else self.signals(code)
        scored = [(sum(weights[f] * values[f] for f in FEATURES), other, values)
                  for other, values in signals.items()]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [Proposal(other, round(score, 4), {k: round(v, 3) for k, v in values.items()
                                                   if v})
                for score, other, values in scored[:top]]


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
