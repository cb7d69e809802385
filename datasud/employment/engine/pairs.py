"""Fiche × fiche matrices from what each fiche holds (skills, title words, sectors).

Every fiche is a sparse vector over some items; the [n, n] matrix of the sums of products
over the shared items (a cosine when the vectors are normalised, a count of shared items
when every value is 1) is built from the pairs of fiches sharing each item, without a
dense fiche × item matrix (the ROME has about 15,000 skills and knowledge items).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np


def pair_sums(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n: int) -> np.ndarray:
    """[n, n] float32: for fiches a, b the sum over items c of vals[a, c] * vals[b, c],
    from the non-zero entries (row = fiche, col = item, val); zero diagonal."""
    similarity = np.zeros(n * n)
    if len(rows):
        rows_a, cols_a, vals_a = np.asarray(rows), np.asarray(cols), np.asarray(vals, float)
        order = np.argsort(cols_a, kind="stable")
        rows_a, cols_a, vals_a = rows_a[order], cols_a[order], vals_a[order]
        starts = np.searchsorted(cols_a, np.arange(cols_a.max() + 1))
        sizes = np.diff(np.append(starts, len(cols_a)))[cols_a]
        first = np.repeat(np.arange(len(cols_a)), sizes)
        second = (
            np.repeat(starts[cols_a], sizes)
            + np.arange(len(first))
            - np.repeat(np.cumsum(sizes) - sizes, sizes)
        )
        similarity = np.bincount(
            rows_a[first] * n + rows_a[second],
            weights=vals_a[first] * vals_a[second],
            minlength=n * n,
        )
    similarity = similarity.reshape(n, n).astype(np.float32)
    np.fill_diagonal(similarity, 0)
    return similarity


def tfidf_cosine(bags: list[set[str]]) -> np.ndarray:
    """Cosine of the fiches' TF-IDF vectors of binary `bags` (one set of words or codes per
    fiche, in the model's order)."""
    n = len(bags)
    df: dict[str, int] = defaultdict(int)
    for bag in bags:
        for word in bag:
            df[word] += 1
    rows, cols, vals, ids = [], [], [], {}
    for i, bag in enumerate(bags):
        vector = {w: math.log(n / df[w]) for w in bag if df[w] < n}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        for word, value in vector.items():
            rows.append(i)
            cols.append(ids.setdefault(word, len(ids)))
            vals.append(value / norm)
    return pair_sums(np.array(rows, np.int64), np.array(cols, np.int64), np.array(vals), n)


def shared_counts(bags: list[set[str]]) -> np.ndarray:
    """[n, n] number of items two fiches share (zero diagonal)."""
    rows, cols, ids = [], [], {}
    for i, bag in enumerate(bags):
        for item in bag:
            rows.append(i)
            cols.append(ids.setdefault(item, len(ids)))
    return pair_sums(
        np.array(rows, np.int64), np.array(cols, np.int64), np.ones(len(rows)), len(bags)
    )


class JaccardRows:
    """The Jaccard similarity of the fiches' groups (ISCO codes, sectors...), one row at a
    time: `rows[i]` is fiche i against all. Keeps the [n, groups] membership (a few MB)
    instead of an [n, n] table (10 MB for the ROME); the values are the same float32."""

    def __init__(self, groups: list[set[str]]):
        names = sorted({g for s in groups for g in s})
        column = {g: k for k, g in enumerate(names)}
        self.member = np.zeros((len(groups), max(len(names), 1)), np.float32)
        for i, s in enumerate(groups):
            self.member[i, [column[g] for g in s]] = 1
        self.size = self.member.sum(1)

    def __getitem__(self, i: int) -> np.ndarray:
        # Sum over the few groups fiche i is in (0 / 1 values: exact), much faster than a
        # matrix-vector product over all the groups.
        inter = self.member[:, np.flatnonzero(self.member[i])].sum(1)
        union = self.size + self.size[i] - inter
        return np.where(union > 0, inter / np.maximum(union, 1), 0).astype(np.float32)

    def __len__(self) -> int:
        return len(self.member)
