"""The learnt tag ranker: every candidate tag of a dataset being described is turned into a
small vector of evidence (how many close DataSud neighbours carry it and how close they are,
what the text's features say of it, whether its own words are in the title...), and a
ranker learnt on datasets the base model was NOT trained on (boosted trees, `trees.py`;
before them the small network `Ranker` below) turns that vector into the probability that
a producer gives the tag. The probability is the tag's score.

Candidates: the tags of the nearest DataSud datasets, the best tags associated with the
text's features, the tags whose words appear in the text, and, when known, the producer's
most used tags and those of the datasets of the same title template (a series: same title
but for a year or a place name). Choices about the evidence are measured by
`benchmarks/cv_suggestions.py` (cross-validation inside the benchmark's training part).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The evidence, in the order of the ranker's weights (stored in the model file).
FEATURES = (
    "bias",
    "knn",  # neighbours' vote, sim ** power, normalised
    "knn_share",  # neighbours' vote, sim, normalised
    "max_sim",  # the highest similarity of a neighbour carrying the tag
    "top1",  # the nearest neighbour carries it (× its similarity)
    "top3",  # share of the 3 nearest carrying it
    "near",  # carried by a neighbour at similarity > 0.8
    "assoc",  # P(tag | features), averaged over the text's features
    "assoc_rank",  # 1 / (1 + rank among the association scores)
    "match",  # the tag's words are in the text: its match precision
    "match_title",  # ... in the title
    "prior",  # log popularity
    "knn_x_gap",  # the neighbours' vote when the nearest is far (sim1 small)
    "assoc_x_gap",  # the association score when the nearest is far
    "match_x_gap",
    "title_precision",  # how often the tag is given when its words are in a title
    "net",  # the tag network's probability (`tagnet.py`)
    "net_log",
    "net_rank",  # 1 / (1 + rank among the network's probabilities)
    # The producer, when the form or the API says who describes the dataset:
    "producer_share",  # share of the producer's indexed datasets carrying the tag
    "producer_rank",  # 1 / (1 + rank among the producer's tags, most used first)
    "producer_known",  # the producer has indexed datasets
    "producer_knn",  # the vote of the neighbours from the same producer
    # Series of datasets (same title once years and place names are masked):
    "template_share",  # share of the indexed datasets of the same template carrying it
    "template_n",  # how many indexed datasets share the template (log)
    "knn_rank",  # 1 / (1 + rank among the neighbours' votes)
    "expected_tags",  # how many tags the 3 nearest neighbours carry (mean / 10)
    # Set completion: how often the tag goes with the surest candidate of a source.
    "cooc_net_top",  # P(tag | the network's preferred candidate), over indexed datasets
    "cooc_knn_top",  # P(tag | the neighbours' preferred candidate)
    # The neighbours' whole tag sets (a dataset often repeats a neighbour's exact set):
    # the support of a set is the vote of the neighbours carrying exactly that set.
    "set_top",  # the support of the best-supported set, when the tag is in it
    "set_max",  # the best support of a set the tag is in
    "set_top_n",  # how many neighbours carry the best-supported set (log)
    "first_rank",  # 1 / (1 + rank of the nearest neighbour carrying the tag)
    "carriers",  # share of the neighbours carrying the tag
    "net_rel",  # the network's probability over that of its best candidate
    # The nearest datasets of the national catalogue (`SuggestionModel.national_neighbours`):
    "nat_knn",  # their vote, sim ** power, normalised
    "nat_max_sim",  # the highest similarity of one carrying the tag
    "nat_top1",  # the nearest carries it (× its similarity)
    "nat_carriers",  # share of them carrying it
    "nat_sim1",  # the similarity of the nearest (how much they are worth)
    # Kernel ridge regression of the tags over the DataSud datasets (`ridge.py`):
    "ridge",  # its score
    "ridge_rank",  # 1 / (1 + rank among every tag's ridge score)
    "ridge_rel",  # its score over the best tag's
    # The tag network learnt on the DataSud datasets alone (`net_*` above: the one that
    # also learnt from national datasets; each is better where the other is weaker):
    "own_net",  # its probability
    "own_net_rank",  # 1 / (1 + rank among its probabilities)
    "own_net_rel",  # its probability over that of its best candidate
)
N_FEATURES = len(FEATURES)
COL = {name: i for i, name in enumerate(FEATURES)}  # a feature's column
MAX_ASSOC_CANDIDATES = 60
# Weight of the listwise term of the ranker's loss (`fit_ranker`): 1.0 lowered the
# training-CV P@5 (0.7720 -> 0.7696), so the plain logistic loss is used.
LISTWISE = 0.0
PRODUCER_CANDIDATES = 20  # the producer's most used tags are candidates too
NATIONAL_CANDIDATE_DOCS = 10  # the tags of the nearest national datasets are candidates
RIDGE_CANDIDATES = 10  # the best tags of the ridge regression are candidates
# A text whose candidates' closest carrier is below this similarity has no near twin in the
# index: the ranker, whose loss is mostly spent on the datasets that have one, is helped
# there by a second ranker learnt on such datasets only (`SuggestionModel.far_ranker`;
# thirteenth round of docs/benchmarks.md: +0.002 on the CV and end to end).
FAR_SIMILARITY = 0.9


def has_no_near_twin(evidence: np.ndarray) -> bool:
    """Whether the text of these candidate rows has no near twin (`FAR_SIMILARITY`)."""
    return bool(evidence.shape[0]) and float(evidence[:, COL["max_sim"]].max()) < FAR_SIMILARITY


def _rank_among(scores: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """1 / (1 + how many of every tag's `scores` are above each of the `chosen` ones)."""
    greater = scores.size - np.searchsorted(np.sort(scores), chosen, side="right")
    return 1.0 / (1.0 + greater)


def spans(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions, lengths): where the entries of `rows` lie in an array split by `ptr`
    (row r's entries are [ptr[r]:ptr[r+1]]), all rows in one go, row after row."""
    starts = ptr[rows].astype(np.int64)
    lengths = ptr[rows + 1].astype(np.int64) - starts
    return (np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            + np.arange(int(lengths.sum())), lengths)


def candidate_features(
    model,
    ids: np.ndarray,
    vals: np.ndarray,
    words: set[str],
    title_words: set[str],
    docs: np.ndarray,
    sims: np.ndarray,
    net: np.ndarray | None = None,
    producer: int = -1,
    template: int = 0,
    national: tuple[np.ndarray, np.ndarray] | None = None,
    ridge: np.ndarray | None = None,
    own_net: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(candidate tag ids [n], evidence [n, N_FEATURES]) for one text, given its feature
    vector (`model.vectorise`), its words and title words, its neighbours
    (`model.neighbours`), the tag network's probabilities over every tag (or None), its
    national neighbours (`model.national_neighbours`, or None) and the ridge scores of
    every tag (`model.ridge_scores`, or None) and the probabilities of the network learnt
    on DataSud alone (`model.net_probabilities(..., own=True)`, or None)."""
    power = model.weights.power
    # Neighbours' tags: one row per (neighbour, tag).
    offsets, lengths = spans(model.doc_tag_ptr, docs)
    total = offsets.size
    nb_tags = model.doc_tags[offsets].astype(np.int64)
    nb_rank = np.repeat(np.arange(docs.size), lengths)
    nb_sim = np.repeat(sims.astype(np.float64), lengths)

    # Association scores.
    a_off, a_len = spans(model.assoc_ptr, ids)
    a_tags = model.assoc_tag[a_off].astype(np.int64)
    a_w = model.assoc_weight[a_off].astype(np.float64) * np.repeat(vals.astype(np.float64), a_len)
    a_w /= float(vals.sum()) or 1.0
    assoc_tags, assoc_inverse = np.unique(a_tags, return_inverse=True)
    assoc_scores = np.bincount(assoc_inverse, weights=a_w, minlength=assoc_tags.size)
    order = np.argsort(-assoc_scores, kind="stable")
    assoc_rank = np.empty(order.size, np.int64)
    assoc_rank[order] = np.arange(order.size)
    keep = assoc_rank < MAX_ASSOC_CANDIDATES
    assoc_tags, assoc_scores, assoc_rank = assoc_tags[keep], assoc_scores[keep], assoc_rank[keep]

    matched = model.matched_tags(words)
    producer_tags = producer_counts = np.zeros(0, np.int64)
    producer_docs = 0
    if producer >= 0 and producer < len(model.producer_tags):
        producer_tags, producer_counts = model.producer_tags[producer]
        producer_docs = int(model.producer_docs[producer])
    template_tags, template_counts, template_n = _group_tags(model, model.doc_template,
                                                            template)
    nat_docs, nat_sims = national if national is not None else (np.zeros(0, np.int64), None)
    nat_tags = nat_rank = np.zeros(0, np.int64)
    if nat_docs.size:
        n_off, n_len = spans(model.nat_tag_ptr, nat_docs)
        nat_tags = model.nat_tags[n_off].astype(np.int64)
        nat_rank = np.repeat(np.arange(nat_docs.size), n_len)
    ridge_order = ridge_best = np.zeros(0, np.int64)
    if ridge is not None and ridge.any():
        ridge_order = np.argsort(-ridge, kind="stable")
        ridge_best = ridge_order[:RIDGE_CANDIDATES]
        ridge_best = ridge_best[ridge[ridge_best] > 0]
    candidates = np.unique(
        np.concatenate([nb_tags, assoc_tags, np.fromiter(matched, np.int64, len(matched)),
                        producer_tags[:PRODUCER_CANDIDATES], template_tags,
                        nat_tags[nat_rank < NATIONAL_CANDIDATE_DOCS], ridge_best])
    )
    n = candidates.size
    x = np.zeros((n, N_FEATURES), np.float64)
    if n == 0:
        return candidates, x
    x[:, COL["bias"]] = 1.0
    sim1 = float(sims[0]) if sims.size else 0.0
    gap = 1.0 - sim1
    if total:
        pos = np.searchsorted(candidates, nb_tags)
        votes = sims.astype(np.float64) ** power
        vote_total = float(votes.sum()) or 1.0
        x[:, COL["knn"]] = np.bincount(pos, weights=votes[nb_rank] / vote_total, minlength=n)
        sim_total = float(sims.sum()) or 1.0
        x[:, COL["knn_share"]] = np.bincount(pos, weights=nb_sim / sim_total, minlength=n)
        np.maximum.at(x[:, COL["max_sim"]], pos, nb_sim)
        first = nb_rank == 0
        x[pos[first], COL["top1"]] = sim1
        top3 = nb_rank < 3
        x[:, COL["top3"]] = np.bincount(pos[top3], minlength=n) / max(1, min(3, docs.size))
        near = nb_sim > 0.8
        x[:, COL["near"]] = np.bincount(pos[near], minlength=n) > 0
        knn_order = np.argsort(-x[:, COL["knn"]], kind="stable")
        knn_rank = np.empty(n, np.int64)
        knn_rank[knn_order] = np.arange(n)
        x[:, COL["knn_rank"]] = np.where(x[:, COL["knn"]] > 0, 1.0 / (1.0 + knn_rank), 0.0)
        x[:, COL["expected_tags"]] = float(lengths[:3].mean()) / 10
        _set_features(model, x, docs, votes / vote_total, pos, nb_rank)
        if producer >= 0 and model.doc_producer is not None:
            same = (model.doc_producer[docs] == producer)[nb_rank]
            x[:, COL["producer_knn"]] = np.bincount(
                pos[same], weights=votes[nb_rank][same] / vote_total, minlength=n)
    if assoc_tags.size:
        pos = np.searchsorted(candidates, assoc_tags)
        x[pos, COL["assoc"]] = assoc_scores
        x[pos, COL["assoc_rank"]] = 1.0 / (1.0 + assoc_rank)
    for tag, precision in matched.items():
        i = int(np.searchsorted(candidates, tag))
        x[i, COL["match"]] = precision
        if all(w in title_words for w in model.tag_words[tag]):
            x[i, COL["match_title"]] = 1.0
            if model.tag_title_precision is not None:
                x[i, COL["title_precision"]] = float(model.tag_title_precision[tag])
    log_max = math.log1p(float(model.tag_count.max() or 1))
    x[:, COL["prior"]] = np.log1p(model.tag_count[candidates].astype(np.float64)) / log_max
    x[:, COL["knn_x_gap"]] = x[:, COL["knn"]] * gap
    x[:, COL["assoc_x_gap"]] = x[:, COL["assoc"]] * gap
    x[:, COL["match_x_gap"]] = x[:, COL["match"]] * gap
    if producer_docs:
        pos = np.searchsorted(candidates, producer_tags)
        inside = (pos < n) & (candidates[np.minimum(pos, n - 1)] == producer_tags)
        x[pos[inside], COL["producer_share"]] = producer_counts[inside] / producer_docs
        x[pos[inside], COL["producer_rank"]] = 1.0 / (1.0 + np.flatnonzero(inside))
        x[:, COL["producer_known"]] = 1.0
    if template_tags.size:
        pos = np.searchsorted(candidates, template_tags)
        inside = (pos < n) & (candidates[np.minimum(pos, n - 1)] == template_tags)
        x[pos[inside], COL["template_share"]] = template_counts[inside] / template_n
        x[:, COL["template_n"]] = math.log1p(template_n) / math.log(100.0)
    if total:
        knn_top = int(candidates[np.argmax(x[:, COL["knn"]])])
        x[:, COL["cooc_knn_top"]] = model.cooccurrence(knn_top, candidates)
    if net is not None:
        net_top = int(candidates[np.argmax(net[candidates])])
        x[:, COL["cooc_net_top"]] = model.cooccurrence(net_top, candidates)
        p = net[candidates].astype(np.float64)
        x[:, COL["net"]] = p
        x[:, COL["net_log"]] = np.log(p + 1e-6) / 10
        # Rank among every tag: how many tags the network prefers.
        x[:, COL["net_rank"]] = _rank_among(net, p)
        x[:, COL["net_rel"]] = p / (float(p.max()) or 1.0)
    if own_net is not None:
        p = own_net[candidates].astype(np.float64)
        x[:, COL["own_net"]] = p
        x[:, COL["own_net_rank"]] = _rank_among(own_net, p)
        x[:, COL["own_net_rel"]] = p / (float(p.max()) or 1.0)
    if nat_tags.size:
        _national_features(model, x, candidates, nat_tags, nat_rank, nat_sims)
    if ridge_order.size:
        rank = np.empty(ridge.size, np.int64)
        rank[ridge_order] = np.arange(ridge.size)
        x[:, COL["ridge"]] = ridge[candidates]
        x[:, COL["ridge_rank"]] = 1.0 / (1.0 + rank[candidates])
        x[:, COL["ridge_rel"]] = ridge[candidates] / (float(ridge[ridge_order[0]]) or 1.0)
    return candidates, x


def _group_tags(model, doc_key: np.ndarray | None, key: int
                ) -> tuple[np.ndarray, np.ndarray, int]:
    """The tags of the indexed datasets whose `doc_key` is `key` (a title template), how
    many of them carry each, and how many datasets."""
    empty = np.zeros(0, np.int64)
    if not key or doc_key is None:
        return empty, empty, 0
    docs = np.flatnonzero(doc_key == key)
    if not docs.size:
        return empty, empty, 0
    tags, counts = np.unique(model.doc_tags[spans(model.doc_tag_ptr, docs)[0]]
                             .astype(np.int64), return_counts=True)
    return tags, counts, int(docs.size)


def _national_features(model, x: np.ndarray, candidates: np.ndarray, nat_tags: np.ndarray,
                       nat_rank: np.ndarray, nat_sims: np.ndarray) -> None:
    """The evidence of the national neighbours (`nat_*` columns) for the (neighbour, tag)
    rows `nat_tags`, `nat_rank`; tags that are not candidates are left out."""
    n = candidates.size
    pos = np.searchsorted(candidates, nat_tags)
    inside = (pos < n) & (candidates[np.minimum(pos, n - 1)] == nat_tags)
    pos, rank = pos[inside], nat_rank[inside]
    sims = nat_sims.astype(np.float64)
    votes = sims ** model.weights.power
    x[:, COL["nat_knn"]] = np.bincount(pos, weights=votes[rank] / (float(votes.sum()) or 1.0),
                                       minlength=n)
    np.maximum.at(x[:, COL["nat_max_sim"]], pos, sims[rank])
    first = rank == 0
    x[pos[first], COL["nat_top1"]] = sims[0]
    x[:, COL["nat_carriers"]] = np.bincount(pos, minlength=n) / sims.size
    x[:, COL["nat_sim1"]] = sims[0]


def _set_features(model, x: np.ndarray, docs: np.ndarray, votes: np.ndarray,
                  pos: np.ndarray, nb_rank: np.ndarray) -> None:
    """The evidence of the neighbours' whole tag sets and ranks (`set_*`, `first_rank`,
    `carriers` columns) for the (neighbour, tag) rows `pos` (candidate index), `nb_rank`
    (neighbour rank)."""
    n = x.shape[0]
    sets, set_of = np.unique(model.doc_tag_set[docs], return_inverse=True)
    support = np.bincount(set_of, weights=votes, minlength=sets.size)
    best = int(np.argmax(support))
    in_best = set_of[nb_rank] == best
    x[pos[in_best], COL["set_top"]] = support[best]
    np.maximum.at(x[:, COL["set_max"]], pos, support[set_of[nb_rank]])
    x[:, COL["set_top_n"]] = math.log1p(int((set_of == best).sum())) / math.log(31.0)
    first = np.full(n, docs.size, np.int64)
    np.minimum.at(first, pos, nb_rank)
    x[:, COL["first_rank"]] = np.where(first < docs.size, 1.0 / (1.0 + first), 0.0)
    x[:, COL["carriers"]] = np.bincount(pos, minlength=n) / max(1, docs.size)


@dataclass
class Ranker:
    """A one-hidden-layer network (tanh) over the standardised evidence: P(tag given)."""

    mean: np.ndarray  # [N_FEATURES]
    scale: np.ndarray  # [N_FEATURES]
    w1: np.ndarray  # [N_FEATURES, HIDDEN]
    b1: np.ndarray  # [HIDDEN]
    w2: np.ndarray  # [HIDDEN]
    b2: np.ndarray  # [1]

    ARRAYS = ("mean", "scale", "w1", "b1", "w2", "b2")

    def logits(self, x: np.ndarray) -> np.ndarray:
        hidden = np.tanh(((x - self.mean) / self.scale) @ self.w1 + self.b1)
        return hidden @ self.w2 + self.b2[0]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(x), -30, 30)))


HIDDEN = 16


def fit_ranker(
    x: np.ndarray,
    y: np.ndarray,
    epochs: int = 300,
    learning_rate: float = 0.05,
    l2: float = 1e-3,
    seed: int = 0,
    groups: np.ndarray | None = None,
    listwise: float = 0.0,
    hidden: int = HIDDEN,
) -> Ranker:
    """Learn the ranker on candidate rows `x` with labels `y` (1: the producer gave the
    tag): full-batch Adam on the logistic loss, fixed seed (deterministic).

    `groups` (the number of rows of each dataset, rows grouped by dataset) and `listwise`
    > 0 add a listwise term: the softmax cross-entropy of each dataset's candidates against
    its given tags, which only cares about the order within a dataset (what P@5 measures),
    weighted `listwise` against the logistic loss (which keeps the scores probabilities)."""
    rng = np.random.default_rng(seed)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    mean[0], scale[0] = 0.0, 1.0
    xn = (x - mean) / scale
    params = [
        rng.standard_normal((x.shape[1], hidden)) * 0.3,
        np.zeros(hidden),
        rng.standard_normal(hidden) * 0.3,
        np.zeros(1),
    ]
    list_g = None
    if groups is not None and listwise > 0:
        starts = np.concatenate([[0], np.cumsum(groups)[:-1]]).astype(np.int64)
        group_of = np.repeat(np.arange(groups.size), groups)
        positives = np.bincount(group_of, weights=y, minlength=groups.size)
        # Each dataset with a given tag among its candidates weighs the same.
        useful = positives > 0
        target = np.where(useful[group_of], y / np.maximum(positives[group_of], 1), 0.0)

        def list_g(z):
            shifted = np.exp(z - np.maximum.reduceat(z, starts)[group_of])
            soft = shifted / np.add.reduceat(shifted, starts)[group_of]
            return listwise * np.where(useful[group_of], soft - target, 0.0) / max(
                1, int(useful.sum()))

    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    for t in range(1, epochs + 1):
        w1, b1, w2, b2 = params
        hidden = np.tanh(xn @ w1 + b1)
        z = hidden @ w2 + b2[0]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        g = (p - y) / y.size
        if list_g is not None:
            g = g + list_g(z)
        g_hidden = np.outer(g, w2) * (1 - hidden * hidden)
        grads = [
            xn.T @ g_hidden + l2 * w1,
            g_hidden.sum(axis=0),
            hidden.T @ g + l2 * w2,
            np.array([g.sum()]),
        ]
        for k, grad in enumerate(grads):
            moments[k] = 0.9 * moments[k] + 0.1 * grad
            squares[k] = 0.999 * squares[k] + 0.001 * grad * grad
            params[k] -= (
                learning_rate
                * (moments[k] / (1 - 0.9**t))
                / (np.sqrt(squares[k] / (1 - 0.999**t)) + 1e-8)
            )
    w1, b1, w2, b2 = params
    return Ranker(
        mean.astype(np.float32),
        scale.astype(np.float32),
        w1.astype(np.float32),
        b1.astype(np.float32),
        w2.astype(np.float32),
        b2.astype(np.float32),
    )
