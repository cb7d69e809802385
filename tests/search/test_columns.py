"""The index's facet rows held in memory (`search.columns`): what they hold, that counts
read from them are exactly the counts of SQL, and that a stale copy is never read."""
import threading
import time
from collections import defaultdict

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datasud.catalog import services
from datasud.catalog.models import Dataset, Theme
from datasud.search import cache
from datasud.search.columns import FACETS, build, facet_columns, top_codes
from datasud.search.models import DatasetFacet


def facets_of(result) -> dict:
    return {facet: [(v.value, v.label, v.count, v.selected) for v in values]
            for facet, values in result.facets.items()}


def held(columns) -> dict[int, set[tuple[str, str]]]:
    """Each dataset's (facet, value) pairs, read back from the columns."""
    by_code = {code: pair for pair, code in columns.code_of.items()}
    return {int(dataset_id): {by_code[int(code)] for code in
                              columns.codes[columns.offsets[i]:columns.offsets[i + 1]]}
            for i, dataset_id in enumerate(columns.dataset_ids)}


@pytest.fixture
def columns_mode(settings):
    def use(mode):
        settings.SEARCH_FACET_COLUMNS = mode
        facet_columns.clear()

    yield use
    facet_columns.clear()


@pytest.mark.django_db(transaction=True)
def test_columns_hold_the_index_rows_of_their_facets(catalogue, committed_index):
    columns = build(cache.current_token())
    expected = defaultdict(set)
    for dataset_id, facet, value in DatasetFacet.objects.filter(
            facet__in=FACETS).values_list("dataset_id", "facet", "value"):
        expected[dataset_id].add((facet, value))
    assert held(columns) == dict(expected)
    # Every value of one facet within its range of codes, the ranges end to end.
    assert [columns.ranges[facet] for facet in FACETS][0][0] == 0
    for facet, (start, end) in columns.ranges.items():
        assert all(columns.code_of[(f, v)] in range(start, end)
                   for f, v in columns.code_of if f == facet)
    # Counting ids: unknown ids and ids without rows count for nothing.
    velo = catalogue["velo"].pk
    counts = columns.counts(np.array([velo, 10**9], dtype=np.int64))
    assert {columns.values[code] for code in np.flatnonzero(counts)} == {
        value for _, value in expected[velo]}


def test_top_codes_keep_ties_at_the_last_place_and_kept_values():
    counts = np.array([5, 3, 3, 1, 0, 1, 2])
    found = np.flatnonzero(counts)
    assert sorted(top_codes(found, counts, 2, set())) == [0, 1, 2]  # 3 ties for second
    assert sorted(top_codes(found, counts, 1, {5})) == [0, 5]
    assert sorted(top_codes(found, counts, 10, set())) == [0, 1, 2, 3, 5, 6]
    assert sorted(top_codes(found, counts, 1, {4})) == [0]  # kept, but counted nowhere


SEARCHES = [
    {"q": "vélo"},
    {"q": "qualité"},
    {"q": "transports", "facet_limit": 1},
    {"q": "qualité", "themes": ["environnement"], "formats": ["csv"]},
    {"q": "qualité", "tags": ["air", "eau"], "facet_limit": 1},
    {"themes": ["mobilite-et-transports"], "formats": ["csv"], "facet_limit": 2},
    {"tags": ["vélo"], "territories": ["departement:13"]},
    {"partner": True, "licences": ["odbl"]},
    {"q": "budget", "include_archived": True},
    # One producer or licence filter: the set without it, narrowed in memory.
    {"q": "qualité", "licences": ["odbl"]},
    {"q": "transports", "organisations": ["amp", "inconnue"]},
    {"q": "qualité", "licences": ["odbl"], "sort": "-modified"},
    {"organisations": ["amp"], "tags": ["bus", "vélo"], "facet_limit": 1},
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["anonymous", "editor", "staff"])
@pytest.mark.parametrize("filters", SEARCHES)
def test_counts_from_the_columns_equal_counts_in_sql(request, catalogue, make_indexed, search,
                                                     committed_index, columns_mode, who,
                                                     filters):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    make_indexed("Vélos et qualité de l'air (brouillon)", tags=["vélo", "air"],
                 status=Dataset.Status.DRAFT)
    filters = {"facet_limit": 3, **filters}
    columns_mode("off")
    in_sql = search(user=user, **filters)
    cache.cache.clear()  # anonymous counts are cached: count them again
    columns_mode("inline")
    with CaptureQueriesContext(connection) as queries:
        in_memory = search(user=user, **filters)
    assert in_memory.total == in_sql.total
    assert facets_of(in_memory) == facets_of(in_sql)
    assert [d.pk for d in in_memory.datasets] == [d.pk for d in in_sql.datasets]
    # Listed sets (a text, or filters no running total gives) were counted in memory.
    listed = filters.get("q") or sum(
        1 for key in ("themes", "tags", "organisations", "formats", "partner", "territories",
                      "licences") if key in filters) > 1
    if listed:
        assert facet_columns.columns is not None
        assert any("json" in query["sql"] for query in queries)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["anonymous", "editor"])
@pytest.mark.parametrize("filters", [
    {"q": "relevé"},
    # Listed from the index's ranges, producers and licences read from the columns.
    {"themes": ["environnement"], "formats": ["csv"]},
    {"tags": ["relevé", "air"], "partner": False},
])
def test_thousands_of_values_tied_at_the_last_place_are_counted_as_in_sql(
        request, catalogue, make_indexed, search, committed_index, columns_mode, who,
        filters):
    """Each facet's values tied at its last place are all given to the statement that
    labels them (one JSON parameter, whatever their number)."""
    user = None if who == "anonymous" else request.getfixturevalue(who)
    environment = Theme.objects.get(slug="environnement")
    for n in range(120):
        make_indexed(f"Relevé {n}", tags=["relevé", f"station {n}", f"capteur {n}"],
                     themes=[environment], formats=["csv"])
    columns_mode("off")
    in_sql = search(user=user, facet_limit=3, **filters)
    cache.cache.clear()
    columns_mode("inline")
    with CaptureQueriesContext(connection) as queries:
        in_memory = search(user=user, facet_limit=3, **filters)
    assert any("json" in query["sql"] for query in queries)
    assert in_memory.total == in_sql.total >= 120
    assert facets_of(in_memory) == facets_of(in_sql)


@pytest.mark.django_db(transaction=True)
def test_a_stale_copy_is_never_read(catalogue, staff, search, committed_index, columns_mode):
    columns_mode("inline")
    assert search(q="vélo").facets["tag"][0].count == 1
    before = facet_columns.columns
    velo = Dataset.objects.get(pk=catalogue["velo"].pk)
    services.update_dataset(staff, velo, tags=["cyclisme"])
    tags = {v.value: v.count for v in search(q="vélo pistes").facets["tag"]}
    assert tags == {"cyclisme": 1}
    assert facet_columns.columns is not before
    assert facet_columns.columns.token == cache.current_token()


@pytest.mark.django_db(transaction=True)
def test_background_builds_leave_searches_to_sql_meanwhile(catalogue, committed_index,
                                                           columns_mode):
    columns_mode("background")
    token = cache.current_token()
    assert facet_columns.current(token) is None  # stale (none yet): a build starts
    for thread in [t for t in threading.enumerate()
                   if t.name == "datasud-facet-columns"]:
        thread.join(timeout=30)
    columns = facet_columns.current(token)
    assert columns is not None and columns.token == token
    # Inside a transaction (no committed token) or switched off: never read.
    assert facet_columns.current(None) is None
    columns_mode("off")
    assert facet_columns.current(token) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", [1, 2, 3])
def test_pages_by_relevance_sorted_from_the_listed_scores_equal_sql(
        catalogue, make_indexed, search, committed_index, columns_mode, page):
    for n in range(4):
        make_indexed(f"Qualité de l'eau {n}", description="qualité " * n)
    columns_mode("off")
    in_sql = search(q="qualité", page=page, page_size=2)
    cache.cache.clear()
    columns_mode("inline")
    with CaptureQueriesContext(connection) as queries:
        from_scores = search(q="qualité", page=page, page_size=2)
    assert [d.pk for d in from_scores.datasets] == [d.pk for d in in_sql.datasets]
    assert in_sql.total == 6 and len(in_sql.datasets) == 2
    # No statement ranks the matches for the page: the count listed their scores.
    assert not any("ORDER BY score DESC" in query["sql"] for query in queries)


@pytest.mark.django_db(transaction=True)
def test_background_builds_take_a_bounded_share_of_the_time(catalogue, committed_index,
                                                            columns_mode):
    """While the index changes all the time, a process does not rebuild after every write:
    the next build waits nine times as long as the last one took."""
    columns_mode("background")
    assert facet_columns.current(cache.current_token()) is None
    for thread in [t for t in threading.enumerate() if t.name == "datasud-facet-columns"]:
        thread.join(timeout=30)
    cache.renew_token()  # an index write
    facet_columns.next_build = time.monotonic() + 60
    assert facet_columns.current(cache.current_token()) is None
    assert not [t for t in threading.enumerate() if t.name == "datasud-facet-columns"]
    assert facet_columns.columns.token != cache.current_token()  # kept, never read
