"""The suggestion model: what `datasud train_suggestions` writes to
`data/suggestions-model.npz` and what `services.suggest` reads.

Three parts, all plain numpy arrays (one compressed file, loaded once per process):
- a TF-IDF index of the DataSud catalogue (feature -> datasets), for a nearest-neighbours
  vote on tags, themes, licence and frequency (and one of the national catalogue, whose
  nearest datasets are evidence of the ranker);
- a feature -> tag association table learnt on DataSud + the national catalogue
  (P(tag | feature), the 16 best tags of each feature), which knows tags from words that
  no close DataSud neighbour shares;
- per tag: how often it is given when its own words appear in a dataset's title or
  description ("match precision"), so that "vélo" in a title proposes the tag `velo` with a
  calibrated score and "parc" (a tag given on 1 in 10 datasets that say "parc") does not
  come first.
Two more parts rank the candidate tags (format 2):
- a small fastText-like network (`tagnet.py`: an embedding per frequent text feature, a
  softmax over the tags) learnt on the DataSud datasets, which knows which words make
  which tags (and, computed from the index when first needed, not stored: a kernel ridge
  regression of the tags over the DataSud datasets, `ridge.py`);
- the ranker: boosted trees (`trees.py`; a one-hidden-layer network, `ranking.Ranker`, in
  models trained before 2026-11-30) that turn each candidate's evidence (`ranking.py`:
  neighbours and their whole tag sets, associations, tag words in the title or
  description, network probability, popularity, producer...) into the probability that a
  producer gives the tag, learnt on DataSud datasets left out of the model it reads
  (cross-validation inside the training catalogue). That probability is the tag's score.
Facts kept on the indexed DataSud datasets for the ranker (format 2, optional arrays):
each one's producer (organisation slug: the form and `POST /api/1/suggestions` may say who
describes a dataset, and a producer reuses its tags), its title template
(`text.template_key`), and per tag how often it was given when it was a candidate in the
ranker's cross-validation ("hit rate").
A model without a ranker (a tiny training catalogue) combines the parts linearly with the
`Weights`.
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import ranking, ridge, tagnet, trees
from .text import document_features, tag_words, template_key, tokens

FORMAT_VERSION = 3  # 3: the header names the ranker's evidence columns
NATIONAL_K = 20  # national neighbours read by the ranker


def _similarities(post_ptr, post_doc, post_weight, n_docs: int, ids: np.ndarray,
                  vals: np.ndarray) -> np.ndarray:
    """The similarity (cosine) of a normalised vector to every document of an inverted
    index [n_docs]."""
    if ids.size == 0 or n_docs == 0:
        return np.zeros(n_docs)
    offsets, lengths = ranking.spans(post_ptr, ids)  # every posting of the query's features
    contrib = post_weight[offsets].astype(np.float32) * np.repeat(vals, lengths)
    return np.bincount(post_doc[offsets], weights=contrib, minlength=n_docs)


def _most_similar(post_ptr, post_doc, post_weight, n_docs: int, ids: np.ndarray,
                  vals: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k documents of an inverted index most similar (cosine) to a normalised vector,
    best first, with their similarities."""
    sims = _similarities(post_ptr, post_doc, post_weight, n_docs, ids, vals)
    if not sims.any():
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    k = min(k, sims.size)
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[sims[top] > 0]
    top = top[np.argsort(-sims[top])]
    return top, sims[top].astype(np.float32)


@dataclass
class Weights:
    """How the parts are combined. Tag weights: the best P@5 of `training.tune` on a
    validation part of the benchmark's training split (`bench_suggestions.py --tune`)."""

    k: int = 30            # neighbours that vote
    power: float = 5.0     # a neighbour's vote is sim ** power
    knn: float = 1.0
    assoc: float = 0.6
    match: float = 1.2
    prior: float = 0.02    # tag popularity, to break ties
    theme_knn: float = 1.0
    theme_keywords: float = 0.7
    theme_tags: float = 0.5

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class SuggestionModel:
    features: list[str]
    idf: np.ndarray                # float32 [F]
    post_ptr: np.ndarray           # int32 [F+1]: postings of feature f in post_doc[ptr[f]:ptr[f+1]]
    post_doc: np.ndarray           # int32
    post_weight: np.ndarray        # float16, the doc's normalised tf-idf for the feature
    doc_tag_ptr: np.ndarray        # int32 [D+1]
    doc_tags: np.ndarray           # int32 tag ids
    doc_themes: np.ndarray         # uint16 bit mask [D] over `themes`
    doc_licence: np.ndarray        # int8 [D], -1 unknown
    doc_frequency: np.ndarray      # int8 [D], -1 unknown
    tags: list[str]
    tag_count: np.ndarray          # int32 [T], datasets carrying the tag (DataSud + national)
    tag_match_precision: np.ndarray  # float32 [T]
    assoc_ptr: np.ndarray          # int32 [F+1]
    assoc_tag: np.ndarray          # int32
    assoc_weight: np.ndarray       # float16
    themes: list[str]
    licences: list[str]
    frequencies: list[str]
    licence_prior: np.ndarray      # float32 [L]
    frequency_prior: np.ndarray    # float32 [Q]
    tag_title_precision: np.ndarray | None = None  # float32 [T], when the words are in a title
    net_row: np.ndarray | None = None     # int32 [F]: the feature's embedding row, -1 none
    net_emb: np.ndarray | None = None     # float16 [R, tagnet.DIM]
    net_tags: np.ndarray | None = None    # int32 [N]: the tags the network knows
    net_out: np.ndarray | None = None     # float16 [tagnet.DIM, N]
    net_bias: np.ndarray | None = None    # float32 [N]
    # The same network learnt on the DataSud datasets alone (same rows and tags):
    own_net_emb: np.ndarray | None = None  # float16 [R, tagnet.DIM]
    own_net_out: np.ndarray | None = None  # float16 [tagnet.DIM, N]
    own_net_bias: np.ndarray | None = None  # float32 [N]
    doc_producer: np.ndarray | None = None  # int16 [D]: index in `producers`, -1 unknown
    doc_template: np.ndarray | None = None  # uint32 [D]: `text.template_key` of the title
    # The national catalogue's datasets as a second neighbours' index (same layout as
    # post_*/doc_tag_*): a DataSud title far from every DataSud dataset often has close
    # national ones, and their tags are candidates of the ranker.
    nat_post_ptr: np.ndarray | None = None   # int32 [F+1]
    nat_post_doc: np.ndarray | None = None   # int32
    nat_post_weight: np.ndarray | None = None  # float16
    nat_tag_ptr: np.ndarray | None = None    # int32 [N+1]
    nat_tags: np.ndarray | None = None       # int32 tag ids
    producers: list[str] = field(default_factory=list)  # organisation slugs
    ranker: ranking.Ranker | trees.TreeRanker | None = None
    # Trees learnt on the datasets without a near twin only (`ranking.FAR_SIMILARITY`):
    # such a text's tags are scored by the mean of both rankers' logits.
    far_ranker: trees.TreeRanker | None = None
    weights: Weights = field(default_factory=Weights)
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ridge_inverse: np.ndarray | None = None  # (S + λI)⁻¹, `ridge_scores`
        self.feature_index = {f: i for i, f in enumerate(self.features)}
        self.tag_index = {t: i for i, t in enumerate(self.tags)}
        # Tags whose words can be looked for in a text, by their first word.
        self.tag_words = [tag_words(t) for t in self.tags]
        self.tags_by_word: dict[str, list[int]] = {}
        for i, words in enumerate(self.tag_words):
            if words:
                self.tags_by_word.setdefault(words[0], []).append(i)
        self.index_facts()

    def index_facts(self) -> None:
        """Lookups over the indexed datasets' producers, title templates and tags."""
        # Tag -> the indexed datasets carrying it (set completion, `cooccurrence`).
        doc_of_tag = np.repeat(np.arange(self.doc_tag_ptr.size - 1, dtype=np.int32),
                               np.diff(self.doc_tag_ptr))
        order = np.argsort(self.doc_tags, kind="stable")
        self.tag_docs = doc_of_tag[order]
        self.tag_docs_ptr = np.searchsorted(self.doc_tags[order],
                                            np.arange(len(self.tags) + 1))
        # Each indexed dataset's whole tag set as a number: datasets with exactly the same
        # tags share it (the neighbours' sets, `ranking.candidate_features`).
        set_ids: dict[tuple, int] = {}
        self.doc_tag_set = np.array(
            [set_ids.setdefault(tuple(self.doc_tags[a:b].tolist()), len(set_ids))
             for a, b in zip(self.doc_tag_ptr[:-1].tolist(), self.doc_tag_ptr[1:].tolist(),
                             strict=True)], np.int64)
        self.producer_index = {slug: i for i, slug in enumerate(self.producers)}
        self.producer_docs = np.zeros(len(self.producers), np.int64)
        # Per producer: its tags, most used first, and on how many of its datasets.
        self.producer_tags: list[tuple[np.ndarray, np.ndarray]] = []
        if self.doc_producer is not None and self.producers:
            tag_producer = self.doc_producer[doc_of_tag].astype(np.int64)
            self.producer_docs = np.bincount(self.doc_producer[self.doc_producer >= 0],
                                             minlength=len(self.producers))
            for p in range(len(self.producers)):
                tags, counts = np.unique(self.doc_tags[tag_producer == p], return_counts=True)
                order = np.lexsort((tags, -counts))
                self.producer_tags.append((tags[order].astype(np.int64), counts[order]))

    # --- Scoring ------------------------------------------------------------------------

    def vectorise(self, title: str, description: str = "", extra: str = "") -> tuple:
        """(feature ids, normalised tf-idf weights, words) of a text; unknown features
        dropped."""
        counts, words = document_features(title, description, extra)
        ids, values = [], []
        for feature, count in counts.items():
            i = self.feature_index.get(feature)
            if i is not None:
                ids.append(i)
                values.append((1.0 + math.log(count)) * float(self.idf[i]))
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float32), words
        ids_a = np.array(ids, np.int64)
        vals = np.array(values, np.float32)
        return ids_a, vals / float(np.linalg.norm(vals)), words

    def neighbours(self, ids: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The k most similar DataSud datasets (cosine) and their similarities."""
        return _most_similar(self.post_ptr, self.post_doc, self.post_weight,
                             self.doc_themes.size, ids, vals, self.weights.k)

    @property
    def prepared(self) -> bool:
        """Whether what the model computes on first use is there (`prepare`)."""
        return self._ridge_ready and all(ranker.forest_made for ranker in self._tree_rankers)

    def prepare(self) -> None:
        """Compute what the model derives from its arrays on first use rather than store:
        the ridge regression's (S + λI)⁻¹ (about a second for DataSud's 2,400 datasets)
        and the rankers' trees made ready to score (`boosting.Forest`, a few ms)."""
        self._prepare_ridge()
        for ranker in self._tree_rankers:
            _ = ranker.forest  # made once, kept by the ranker

    @property
    def _tree_rankers(self) -> list[trees.TreeRanker]:
        return [r for r in (self.ranker, self.far_ranker) if isinstance(r, trees.TreeRanker)]

    @property
    def _ridge_ready(self) -> bool:
        n_docs = self.doc_themes.size
        return n_docs > ridge.MAX_DOCS or (self._ridge_inverse is not None
                                           and self._ridge_inverse.shape[0] == n_docs)

    def _prepare_ridge(self) -> None:
        if not self._ridge_ready:
            n_docs = self.doc_themes.size
            self._ridge_inverse = ridge.dual(ridge.gram(self.post_ptr, self.post_doc,
                                                        self.post_weight, n_docs))

    def ridge_scores(self, ids: np.ndarray, vals: np.ndarray) -> np.ndarray | None:
        """Every tag's kernel ridge regression score for a text (`ridge.py`); the inverse
        it needs is computed on the first call (nothing of it is saved). None for an
        index of more than `ridge.MAX_DOCS` datasets."""
        n_docs = self.doc_themes.size
        if n_docs > ridge.MAX_DOCS:
            return None
        self._prepare_ridge()
        sims = _similarities(self.post_ptr, self.post_doc, self.post_weight, n_docs, ids,
                             vals)
        return ridge.tag_scores(self._ridge_inverse, sims, self.doc_tag_ptr, self.doc_tags,
                                len(self.tags))

    def national_neighbours(self, ids: np.ndarray, vals: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
        """The NATIONAL_K most similar datasets of the national catalogue (indices into
        `nat_tag_ptr`) and their similarities; none in a model without that index."""
        if self.nat_post_ptr is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return _most_similar(self.nat_post_ptr, self.nat_post_doc, self.nat_post_weight,
                             self.nat_tag_ptr.size - 1, ids, vals, NATIONAL_K)

    def _votes(self, docs: np.ndarray, sims: np.ndarray) -> np.ndarray:
        votes = sims ** self.weights.power
        total = float(votes.sum())
        return votes / total if total > 0 else votes

    def knn_tag_scores(self, docs: np.ndarray, votes: np.ndarray) -> dict[int, float]:
        scores: dict[int, float] = {}
        for doc, vote in zip(docs.tolist(), votes.tolist(), strict=True):
            for tag in self.doc_tags[self.doc_tag_ptr[doc]:self.doc_tag_ptr[doc + 1]].tolist():
                scores[tag] = scores.get(tag, 0.0) + vote
        return scores

    def assoc_tag_scores(self, ids: np.ndarray, vals: np.ndarray) -> dict[int, float]:
        scores: dict[int, float] = {}
        weight_sum = float(vals.sum()) or 1.0
        for i, v in zip(ids.tolist(), vals.tolist(), strict=True):
            a, b = int(self.assoc_ptr[i]), int(self.assoc_ptr[i + 1])
            for tag, w in zip(self.assoc_tag[a:b].tolist(),
                              self.assoc_weight[a:b].astype(np.float32).tolist(), strict=True):
                scores[tag] = scores.get(tag, 0.0) + v * w / weight_sum
        return scores

    def cooccurrence(self, anchor: int, tags: np.ndarray) -> np.ndarray:
        """For each of `tags`: the share of the indexed datasets carrying `anchor` that
        carry it too."""
        docs = self.tag_docs[self.tag_docs_ptr[anchor]:self.tag_docs_ptr[anchor + 1]]
        if docs.size == 0:
            return np.zeros(tags.size)
        offsets, _lengths = ranking.spans(self.doc_tag_ptr, docs)
        counts = np.bincount(self.doc_tags[offsets], minlength=len(self.tags))
        return counts[tags] / docs.size

    def matched_tags(self, words: set[str]) -> dict[int, float]:
        """Tags whose every word is among `words`, scored by their match precision."""
        found: dict[int, float] = {}
        for word in words:
            for tag in self.tags_by_word.get(word, ()):
                if all(w in words for w in self.tag_words[tag]):
                    found[tag] = float(self.tag_match_precision[tag])
        return found

    def net_probabilities(self, ids: np.ndarray, vals: np.ndarray,
                          own: bool = False) -> np.ndarray | None:
        """The tag network's probability of every tag for a text's TF-IDF vector (`own`:
        the network learnt on the DataSud datasets alone)."""
        emb, out, bias = ((self.own_net_emb, self.own_net_out, self.own_net_bias) if own
                          else (self.net_emb, self.net_out, self.net_bias))
        if emb is None or self.net_row is None:
            return None
        rows = self.net_row[ids]
        known = rows >= 0
        hidden = tagnet.embed(rows[known], vals[known].astype(np.float32), np.array([0]), 1,
                              emb)
        probabilities = np.zeros(len(self.tags), np.float32)
        probabilities[self.net_tags] = tagnet.softmax(
            hidden @ out.astype(np.float32) + bias)[0]
        return probabilities

    def candidates(self, title: str, description: str, extra: str, ids: np.ndarray,
                   vals: np.ndarray, words: set[str], docs: np.ndarray,
                   sims: np.ndarray, organisation: str = "") -> tuple[np.ndarray, np.ndarray]:
        """(candidate tag ids, their evidence rows) for the ranker. `organisation`: the
        producer's slug when known (its tags on its other datasets are evidence)."""
        return ranking.candidate_features(self, ids, vals, words, set(tokens(title)), docs,
                                          sims, self.net_probabilities(ids, vals),
                                          self.producer_index.get(organisation, -1),
                                          template_key(title),
                                          self.national_neighbours(ids, vals),
                                          self.ridge_scores(ids, vals),
                                          self.net_probabilities(ids, vals, own=True))

    def ranker_probabilities(self, evidence: np.ndarray) -> np.ndarray:
        """The probability of each candidate row that the producer gives its tag; for a
        text without a near twin (`ranking.has_no_near_twin`), from the mean of the
        ranker's and the far ranker's logits."""
        if self.far_ranker is None or not ranking.has_no_near_twin(evidence):
            return self.ranker.probabilities(evidence)
        return trees.sigmoid((self.ranker.logits(evidence)
                              + self.far_ranker.logits(evidence)) / 2)

    def tag_scores(self, title: str, description: str = "", extra: str = "",
                   neighbours: tuple | None = None,
                   organisation: str = "") -> list[tuple[str, float]]:
        """Every candidate tag with its score in [0, 1], best first. `organisation`: the
        producer's slug, optional (read by the ranker only)."""
        w = self.weights
        ids, vals, words = self.vectorise(title, description, extra)
        docs, sims = neighbours if neighbours is not None else self.neighbours(ids, vals)
        if self.ranker is not None:
            tags, evidence = self.candidates(title, description, extra, ids, vals, words,
                                             docs, sims, organisation)
            if tags.size == 0:
                return []
            scores = self.ranker_probabilities(evidence)
            order = np.argsort(-scores, kind="stable")
            return [(self.tags[int(tags[i])], round(float(scores[i]), 3)) for i in order]
        knn = self.knn_tag_scores(docs, self._votes(docs, sims))
        assoc = self.assoc_tag_scores(ids, vals)
        match = self.matched_tags(words)
        log_max = math.log1p(float(self.tag_count.max() or 1))
        combined: dict[int, float] = {}
        for tag in set(knn) | set(assoc) | set(match):
            raw = (w.knn * knn.get(tag, 0.0) + w.assoc * assoc.get(tag, 0.0)
                   + w.match * match.get(tag, 0.0)
                   + w.prior * math.log1p(float(self.tag_count[tag])) / log_max)
            combined[tag] = raw
        ranked = sorted(combined.items(), key=lambda item: -item[1])
        return [(self.tags[t], round(min(1.0, s / (w.knn + w.match)), 3)) for t, s in ranked]

    def theme_scores(self, docs: np.ndarray, sims: np.ndarray, text: str,
                     tag_scores: list[tuple[str, float]], matcher) -> list[tuple[str, float]]:
        """Theme slugs with a score in [0, 1], best first: the neighbours' themes, the
        catalogue's theme keywords found in the text, and those of the suggested tags."""
        w = self.weights
        scores = np.zeros(len(self.themes), np.float64)
        votes = self._votes(docs, sims)
        bits = 1 << np.arange(len(self.themes), dtype=np.uint32)
        for doc, vote in zip(docs.tolist(), votes.tolist(), strict=True):
            scores += w.theme_knn * vote * ((int(self.doc_themes[doc]) & bits) > 0)
        position = {slug: i for i, slug in enumerate(self.themes)}
        for slug in matcher.match([], text):
            scores[position[slug]] += w.theme_keywords
        top_tags = tag_scores[:5]
        for tag, score in top_tags:
            for slug in matcher.match([tag]):
                scores[position[slug]] += w.theme_tags * score
        total = w.theme_knn + w.theme_keywords + w.theme_tags
        ranked = np.argsort(-scores)
        return [(self.themes[i], round(float(min(1.0, scores[i] / total)), 3))
                for i in ranked if scores[i] > 0]

    def categorical(self, docs: np.ndarray, sims: np.ndarray, column: np.ndarray,
                    names: list[str], prior: np.ndarray) -> tuple[str | None, float]:
        """The neighbours' most common value of a column (licence, frequency) with its
        share of the vote; the catalogue's most common value when no neighbour knows."""
        votes = self._votes(docs, sims)
        tally = np.zeros(len(names), np.float64)
        values = column[docs]
        known = values >= 0
        np.add.at(tally, values[known].astype(np.int64), votes[known])
        if tally.sum() <= 0:
            if prior.size == 0:
                return None, 0.0
            best = int(np.argmax(prior))
            return names[best], round(float(prior[best]) / 2, 3)
        best = int(np.argmax(tally))
        return names[best], round(float(tally[best] / tally.sum()), 3)

    # --- Storage ------------------------------------------------------------------------

    _ARRAYS = ("idf", "post_ptr", "post_doc", "post_weight", "doc_tag_ptr", "doc_tags",
               "doc_themes", "doc_licence", "doc_frequency", "tag_count",
               "tag_match_precision", "assoc_ptr", "assoc_tag", "assoc_weight",
               "licence_prior", "frequency_prior")
    _LISTS = ("features", "tags", "themes", "licences", "frequencies")
    _OPTIONAL = ("tag_title_precision", "net_row", "net_emb", "net_tags", "net_out",
                 "net_bias", "doc_producer", "doc_template", "nat_post_ptr", "nat_post_doc",
                 "nat_post_weight", "nat_tag_ptr", "nat_tags", "own_net_emb", "own_net_out",
                 "own_net_bias")

    def save(self, path: Path) -> None:
        header = {"format": FORMAT_VERSION, "weights": self.weights.as_dict(), "meta": self.meta,
                  "producers": self.producers, "evidence": list(ranking.FEATURES),
                  **{name: getattr(self, name) for name in self._LISTS}}
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        arrays.update({name: getattr(self, name) for name in self._OPTIONAL
                       if getattr(self, name) is not None})
        for prefix, ranker in (("ranker", self.ranker), ("far_ranker", self.far_ranker)):
            if ranker is not None:
                arrays.update({f"{prefix}_{name}": getattr(ranker, name)
                               for name in ranker.ARRAYS})
        arrays["header"] = np.frombuffer(json.dumps(header, ensure_ascii=False)
                                         .encode("utf-8"), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buffer.getvalue())
        tmp.replace(path)  # a reader never sees a half-written model

    @classmethod
    def load(cls, path: Path) -> SuggestionModel:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            if header.get("format") not in (1, 2, FORMAT_VERSION):  # 1: no network nor ranker
                raise ValueError(f"Format de modèle inattendu : {header.get('format')}")
            arrays = {name: data[name] for name in cls._ARRAYS}
            arrays.update({name: data[name] for name in cls._OPTIONAL if name in data.files})
            for kind in (ranking.Ranker, trees.TreeRanker):  # a network or boosted trees
                if all(f"ranker_{name}" in data.files for name in kind.ARRAYS):
                    arrays["ranker"] = kind(**{name: data[f"ranker_{name}"]
                                               for name in kind.ARRAYS})
            if all(f"far_ranker_{name}" in data.files for name in trees.TreeRanker.ARRAYS):
                arrays["far_ranker"] = trees.TreeRanker(**{
                    name: data[f"far_ranker_{name}"] for name in trees.TreeRanker.ARRAYS})
            # A ranker reads the evidence by column: one trained on other columns would
            # silently misread them.
            if "ranker" in arrays and header.get("evidence") != list(ranking.FEATURES):
                raise ValueError("l'ordonnateur de ce modèle a appris sur d'autres indices "
                                 "que ceux de cette version ; relancez « manage.py "
                                 "train_suggestions »")
        return cls(**arrays, **{name: header[name] for name in cls._LISTS},
                   producers=header.get("producers", []),
                   weights=Weights(**header["weights"]), meta=header.get("meta", {}))
