"""Training the suggestion model from catalogue exports of data.gouv.fr (the DataSud file and
the national sample, `;`-separated, with `title`, `description`, `tags`, `license`,
`frequency`): `datasud train_suggestions` and `benchmarks/bench_suggestions.py` call
`read_records` then `train`.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from django.utils.text import slugify

from datasud.catalog.importers.export_format import FREQUENCIES
from datasud.catalog.importers.themes import ThemeMatcher, default_matcher

from . import ranking, tagnet, trees
from .model import SuggestionModel, Weights
from .text import document_features, fold, tag_words, template_key, tokens

CATALOG_DATA = Path(__file__).resolve().parent.parent / "catalog" / "data"
csv.field_size_limit(2**31 - 1)

MIN_FEATURE_DF = 3        # features seen in fewer datasets are noise (and weight)
MIN_TAG_COUNT = 3         # tags given fewer times are not proposed
ASSOC_TOP = 16            # tags kept per feature in the association table
ASSOC_MIN_PAIRS = 3
# Cross-validation folds that give the ranker its examples: with 8, the fold models that
# make them hold 7/8 of the datasets, closer to the shipped model that reads new texts
# (end to end, P@5 +0.0021 +- 0.0013 over 4 folds, for twice the training time).
RANKER_FOLDS = 8
RANKER_SEED = 7
# The national datasets' vectors keep their heaviest features only: 16, 32 or all gave
# the same training-CV P@5 (0.7795, 0.7797, 0.7793), and all would take 5.5 million
# postings (32 MB in memory, 16 MB more in the model file).
NATIONAL_FEATURES = 16
MIN_RANKER_DATASETS = 100  # fewer tagged DataSud datasets: the linear mix of `Weights`
# The ranker: boosted trees on the logistic loss (`trees.fit_trees`). Chosen on the
# training cross-validation of `benchmarks/cv_suggestions.py` (P@5 0.7720 for the former
# one-hidden-layer network `ranking.fit_ranker`, see docs/benchmarks.md). Depth 5: on the
# leak-free CV, 0.7746 against 0.7702 at depth 4 (deeper trees and the producer's hit
# rates had won on the former, leaky CV by recognising near-duplicate titles). 600 trees
# at half the rate: +0.0020 +/- 0.0009 on that CV but +0.0003 +/- 0.0008 end to end and
# 0.789 held out (eleventh round): not kept, for twice the fitting time.
RANKER_TREES = {"objective": "logistic", "trees": 300, "depth": 5, "learning_rate": 0.05}


class TrainingError(Exception):
    """A training file is missing, unreadable or lacks the needed columns."""


@dataclass
class Record:
    title: str
    description: str
    tags: list[str]
    licence: str = ""      # as written in the export ("Licence Ouverte / Open Licence...")
    frequency: str = ""    # data.gouv.fr vocabulary ("annual", "irregular"...)
    id: str = ""
    organisation: str = ""  # the producer's slug, as the catalogue importer makes it


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def read_records(path: Path) -> Iterator[Record]:
    """The datasets of a data.gouv.fr catalogue export (`.csv` or `.csv.gz`)."""
    if not path.exists():
        raise TrainingError(f"Fichier introuvable : {path}")
    try:
        with _open_text(path) as stream:
            reader = csv.DictReader(stream, delimiter=";")
            missing = {"title", "tags"} - set(reader.fieldnames or [])
            if missing:
                raise TrainingError(f"{path.name} : colonnes manquantes {sorted(missing)} "
                                    "(un export du catalogue de data.gouv.fr, séparé par « ; », "
                                    "est attendu).")
            for row in reader:
                tags = sorted({t.strip().lower() for t in (row.get("tags") or "").split(",")
                               if t.strip()})
                yield Record(title=(row.get("title") or "").strip(),
                             description=row.get("description") or "", tags=tags,
                             licence=row.get("license") or "",
                             frequency=row.get("frequency") or "", id=row.get("id") or "",
                             organisation=organisation_slug(row.get("organization") or ""))
    except (OSError, UnicodeDecodeError, csv.Error, EOFError) as exc:
        raise TrainingError(f"{path.name} illisible : {exc}") from exc


def organisation_slug(name: str) -> str:
    """The slug `catalog.importers.catalog_csv` gives an organisation of that name."""
    return slugify(name)[:255].strip("-")


def twin_key(record: Record) -> tuple[str, str]:
    """What makes two records the same dataset published twice: the producer and the
    folded title. The national export holds such twins of DataSud datasets (287 records
    of the Arles-Crau-Camargue-Montagnette agglomeration, harvested from its own portal,
    share producer, title and tags with some of its 505 DataSud datasets of that title): a
    model measured on a dataset must not learn from its twin."""
    return record.organisation, fold(record.title)


def twin_keys(records: Iterable[Record]) -> set[tuple[str, str]]:
    return {twin_key(r) for r in records}


def without_twins(national: list[Record], held: list[Record]) -> list[Record]:
    """The `national` records that are not a twin of one of `held` (`twin_key`)."""
    twins = twin_keys(held)
    return [r for r in national if twin_key(r) not in twins]


def split_by_dataset(records: list[Record], test_share: float = 0.2,
                     seed: int = 20260101) -> tuple[list[Record], list[Record]]:
    """A fixed random split by dataset: (train, test)."""
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * (1 - test_share))
    return [records[i] for i in order[:cut]], [records[i] for i in order[cut:]]


def licence_slugs() -> dict[str, str]:
    """Folded licence title/slug/alternate title -> licence slug (catalog/data/licences.json)."""
    index: dict[str, str] = {}
    for licence in json.loads((CATALOG_DATA / "licences.json").read_text(encoding="utf-8")):
        for name in [licence["slug"], licence["title"], *licence.get("alternate_titles", [])]:
            index.setdefault(fold(name), licence["slug"])
    return index


def theme_slugs() -> list[str]:
    themes = json.loads((CATALOG_DATA / "themes.json").read_text(encoding="utf-8"))
    return [t["slug"] for t in sorted(themes, key=lambda t: t["position"])]


def train(datasud: list[Record], national: Iterable[Record] = (), *,
          weights: Weights | None = None, matcher: ThemeMatcher | None = None,
          progress=None, folds: int = RANKER_FOLDS,
          net_epochs: int = tagnet.EPOCHS) -> SuggestionModel:
    """Learn the model: the nearest-neighbours index on `datasud`; tag vocabulary, IDF and
    the feature -> tag associations on `datasud` + `national`; the tag networks on
    `datasud` and the national datasets carrying its tags (`_train_net`); the ranker by
    cross-validation on `datasud` (each fold's evidence comes from a model trained
    without that fold). Deterministic."""
    say = progress or (lambda message: None)
    matcher = matcher or default_matcher()
    national = list(national)
    if not datasud:
        raise TrainingError("Aucun jeu de données pour l'apprentissage.")
    say(f"{len(datasud)} jeux DataSud, {len(national)} jeux nationaux")
    national_analysed = [_analyse(r) for r in national]
    model, vectors = _train_base(datasud, national, national_analysed, weights, matcher)
    say(f"{len(model.features)} descripteurs, {len(model.tags)} mots-clés, "
        f"{model.assoc_tag.size} couples descripteur-mot-clé")
    if net_epochs > 0:
        _train_net(model, datasud, vectors[:len(datasud)], net_epochs, national,
                   vectors[len(datasud):])
        say(f"réseau de mots-clés : {model.net_emb.shape[0]} descripteurs, "
            f"{model.net_tags.size} mots-clés")
    if len([r for r in datasud if r.tags]) >= MIN_RANKER_DATASETS and folds >= 2:
        model.ranker, model.far_ranker = _train_ranker(
            model, datasud, national, national_analysed, weights, matcher, folds, net_epochs,
            say)
    return model


def _analyse(record: Record) -> tuple[dict[str, float], set[str], set[str]]:
    counts, words = document_features(record.title, record.description)
    return counts, words, set(tokens(record.title))


def _train_base(datasud: list[Record], national: list[Record], national_analysed: list,
                weights: Weights | None, matcher: ThemeMatcher) -> tuple[SuggestionModel, list]:
    """The model without network nor ranker, and the TF-IDF vectors of `datasud` then
    `national` (feature ids of that model)."""
    everything = [*datasud, *national]
    analysed = [_analyse(r) for r in datasud] + national_analysed
    docs_features = [counts for counts, _words, _title in analysed]
    df = Counter()
    for counts in docs_features:
        df.update(counts.keys())
    features = sorted(f for f, n in df.items() if n >= MIN_FEATURE_DF)
    feature_index = {f: i for i, f in enumerate(features)}
    n_docs = len(everything)
    idf = np.array([math.log((1 + n_docs) / (1 + df[f])) + 1 for f in features], np.float32)

    tag_count = Counter(t for r in everything for t in r.tags)
    datasud_tags = {t for r in datasud for t in r.tags}
    # DataSud's own tags always; national ones when they are common enough to be a
    # vocabulary rather than one producer's label.
    tags = sorted(t for t, n in tag_count.items()
                  if n >= MIN_TAG_COUNT or (t in datasud_tags and n >= 1))
    tag_index = {t: i for i, t in enumerate(tags)}

    # Normalised tf-idf vectors.
    vectors = []
    for counts in docs_features:
        ids = [feature_index[f] for f in counts if f in feature_index]
        vals = np.array([(1 + math.log(counts[features[i]])) * idf[i] for i in ids], np.float32)
        norm = float(np.linalg.norm(vals)) or 1.0
        vectors.append((np.array(ids, np.int64), vals / norm))

    # Inverted index of the DataSud datasets (the neighbours that vote).
    n_datasud = len(datasud)
    post_ptr, post_doc, post_weight = _inverted_index(vectors[:n_datasud], len(features))
    doc_tag_ptr = np.cumsum([0] + [len(r.tags) for r in datasud])
    doc_tags = np.array([tag_index[t] for r in datasud for t in r.tags], np.int32)
    # And one of the national datasets carrying a tag of the vocabulary (the ranker's
    # national neighbours, `SuggestionModel.national_neighbours`).
    nat_kept = [i for i, r in enumerate(national) if any(t in tag_index for t in r.tags)]
    nat_ptr, nat_doc, nat_weight = _inverted_index(
        [_strongest(vectors[n_datasud + i], NATIONAL_FEATURES) for i in nat_kept],
        len(features))
    nat_tag_lists = [[tag_index[t] for t in national[i].tags if t in tag_index]
                     for i in nat_kept]

    themes = theme_slugs()
    theme_bit = {slug: 1 << i for i, slug in enumerate(themes)}
    doc_themes = np.array([sum(theme_bit[s] for s in matcher.match(r.tags, r.title)
                               if s in theme_bit) for r in datasud], np.uint16)

    licence_of = licence_slugs()
    licences = sorted(set(licence_of.values()))
    licence_id = {s: i for i, s in enumerate(licences)}
    doc_licence = np.array([licence_id.get(licence_of.get(fold(r.licence), ""), -1)
                            for r in datasud], np.int8)
    frequencies = sorted({str(v) for v in FREQUENCIES.values()} - {"unknown"})
    frequency_id = {s: i for i, s in enumerate(frequencies)}
    doc_frequency = np.array([frequency_id.get(str(FREQUENCIES.get(r.frequency, "")), -1)
                              for r in datasud], np.int8)
    licence_prior = np.bincount(doc_licence[doc_licence >= 0], minlength=len(licences))
    frequency_prior = np.bincount(doc_frequency[doc_frequency >= 0],
                                  minlength=len(frequencies))

    assoc_ptr, assoc_tag, assoc_weight = _associations(vectors, everything, tag_index,
                                                       len(features))
    match_precision = _match_precision(everything, [words for _c, words, _t in analysed], tags)
    title_precision = _match_precision(everything, [title for _c, _w, title in analysed],
                                       tags)

    model = SuggestionModel(
        features=features, idf=idf,
        post_ptr=post_ptr, post_doc=post_doc, post_weight=post_weight,
        nat_post_ptr=nat_ptr, nat_post_doc=nat_doc, nat_post_weight=nat_weight,
        nat_tag_ptr=np.cumsum([0] + [len(t) for t in nat_tag_lists]).astype(np.int32),
        nat_tags=np.array([t for tags in nat_tag_lists for t in tags], np.int32),
        doc_tag_ptr=doc_tag_ptr.astype(np.int32), doc_tags=doc_tags,
        doc_themes=doc_themes, doc_licence=doc_licence, doc_frequency=doc_frequency,
        tags=tags, tag_count=np.array([tag_count[t] for t in tags], np.int32),
        tag_match_precision=match_precision, tag_title_precision=title_precision,
        assoc_ptr=assoc_ptr, assoc_tag=assoc_tag, assoc_weight=assoc_weight,
        themes=themes, licences=licences, frequencies=frequencies,
        licence_prior=(licence_prior / max(1, licence_prior.sum())).astype(np.float32),
        frequency_prior=(frequency_prior / max(1, frequency_prior.sum())).astype(np.float32),
        weights=weights or Weights(),
        meta={"datasud_datasets": len(datasud), "national_datasets": len(national)},
    )
    index_catalogue_facts(model, datasud)
    return model, vectors


def _strongest(vector: tuple[np.ndarray, np.ndarray], count: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The `count` heaviest features of a TF-IDF vector (not normalised again: a
    similarity to it stays a lower bound of the true one)."""
    ids, vals = vector
    if ids.size <= count:
        return vector
    keep = np.argpartition(-vals, count - 1)[:count]
    return ids[keep], vals[keep]


def _inverted_index(vectors: list, n_features: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ptr [F+1], document, weight) of normalised TF-IDF `vectors`: the postings of
    feature f are [ptr[f]:ptr[f+1]], documents numbered in the order of `vectors`."""
    pairs_f = np.concatenate([v[0] for v in vectors] or [np.zeros(0, np.int64)])
    pairs_d = np.concatenate([np.full(v[0].size, d, np.int64) for d, v in enumerate(vectors)]
                             or [np.zeros(0, np.int64)])
    pairs_w = np.concatenate([v[1] for v in vectors] or [np.zeros(0, np.float32)])
    order = np.lexsort((pairs_d, pairs_f))
    ptr = np.zeros(n_features + 1, np.int64)
    np.add.at(ptr, pairs_f + 1, 1)
    return (np.cumsum(ptr).astype(np.int32), pairs_d[order].astype(np.int32),
            pairs_w[order].astype(np.float16))


def index_catalogue_facts(model: SuggestionModel, datasud: list[Record]) -> None:
    """What the model keeps of each indexed DataSud dataset besides its text: its
    producer (the form and the API know the organisation of a dataset being described)
    and its title template (`text.title_template`: series of datasets that differ by a
    year or a commune name)."""
    producers = sorted({r.organisation for r in datasud if r.organisation})
    producer_id = {slug: i for i, slug in enumerate(producers)}
    model.producers = producers
    model.doc_producer = np.array([producer_id.get(r.organisation, -1) for r in datasud],
                                  np.int16)
    model.doc_template = np.array([template_key(r.title) for r in datasud], np.uint32)
    model.index_facts()


def _train_net(model: SuggestionModel, records: list[Record], vectors: list,
               epochs: int, national: list[Record] = (),
               national_vectors: list = ()) -> None:
    """The tag network, on the DataSud datasets the model indexes, and with a smaller
    weight on the national datasets that carry one of their tags (`tagnet.NATIONAL_*`:
    a network learnt on the national catalogue alone knew little of DataSud's tags, P@5
    0.38 against 0.75 for one learnt on DataSud; as extra examples they add wording
    DataSud's own datasets do not have). The network learnt on the DataSud datasets alone
    is kept too (`own_net_*`): it is the surer of the two on a text close to DataSud's
    datasets, the other on a text unlike them (docs/benchmarks.md, tenth round). Their
    input: the features of the DataSud datasets, the most frequent first; their output:
    the tags these carry."""
    df = Counter(i for ids, _vals in vectors for i in ids.tolist())
    used = np.array(sorted(df), np.int64)
    # The most frequent features (lowest IDF), at most MAX_FEATURES.
    used = used[np.argsort(model.idf[used], kind="stable")[:tagnet.MAX_FEATURES]]
    net_row = np.full(len(model.features), -1, np.int32)
    net_row[used] = np.arange(used.size, dtype=np.int32)
    docs = [_net_input(net_row, ids, vals) for ids, vals in vectors]
    net_tags = np.array(sorted({model.tag_index[t] for r in records for t in r.tags}),
                        np.int32)
    position = {int(t): j for j, t in enumerate(net_tags)}
    doc_tags = [[position[model.tag_index[t]] for t in r.tags] for r in records]
    model.net_row, model.net_tags = net_row, net_tags
    examples = _national_examples(model, national, national_vectors, position)
    if examples:  # the network learnt on DataSud alone is kept as more evidence
        emb, out, bias = tagnet.train(docs, doc_tags, np.ones(len(docs)), used.size,
                                      net_tags.size, epochs=epochs)
        model.own_net_emb, model.own_net_out, model.own_net_bias = (
            emb.astype(np.float16), out.astype(np.float16), bias.astype(np.float32))
    weights = [1.0] * len(docs)
    for (ids, vals), tags in examples:
        docs.append(_net_input(net_row, ids, vals))
        doc_tags.append(tags)
        weights.append(tagnet.NATIONAL_WEIGHT)
    emb, out, bias = tagnet.train(docs, doc_tags, np.array(weights), used.size,
                                  net_tags.size, epochs=epochs)
    model.net_emb, model.net_out, model.net_bias = (
        emb.astype(np.float16), out.astype(np.float16), bias.astype(np.float32))


def _net_input(net_row: np.ndarray, ids: np.ndarray, vals: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """A TF-IDF vector as the network reads it: its features' embedding rows and values,
    the features without an embedding left out."""
    rows = net_row[ids]
    return rows[rows >= 0], vals[rows >= 0]


def _national_examples(model: SuggestionModel, national: list[Record],
                       national_vectors: list, position: dict[int, int]) -> list:
    """(TF-IDF vector, network tag positions) of the national datasets that carry a tag
    of the network: a random sample of at most `tagnet.NATIONAL_MAX` (fixed seed), so
    that DataSud's own datasets stay the bulk of what the network learns from."""
    examples = []
    for record, vector in zip(national, national_vectors, strict=True):
        tags = sorted({position[model.tag_index[t]] for t in record.tags
                       if t in model.tag_index and model.tag_index[t] in position})
        if tags:
            examples.append((vector, tags))
    if len(examples) > tagnet.NATIONAL_MAX:
        keep = sorted(random.Random(tagnet.NATIONAL_SEED).sample(range(len(examples)),
                                                                  tagnet.NATIONAL_MAX))
        examples = [examples[i] for i in keep]
    return examples


def fold_parts(n: int, folds: int = RANKER_FOLDS, seed: int = RANKER_SEED) -> list[list[int]]:
    """The ranker's cross-validation folds over `n` DataSud datasets (indices, fixed seed)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[part::folds]) for part in range(folds)]


def fold_model(datasud: list[Record], held: list[int], national: list[Record],
               national_analysed: list, weights: Weights | None, matcher: ThemeMatcher,
               net_epochs: int) -> SuggestionModel:
    """The model trained without the datasets `held` (+ its own network if net_epochs),
    nor their national twins (`twin_key`)."""
    held_set = set(held)
    kept = [r for i, r in enumerate(datasud) if i not in held_set]
    twins = twin_keys(datasud[i] for i in held)
    national_kept = [i for i, r in enumerate(national) if twin_key(r) not in twins]
    inner, vectors = _train_base(kept, [national[i] for i in national_kept],
                                 [national_analysed[i] for i in national_kept], weights,
                                 matcher)
    if net_epochs > 0:  # its own network, that has not seen the fold either
        _train_net(inner, kept, vectors[:len(kept)], net_epochs,
                   [national[i] for i in national_kept], vectors[len(kept):])
    return inner


def fold_evidence(inner: SuggestionModel, records: list[Record],
                  anonymous: bool = False) -> tuple[list, list, list]:
    """Per tagged record (one the model `inner` was NOT trained on): the evidence rows of
    its candidate tags, their labels (1: the producer gave the tag) and their names.
    `anonymous`: as if the producer were not given, for the records that have one (and
    only those)."""
    rows, labels, names = [], [], []
    for record in records:
        if not record.tags or (anonymous and not record.organisation):
            continue
        if anonymous:
            record = replace(record, organisation="")
        ids, vals, words = inner.vectorise(record.title, record.description)
        docs, sims = inner.neighbours(ids, vals)
        tags, evidence = inner.candidates(record.title, record.description, "", ids,
                                          vals, words, docs, sims, record.organisation)
        truth = set(record.tags)
        rows.append(evidence)
        names.append(np.array([inner.tags[t] for t in tags.tolist()], dtype=object))
        labels.append(np.array([name in truth for name in names[-1].tolist()], float))
    return rows, labels, names


def _train_ranker(model: SuggestionModel, datasud: list[Record], national: list[Record],
                  national_analysed: list, weights: Weights | None, matcher: ThemeMatcher,
                  folds: int, net_epochs: int, say
                  ) -> tuple[trees.TreeRanker, trees.TreeRanker | None]:
    """Cross-validation: for each fold of `datasud`, a model trained on the other folds
    (+ national) gives the evidence of the fold's candidate tags, labelled by the tags the
    producers actually gave; the ranker learns from all folds at once, the far ranker
    from the datasets without a near twin (`ranking.has_no_near_twin`; none when fewer
    than `MIN_RANKER_DATASETS`)."""
    evidence, anonymous = [], []
    for part, held in enumerate(fold_parts(len(datasud), folds)):
        inner = fold_model(datasud, held, national, national_analysed, weights, matcher,
                           net_epochs if model.net_emb is not None else 0)
        evidence.append(fold_evidence(inner, [datasud[i] for i in held]))
        anonymous.append(fold_evidence(inner, [datasud[i] for i in held], anonymous=True))
        say(f"ordonnateur : pli {part + 1}/{folds}")
    # The ranker also learns from each dataset as if its producer were not given: the
    # organisation is optional in the API, and trees would otherwise read "no producer's
    # share" as "a tag its producer never uses".
    # (The tags' hit rates as candidates of the other folds, alone or per producer, were
    # tried as evidence: they lowered the leak-free end-to-end P@5, 0.7788 -> 0.7740.)
    both = [*evidence, *anonymous]
    rows = [row for fold_rows, _labels, _names in both for row in fold_rows]
    labels = [label for _rows, fold_labels, _names in both for label in fold_labels]

    def fitted(kept: list[int]) -> trees.TreeRanker:
        return trees.fit_trees(np.concatenate([rows[i] for i in kept]),
                               np.concatenate([labels[i] for i in kept]),
                               np.array([rows[i].shape[0] for i in kept]), **RANKER_TREES)

    far = [i for i, row in enumerate(rows) if ranking.has_no_near_twin(row)]
    if len(far) < MIN_RANKER_DATASETS:
        return fitted(list(range(len(rows)))), None
    say(f"ordonnateur des textes sans jumeau proche : {len(far)} exemples")
    return fitted(list(range(len(rows)))), fitted(far)


def _associations(vectors, records: list[Record], tag_index: dict[str, int],
                  n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(tag | feature) = datasets with both / (datasets with the feature + 5), the
    ASSOC_TOP best tags of each feature, counted with numpy on pair codes."""
    n_tags = len(tag_index)
    codes, feature_df = [], np.zeros(n_features, np.int64)
    for (ids, _vals), record in zip(vectors, records, strict=True):
        feature_df[ids] += 1
        tag_ids = np.array([tag_index[t] for t in record.tags if t in tag_index], np.int64)
        if ids.size and tag_ids.size:
            codes.append((ids[:, None] * n_tags + tag_ids[None, :]).ravel())
    if not codes:
        empty = np.zeros(0, np.int32)
        return np.zeros(n_features + 1, np.int32), empty, empty.astype(np.float16)
    pair_codes, counts = np.unique(np.concatenate(codes), return_counts=True)
    keep = counts >= ASSOC_MIN_PAIRS
    pair_codes, counts = pair_codes[keep], counts[keep]
    feat, tag = pair_codes // n_tags, pair_codes % n_tags
    prob = counts / (feature_df[feat] + 5.0)
    # Best tags first within each feature, then cut each feature's list at ASSOC_TOP.
    order = np.lexsort((-prob, feat))
    feat, tag, prob = feat[order], tag[order], prob[order]
    starts = np.searchsorted(feat, feat, side="left")
    rank = np.arange(feat.size) - starts
    keep = rank < ASSOC_TOP
    feat, tag, prob = feat[keep], tag[keep], prob[keep]
    ptr = np.zeros(n_features + 1, np.int64)
    np.add.at(ptr, feat + 1, 1)
    return (np.cumsum(ptr).astype(np.int32), tag.astype(np.int32),
            prob.astype(np.float16))


def _match_precision(records: list[Record], word_sets: list[set[str]],
                     tags: list[str]) -> np.ndarray:
    """For each tag: (datasets whose title/description contain its words and that carry
    it + 1) / (datasets whose text contains its words + 2)."""
    words_of = {t: tag_words(t) for t in tags}  # (also called with title words only)
    by_first: dict[str, list[str]] = {}
    for tag, words in words_of.items():
        if words:
            by_first.setdefault(words[0], []).append(tag)
    seen, given = Counter(), Counter()
    for record, words in zip(records, word_sets, strict=True):
        carried = set(record.tags)
        for word in words:
            for tag in by_first.get(word, ()):
                if all(w in words for w in words_of[tag]):
                    seen[tag] += 1
                    given[tag] += tag in carried
    return np.array([(given[t] + 1) / (seen[t] + 2) for t in tags], np.float32)


def tune(model: SuggestionModel, validation: list[Record],
         grid: list[dict] | None = None) -> tuple[Weights, float]:
    """The weights of the linear mix (a model without ranker) with the best P@5 on
    `validation` (datasets the model was NOT trained on), among `model.weights` changed by
    each entry of `grid`. The model's ranker, if any, is set aside meanwhile."""
    from .evaluation import tag_metrics

    grid = grid or [{"k": k, "power": p, "assoc": a, "match": m}
                    for k in (10, 20, 30) for p in (2.0, 3.0, 5.0)
                    for a in (0.3, 0.6) for m in (0.5, 0.8, 1.2)]
    start, ranker = model.weights, model.ranker
    model.ranker = None
    best, best_score = start, -1.0
    for change in grid:
        model.weights = replace(start, **change)
        score = tag_metrics(validation, lambda r: [
            name for name, _ in model.tag_scores(r.title, r.description)]).p5
        if score > best_score:
            best, best_score = model.weights, score
    model.weights, model.ranker = start, ranker
    return best, best_score
