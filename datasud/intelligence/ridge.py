"""Kernel ridge regression of the tags over the indexed DataSud datasets: one more piece of
evidence of the ranker (`ranking.py`), and a source of candidate tags.

The nearest-neighbours vote counts each close dataset on its own: ten datasets of one
series, nearly the same text, vote ten times for the same tags and drown the one
dataset that is like the text in another way. Ridge regression weighs them together:
with S the cosine similarities between the indexed datasets (TF-IDF), Y their tags
(1 where a dataset carries a tag), and s the similarities of a new text to them, the
score of every tag is

    s · (S + λI)⁻¹ · Y

(the best least-squares linear map from a text's TF-IDF vector to its tags, written with
the datasets instead of the 150,000 text features: the "dual" form). On the training
split's cross-validation, alone, it ranks tags better than the tuned neighbours' vote
(P@5 0.760 against 0.739); as evidence of the ranker, with its 10 best tags as
candidates, it lifts the ranker's P@5 from 0.7796 to 0.7819 (docs/benchmarks.md).

Nothing more is stored in the model file: S comes from the inverted index the model
already holds, and (S + λI)⁻¹ is computed the first time a model scores a text (about a
second for the 2,400 DataSud datasets; 23 MB of memory).
"""
from __future__ import annotations

import numpy as np

LAMBDA = 0.1  # the regularisation (CV on the training split: 0.03-0.3 alike, 1 worse)
# Beyond this many indexed datasets the regression is left out (its memory grows as n²,
# its time as n³: 400 MB and about 20 s at 10,000; DataSud has 2,400): the ranker then
# reads no ridge evidence, a little less well than it was trained to.
MAX_DOCS = 10_000
# Pairs of postings summed at once when building S (memory: 24 bytes a pair).
PAIRS_PER_CHUNK = 4_000_000


def gram(post_ptr: np.ndarray, post_doc: np.ndarray, post_weight: np.ndarray,
         n_docs: int) -> np.ndarray:
    """S [n_docs, n_docs]: the cosine similarity of every two indexed datasets, from the
    inverted index (`model.post_*`: postings of feature f in [ptr[f]:ptr[f+1]]): each
    feature adds the product of the weights of every two datasets that have it."""
    s = np.zeros(n_docs * n_docs, np.float64)
    lengths = np.diff(post_ptr).astype(np.int64)
    features = np.flatnonzero(lengths)
    weights = post_weight.astype(np.float64)
    start = 0
    while start < features.size:
        # As many features as fit in one chunk of pairs (at least one).
        cumulative = np.cumsum(lengths[features[start:]] ** 2)
        stop = start + max(1, int(np.searchsorted(cumulative, PAIRS_PER_CHUNK, side="right")))
        chunk = features[start:stop]
        n = lengths[chunk]
        # Every (i, j) posting pair inside each feature of the chunk.
        first = np.repeat(post_ptr[chunk].astype(np.int64), n * n)
        within = np.arange(int((n * n).sum())) - np.repeat(np.cumsum(n * n) - n * n, n * n)
        size = np.repeat(n, n * n)
        i, j = first + within // size, first + within % size
        s += np.bincount(post_doc[i].astype(np.int64) * n_docs + post_doc[j],
                         weights=weights[i] * weights[j], minlength=n_docs * n_docs)
        start = stop
    return s.reshape(n_docs, n_docs)


def dual(similarities: np.ndarray, lam: float = LAMBDA) -> np.ndarray:
    """(S + λI)⁻¹, as float32."""
    n = similarities.shape[0]
    return np.linalg.inv(similarities + lam * np.eye(n)).astype(np.float32)


def tag_scores(inverse: np.ndarray, sims: np.ndarray, doc_tag_ptr: np.ndarray,
               doc_tags: np.ndarray, n_tags: int) -> np.ndarray:
    """The ridge score of every tag [n_tags] for a text whose similarities to the indexed
    datasets are `sims` [n_docs] (every dataset, not only the nearest)."""
    touched = np.flatnonzero(sims > 0)
    if touched.size == 0:
        return np.zeros(n_tags)
    weights = sims[touched].astype(np.float32) @ inverse[touched]  # one per dataset
    return np.bincount(doc_tags, weights=np.repeat(weights.astype(np.float64),
                                                   np.diff(doc_tag_ptr)), minlength=n_tags)
