"""GET /api/1/datasets/: full text, facets, filters, sort and pagination links."""
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from datasud.catalog.models import Dataset, Organisation, Resource, Tag, Theme
from datasud.search import indexing
from datasud.territories.models import Territory


@pytest.fixture
def catalogue(make_dataset, organisation, theme, licence):
    """Five public datasets, one private, one draft; indexed."""
    environment = Theme.objects.create(slug="environnement", name="Environnement")
    partner = Organisation.objects.create(name="Métropole AMP", slug="amp",
                                          partnership_signed_on=dt.date(2018, 3, 1))
    marseille = Territory.objects.create(level="commune", code="13055", name="Marseille")
    made = []

    def make(title, themes=(), tags=(), formats=(), territories=(), **fields):
        dataset = make_dataset(title, **fields)
        dataset.themes.set(themes)
        dataset.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        dataset.territories.set(territories)
        for fmt in formats:
            Resource.objects.create(dataset=dataset, title=fmt, format=fmt,
                                    url=f"https://example.org/{dataset.pk}.{fmt}")
        made.append(dataset)
        return dataset

    make("Pistes cyclables de Marseille", [theme], ["vélo"], ["geojson", "csv"], [marseille],
         organisation=partner)
    make("Horaires des bus", [theme], ["bus"], ["gtfs"], organisation=partner)
    make("Qualité de l'air", [environment], ["air"], ["csv"])
    make("Qualité des eaux de baignade", [environment], ["eau"], ["xlsx"])
    make("Arbres d'alignement", [environment], ["arbres"], ["csv"])
    make("Vélos volés", [theme], ["vélo"], ["csv"], private=True)
    make("Brouillon vélo", [theme], ["vélo"], ["csv"], status=Dataset.Status.DRAFT)
    indexing.reindex([d.pk for d in made])
    return made


def test_anonymous_search_counts_only_public_datasets(anon, catalogue):
    body = anon.get("/api/1/datasets/").json()
    assert body["total"] == 5 and len(body["data"]) == 5
    assert body["page"] == 1 and body["page_size"] == 20
    assert body["links"] == {"next": None, "prev": None}
    assert body["sort"] == "-modified"
    item = body["data"][0]
    assert set(item) >= {"slug", "title", "organisation", "themes", "tags", "licence",
                         "formats", "status", "private", "modified_at", "page_url"}


def test_members_find_their_private_and_draft_datasets(as_editor, catalogue):
    assert as_editor.get("/api/1/datasets/").json()["total"] == 7


def test_full_text(anon, catalogue):
    body = anon.get("/api/1/datasets/?q=qualité").json()
    assert {d["title"] for d in body["data"]} == {"Qualité de l'air",
                                                   "Qualité des eaux de baignade"}
    assert body["sort"] == "relevance"


def test_repeated_filter_is_or_and_facets_combine_with_and(anon, catalogue):
    both = anon.get("/api/1/datasets/?format=gtfs&format=xlsx").json()
    assert {d["title"] for d in both["data"]} == {"Horaires des bus",
                                                   "Qualité des eaux de baignade"}
    narrowed = anon.get("/api/1/datasets/?format=gtfs&format=xlsx&theme=environnement").json()
    assert [d["title"] for d in narrowed["data"]] == ["Qualité des eaux de baignade"]


def test_facets_shape_and_selection(anon, catalogue, theme):
    body = anon.get(f"/api/1/datasets/?theme={theme.slug}").json()
    assert body["total"] == 2
    assert set(body["facets"]) == {"theme", "organisation", "tag", "licence", "format",
                                   "territory", "partner"}
    themes = {f["value"]: f for f in body["facets"]["theme"]}
    assert themes[theme.slug] == {"value": theme.slug, "label": theme.name, "count": 2,
                                  "selected": True}
    assert themes["environnement"]["selected"] is False


@pytest.mark.parametrize("query,titles", [
    ("tag=vélo", {"Pistes cyclables de Marseille"}),
    ("organisation=amp", {"Pistes cyclables de Marseille", "Horaires des bus"}),
    ("partner=true", {"Pistes cyclables de Marseille", "Horaires des bus"}),
    ("territory=commune:13055", {"Pistes cyclables de Marseille"}),
    ("licence=lov2&format=csv", {"Pistes cyclables de Marseille", "Qualité de l'air",
                                 "Arbres d'alignement"}),
])
def test_each_filter(anon, catalogue, query, titles):
    body = anon.get(f"/api/1/datasets/?{query}").json()
    assert {d["title"] for d in body["data"]} == titles
    assert body["total"] == len(titles)


def test_sort_by_title(anon, catalogue):
    titles = [d["title"] for d in anon.get("/api/1/datasets/?sort=title").json()["data"]]
    assert titles == sorted(titles)


def test_pagination_links_keep_the_filters(anon, catalogue):
    body = anon.get("/api/1/datasets/?format=csv&format=xlsx&page_size=2&sort=title").json()
    assert body["total"] == 4 and len(body["data"]) == 2
    assert body["links"]["prev"] is None
    next_url = urlsplit(body["links"]["next"])
    assert next_url.path == "/api/1/datasets/"
    assert parse_qs(next_url.query) == {"format": ["csv", "xlsx"], "page_size": ["2"],
                                        "sort": ["title"], "page": ["2"]}
    second = anon.get(f"{next_url.path}?{next_url.query}").json()
    assert second["page"] == 2 and second["links"]["next"] is None
    assert parse_qs(urlsplit(second["links"]["prev"]).query)["page"] == ["1"]
    seen = {d["slug"] for d in body["data"]} | {d["slug"] for d in second["data"]}
    assert len(seen) == 4


def test_page_past_the_end_is_empty(anon, catalogue):
    body = anon.get("/api/1/datasets/?page=9").json()
    assert body["data"] == [] and body["total"] == 5
    assert body["links"]["next"] is None
    assert parse_qs(urlsplit(body["links"]["prev"]).query)["page"] == ["1"]


@pytest.mark.parametrize("query,field", [
    ("page=0", "page"), ("page=abc", "page"), ("page_size=1000", "page_size"),
    ("sort=popularity", "sort"), ("partner=peut-etre", "partner"),
])
def test_bad_parameters_are_422(anon, catalogue, query, field):
    response = anon.get(f"/api/1/datasets/?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
