"""The indexer's facet tables: one row per dataset and facet value (`DatasetFacet`), and the
running totals of the public catalogue (`FacetCount`) that anonymous browsing reads."""
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datasud.catalog import services
from datasud.catalog.models import Dataset, Licence
from datasud.search import indexing
from datasud.search.models import DatasetFacet, FacetCount, FacetPairCount

from .helpers import counts

PUBLIC, PUBLIC_ARCHIVED, OTHER = (DatasetFacet.Scope.PUBLIC, DatasetFacet.Scope.PUBLIC_ARCHIVED,
                                  DatasetFacet.Scope.OTHER)


def facet_rows(dataset) -> set[tuple]:
    return set(DatasetFacet.objects.filter(dataset_id=dataset.pk)
               .values_list("scope", "facet", "value"))


def totals() -> dict[tuple, int]:
    return {(s, f, v): n for s, f, v, n in
            FacetCount.objects.values_list("scope", "facet", "value", "n")}


def recount() -> dict[tuple, int]:
    """What the running totals should be: the facet rows of public datasets, summed."""
    return dict(Counter(DatasetFacet.objects.filter(scope__in=[PUBLIC, PUBLIC_ARCHIVED])
                        .values_list("scope", "facet", "value")))


def pairs() -> dict[tuple, int]:
    return {(s, wf, wv, f, v): n for s, wf, wv, f, v, n in FacetPairCount.objects.values_list(
        "scope", "within_facet", "within_value", "facet", "value", "n")}


def recount_pairs() -> dict[tuple, int]:
    """What the counts within one value should be: the pairs of facet rows of each public
    dataset, one of them of a facet that pairs are kept for, summed."""
    rows: dict[int, list[tuple]] = {}
    for pk, scope, facet, value in DatasetFacet.objects.filter(
            scope__in=[PUBLIC, PUBLIC_ARCHIVED]).values_list("dataset_id", "scope", "facet",
                                                             "value"):
        rows.setdefault(pk, []).append((scope, facet, value))
    return dict(Counter((scope, wf, wv, f, v) for found in rows.values()
                        for scope, wf, wv in found if wf in FacetPairCount.WITHIN_FACETS
                        for _, f, v in found))


def test_rows_describe_the_dataset_as_indexed(catalogue, theme, licence, territories):
    velo = catalogue["velo"]
    tags = {tag.name: str(tag.pk) for tag in velo.tags.all()}
    assert facet_rows(velo) == {
        (PUBLIC, "", ""),
        (PUBLIC, "organisation", str(velo.organisation_id)),
        (PUBLIC, "licence", str(licence.pk)),
        (PUBLIC, "theme", str(theme.pk)),
        (PUBLIC, "tag", tags["vélo"]),
        (PUBLIC, "tag", tags["mobilité douce"]),
        (PUBLIC, "territory", str(territories["commune:13055"].pk)),
        (PUBLIC, "format", "geojson"),
        (PUBLIC, "format", "csv"),
    }
    # Three CSV files, one value; drafts and private datasets are kept, in their own scope.
    assert {row for row in facet_rows(catalogue["air"]) if row[1] == "format"} == {
        (PUBLIC, "format", "csv")}
    assert {scope for scope, _, _ in facet_rows(catalogue["draft"])} == {OTHER}
    assert {scope for scope, _, _ in facet_rows(catalogue["private"])} == {OTHER}
    assert totals() == recount()
    assert pairs() == recount_pairs()
    assert totals()[(PUBLIC, "", "")] == 5


def test_rows_and_totals_follow_changes_through_the_services(
        catalogue, editor, search, django_capture_on_commit_callbacks):
    eau = Dataset.objects.get(pk=catalogue["eau"].pk)
    odbl = Licence.objects.get(slug="odbl")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_dataset(editor, eau, tags=["piscine"], licence=odbl)
    rows = facet_rows(eau)
    assert (PUBLIC, "licence", str(odbl.pk)) in rows
    assert {value for _, facet, value in rows if facet == "tag"} == {
        str(tag.pk) for tag in eau.tags.all()}
    assert totals() == recount()
    assert pairs() == recount_pairs()
    assert counts(search(), "licence") == {"lov2": 3, "odbl": 2}

    with django_capture_on_commit_callbacks(execute=True):
        services.update_dataset(editor, eau, status=Dataset.Status.DRAFT)
    assert {scope for scope, _, _ in facet_rows(eau)} == {OTHER}
    assert totals() == recount()
    assert pairs() == recount_pairs()
    assert totals()[(PUBLIC, "", "")] == 4

    with django_capture_on_commit_callbacks(execute=True):
        services.update_dataset(editor, eau, status=Dataset.Status.PUBLISHED)
    Dataset.objects.filter(pk=eau.pk).update(archived_at=timezone.now())
    indexing.reindex([eau.pk])
    assert {scope for scope, _, _ in facet_rows(eau)} == {PUBLIC_ARCHIVED}
    assert totals() == recount()
    assert pairs() == recount_pairs()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_dataset(editor, eau)
    assert facet_rows(eau) == set()
    assert totals() == recount()
    assert pairs() == recount_pairs()
    # Values no public dataset has any more leave the totals.
    assert all(n > 0 for n in totals().values())
    assert all(n > 0 for n in pairs().values())
    assert (PUBLIC, "tag", "piscine") not in totals()


def test_pairs_count_each_facet_within_one_value(catalogue, theme, licence):
    velo = catalogue["velo"]
    within_theme = {(f, v): n for (scope, wf, wv, f, v), n in pairs().items()
                    if (scope, wf, wv) == (PUBLIC, "theme", str(theme.pk))}
    themed = Dataset.objects.public().active().filter(themes=theme)
    assert within_theme[("", "")] == themed.count()
    assert within_theme[("licence", str(licence.pk))] == themed.filter(licence=licence).count()
    tag = str(velo.tags.get(name="vélo").pk)
    assert within_theme.get(("tag", tag), 0) == themed.filter(tags__name="vélo").count()
    # Tags and territories are facets counted within a value, never values counted within.
    assert not any(wf in ("tag", "territory", "") for (_, wf, _, _, _) in pairs())
    # Drafts and private datasets have no pairs.
    assert {scope for scope, *_ in pairs()} <= {PUBLIC, PUBLIC_ARCHIVED}


def test_a_reindex_that_changes_no_facet_leaves_the_pairs_alone(catalogue):
    velo = catalogue["velo"]
    with CaptureQueriesContext(connection) as queries:
        indexing.reindex([velo.pk])
    assert not any(FacetPairCount._meta.db_table in query["sql"] for query in queries)
    assert pairs() == recount_pairs()


def test_format_rows_follow_resources(editor, organisation, search,
                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.create_dataset(editor, organisation, title="Comptages",
                                          status=Dataset.Status.PUBLISHED)
        services.add_resource(editor, dataset, url="https://example.org/comptages.csv")
    assert (PUBLIC, "format", "csv") in facet_rows(dataset)
    assert totals()[(PUBLIC, "format", "csv")] == 1


def test_rebuild_and_remove_keep_the_totals_exact(catalogue, make_dataset):
    before = totals()
    DatasetFacet.objects.all().delete()
    FacetCount.objects.all().delete()
    FacetPairCount.objects.all().delete()
    make_dataset("Hors index")  # written without the services: only a rebuild sees it
    indexing.rebuild()
    assert totals() == recount()
    assert pairs() == recount_pairs()
    assert totals()[(PUBLIC, "", "")] == before[(PUBLIC, "", "")] + 1
    indexing.remove([catalogue["velo"].pk, catalogue["draft"].pk])
    assert facet_rows(catalogue["velo"]) == set()
    assert totals() == recount()
    assert pairs() == recount_pairs()
    assert totals()[(PUBLIC, "", "")] == before[(PUBLIC, "", "")]


def facets_of(result) -> dict:
    return {facet: [(v.value, v.label, v.count, v.selected) for v in values]
            for facet, values in result.facets.items()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("filters", [
    {},
    {"include_archived": True},
    {"themes": ["environnement"]},
    {"partner": True},
    {"tags": ["vélo"]},
    # One value of a facet that pairs are kept for: read from `FacetPairCount`, alone or
    # as the other values' set of a two-filter search.
    {"formats": ["csv"]},
    {"organisations": ["amp"], "facet_limit": 1},
    {"licences": ["odbl"], "include_archived": True},
    {"themes": ["environnement"], "formats": ["csv"], "facet_limit": 2},
    {"themes": ["inconnu"]},
    {"formats": ["csv", "geojson"]},
    {"partner": True, "licences": ["lov2"]},
    # Filters without pairs, read as ranges of the facet index: a commune also matches
    # the datasets declared on its EPCI, département and région.
    {"territories": ["commune:13055"]},
    {"tags": ["vélo", "air"], "partner": False},
    {"territories": ["departement:13"], "themes": ["environnement"], "formats": ["csv"]},
    # Selected values outside the first ones are read all the same.
    {"tags": ["pollution", "finances"], "facet_limit": 1},
    {"licences": ["odbl"], "organisations": ["amp"], "facet_limit": 1},
])
def test_anonymous_counts_from_the_totals_equal_counted_ones(catalogue, make_indexed, search,
                                                             outsider, committed_index,
                                                             filters):
    make_indexed("Vélos (archives 2015)", tags=["vélo"], archived_at=timezone.now())
    filters = {"facet_limit": 3, **filters}
    with CaptureQueriesContext(connection) as queries:
        anonymous = search(**filters)
    # One facet filtered (or none): the set its values are counted over is the catalogue.
    if sum(1 for key in ("themes", "tags", "licences", "organisations", "formats", "partner",
                         "territories") if key in filters) < 2:
        assert any(FacetCount._meta.db_table in query["sql"] for query in queries)
    # A set narrowed by one value of a facet that pairs are kept for, and by nothing else:
    # the search itself (one filter), or one facet's other values (two filters).
    within = [key for key in ("themes", "organisations", "licences", "formats")
              if key in filters and len(filters[key]) == 1]
    filtered = [key for key in ("themes", "tags", "licences", "organisations", "formats",
                                "partner", "territories") if key in filters]
    if within and len(filtered) <= 2:
        assert any(FacetPairCount._meta.db_table in query["sql"] for query in queries)
    # An outsider sees what anonymous visitors see; inside a transaction, counted every time.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        counted = search(user=outsider, **filters)
    assert not any(FacetCount._meta.db_table in query["sql"] for query in queries)
    assert not any(FacetPairCount._meta.db_table in query["sql"] for query in queries)
    assert anonymous.total == counted.total
    assert facets_of(anonymous) == facets_of(counted)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["editor", "staff"])
@pytest.mark.parametrize("filters", [
    {},
    {"include_archived": True},
    {"themes": ["mobilite-et-transports"], "facet_limit": 1},
    {"partner": False, "facet_limit": 1},
    {"formats": ["csv"]},
    {"organisations": ["amp"], "facet_limit": 1},
    {"themes": ["mobilite-et-transports"], "formats": ["csv"], "facet_limit": 2},
    {"tags": ["vélo"], "territories": ["commune:13055"]},
])
def test_signed_in_counts_from_the_totals_equal_counted_ones(request, catalogue, make_indexed,
                                                             search, committed_index, who,
                                                             filters):
    """The public totals plus the drafts and private datasets one may see, counted live,
    are exactly what counting every visible dataset gives: no more, no less."""
    user = request.getfixturevalue(who)
    make_indexed("Vélos (archives 2015)", tags=["vélo"], archived_at=timezone.now())
    make_indexed("Vélos (brouillon archivé)", tags=["vélo", "archives"],
                 status=Dataset.Status.DRAFT, archived_at=timezone.now())
    filters = {"facet_limit": 3, **filters}
    with CaptureQueriesContext(connection) as queries:
        from_totals = search(user=user, **filters)
    filtered = [key for key in ("themes", "tags", "organisations", "formats", "partner",
                                "territories") if key in filters]
    totals = {FacetCount._meta.db_table, FacetPairCount._meta.db_table}
    if len(filtered) < 2 and "tags" not in filtered:
        assert any(table in query["sql"] for query in queries for table in totals)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        counted = search(user=user, **filters)
    assert not any(table in query["sql"] for query in queries for table in totals)
    assert from_totals.total == counted.total
    assert facets_of(from_totals) == facets_of(counted)


@pytest.mark.django_db(transaction=True)
def test_signed_in_totals_add_only_what_one_may_see(catalogue, search, editor, outsider,
                                                    committed_index):
    # Two drafts and private datasets of the editor's organisation, tagged "vélo", with
    # the public one: among the biggest tags for the editor, nowhere else.
    assert counts(search(user=editor, facet_limit=1), "tag") == {"vélo": 3}
    assert search(user=editor).total == 7
    assert counts(search(user=outsider), "tag")["vélo"] == 1
    assert search(user=outsider).total == 5
    assert counts(search(user=outsider), "partner") == {"true": 2, "false": 3}
    assert counts(search(user=editor), "partner") == {"true": 2, "false": 5}


@pytest.mark.django_db(transaction=True)
def test_anonymous_totals_follow_the_catalogue(catalogue, staff, search, committed_index):
    assert search().total == 5
    assert counts(search(), "tag")["vélo"] == 1
    # Committed, then indexed: the cached counts and the totals both follow at once.
    velo = Dataset.objects.get(pk=catalogue["velo"].pk)
    services.update_dataset(staff, velo, status=Dataset.Status.DRAFT)
    result = search()
    assert result.total == 4
    assert "vélo" not in counts(result, "tag")
    assert counts(result, "partner") == {"true": 1, "false": 3}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("filters", [
    {"themes": ["environnement"]},
    {"formats": ["csv"], "licences": ["lov2"]},
    {"tags": ["vélo", "air"]},
    {"territories": ["commune:13055"], "include_archived": True},
    {"partner": True},
])
@pytest.mark.parametrize("sort", ["-modified", "title"])
def test_sorted_pages_read_the_filters_from_the_index_as_from_the_catalogue(
        catalogue, make_indexed, search, outsider, committed_index, monkeypatch, filters,
        sort):
    """Whichever way a page of anonymous results reads its filters (each dataset of the
    sort's index probed, or the ids of the index's ranges), it is the page the catalogue's
    links give (inside a transaction, where the index is never trusted)."""
    from datasud.search import services as search_services

    make_indexed("Vélos (archives 2015)", tags=["vélo"], archived_at=timezone.now(),
                 territories=[], formats=["csv"])

    def ids(result):
        return [dataset.pk for dataset in result.datasets]

    probed = search(sort=sort, page_size=2, **filters)
    monkeypatch.setattr(search_services, "MAX_WALK", 0)
    listed = search(sort=sort, page_size=2, **filters)
    with transaction.atomic():
        counted = search(sort=sort, page_size=2, **filters)
    assert ids(probed) == ids(listed) == ids(counted)
    assert probed.total == counted.total
    second = search(sort=sort, page_size=2, page=2, **filters)
    with transaction.atomic():
        assert ids(second) == ids(search(sort=sort, page_size=2, page=2, **filters))


@pytest.mark.django_db(transaction=True)
def test_a_page_read_from_the_index_leaves_no_sql_for_later_searches(catalogue, search,
                                                                     committed_index):
    """The index's SQL of a page carries the ids of the filters' values, looked up for
    that search: later searches with the same filters (here inside a transaction, which
    reads the catalogue, after the tag was made again under a new id) must not reuse it."""
    from datasud.catalog.models import Tag

    assert [d.title for d in search(tags=["vélo"], sort="title").datasets] == [
        "Pistes cyclables de Marseille"]
    with transaction.atomic():
        velo = Dataset.objects.get(pk=catalogue["velo"].pk)
        Tag.objects.filter(name="vélo").delete()
        velo.tags.add(Tag.objects.create(name="vélo"))
        indexing.reindex([velo.pk])
        assert [d.title for d in search(tags=["vélo"], sort="title").datasets] == [
            "Pistes cyclables de Marseille"]
