"""A small gradient-boosted trees ranker (LambdaMART), numpy only.

The mobility model ranks each source fiche's candidates in two passes: a weighted sum of
signals keeps the best `CANDIDATES`, then this ranker reorders them from a richer set of
features (see `mobility.RANKER_FEATURES`). It is trained by `benchmarks/bench_mobility.py
--train-ranker` on the training part of the split only, and shipped as a small JSON file
(`mobility_ranker.json`): per tree, the feature, threshold and children of each node.
The shipped file holds K cross-fitted rankers (`CrossFitted`, trained by
`evaluation.train_cross_fitted`): a training fiche is ranked by the one ranker that never
saw its links, so that no fiche's proposals depend on its own official links.

Training is the usual LambdaMART: each round computes, for every query, the LambdaRank
gradients of NDCG@`trunc` (pairs of a relevant and an irrelevant candidate, weighted by the
change of NDCG when they swap), then fits a regression tree on them with Newton leaves, on
features cut into at most `bins` quantile bins (histograms, as LightGBM does).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from datasud import boosting

MODEL_FILE = Path(__file__).with_name("mobility_ranker.json")


@dataclass
class TreeRanker(boosting.ForestArrays):
    """Trees as flat arrays: for node k of tree i, `feature[i, k]` (-1 for a leaf),
    `threshold[i, k]` (go left when the value is below it), `left`, `right`, `value`."""

    features: list[str]
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    meta: dict = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores of the rows of `x` ([rows, features], columns in `self.features` order)."""
        return self.forest.scores(x)

    def to_json(self) -> dict:
        return {
            "features": self.features,
            "meta": self.meta,
            "trees": [
                {
                    "feature": f.tolist(),
                    "threshold": [float(v) for v in t],
                    "left": le.tolist(),
                    "right": r.tolist(),
                    "value": [round(float(v), 7) for v in va],
                }
                for f, t, le, r, va in zip(
                    self.feature, self.threshold, self.left, self.right, self.value, strict=True
                )
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> TreeRanker:
        trees = data["trees"]
        width = max(len(t["feature"]) for t in trees)

        def stack(key, fill, dtype):
            out = np.full((len(trees), width), fill, dtype)
            for i, tree in enumerate(trees):
                out[i, : len(tree[key])] = tree[key]
            return out

        return cls(
            list(data["features"]),
            stack("feature", -1, np.int64),
            stack("threshold", np.inf, np.float64),
            stack("left", 0, np.int64),
            stack("right", 0, np.int64),
            stack("value", 0.0, np.float64),
            data.get("meta", {}),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n")

    def for_code(self, code: str) -> TreeRanker:
        """The ranker that scores `code`'s candidates: this one for every fiche."""
        return self


@dataclass
class CrossFitted:
    """K rankers, ranker k trained on the training sources outside fold k while the links
    of fold k were hidden from the model (cross-fitting). A training source of fold k is
    ranked by ranker k alone, which never saw its links; any other fiche (test part of the
    split, no official links) by the mean of all K, none of which saw it. `folds`: code →
    fold of the training sources (stored, so that the routing never depends on the links
    the model is given)."""

    rankers: list[TreeRanker]
    folds: dict[str, int]
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.features = list(self.rankers[0].features)
        self.mean = average(self.rankers)

    def for_code(self, code: str) -> TreeRanker:
        fold = self.folds.get(code)
        return self.mean if fold is None else self.rankers[fold]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores by the mean of the K rankers (a fiche none of them saw)."""
        return self.mean.predict(x)

    def to_json(self) -> dict:
        return {
            "features": self.features,
            "meta": self.meta,
            "folds": dict(sorted(self.folds.items())),
            "rankers": [r.to_json() for r in self.rankers],
        }

    @classmethod
    def from_json(cls, data: dict) -> CrossFitted:
        return cls(
            [TreeRanker.from_json(r) for r in data["rankers"]],
            dict(data["folds"]),
            data.get("meta", {}),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n")


def fold_of(code: str, folds: int) -> int:
    """The cross-fitting fold of a source fiche: a stable hash of its code alone (neither
    the other fiches nor the links move it)."""
    digest = hashlib.sha256(f"mobility-fold:{code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % folds


def average(rankers: list[TreeRanker]) -> TreeRanker:
    """One ranker scoring the mean of `rankers` (same features): their trees together."""
    width = max(r.feature.shape[1] for r in rankers)

    def stack(name, fill):
        parts = []
        for r in rankers:
            part = getattr(r, name)
            pad = np.full((part.shape[0], width - part.shape[1]), fill, part.dtype)
            parts.append(np.concatenate([part, pad], axis=1))
        return np.concatenate(parts)

    meta = dict(rankers[0].meta, seeds=[r.meta.get("seed") for r in rankers])
    meta.pop("seed", None)
    return TreeRanker(
        list(rankers[0].features),
        stack("feature", -1),
        stack("threshold", np.inf),
        stack("left", 0),
        stack("right", 0),
        stack("value", 0.0) / len(rankers),
        meta,
    )


def load(path: Path = MODEL_FILE) -> TreeRanker | CrossFitted | None:
    """The shipped ranker, or None when there is none (the weighted sum is used alone)."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None
    return CrossFitted.from_json(data) if "rankers" in data else TreeRanker.from_json(data)


# --- training ------------------------------------------------------------------------------


def lambda_gradients(
    scores: np.ndarray, labels: np.ndarray, trunc: int
) -> tuple[np.ndarray, np.ndarray]:
    """LambdaRank gradients and hessians of NDCG@trunc, for [queries, candidates] arrays
    with binary labels (only relevant × irrelevant pairs count)."""
    queries, k = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(k), (queries, k)).copy(), 1)
    discount = np.where(rank < trunc, 1 / np.log2(rank + 2), 0.0)
    n_relevant = labels.sum(1).astype(int)
    width = max(int(n_relevant.max()), 1)
    relevant = np.argsort(-labels, axis=1, kind="stable")[:, :width]
    valid = np.take_along_axis(labels, relevant, 1) > 0
    ideal = np.cumsum(1 / np.log2(np.arange(width) + 2))
    ideal = np.maximum(ideal[np.clip(np.minimum(n_relevant, trunc) - 1, 0, None)], 1e-9)
    pairs = valid[:, :, None] & (labels == 0)[:, None, :]
    delta = (
        np.abs(np.take_along_axis(discount, relevant, 1)[:, :, None] - discount[:, None, :])
        / ideal[:, None, None]
    )
    diff = np.take_along_axis(scores, relevant, 1)[:, :, None] - scores[:, None, :]
    rho = 1 / (1 + np.exp(np.clip(diff, -30, 30)))
    lam = np.where(pairs, delta * rho, 0.0)
    hess_pairs = np.where(pairs, delta * rho * (1 - rho), 0.0)
    grad = np.zeros((queries, k))
    hess = np.zeros((queries, k))
    np.put_along_axis(grad, relevant, np.where(valid, lam.sum(2), 0.0), 1)
    np.put_along_axis(hess, relevant, np.where(valid, hess_pairs.sum(2), 0.0), 1)
    return grad - lam.sum(1), hess + hess_pairs.sum(1)


def train(
    x: np.ndarray,
    labels: np.ndarray,
    features: list[str],
    trees: int = 250,
    learning_rate: float = 0.05,
    depth: int = 4,
    lam: float = 5.0,
    min_hess: float = 5.0,
    trunc: int = 10,
    subsample: float = 0.8,
    bins: int = 32,
    seed: int = 0,
) -> TreeRanker:
    """LambdaMART on `x` [queries, candidates, features] and binary `labels`
    [queries, candidates]; deterministic for a given seed."""
    queries, k, n_features = x.shape
    flat = x.reshape(queries * k, n_features).astype(np.float64)
    edges = boosting.quantile_edges(flat, bins)
    columns = boosting.binned_columns(flat, edges)
    rng = np.random.default_rng(seed)
    scores = np.zeros((queries, k))
    built = []
    for _ in range(trees):
        grad, hess = lambda_gradients(scores, labels, trunc)
        picked = np.sort(rng.choice(queries, max(1, int(queries * subsample)), replace=False))
        rows = (picked[:, None] * k + np.arange(k)[None, :]).ravel()
        # The lambdas push scores up: the trees' Newton leaves follow minus them.
        nodes = boosting.fit_tree(columns, rows, -grad.ravel()[rows], hess.ravel()[rows],
                                  bins, depth, lam, min_hess)
        built.append(boosting.raw_thresholds(nodes, edges, learning_rate))
        scores += (boosting.predict_binned(nodes, columns) * learning_rate).reshape(queries, k)
    width = max(len(t) for t in built)
    arrays = {
        name: np.zeros((len(built), width), dtype)
        for name, dtype in (
            ("feature", np.int64),
            ("threshold", np.float64),
            ("left", np.int64),
            ("right", np.int64),
            ("value", np.float64),
        )
    }
    arrays["feature"][:] = -1
    for i, tree in enumerate(built):
        for j, (f, t, le, r, v) in enumerate(tree):
            arrays["feature"][i, j], arrays["threshold"][i, j] = f, t
            arrays["left"][i, j], arrays["right"][i, j], arrays["value"][i, j] = le, r, v
    meta = {
        "trees": trees,
        "learning_rate": learning_rate,
        "depth": depth,
        "lambda": lam,
        "min_hess": min_hess,
        "ndcg_at": trunc,
        "subsample": subsample,
        "bins": bins,
        "seed": seed,
        "queries": queries,
        "candidates": k,
    }
    return TreeRanker(list(features), meta=meta, **arrays)
