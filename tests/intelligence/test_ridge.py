"""Kernel ridge regression of the tags (`ridge.py`): the similarities between indexed
datasets built from the inverted index are the cosines, the scores are
s · (S + λI)⁻¹ · Y, and near-duplicate datasets weigh together rather than ten times."""
import numpy as np
import pytest

from datasud.intelligence import ridge, training


def inverted_index(vectors: np.ndarray):
    """(ptr, doc, weight) of dense normalised rows, as `training._inverted_index` makes."""
    sparse = [(np.flatnonzero(v), v[np.flatnonzero(v)].astype(np.float32)) for v in vectors]
    return training._inverted_index(sparse, vectors.shape[1])


def normalised(rows) -> np.ndarray:
    rows = np.asarray(rows, np.float64)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_gram_is_every_pair_of_cosines(monkeypatch):
    rng = np.random.default_rng(1)
    vectors = normalised(rng.random((30, 40)) * (rng.random((30, 40)) < 0.2) + 1e-3 * (
        np.arange(40) == 0))
    ptr, doc, weight = inverted_index(vectors)
    expected = vectors @ vectors.T
    assert ridge.gram(ptr, doc, weight, 30) == pytest.approx(expected, abs=2e-3)
    # The same, built a few pairs at a time.
    monkeypatch.setattr(ridge, "PAIRS_PER_CHUNK", 7)
    assert ridge.gram(ptr, doc, weight, 30) == pytest.approx(expected, abs=2e-3)


def test_scores_are_the_ridge_regression_of_the_tags():
    rng = np.random.default_rng(2)
    vectors = normalised(rng.random((12, 8)))
    tags = [[0], [0, 1], [2], [1, 2], [0], [3], [3, 1], [2], [0, 3], [1], [2, 3], [0]]
    ptr = np.cumsum([0] + [len(t) for t in tags])
    flat = np.array([t for ts in tags for t in ts])
    y = np.zeros((12, 4))
    for d, ts in enumerate(tags):
        y[d, ts] = 1
    s = rng.random(12)
    inverse = ridge.dual(vectors @ vectors.T, 0.1)
    expected = s @ np.linalg.solve(vectors @ vectors.T + 0.1 * np.eye(12), y)
    assert ridge.tag_scores(inverse, s, ptr, flat, 5) == pytest.approx(
        np.append(expected, 0.0), abs=1e-4)
    assert not ridge.tag_scores(inverse, np.zeros(12), ptr, flat, 5).any()


def test_near_duplicates_weigh_together():
    """Five copies of one dataset (tag `serie`) and one other dataset (`autre`), a text
    half like each: the neighbours' vote gives `serie` five times the weight of `autre`,
    the ridge regression about the same."""
    series, other = [1.0, 0.0], [0.0, 1.0]
    vectors = normalised([series] * 5 + [other])
    text = normalised([[1.0, 1.0]])[0]
    sims = vectors @ text
    ptr, flat = np.arange(7), np.array([0] * 5 + [1])
    scores = ridge.tag_scores(ridge.dual(vectors @ vectors.T), sims, ptr, flat, 2)
    vote = np.bincount(flat, weights=sims)
    assert vote[0] / vote[1] == pytest.approx(5.0)
    assert scores[0] / scores[1] == pytest.approx(1.0, abs=0.1)


