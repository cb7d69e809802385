"""The index's facet rows held in memory, to count the facets of large sets of datasets.

Counting the themes, tags, formats and territories of thousands of matching datasets in SQL
reads a dozen `DatasetFacet` rows per dataset and groups them through a sort: most of an
uncached search over 60,000 datasets. Search engines keep such columns in memory instead;
so does this module: one array of value codes per dataset, in dataset id order (the index's
`DatasetFacet` rows of those facets and of producers and licences, 4 bytes each: 2.3 MB at
60,000 datasets, 7 MB with the values' names). Counting a set is then a lookup of its ids
and one `bincount`.

What is held is the index as of one `IndexState.token`: `_Holder.current(token)` gives it
only while that is still the index's token, so counts never come from a stale copy. After
an index write the copy is rebuilt, by default in a background thread of the process (half
a second at 60,000 datasets; builds take at most a tenth of the process's time, whatever
the rate of writes) while searches count in SQL, as they always can
(`settings.SEARCH_FACET_COLUMNS`: "background", "inline" to build within the search that
finds the copy stale, "off"). Nothing here decides who may see a dataset: the sets counted
are listed in SQL by the search, with the visibility rules.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from array import array
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection

from .cache import committed_token, current_token
from .models import DatasetFacet

logger = logging.getLogger(__name__)

# The facets read from the index's rows (producers and licences too, for the sets listed
# from the index, see `facets.Counted.producers_indexed`).
FACETS = ("theme", "tag", "format", "territory", "organisation", "licence")


@dataclass(frozen=True)
class FacetColumns:
    """The index's rows of `FACETS` as of `token`: the values of the dataset
    `dataset_ids[i]` are the codes `codes[offsets[i]:offsets[i + 1]]`; the codes of one
    facet are the range `ranges[facet]`, and `values[code]` is the value (`DatasetFacet.value`)
    a code stands for."""

    token: str
    dataset_ids: np.ndarray
    offsets: np.ndarray
    codes: np.ndarray
    values: list[str]
    ranges: dict[str, tuple[int, int]]
    code_of: dict[tuple[str, str], int]

    def counts(self, dataset_ids: np.ndarray) -> np.ndarray:
        """How many of `dataset_ids` (distinct) have each code; ids without index rows
        count for nothing, as they join no `DatasetFacet` row in SQL."""
        positions = np.searchsorted(self.dataset_ids, dataset_ids)
        inside = positions < len(self.dataset_ids)
        positions = positions[inside]
        positions = positions[self.dataset_ids[positions] == dataset_ids[inside]]
        starts = self.offsets[positions]
        lengths = self.offsets[positions + 1] - starts
        # The codes of every dataset found, their slices laid end to end.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        gathered = self.codes[np.arange(int(lengths.sum())) + shift]
        return np.bincount(gathered, minlength=len(self.values))

    def ids_counted(self, counts: np.ndarray, facet: str) -> tuple[np.ndarray, np.ndarray]:
        """The ids (values of a facet of catalogue rows: producers, licences) found in
        `counts`, and how many times each."""
        start, end = self.ranges[facet]
        found = np.flatnonzero(counts[start:end]) + start
        values = np.array([int(self.values[code]) for code in found], dtype=np.int64)
        return values, counts[found]

    def rows(self, counts: np.ndarray, facet: str, limit: int,
             kept: set[str]) -> list[tuple[str, int]]:
        """(value, n) of `facet` from `counts`: the values that may make its first `limit`
        (ties at the last place included, as SQL's RANK() keeps them) and those of `kept`
        counted at all."""
        start, end = self.ranges[facet]
        found = np.flatnonzero(counts[start:end]) + start
        return [(self.values[code], int(counts[code]))
                for code in top_codes(found, counts, limit,
                                      {self.code_of[(facet, value)] for value in kept
                                       if (facet, value) in self.code_of})]


def top_codes(found: np.ndarray, counts: np.ndarray, limit: int, kept: set[int]) -> list[int]:
    """Of the codes `found` (counts above zero), those whose count is at least the
    `limit`-th biggest, plus those of `kept` among them."""
    if len(found) <= limit:
        return found.tolist()
    threshold = np.partition(counts[found], len(found) - limit)[len(found) - limit]
    chosen = found[counts[found] >= threshold].tolist()
    return chosen + [code for code in kept if 0 < counts[code] < threshold]


def build(token: str) -> FacetColumns:
    """Read the index's rows of `FACETS`; `token` is the index's token read *before* them
    (under READ COMMITTED each statement sees its own state: rows newer than the token
    make a copy that is already stale, never one that claims to be newer than it is)."""
    facet_number = {facet: i for i, facet in enumerate(FACETS)}
    local: list[dict[str, int]] = [{} for _ in FACETS]
    ids, facets, locals_ = array("q"), array("b"), array("q")  # "q": 8 bytes everywhere
    table = connection.ops.quote_name(DatasetFacet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dataset_id, facet, value FROM {table} "
                       f"WHERE facet IN ({', '.join(['%s'] * len(FACETS))})", list(FACETS))
        while rows := cursor.fetchmany(20_000):
            for dataset_id, facet, value in rows:
                number = facet_number[facet]
                codes = local[number]
                code = codes.get(value)
                if code is None:
                    code = codes[value] = len(codes)
                ids.append(dataset_id)
                facets.append(number)
                locals_.append(code)
    sizes = np.array([len(codes) for codes in local], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    all_ids = np.frombuffer(ids, dtype=np.int64)
    codes = (np.frombuffer(locals_, dtype=np.int64)
             + starts[np.frombuffer(facets, dtype=np.int8)]).astype(np.int32)
    order = np.argsort(all_ids, kind="stable")
    sorted_ids = all_ids[order]
    dataset_ids, first = np.unique(sorted_ids, return_index=True)
    values: list[str] = []
    code_of: dict[tuple[str, str], int] = {}
    ranges = {}
    for number, facet in enumerate(FACETS):
        ranges[facet] = (int(starts[number]), int(starts[number] + sizes[number]))
        for value, code in local[number].items():
            code_of[(facet, value)] = int(starts[number]) + code
        values.extend(local[number])  # dicts keep insertion order: the local codes' order
    return FacetColumns(
        token=token, dataset_ids=dataset_ids,
        offsets=np.append(first, len(sorted_ids)).astype(np.int64),
        codes=codes[order], values=values, ranges=ranges, code_of=code_of)


class _Holder:
    """The process's copy, and at most one build of it running."""

    # A build takes at most this share of a process's time: while the index changes all
    # the time (a harvest), searches count in SQL rather than rebuild after every write.
    BUILD_SHARE = 0.1

    def __init__(self):
        self.columns: FacetColumns | None = None
        self.building: str | None = None
        self.next_build = 0.0  # time.monotonic() before which no build starts
        self.lock = threading.Lock()

    def current(self, token: str | None) -> FacetColumns | None:
        """The copy of the index as of `token` (the index's committed token, see
        `cache.committed_token`), or None: then count in SQL. A stale copy starts a build."""
        mode = getattr(settings, "SEARCH_FACET_COLUMNS", "background")
        if token is None or mode == "off":
            return None
        columns = self.columns
        if columns is not None and columns.token == token:
            return columns
        if mode == "inline":
            self.columns = build(token)
            return self.columns
        with self.lock:
            if self.building is not None or time.monotonic() < self.next_build:
                return None
            self.building = token
        threading.Thread(target=self._build, args=(token,), daemon=True,
                         name="datasud-facet-columns").start()
        return None

    def _build(self, token: str) -> None:
        started = time.monotonic()
        try:
            # The token again, in this thread's own connection: a write may have come.
            latest = current_token()
            if latest is not None:
                self.columns = build(latest)
        except Exception:  # a failed build only means counting in SQL a while longer
            logger.exception("facet columns: build failed")
        finally:
            connection.close()  # this thread's own connection
            with self.lock:
                self.building = None
                took = time.monotonic() - started
                self.next_build = time.monotonic() + took * (1 / self.BUILD_SHARE - 1)

    def warm(self) -> FacetColumns | None:
        """Build the copy now, in this thread, if the index has a token (a benchmark's
        warm-up: a running server has it built after the first search)."""
        token = committed_token()
        if token is not None:
            self.columns = build(token)
        return self.columns

    def clear(self) -> None:
        self.columns = None
        self.next_build = 0.0


def size_in_bytes(columns: FacetColumns) -> int:
    """About how much memory `columns` holds (arrays, value names and their codes)."""
    arrays = columns.dataset_ids.nbytes + columns.offsets.nbytes + columns.codes.nbytes
    names = sum(sys.getsizeof(value) for value in columns.values)
    # A dict entry (hash, key, value) and its tuple key of two references.
    return arrays + names + len(columns.code_of) * (3 * 8 + 56)


facet_columns = _Holder()
