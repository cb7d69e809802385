"""A small fastText-like tag classifier, learnt with numpy: the text's TF-IDF vector is
projected onto a dense vector (an embedding per frequent feature, summed with the TF-IDF
weights), and a softmax layer over the tags reads it. Learnt on the DataSud datasets the
model indexes, it learns which words make which tags across all of them, where the
nearest-neighbours vote only sees the 30 closest (« pistes cyclables » -> `mobilite`,
`deplacement-doux`). Alone it reaches P@5 0.75 on a validation split, like the whole
linear mix; the ranker uses it as one more piece of evidence. The model keeps two: one
that also learnt from national datasets carrying DataSud's tags (more ways of saying the
same subject: better on texts unlike any DataSud dataset) and one learnt on DataSud alone
(`training._train_net`).

Trained with Adam on the softmax cross-entropy against the dataset's tags (each true tag
an equal share of the target, as fastText does for several labels); deterministic (fixed
seed). Its probabilities are one piece of evidence of the ranker (`ranking.py`).
"""

from __future__ import annotations

import numpy as np

DIM = 64
MAX_FEATURES = 32_768  # the most frequent text features get an embedding
EPOCHS = 25
BATCH = 128
LEARNING_RATE = 0.01
# National datasets carrying a DataSud tag are extra examples, with a smaller weight and at
# most NATIONAL_MAX of them (a random sample, NATIONAL_SEED): measured by the leak-free
# cross-validation (docs/benchmarks.md).
NATIONAL_WEIGHT = 0.3
NATIONAL_MAX = 8_000
NATIONAL_SEED = 5


def embed(
    rows: np.ndarray, vals: np.ndarray, doc_starts: np.ndarray, n_docs: int, emb: np.ndarray
) -> np.ndarray:
    """Sum of the embeddings of each document's features weighted by their TF-IDF
    (`rows`, `vals` concatenated over documents, document i from doc_starts[i])."""
    h = np.zeros((n_docs, emb.shape[1]), np.float32)
    if rows.size:
        contrib = emb[rows].astype(np.float32) * vals[:, None]
        nonempty = np.flatnonzero(np.diff(np.append(doc_starts, rows.size)) > 0)
        h[nonempty] = np.add.reduceat(contrib, doc_starts[nonempty], axis=0)
    return h


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(
    docs: list[tuple[np.ndarray, np.ndarray]],
    doc_tags: list[list[int]],
    doc_weights: np.ndarray,
    n_rows: int,
    n_tags: int,
    epochs: int = EPOCHS,
    seed: int = 0,
    progress=None,
):
    """(embeddings [n_rows, DIM], output weights [DIM, n_tags], output bias [n_tags]).
    `docs`: per document its embedding rows and TF-IDF values; `doc_tags`: its tag ids."""
    rng = np.random.default_rng(seed)
    emb = (rng.standard_normal((n_rows, DIM)) * 0.05).astype(np.float32)
    out = np.zeros((DIM, n_tags), np.float32)
    bias = np.zeros(n_tags, np.float32)
    params = [emb, out, bias]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    usable = np.array([i for i, tags in enumerate(doc_tags) if tags and docs[i][0].size])
    step = 0
    b1, b2, eps = 0.9, 0.999, 1e-8
    for epoch in range(epochs):
        order = usable[rng.permutation(usable.size)]
        loss_sum = 0.0
        for start in range(0, order.size, BATCH):
            batch = order[start : start + BATCH]
            lengths = np.array([docs[i][0].size for i in batch])
            rows = np.concatenate([docs[i][0] for i in batch])
            vals = np.concatenate([docs[i][1] for i in batch]).astype(np.float32)
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            h = embed(rows, vals, starts, batch.size, emb)
            p = softmax(h @ out + bias)
            target = np.zeros_like(p)
            for j, i in enumerate(batch):
                target[j, doc_tags[i]] = 1.0 / len(doc_tags[i])
            weight = doc_weights[batch].astype(np.float32)[:, None]
            loss_sum += float(-(weight * target * np.log(p + 1e-9)).sum())
            grad_z = (p - target) * weight / float(weight.sum())
            grad_out = h.T @ grad_z
            grad_bias = grad_z.sum(axis=0)
            grad_h = grad_z @ out.T
            grad_emb = np.zeros_like(emb)
            np.add.at(grad_emb, rows, vals[:, None] * np.repeat(grad_h, lengths, axis=0))
            step += 1
            lr = LEARNING_RATE * (1.0 - 0.9 * epoch / max(1, epochs))
            for k, (param, grad) in enumerate(
                zip(params, (grad_emb, grad_out, grad_bias), strict=True)
            ):
                m[k] = b1 * m[k] + (1 - b1) * grad
                v[k] = b2 * v[k] + (1 - b2) * grad * grad
                m_hat = m[k] / (1 - b1**step)
                v_hat = v[k] / (1 - b2**step)
                param -= lr * m_hat / (np.sqrt(v_hat) + eps)
        if progress:
            progress(
                f"réseau de mots-clés : époque {epoch + 1}/{epochs}, "
                f"perte {loss_sum / max(1, usable.size):.3f}"
            )
    return emb, out, bias
