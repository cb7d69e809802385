"""Sorts, pagination and the guards on silly input."""
import datetime as dt

import pytest
from django.utils import timezone

from .helpers import titles


@pytest.fixture
def dated(make_indexed):
    """Four datasets created and modified on different days, in a scrambled order."""
    now = timezone.now()
    made = []
    for title, created, modified in [("Bravo", 3, 1), ("alpha", 1, 4), ("Delta", 4, 3),
                                     ("Charlie", 2, 2)]:
        made.append(make_indexed(title, created_at=now - dt.timedelta(days=10 - created),
                                 modified_at=now - dt.timedelta(days=10 - modified)))
    return made


@pytest.mark.parametrize("sort, expected", [
    ("-modified", ["alpha", "Delta", "Charlie", "Bravo"]),
    ("modified", ["Bravo", "Charlie", "Delta", "alpha"]),
    ("-created", ["Delta", "Bravo", "Charlie", "alpha"]),
    ("created", ["alpha", "Charlie", "Bravo", "Delta"]),
    ("-title", ["alpha", "Delta", "Charlie", "Bravo"]),
    ("title", ["Bravo", "Charlie", "Delta", "alpha"]),
])
def test_sorts(dated, search, sort, expected):
    result = search(sort=sort)
    assert result.sort == sort
    assert titles(result) == expected


def test_unknown_sort_falls_back(dated, search):
    assert search(sort="price; DROP").sort == "-modified"
    assert search("alpha", sort="nonsense").sort == "relevance"


def test_sorts_apply_to_text_results(make_indexed, search):
    make_indexed("Vélo A", modified_at=timezone.now() - dt.timedelta(days=2))
    make_indexed("Vélo B", modified_at=timezone.now() - dt.timedelta(days=1))
    make_indexed("Bus")
    assert titles(search("velo", sort="-modified")) == ["Vélo B", "Vélo A"]
    assert titles(search("velo", sort="modified")) == ["Vélo A", "Vélo B"]


@pytest.mark.parametrize("sort", ["relevance", "-modified", "title"])
def test_pages_cover_everything_once(make_indexed, search, sort):
    for n in range(7):
        make_indexed(f"Comptage vélo {n}", description="vélo " * (n % 3))
    seen = []
    for page in (1, 2, 3):
        result = search("vélo", sort=sort, page=page, page_size=3)
        assert (result.total, result.pages, result.page) == (7, 3, page)
        seen += titles(result)
    assert sorted(seen) == sorted(f"Comptage vélo {n}" for n in range(7))


def test_page_beyond_the_end_is_empty(catalogue, search):
    result = search(page=99)
    assert result.datasets == [] and result.total == 5 and result.page == 99
    assert search("vélo", page=10**12).datasets == []


def test_silly_paging_is_clamped(catalogue, search):
    assert search(page=0).page == 1
    assert search(page=-5, page_size=-1).page_size == 1
    assert search(page_size=10_000).page_size == 100
    assert search(page="2", page_size="x").page_size == 20


def test_the_page_comes_with_its_related_rows(catalogue, search, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        result = search("", facet_limit=10)
        for dataset in result.datasets:
            (dataset.organisation.name, dataset.licence and dataset.licence.title,
             list(dataset.themes.all()), list(dataset.tags.all()),
             list(dataset.resources.all()))
    with django_assert_max_num_queries(6):
        result = search("qualité", facet_limit=10)
        for dataset in result.datasets:
            (dataset.organisation.name, list(dataset.tags.all()))


def test_the_related_rows_are_those_prefetch_related_loads(catalogue, search, staff):
    import datetime as dt

    from datasud.catalog.models import Dataset

    # Values the database returns in its own types (dates, times, booleans, nulls) are
    # converted as the ORM converts them.
    Dataset.objects.filter(pk=catalogue["velo"].pk).update(
        temporal_start=dt.date(2020, 1, 31), published_at=dt.datetime(2021, 5, 4, 3, 2, 1,
                                                                      tzinfo=dt.UTC))

    def fields(instance):
        return instance and [getattr(instance, f.attname)
                             for f in type(instance)._meta.concrete_fields]

    def described(datasets):
        return [(fields(d), fields(d.organisation), fields(d.licence),
                 [(t.pk, t.slug, t.name, t.position) for t in d.themes.all()],
                 [(t.pk, t.name) for t in d.tags.all()],
                 [(r.pk, r.dataset_id, r.format, r.position, r.title)
                  for r in d.resources.all()])
                for d in datasets]

    for result in (search(user=staff), search("vélo", user=staff),
                   search(user=staff, sort="title")):
        expected = {d.pk: d for d in Dataset.objects.filter(
            pk__in=[d.pk for d in result.datasets]).select_related("organisation", "licence")
            .prefetch_related("themes", "tags", "resources")}
        assert described(result.datasets) == described(
            [expected[d.pk] for d in result.datasets])
    assert any(d.resources.all() for d in result.datasets)
