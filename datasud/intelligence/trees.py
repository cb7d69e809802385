"""Gradient-boosted regression trees for the tag ranker, numpy only.

The evidence of a candidate tag (`ranking.FEATURES`) is tabular, with thresholds that
matter ("the nearest neighbour is closer than 0.8", "the producer gave it on half of its
datasets"): trees read such thresholds directly where the small network of `ranking.Ranker`
has to approximate them. Each round fits a regression tree on the gradients of the loss
with Newton leaves (-G / (H + lambda)), on features cut into at most `bins` quantile bins
(histograms, as LightGBM does; a child's histogram is its parent's minus its sibling's).

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


@dataclass
class TreeRanker:
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
        trees, width = self.feature.shape
        offset = (np.arange(trees) * width)[None, :]
        feature, threshold = self.feature.ravel(), self.threshold.ravel()
        left, right = (self.left + offset.T).ravel(), (self.right + offset.T).ravel()
        node = np.broadcast_to(offset, (x.shape[0], trees)).copy()
        row = np.arange(x.shape[0])[:, None]
        while True:  # one level of every tree per pass, all rows at once
            f = feature[node]
            internal = f >= 0
            if not internal.any():
                break
            below = x[row, np.maximum(f, 0)] < threshold[node]
            node = np.where(internal, np.where(below, left[node], right[node]), node)
        score = self.value.ravel()[node].sum(axis=1, dtype=np.float64)
        return float(self.platt[0]) * score + float(self.platt[1])

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(x), -30, 30)))


def _edges(x: np.ndarray, bins: int) -> list[np.ndarray]:
    """Per feature, the cut points of at most `bins` quantile bins."""
    qs = np.linspace(0, 1, bins + 1)[1:-1]
    return [np.unique(np.quantile(x[:, f], qs)) for f in range(x.shape[1])]


def _fit_tree(columns, rows, grad, hess, bins, depth, lam, min_hess):
    """One regression tree on the binned `columns` ([features, all rows], uint8) of the
    rows `rows`: nodes as [feature, bin, left, right, value]."""
    n_features = columns.shape[0]
    nodes: list[list] = []

    def histogram(idx):
        # One bincount per feature on the gathered column: far faster than one bincount
        # over (feature, bin) slots, which needs the gradients repeated per feature.
        g, h = grad[idx], hess[idx]
        hg, hh = np.empty((n_features, bins)), np.empty((n_features, bins))
        for f in range(n_features):
            column = columns[f, rows[idx]]
            hg[f], hh[f] = np.bincount(column, g, bins), np.bincount(column, h, bins)
        return hg, hh

    def grow(idx, level, hist):
        g_sum, h_sum = grad[idx].sum(), hess[idx].sum()
        if level < depth and idx.size > 1:
            hg, hh = hist if hist is not None else histogram(idx)
            gl, hl = np.cumsum(hg, 1)[:, :-1], np.cumsum(hh, 1)[:, :-1]
            gain = gl**2 / (hl + lam) + (g_sum - gl) ** 2 / (h_sum - hl + lam)
            gain[(hl < min_hess) | (h_sum - hl < min_hess)] = -np.inf
            f, b = np.unravel_index(np.argmax(gain), gain.shape)
            if np.isfinite(gain[f, b]) and gain[f, b] > g_sum**2 / (h_sum + lam):
                me = len(nodes)
                nodes.append([int(f), int(b), -1, -1, 0.0])
                go_left = columns[f, rows[idx]] <= b
                left_idx, right_idx = idx[go_left], idx[~go_left]
                left_hist = right_hist = None
                if level + 1 < depth:  # the smaller child's histogram, the other by difference
                    if left_idx.size <= right_idx.size:
                        left_hist = histogram(left_idx)
                        right_hist = (hg - left_hist[0], hh - left_hist[1])
                    else:
                        right_hist = histogram(right_idx)
                        left_hist = (hg - right_hist[0], hh - right_hist[1])
                nodes[me][2] = grow(left_idx, level + 1, left_hist)
                nodes[me][3] = grow(right_idx, level + 1, right_hist)
                return me
        nodes.append([-1, 0, -1, -1, -g_sum / (h_sum + lam)])
        return len(nodes) - 1

    grow(np.arange(rows.size), 0, None)
    return nodes


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
    edges = _edges(x, bins)
    columns = np.stack(
        [np.searchsorted(e, x[:, f], side="right") for f, e in enumerate(edges)]
    ).astype(np.uint8)
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
        nodes = _fit_tree(columns, rows, grad[rows], hess[rows], bins, depth, lam, min_hess)
        scores += learning_rate * _predict_binned(nodes, columns)
        # Bin b of feature f holds the values below edges[f][b]: the same test on raw values.
        built.append(
            [
                (
                    f,
                    float(edges[f][b]) if f >= 0 and b < len(edges[f]) else np.inf,
                    le,
                    r,
                    v * learning_rate,
                )
                for f, b, le, r, v in nodes
            ]
        )
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


def _predict_binned(nodes, columns):
    table = np.array(nodes, dtype=np.float64)
    feature, split = table[:, 0].astype(np.int64), table[:, 1]
    left, right = table[:, 2].astype(np.int64), table[:, 3].astype(np.int64)
    node = np.zeros(columns.shape[1], np.int64)
    rows = np.arange(columns.shape[1])
    while True:
        f = feature[node]
        internal = f >= 0
        if not internal.any():
            break
        values = columns[np.maximum(f, 0), rows]
        node = np.where(internal, np.where(values <= split[node], left[node], right[node]), node)
    return table[node, 4]
