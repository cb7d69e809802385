"""Measuring the mobility proposals against the ROME's official links.

The fiches with official links are split by source fiche (a stable hash of the code); the
test part is held out of any tuning: while tuning, the model does not even see the test
fiches' outgoing links. At test time each source is ranked without its own outgoing links,
exactly as `datasud mobility_proposals` does for every fiche.
"""
from __future__ import annotations

import hashlib

from .mobility import DEFAULT_WEIGHTS, FEATURES, MobilityModel

TEST_SHARE = 0.3
K = 10


def is_test(code: str, share: float = TEST_SHARE) -> bool:
    digest = hashlib.sha256(f"mobility-split:{code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def split(links: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    sources = sorted(s for s, targets in links.items() if targets)
    return ([s for s in sources if not is_test(s)], [s for s in sources if is_test(s)])


def ranking_metrics(ranked: list[str], relevant: set[str], k: int = K) -> tuple[float, float]:
    """(Recall@k, reciprocal rank of the first relevant target) for one source."""
    hits = len(set(ranked[:k]) & relevant)
    rr = next((1 / rank for rank, code in enumerate(ranked, 1) if code in relevant), 0.0)
    return hits / len(relevant), rr


def evaluate(model: MobilityModel, sources: list[str], truth: dict[str, list[str]],
             weights: dict | None = None, signals: dict | None = None) -> dict:
    recalls, rrs = [], []
    for source in sources:
        candidates = signals[source] if signals is not None else model.signals(source)
        ranked = [p.code_rome for p in model.propose(source, 100, weights, candidates)]
        recall, rr = ranking_metrics(ranked, set(truth[source]))
        recalls.append(recall)
        rrs.append(rr)
    n = len(sources) or 1
    return {"sources": len(sources), "recall_at_10": round(sum(recalls) / n, 3),
            "mrr": round(sum(rrs) / n, 3)}


def baseline(model: MobilityModel, sources: list[str], truth: dict[str, list[str]]) -> dict:
    """TF-IDF overlap of the skills alone (the issue's reference)."""
    only_skills = {f: (1.0 if f == "skills" else 0.0) for f in FEATURES}
    return evaluate(model, sources, truth, only_skills)


def tune(model: MobilityModel, sources: list[str], truth: dict[str, list[str]],
         rounds: int = 2) -> tuple[dict, dict]:
    """Coordinate ascent of the weights on `sources` (objective: MRR + Recall@10)."""
    signals = {s: model.signals(s) for s in sources}
    weights = dict(DEFAULT_WEIGHTS)

    def objective(w):
        result = evaluate(model, sources, truth, w, signals)
        return result["mrr"] + result["recall_at_10"], result

    best, best_result = objective(weights)
    grid = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 3.0, 5.0)
    for _ in range(rounds):
        for feature in FEATURES:
            if feature == "skills":
                continue  # the scale: other weights are relative to it
            for value in grid:
                trial = dict(weights, **{feature: value})
                score, result = objective(trial)
                if score > best + 1e-9:
                    best, best_result, weights = score, result, trial
    return weights, best_result


def official_links_without(links: dict[str, list[str]], hidden: list[str]) -> dict:
    hidden_set = set(hidden)
    return {s: t for s, t in links.items() if s not in hidden_set}
