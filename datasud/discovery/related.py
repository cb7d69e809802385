"""Related datasets: for a dataset, the few others a reuser would want next, with why.

    related_datasets(request.user, dataset)  # -> [Related(dataset, score, reasons)]

A score per other dataset, over the whole catalogue at once:
- content: cosine of TF-IDF vectors of title, tags and start of description, made of the
  suggestion model's text features (`intelligence.text.document_features`: folded words,
  prefixes, word pairs; the title counted three times), with the IDF of the catalogue as
  it is (the trained model's IDF would not know words that came since);
- same producer, shared themes, shared territories (a commune weighs more than a
  département, the région almost nothing: nearly everything covers it).

The vectors and relations of every dataset live in a per-process snapshot (numpy postings
of 32-bit ids and weights, ~95 (dataset, feature) pairs per dataset, and the feature
vocabulary: ~12 MB for the demo's 2,382 datasets, about 360 MB of a process measured at
62,000, more while a rebuild runs; see docs/discovery.md), so a dataset page pays a few
milliseconds: one
cheap query to know whether the catalogue changed (count, last id, last modification, and
the search index's token, which every indexed change renews), the arithmetic, and one
query for the page's datasets. When the catalogue changed, the snapshot is rebuilt from a
few plain queries, re-reading the words of the datasets whose text changed only; a big
catalogue is rebuilt in a thread, at most every 10 build times (`_Index.current`), so that
no page waits for it and a harvest writing thousands of changes does not keep a core busy.

The snapshot holds every dataset, drafts and private ones included, but nothing of it is
shown without going through `Dataset.objects.visible_to(user)`: candidates are filtered by
one query per request, so a stale snapshot can only make a list less relevant, never leak.
Archived datasets (no longer maintained) are never proposed.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Tag, Theme
from datasud.intelligence.text import document_features, fold
from datasud.territories.models import Territory

logger = logging.getLogger(__name__)

LIMIT = 6
# Datasets of one series (same title but for its numbers) proposed at most.
SERIES_LIMIT = 2
# Reasons given per dataset, the strongest first.
MAX_REASONS = 3
# Candidates checked against the visibility rules, in score order, per request.
CANDIDATES = 60
# Weights of the parts of the score (content is a cosine in [0, 1]).
W_PRODUCER = 0.2
W_THEME = 0.15
W_TERRITORY = 0.25
TERRITORY_WEIGHTS = {
    Territory.Level.COMMUNE: 1.0,
    Territory.Level.EPCI: 0.7,
    Territory.Level.DEPARTEMENT: 0.4,
    Territory.Level.REGION: 0.05,
}
# Below this, a dataset is not related enough to be proposed (one shared theme alone is not).
MIN_SCORE = 0.16
# A content similarity worth naming as a reason.
CONTENT_REASON = 0.12
DESCRIPTION_CHARS = 1000
# After a rebuild that took t seconds, the next waits min(10 t, MAX_WAIT) seconds.
MAX_WAIT = 30.0
SLOW_BUILD = 0.05
# ... and its signature is read at most once every CHECK_EVERY seconds.
CHECK_EVERY = 1.0
# The first build of a catalogue bigger than this runs in a thread (see `_Index.current`).
BACKGROUND_BUILD = 500
# Fields of the proposed datasets that pages and the API show.
SHOWN_FIELDS = (
    "id",
    "slug",
    "title",
    "organisation__id",
    "organisation__name",
    "organisation__slug",
)


@dataclass
class Reason:
    kind: str  # content, tags, producer, territory, theme
    label: str  # in French (translated)


@dataclass
class Related:
    dataset: Dataset
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class _Doc:
    # A hash of (title, description, tag words): enough to see that the text changed,
    # without keeping a copy of every description in each process.
    key: int
    features: np.ndarray  # int32 feature ids (`_Index.features`), each once
    counts: np.ndarray  # float32, weighted occurrences (title three times)


class _Snapshot:
    """Every dataset's vector and relations, as arrays over positions 0..N-1."""

    def __init__(
        self,
        rows: list[tuple],
        themes: dict[int, list[int]],
        tags: dict[int, list[int]],
        territories: dict[int, list[int]],
        docs: dict[int, _Doc],
        territory_info: dict[int, tuple[str, str]],
        tag_names: dict[int, str],
        theme_names: dict[int, str],
    ):
        self.ids = np.array([row[0] for row in rows], np.int64)
        self.position = {pk: i for i, pk in enumerate(self.ids.tolist())}
        self.organisation = np.array([row[1] for row in rows], np.int64)
        self.archived = np.array([row[2] for row in rows], bool)
        self.themes = {self.position[pk]: ids for pk, ids in themes.items() if pk in self.position}
        self.tags = {self.position[pk]: set(ids) for pk, ids in tags.items() if pk in self.position}
        self.territories = {
            self.position[pk]: ids for pk, ids in territories.items() if pk in self.position
        }
        self.docs = docs
        self.territory_info = territory_info
        self.tag_names = tag_names
        self.theme_names = theme_names
        self.by_theme = _postings(self.themes)
        self.by_territory = _postings(self.territories)
        self._vectors(docs)

    def _vectors(self, docs: dict[int, _Doc]) -> None:
        """TF-IDF weights, L2-normalised, with the IDF of the catalogue as it is now: the
        postings (for each feature, the positions having it and their weights), and what
        rebuilds a dataset's own vector from its features (`_Doc`) when it is scored: each
        feature's document frequency and each dataset's norm.

        Positions are 32-bit, weights float32, a feature's postings found from an offset
        array rather than a feature id per pair: the postings are the bulk of a process's
        memory (one entry per dataset and feature, ~120 per dataset), and the scores are
        rounded to three decimals anyway. A dataset's own vector is not kept twice."""
        n = self.ids.size
        features, positions, counts = [], [], []
        for pk, doc in docs.items():
            if pk in self.position and doc.features.size:
                features.append(doc.features)
                positions.append(np.full(doc.features.size, self.position[pk], np.int32))
                counts.append(doc.counts)
        if not features:
            self.document_frequency = np.zeros(0, np.int32)
            self.norms = np.ones(n, np.float32)
            self.post_offsets = np.zeros(1, np.int64)
            self.post_position = np.zeros(0, np.int32)
            self.post_weight = np.zeros(0, np.float32)
            return
        f, p, c = np.concatenate(features), np.concatenate(positions), np.concatenate(counts)
        del features, positions, counts
        self.document_frequency = np.bincount(f).astype(np.int32)
        w = self._weights(f, c)
        norms = np.sqrt(np.bincount(p, weights=w * w, minlength=n))
        self.norms = np.where(norms > 0, norms, 1.0).astype(np.float32)
        w = (w / self.norms[p]).astype(np.float32)
        del c, norms
        by_feature = np.argsort(f, kind="stable")
        self.post_offsets = np.concatenate(
            ([0], np.cumsum(np.bincount(f, minlength=self.document_frequency.size))))
        self.post_position = p[by_feature]
        self.post_weight = w[by_feature]

    def _weights(self, features: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Unnormalised TF-IDF weights of occurrences `counts` of `features`."""
        n = self.ids.size
        return ((1.0 + np.log(counts.astype(np.float64)))
                * np.log(n / self.document_frequency[features]))

    def content(self, i: int) -> np.ndarray:
        """Cosine of the dataset at position `i` with every dataset."""
        sims = np.zeros(self.ids.size, np.float64)
        doc = self.docs.get(int(self.ids[i]))
        if doc is None or doc.features.size == 0:
            return sims
        features = doc.features
        weights = self._weights(features, doc.counts) / self.norms[i]
        starts = self.post_offsets[features]
        lengths = self.post_offsets[features + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return sims
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        contributions = self.post_weight[offsets] * np.repeat(weights, lengths)
        return np.bincount(
            self.post_position[offsets], weights=contributions, minlength=self.ids.size
        )

    def score(self, pk: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Scores of every dataset for the dataset `pk`, and the parts they are made of."""
        i = self.position[pk]
        parts = {"content": self.content(i)}
        parts["producer"] = (self.organisation == self.organisation[i]) * W_PRODUCER
        themes = np.zeros(self.ids.size)
        own_themes = self.themes.get(i, [])
        for theme in own_themes:
            themes[self.by_theme[theme]] += 1.0
        parts["theme"] = W_THEME * themes / max(1, len(own_themes))
        territories = np.zeros(self.ids.size)
        for territory in self.territories.get(i, []):
            level = self.territory_info.get(territory, ("", ""))[0]
            positions = self.by_territory[territory]
            territories[positions] = np.maximum(
                territories[positions], TERRITORY_WEIGHTS.get(level, 0.0)
            )
        parts["territory"] = W_TERRITORY * territories
        total = sum(parts.values())
        total[i] = 0.0
        total[self.archived] = 0.0
        return total, parts

    def reasons(self, pk: int, other: int, parts: dict[str, np.ndarray]) -> list[Reason]:
        i, j = self.position[pk], self.position[other]
        found: list[tuple[float, Reason]] = []
        if parts["content"][j] >= CONTENT_REASON:
            shared = sorted(
                self.tag_names[t]
                for t in self.tags.get(i, set()) & self.tags.get(j, set())
                if t in self.tag_names
            )
            if shared:
                found.append(
                    (
                        parts["content"][j],
                        Reason(
                            "tags",
                            _("Mots-clés communs : %(tags)s") % {"tags": ", ".join(shared[:3])},
                        ),
                    )
                )
            else:
                found.append((parts["content"][j], Reason("content", _("Contenu proche"))))
        if parts["producer"][j] > 0:
            found.append((parts["producer"][j], Reason("producer", _("Même producteur"))))
        shared_territories = set(self.territories.get(i, [])) & set(self.territories.get(j, []))
        best = max(
            shared_territories,
            default=None,
            key=lambda t: (
                TERRITORY_WEIGHTS.get(self.territory_info[t][0], 0.0),
                self.territory_info[t][1],
            ),
        )
        if best is not None and self.territory_info[best][0] != Territory.Level.REGION:
            found.append(
                (
                    parts["territory"][j],
                    Reason(
                        "territory",
                        _("Même territoire : %(name)s") % {"name": self.territory_info[best][1]},
                    ),
                )
            )
        shared_themes = [t for t in self.themes.get(i, []) if t in self.themes.get(j, [])]
        if shared_themes:
            found.append(
                (
                    parts["theme"][j],
                    Reason(
                        "theme",
                        _("Thème commun : %(name)s")
                        % {"name": self.theme_names.get(shared_themes[0], "")},
                    ),
                )
            )
        found.sort(key=lambda item: -item[0])
        return [reason for _weight, reason in found]


def _postings(relation: dict[int, list[int]]) -> dict[int, np.ndarray]:
    lists: dict[int, list[int]] = {}
    for position, ids in relation.items():
        for target in ids:
            lists.setdefault(target, []).append(position)
    return {target: np.array(positions, np.int64) for target, positions in lists.items()}


def _pairs(through, column: str) -> dict[int, list[int]]:
    pairs: dict[int, list[int]] = {}
    for dataset_id, target in through.objects.values_list("dataset_id", column).order_by(
        "dataset_id", column
    ):
        pairs.setdefault(dataset_id, []).append(target)
    return pairs


class _Index:
    """The process's snapshot, rebuilt when the catalogue's signature changes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.snapshot: _Snapshot | None = None
        self.signature: tuple | None = None
        self.docs: dict[int, _Doc] = {}
        # Feature -> id, for the life of the process (ids are never reused).
        self.features: dict[str, int] = {}
        self.built_at = 0.0
        self.build_seconds = 0.0
        self.checked_at = 0.0
        self.building = False

    def current(self, wait: bool = True) -> _Snapshot | None:
        """The snapshot, rebuilt first if the catalogue changed.

        Small catalogues (a build under `SLOW_BUILD`) are rebuilt in the request. Big ones
        never make a request wait: a thread rebuilds while the previous snapshot answers,
        at most every 10 build times; and their very first build, when `wait` is false,
        runs in a thread too, None answering until it is done.
        """
        snapshot = self.snapshot
        now = time.monotonic()
        slow = self.build_seconds > SLOW_BUILD
        # A big catalogue's signature is read at most once a second.
        if snapshot is not None and slow and now - self.checked_at < CHECK_EVERY:
            return snapshot
        signature = _signature()
        self.checked_at = now
        if snapshot is not None and signature == self.signature:
            return snapshot
        if snapshot is not None and slow:
            if now - self.built_at >= min(10 * self.build_seconds, MAX_WAIT):
                self._build_in_background(signature)
            return snapshot
        if snapshot is None and not wait and signature[0] > BACKGROUND_BUILD:
            self._build_in_background(signature)
            return None
        return self._rebuild(signature)

    def _rebuild(self, signature: tuple) -> _Snapshot:
        with self.lock:
            if self.snapshot is not None and self.signature == signature:
                return self.snapshot
            started = time.monotonic()
            self.snapshot = self._build()
            self.signature = signature
            self.built_at = time.monotonic()
            self.build_seconds = self.built_at - started
            if self.build_seconds > SLOW_BUILD:
                _return_freed_memory()
            return self.snapshot

    def _build_in_background(self, signature: tuple) -> None:
        with self.lock:
            if self.building:
                return
            self.building = True

        def run() -> None:
            try:
                self._rebuild(signature)
            except Exception:  # logged; the next page asks again
                logger.exception("Related datasets: building the index failed")
            finally:
                self.building = False
                connection.close()  # this thread's own connection

        threading.Thread(target=run, name="related-datasets", daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.snapshot, self.signature, self.docs, self.features = None, None, {}, {}
            self.build_seconds = self.built_at = self.checked_at = 0.0

    def _build(self) -> _Snapshot:
        rows = list(
            Dataset.objects.order_by("id").values_list(
                "id",
                "organisation_id",
                "archived_at",
                "title",
                Substr("description", 1, DESCRIPTION_CHARS),
            )
        )
        rows = [
            (pk, org, archived is not None, title, description or "")
            for pk, org, archived, title, description in rows
        ]
        themes = _pairs(Dataset.themes.through, "theme_id")
        tags = _pairs(Dataset.tags.through, "tag_id")
        territories = _pairs(Dataset.territories.through, "territory_id")
        used_tags = {t for ids in tags.values() for t in ids}
        tag_names = (
            dict(Tag.objects.filter(id__in=used_tags).values_list("id", "name"))
            if used_tags
            else {}
        )
        theme_names = dict(Theme.objects.values_list("id", "name"))
        used_territories = {t for ids in territories.values() for t in ids}
        territory_info = (
            {
                pk: (level, name)
                for pk, level, name in Territory.objects.filter(
                    id__in=used_territories
                ).values_list("id", "level", "name")
            }
            if used_territories
            else {}
        )
        docs: dict[int, _Doc] = {}
        for pk, _org, _archived, title, description in rows:
            words = " ".join(tag_names.get(t, "").replace("-", " ") for t in tags.get(pk, ()))
            key = hash((title, description, words))
            old = self.docs.get(pk)
            if old is not None and old.key == key:
                docs[pk] = old
            else:
                counts, _words = document_features(title, description, words)
                ids = [self.features.setdefault(name, len(self.features)) for name in counts]
                docs[pk] = _Doc(
                    key, np.array(ids, np.int32), np.array(list(counts.values()), np.float32)
                )
        self.docs = docs
        return _Snapshot(
            [(pk, org, archived) for pk, org, archived, *_ in rows],
            themes,
            tags,
            territories,
            docs,
            territory_info,
            tag_names,
            theme_names,
        )


def _return_freed_memory() -> None:
    """Give the memory a build freed (its rows, the descriptions read) back to the system
    where the C library keeps it for the process otherwise (glibc): at 62,000 datasets,
    a web worker holding one snapshot went from +526 MB to +382 MB of resident memory."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # another C library: nothing to do
        pass


def _signature() -> tuple:
    """Changes whenever a dataset is added, removed, modified or re-indexed (the search
    index's token, renewed by every index write), in one statement."""
    from datasud.search.models import IndexState

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(id), MAX(modified_at), "
            f"(SELECT token FROM {quote(IndexState._meta.db_table)} WHERE id = 1) "
            f"FROM {quote(Dataset._meta.db_table)}"
        )
        return tuple(cursor.fetchone())


_index = _Index()


def reset() -> None:
    """Forget the process's snapshot (tests; after a restore)."""
    _index.reset()


def related_datasets(
    user, dataset: Dataset, limit: int = LIMIT, wait: bool = True
) -> list[Related] | None:
    """Up to `limit` datasets related to `dataset` that `user` may see, best first.

    Each comes with its score and the reasons of its relation (French labels). Archived
    datasets are never proposed; `dataset` itself neither. With `wait` false (pages),
    None while the process builds its first snapshot of a big catalogue.
    """
    snapshot = _index.current(wait)
    if snapshot is None:
        return None
    if dataset.pk not in snapshot.position:
        return []
    scores, parts = snapshot.score(dataset.pk)
    strong = np.flatnonzero(scores >= MIN_SCORE)
    if strong.size == 0:
        return []
    # Best first; among equals, the most recent dataset (higher id) first.
    order = strong[np.lexsort((-snapshot.ids[strong], -scores[strong]))][:CANDIDATES]
    candidate_ids = snapshot.ids[order].tolist()
    # The candidates the user may see, checked on every request (never cached: a dataset
    # made private leaves the lists at once), in one light query.
    visible = {
        d.pk: d
        for d in Dataset.objects.visible_to(user)
        .active()
        .filter(pk__in=candidate_ids)
        .select_related("organisation")
        .only(*SHOWN_FIELDS)
    }
    # A series (the same title but its years or numbers) would fill the list with its
    # other periods: at most SERIES_LIMIT of each, the most relevant (or recent) first.
    subject_series = series_key(dataset.title)
    per_series: dict[str, int] = {}
    related = []
    for position, pk in zip(order.tolist(), candidate_ids, strict=True):
        if pk not in visible:
            continue
        key = series_key(visible[pk].title)
        if key and per_series.get(key, 0) >= SERIES_LIMIT:
            continue
        per_series[key] = per_series.get(key, 0) + 1
        reasons = snapshot.reasons(dataset.pk, pk, parts)
        if key and key == subject_series:
            reasons.insert(0, Reason("series", _("Même série, autre période")))
        reasons = reasons[:MAX_REASONS]
        related.append(Related(visible[pk], round(float(scores[position]), 3), reasons))
        if len(related) == limit:
            break
    return related


def series_key(title: str) -> str:
    """The title without its numbers: "Budget primitif 2019" -> "budget primitif"; empty
    when nothing but numbers is left."""
    return " ".join(word for word in fold(title).split() if not any(c.isdigit() for c in word))
