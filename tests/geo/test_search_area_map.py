"""The search page's "Chercher sur la carte" panel as served (the data geo/area-search.js
reads), and search by area without JavaScript: the four fields of the filters."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datasud.geo.extent import refresh_spatial_bbox
from datasud.geo.templatetags import geo_maps
from datasud.search import indexing
from datasud.territories.models import Territory

SEARCH = "/jeux-de-donnees/"
MARSEILLE = [5.23, 43.17, 5.53, 43.39]
NICE = [7.18, 43.65, 7.32, 43.76]


@pytest.fixture
def maplibre():
    if not geo_maps.maplibre_assets():
        pytest.skip("maplibre-gl not installed (npm ci): no map panel")


@pytest.fixture
def placed(make_dataset):
    """Three datasets: one covering Marseille, one Nice, one of unknown extent."""
    marseille = Territory.objects.create(
        level="commune", code="13055", name="Marseille", bbox=MARSEILLE
    )
    nice = Territory.objects.create(level="commune", code="06088", name="Nice", bbox=NICE)
    made = {
        "velo": make_dataset("Pistes cyclables de Marseille"),
        # A title that must stay text in the page's JSON.
        "plages": make_dataset("Plages de Nice </script><b>"),
        "budget": make_dataset("Budget de la Région"),
    }
    made["velo"].territories.set([marseille])
    made["plages"].territories.set([nice])
    refresh_spatial_bbox([d.pk for d in made.values()])
    indexing.reindex([d.pk for d in made.values()])
    return made


def panel(html: str) -> tuple[str, dict[str, str]]:
    tag = re.search(r"<details[^>]*data-area-map[^>]*>", html, re.S)[0]
    return tag, dict(re.findall(r'data-([\w-]+)="([^"]*)"', tag))


def extents(html: str) -> list[dict]:
    found = re.search(
        r'<script id="area-map-extents" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(found[1])


def titles(response) -> set[str]:
    return {d.title for d in response.context["result"].datasets}


def test_the_panel_is_hidden_until_its_script_runs_and_draws_the_results(placed, maplibre):
    html = Client().get(SEARCH).content.decode()
    tag, data = panel(html)
    assert " hidden" in tag and " open" not in tag  # no area asked: folded
    assert data["bbox"] == "" and data["form"] == "search-form"
    assert data["style"] == "/tuiles/territoires/style.json"
    assert data["maplibre"].endswith("maplibre-gl.mjs")
    assert 'type="module" src="/static/geo/area-search.js"' in html
    assert "Chercher sur la carte" in html and "Rechercher dans cette zone" in html
    assert "Retirer la zone" not in html
    # The page's datasets with an extent, as JSON text (the title cannot close the script).
    shown = {e["title"]: e for e in extents(html)}
    assert set(shown) == {placed["velo"].title, placed["plages"].title}
    assert shown[placed["velo"].title]["bbox"] == MARSEILLE
    assert shown[placed["velo"].title]["url"] == placed["velo"].get_absolute_url()
    assert "Plages de Nice </script>" not in html


def test_an_area_opens_the_panel_with_its_rectangle_and_a_way_to_remove_it(placed, maplibre):
    response = Client().get(SEARCH, {"q": "pistes", "bbox": "5.2,43.1,5.6,43.5"})
    assert response.status_code == 200
    html = response.content.decode()
    tag, data = panel(html)
    assert " open" in tag
    assert data["bbox"] == "5.2,43.1,5.6,43.5"
    remove = re.search(r'<a[^>]*href="([^"]*)"[^>]*>Retirer la zone</a>', html)[1]
    assert "bbox" not in remove and "q=pistes" in remove
    assert [e["title"] for e in extents(html)] == [placed["velo"].title]


def test_without_javascript_the_four_fields_search_the_area(placed):
    client = Client()
    everything = client.get(SEARCH)
    assert titles(everything) == {d.title for d in placed.values()}
    # The form the page sends without JavaScript: a GET with the four fields.
    html = everything.content.decode()
    assert re.search(r'<form id="search-form" action="/jeux-de-donnees/" method="get"', html)
    for name in ("west", "south", "east", "north"):
        assert f'name="{name}"' in html
    around_marseille = client.get(
        SEARCH, {"west": "5,2", "south": "43,1", "east": "5,6", "north": "43,5"}
    )
    assert around_marseille.status_code == 200
    assert titles(around_marseille) == {placed["velo"].title}
    # The same area as the map's button sends it.
    by_bbox = client.get(SEARCH, {"bbox": "5.2,43.1,5.6,43.5"})
    assert titles(by_bbox) == {placed["velo"].title}
    assert titles(client.get(SEARCH, {"bbox": "7,43.5,7.5,44"})) == {placed["plages"].title}


def test_no_panel_without_maplibre(placed, monkeypatch):
    monkeypatch.setattr(geo_maps, "MAPLIBRE_JS", "vendor/absent/absent.mjs")
    html = Client().get(SEARCH, {"bbox": "5.2,43.1,5.6,43.5"}).content.decode()
    assert "data-area-map" not in html and "area-search.js" not in html
    assert 'name="west"' in html  # the fields stay


def test_the_panel_costs_no_query(placed, maplibre, monkeypatch):
    # The extents are read from the datasets the page has already loaded.
    client = Client()
    client.get(SEARCH)  # caches filled
    with CaptureQueriesContext(connection) as with_panel:
        html = client.get(SEARCH).content.decode()
    assert len(extents(html)) == 2
    monkeypatch.setattr(geo_maps, "MAPLIBRE_JS", "vendor/absent/absent.mjs")
    with CaptureQueriesContext(connection) as without_panel:
        assert "data-area-map" not in client.get(SEARCH).content.decode()
    assert len(with_panel.captured_queries) == len(without_panel.captured_queries)
