"""Gradient-boosted regression trees on binned features, numpy only: the parts shared by
the mobility ranker (`employment.engine.ranker`, LambdaMART) and the tag ranker
(`intelligence.trees`, logistic or LambdaMART), which differ only by their losses.

Features are cut into at most `bins` quantile bins (histograms, as LightGBM does), stored
column by column (`binned_columns`: [features, rows], uint8, so at most 256 bins); each
tree is grown level by level on the gradients and hessians of the loss, with Newton leaves
(-G / (H + lambda)), and a child's histogram is its parent's minus its sibling's. Trees are
lists of nodes [feature, bin, left, right, value], feature -1 for a leaf; `raw_thresholds`
turns bins back into thresholds on the raw values, for models that predict without bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


def quantile_edges(x: np.ndarray, bins: int) -> list[np.ndarray]:
    """Per feature (column of `x`), the cut points of at most `bins` quantile bins."""
    qs = np.linspace(0, 1, bins + 1)[1:-1]
    return [np.unique(np.quantile(x[:, f], qs)) for f in range(x.shape[1])]


def binned_columns(x: np.ndarray, edges: list[np.ndarray]) -> np.ndarray:
    """`x` [rows, features] as bin numbers [features, rows]: bin b of feature f holds the
    values below `edges[f][b]`."""
    return np.stack(
        [np.searchsorted(e, x[:, f], side="right") for f, e in enumerate(edges)]
    ).astype(np.uint8)


def fit_tree(columns, rows, grad, hess, bins, depth, lam, min_hess) -> list[list]:
    """One regression tree on the binned `columns` ([features, all rows]) of the rows
    `rows`, whose gradients and hessians are `grad` and `hess`: nodes as [feature, bin,
    left, right, value]."""
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


def predict_binned(nodes: list[list], columns: np.ndarray) -> np.ndarray:
    """The value of the tree `nodes` for each row of the binned `columns`."""
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


def raw_thresholds(nodes: list[list], edges: list[np.ndarray],
                   scale: float) -> list[tuple[int, float, int, int, float]]:
    """The tree `nodes` as (feature, threshold, left, right, value × `scale`): bin b of
    feature f holds the values below edges[f][b], so "bin <= b" is "value < threshold"."""
    return [
        (f, float(edges[f][b]) if f >= 0 and b < len(edges[f]) else np.inf, le, r, v * scale)
        for f, b, le, r, v in nodes
    ]


@dataclass(frozen=True)
class Forest:
    """Trees (arrays [trees, nodes] of `raw_thresholds`' fields) made ready to score rows:
    a leaf leads to itself (it tests feature 0 against +inf, and both its children are
    itself), so that each level is two gathers and one comparison for every tree and row
    at once, with no "is it a leaf yet" test. This is on the path of every tag suggestion
    (300 trees × about 100 candidates): 2 to 3 times faster than a walk that tests for
    leaves; built once per model (`of`), since finding the depth costs about as much as
    scoring."""

    feature: np.ndarray  # flat [trees * nodes], 0 at the leaves
    threshold: np.ndarray  # flat, +inf at the leaves
    child: np.ndarray  # child[2 * node + went_left]: right at even places, left at odd
    value: np.ndarray  # flat
    trees: int
    width: int
    depth: int

    @classmethod
    def of(cls, feature, threshold, left, right, value) -> Forest:
        trees, width = feature.shape
        leaf = feature < 0
        offset = (np.arange(trees) * width)[:, None]
        itself = np.broadcast_to(np.arange(width), (trees, width)) + offset
        child = np.stack([np.where(leaf, itself, right + offset),
                          np.where(leaf, itself, left + offset)], axis=-1)
        return cls(np.where(leaf, 0, feature).ravel(),
                   np.where(leaf, np.inf, threshold).ravel(), child.ravel(),
                   np.asarray(value).ravel(), trees, width, _depth(leaf, left, right))

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The sum over the trees for each row of `x` [rows, features]."""
        node = np.broadcast_to(np.arange(self.trees) * self.width,
                               (x.shape[0], self.trees)).copy()
        row_start = (np.arange(x.shape[0]) * x.shape[1])[:, None]
        values = np.ascontiguousarray(x).ravel()
        for _level in range(self.depth):
            below = values[row_start + self.feature[node]] < self.threshold[node]
            node = self.child[2 * node + below]
        return self.value[node].sum(axis=1, dtype=np.float64)


class ForestArrays:
    """For the rankers stored as arrays [trees, nodes] (`feature`, `threshold`, `left`,
    `right`, `value`): their `Forest`, made once, on first use. The arrays are never
    changed after a ranker is built (a new ranker is made instead, `ranker.average`)."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    @cached_property
    def forest(self) -> Forest:
        return Forest.of(self.feature, self.threshold, self.left, self.right, self.value)

    @property
    def forest_made(self) -> bool:
        """Whether `forest` is made already (a warm-up makes it before the first use)."""
        return "forest" in self.__dict__


def _depth(leaf: np.ndarray, left: np.ndarray, right: np.ndarray) -> int:
    """The number of splits on the longest path from a root (node 0) to a leaf."""
    level = np.zeros_like(leaf)
    level[:, 0] = True
    depth = 0
    while (internal := level & ~leaf).any():
        rows, nodes = np.nonzero(internal)
        level = np.zeros_like(leaf)
        level[rows, left[rows, nodes]] = True
        level[rows, right[rows, nodes]] = True
        depth += 1
        if depth > leaf.shape[1]:
            raise ValueError("the trees' nodes form a cycle")
    return depth
