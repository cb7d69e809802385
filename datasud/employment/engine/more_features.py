"""The trees ranker's second-round features (`MORE_FEATURES`) and the graph helpers that
`mobility.MobilityModel.ranker_features` shares with them.

Every function reads the model's matrices (`matrix` of the links it may see, `similarity`
of skills, ...) for one source fiche i and returns [n] arrays, one value per fiche as a
target of i. Row i of the links matrix (the source's own official links) is never read:
those links are what the proposals are measured against.
"""

from __future__ import annotations

import numpy as np

# Kept on the out-of-fold figures of the training sources alone (benchmarks/mobility_oof.py,
# docs/benchmarks.md).
MORE_FEATURES = (
    "reverse_position",
    "outdeg_t",
    "cover_t",
    "cover_s",
    "words",
    "words_rank",
    "sectors",
    "isco_minor",
    "mutual_skills_rank",
    "neighbours_2hop",
    "cocite_2hop",
    "cocite_rank",
    "observed_rank",
    "paths_rank",
    "citer_sim_rank",
    "reverse_sim_rank",
    "neighbours_5",
    "neighbours_40",
    "reverse_family",
    "predicted_overlap",
    "neighbour_overlap",
    "cocite_cosine",
)
WIDE_NEIGHBOURS = 40


def rank_score(values: np.ndarray) -> np.ndarray:
    """1 / log2(rank + 2) of each value among all, best first."""
    rank = np.empty(len(values), np.int64)
    rank[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return 1 / np.log2(rank + 2)


def more_features(
    model, i: int, signals: dict, values: dict, candidates: np.ndarray, density: float
) -> dict[str, np.ndarray]:
    """The `MORE_FEATURES` of every fiche as a target of fiche i (those only needed for the
    candidates are zero elsewhere). `signals`: the first pass's; `values`: the first-round
    ranker features; `density`: the share of the reference links the model sees."""
    n = len(model.codes)
    citing = signals["_citing"]
    position = np.zeros(n)
    for c in citing:  # where the source sits in the ordered list of each fiche citing it
        position[c] = 1 / (1 + model.order[c].tolist().index(i))
    mutual = np.zeros(n)
    column = model.similarity[candidates, i]
    # rank of the source among each candidate's own closest fiches in skills
    ahead = (model.similarity[candidates] > column[:, None]).sum(1)
    mutual[candidates] = 1 / np.log2(ahead + 2)
    masked = model.similarity[i] * model.has_out
    closest = np.argsort(-masked, kind="stable")[:WIDE_NEIGHBOURS]

    def neighbours(k: int) -> np.ndarray:
        weights = masked[closest[:k]]
        return (weights / (weights.sum() or 1.0)) @ model.matrix[closest[:k]]

    near = signals["neighbours"].astype(np.float32)  # a copy
    near[i] = 0.0  # the source's own row of links stays unread
    cocited = signals["cocited"].astype(np.float32)
    cocited[i] = 0.0
    # The target's own list against the list the source is predicted to have.
    predicted, overlap = np.zeros(n), np.zeros(n)
    outdeg = np.maximum(model.outdeg[candidates], 1)
    predicted[candidates] = model.matrix[candidates] @ signals["regression"] / outdeg
    overlap[candidates] = model.matrix[candidates] @ signals["neighbours"] / outdeg
    family_citing = np.bincount(model.parent_id[citing], minlength=model.parent_id.max() + 1)[
        model.parent_id
    ]
    words = model.words[i]
    return {
        "reverse_family": family_citing / density,
        "predicted_overlap": predicted,
        "neighbour_overlap": overlap,
        "cocite_cosine": signals["_cocite"]
        / np.sqrt(np.maximum(signals["_indeg_t"], 1) * max(len(citing), 1)),
        "reverse_position": position,
        "outdeg_t": model.outdeg / density,
        "cover_t": model.shared_items[i] / model.item_count,
        "cover_s": model.shared_items[i] / model.item_count[i],
        "words": words,
        "words_rank": rank_score(words),
        "sectors": model.sectors[i],
        "isco_minor": model.isco_minor[i],
        "mutual_skills_rank": mutual,
        "neighbours_2hop": next_hop(model, near),
        "cocite_2hop": next_hop(model, cocited),
        "cocite_rank": rank_score(values["cocite"]),
        "observed_rank": rank_score(values["observed"]),
        "paths_rank": rank_score(values["paths_ts"]),
        "citer_sim_rank": rank_score(values["citer_sim"]),
        "reverse_sim_rank": rank_score(values["reverse_sim"]),
        "neighbours_5": neighbours(5),
        "neighbours_40": neighbours(WIDE_NEIGHBOURS),
    }


def next_hop(model, weights: np.ndarray) -> np.ndarray:
    """weights @ links matrix, over the few fiches with a weight (sparse)."""
    rows = np.flatnonzero(weights)
    return weights[rows] @ model.matrix[rows] if len(rows) else np.zeros(len(model.codes))


def adjacent(model, i: int, citing: np.ndarray) -> np.ndarray:
    """Over the ordered lists that cite fiche i, mean 1 / distance between i and each
    target in the list (the ROME's neighbours in a list tend to be alike)."""
    result = np.zeros(len(model.codes))
    for c in citing:
        order = model.order[c]
        here = order.tolist().index(i)
        result[order] += 1 / np.maximum(np.abs(np.arange(len(order)) - here), 1)
    return result / max(len(citing), 1)
