"""Measuring the mobility proposals against the ROME's official links.

The fiches with official links are split by source fiche (a stable hash of the code); the
test part is held out of any tuning: while tuning, the model does not even see the test
fiches' outgoing links. At test time each source is ranked without its own outgoing links,
exactly as `datasud mobility_proposals` does for every fiche.
"""

from __future__ import annotations

import hashlib

import numpy as np

from . import ranker
from .mobility import CANDIDATES, DEFAULT_WEIGHTS, FEATURES, RANKER_FEATURES, MobilityModel

TEST_SHARE = 0.3
K = 10
FOLDS = 5  # cross-fitting of the shipped ranker (see train_cross_fitted)
# Trees settings of the shipped rankers, chosen out of fold on the training sources only
# (benchmarks/mobility_oof.py): NDCG@20 gradients gave a better Recall@10 than NDCG@10;
# 150 or 500 trees, depth 5 did worse than 250 trees of depth 4.
RANKER_OPTIONS = {"trees": 250, "learning_rate": 0.05, "depth": 4, "trunc": 20}
SEEDS_PER_FOLD = 1


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


def evaluate(
    model: MobilityModel,
    sources: list[str],
    truth: dict[str, list[str]],
    weights: dict | None = None,
    signals: dict | None = None,
) -> dict:
    recalls, rrs = [], []
    for source in sources:
        candidates = signals[source] if signals is not None else model.signals(source)
        ranked = [p.code_rome for p in model.propose(source, 100, weights, candidates)]
        recall, rr = ranking_metrics(ranked, set(truth[source]))
        recalls.append(recall)
        rrs.append(rr)
    n = len(sources) or 1
    return {
        "sources": len(sources),
        "recall_at_10": round(sum(recalls) / n, 3),
        "mrr": round(sum(rrs) / n, 3),
    }


def baseline(model: MobilityModel, sources: list[str], truth: dict[str, list[str]]) -> dict:
    """TF-IDF overlap of the skills alone (the issue's reference)."""
    only_skills = {f: (1.0 if f == "skills" else 0.0) for f in FEATURES}
    return evaluate(model, sources, truth, only_skills)


def tune(
    model: MobilityModel, sources: list[str], truth: dict[str, list[str]], rounds: int = 2
) -> tuple[dict, dict]:
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


def ranker_training_set(
    model: MobilityModel, sources: list[str], truth: dict[str, list[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """([queries, CANDIDATES, RANKER_FEATURES], [queries, CANDIDATES] labels) of `sources`,
    each ranked without its own links, from the links the model currently sees."""
    xs, ys = [], []
    for source in sources:
        signals = model.signals(source)
        stage1 = model.first_pass(source, DEFAULT_WEIGHTS, signals)
        candidates = np.argsort(-stage1, kind="stable")[:CANDIDATES]
        relevant = {model.index[t] for t in truth[source] if t in model.index}
        xs.append(model.ranker_features(source, signals, stage1, candidates))
        ys.append(np.array([1.0 if c in relevant else 0.0 for c in candidates]))
    return np.stack(xs), np.stack(ys)


def train_ranker(
    model: MobilityModel,
    sources: list[str],
    truth: dict[str, list[str]],
    reference_links: int,
    seeds: int = 1,
    **options,
) -> ranker.TreeRanker:
    """The trees ranker trained on `sources` (the training part: the model must not see
    the test sources' links while this runs). `reference_links`: the number of official
    links of the full referential, to rescale counts (see mobility.COUNTS); `seeds` > 1
    averages as many rankers trained on other subsamples."""
    model.reference_links = reference_links
    x, y = ranker_training_set(model, sources, truth)
    trained = ranker.average(
        [ranker.train(x, y, list(RANKER_FEATURES), seed=seed, **options) for seed in range(seeds)]
    )
    trained.meta["reference_links"] = reference_links
    return trained


def train_cross_fitted(
    model: MobilityModel,
    sources: list[str],
    truth: dict[str, list[str]],
    reference_links: int,
    folds: int = FOLDS,
    seeds: int = SEEDS_PER_FOLD,
    **options,
) -> ranker.CrossFitted:
    """K = `folds` rankers for `mobility_proposals`: ranker k is trained on `sources` outside
    fold k (`ranker.fold_of`) while the model sees the links it sees now minus those of
    fold k, so no part of its training depends on a fold-k fiche's own links. Ranker k
    averages `seeds` rankers (seeds k, k + 100, ...); `options` override
    `RANKER_OPTIONS`. The model's links are restored afterwards."""
    options = {**RANKER_OPTIONS, **options}
    model.reference_links = reference_links
    seen = dict(model.links)
    assignment = {s: ranker.fold_of(s, folds) for s in sources}
    rankers = []
    try:
        for k in range(folds):
            held = [s for s in sources if assignment[s] == k]
            model.set_links(official_links_without(seen, held))
            x, y = ranker_training_set(model, [s for s in sources if assignment[s] != k], truth)
            trained = ranker.average(
                [
                    ranker.train(x, y, list(RANKER_FEATURES), seed=k + 100 * s, **options)
                    for s in range(seeds)
                ]
            )
            trained.meta["reference_links"] = reference_links
            rankers.append(trained)
    finally:
        model.set_links(seen)
    meta = dict(
        rankers[0].meta,
        folds=folds,
        seeds=[k + 100 * s for k in range(folds) for s in range(seeds)],
        queries=[r.meta["queries"] for r in rankers],
    )
    meta.pop("seed", None)
    return ranker.CrossFitted(rankers, assignment, meta)
