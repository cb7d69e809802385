"""Gradient-boosted regression trees for the tag ranker, numpy only.

The evidence of a candidate tag (`ranking.FEATURES`) is tabular, with thresholds that
matter ("the nearest neighbour is closer than 0.8", "the producer gave it on half of its
datasets"): trees read such thresholds directly where the small network of `ranking.Ranker`
has to approximate them. Each round fits a regression tree on the gradients of the loss
(`datasud.boosting`, shared with the mobility ranker: Newton leaves on quantile bins).

Two losses (`fit_trees(objective=...)`):
- "logistic": the candidate is given or not; the score is a probability directly;
- "lambdarank": pairs of a given and a not-given candidate of the same dataset, weighted by
  the change of NDCG@`trunc` when they swap (LambdaMART); the scores are then turned into
  probabilities by a logistic fit of the labels on them (Platt), so that the API's scores
  stay in [0, 1].
Stored as flat arrays (`ARRAYS`) inside the model file, no pickle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datasud import boosting


@dataclass
class TreeRanker(boosting.ForestArrays):
    """Trees as [trees, nodes] arrays: `feature` (-1 for a leaf), `threshold` (go left when
    the value is below it), `left`, `right`, `value`; `platt` = (a, b): probability =
    sigmoid(a * score + b)."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    platt: np.ndarray

    ARRAYS = ("feature", "threshold", "left", "right", "value", "platt")

    def logits(self, x: np.ndarray) -> np.ndarray:
        score = self.forest.scores(x)
        return float(self.platt[0]) * score + float(self.platt[1])

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(self.logits(x))


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """Probabilities of `logits` (clipped: no overflow warning on extreme scores)."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


def _lambda_gradients(scores, y, group_of, pairs, ideal, trunc):
    """LambdaRank gradients and hessians of NDCG@trunc over the (given, not given)
    candidate `pairs` of each dataset."""
    order = np.lexsort((-scores, group_of))
    start = np.searchsorted(group_of[order], group_of[order], side="left")
    rank = np.empty(scores.size, np.int64)
    rank[order] = np.arange(scores.size) - start
    discount = np.where(rank < trunc, 1.0 / np.log2(rank + 2.0), 0.0)
    good, bad = pairs
    delta = np.abs(discount[good] - discount[bad]) / ideal[group_of[good]]
    rho = 1.0 / (1.0 + np.exp(np.clip(scores[good] - scores[bad], -30, 30)))
    lam, hess = delta * rho, delta * rho * (1 - rho)
    n = scores.size
    grad = np.bincount(bad, lam, n) - np.bincount(good, lam, n)
    return grad, np.bincount(good, hess, n) + np.bincount(bad, hess, n)


def _pairs(y: np.ndarray, group_of: np.ndarray, trunc: int):
    """Every (given, not given) pair of rows of the same dataset, and each dataset's
    ideal DCG@trunc."""
    good_rows = np.flatnonzero(y > 0)
    good, bad = [], []
    bounds = np.searchsorted(group_of, np.arange(group_of.max() + 2))
    for row in good_rows:
        g = group_of[row]
        members = np.arange(bounds[g], bounds[g + 1])
        negatives = members[y[members] == 0]
        good.append(np.full(negatives.size, row))
        bad.append(negatives)
    positives = np.bincount(group_of, y, group_of.max() + 1).astype(np.int64)
    gains = np.concatenate([[0.0], np.cumsum(1.0 / np.log2(np.arange(trunc) + 2.0))])
    ideal = np.maximum(gains[np.minimum(positives, trunc)], 1e-9)
    return (np.concatenate(good), np.concatenate(bad)), ideal


def _platt(score: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    """(a, b) of the logistic regression of `y` on `score` (Newton's method)."""
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * score + b, -30, 30)))
        w = p * (1 - p) + 1e-9
        g = np.array([((p - y) * score).sum(), (p - y).sum()])
        h = np.array(
            [[(w * score * score).sum(), (w * score).sum()], [(w * score).sum(), w.sum()]]
        ) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return np.array([a, b])


def fit_trees(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    objective: str = "logistic",
    trees: int = 300,
    learning_rate: float = 0.05,
    depth: int = 5,
    lam: float = 1.0,
    min_hess: float = 1.0,
    bins: int = 64,  # at most 256 (uint8 bins)
    subsample: float = 0.8,
    trunc: int = 5,
    seed: int = 0,
) -> TreeRanker:
    """Boosted trees on candidate rows `x` (grouped by dataset: `groups` rows each, in
    order) with labels `y` (1: the producer gave the tag); `subsample`: share of the
    datasets each tree sees. Deterministic for a given seed."""
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    group_of = np.repeat(np.arange(groups.size), groups)
    edges = boosting.quantile_edges(x, bins)
    columns = boosting.binned_columns(x, edges)
    rng = np.random.default_rng(seed)
    if objective == "logistic":
        mean = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        base = np.log(mean / (1 - mean))
    elif objective == "lambdarank":
        base = 0.0
        pairs, ideal = _pairs(y, group_of, trunc)
    else:
        raise ValueError(f"unknown objective {objective}")
    scores = np.full(y.size, base)
    built = []
    for _ in range(trees):
        if objective == "logistic":
            p = 1.0 / (1.0 + np.exp(-scores))
            grad, hess = p - y, p * (1 - p)
        else:
            grad, hess = _lambda_gradients(scores, y, group_of, pairs, ideal, trunc)
        picked = rng.random(groups.size) < subsample
        rows = np.flatnonzero(picked[group_of])
        nodes = boosting.fit_tree(columns, rows, grad[rows], hess[rows], bins, depth, lam, min_hess)
        scores += learning_rate * boosting.predict_binned(nodes, columns)
        built.append(boosting.raw_thresholds(nodes, edges, learning_rate))
    width = max(len(t) for t in built)
    feature = np.full((trees, width), -1, np.int16)
    threshold = np.full((trees, width), np.inf, np.float64)
    left = np.zeros((trees, width), np.int16)
    right = np.zeros((trees, width), np.int16)
    value = np.zeros((trees, width), np.float32)
    for i, tree in enumerate(built):
        for j, (f, t, le, r, v) in enumerate(tree):
            feature[i, j], threshold[i, j], left[i, j], right[i, j], value[i, j] = f, t, le, r, v
    value[0] += np.where(feature[0] < 0, base, 0.0).astype(np.float32)
    ranker = TreeRanker(feature, threshold, left, right, value, np.array([1.0, 0.0]))
    if objective == "lambdarank":
        ranker.platt = _platt(ranker.logits(x), y)
    return ranker
