"""Map blocks in pages (dataset page, territory pages), as served without JavaScript: the
caption with extent and links, and the data- attributes geo/map.js builds the map from."""
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from datasud.geo.templatetags import geo_maps
from datasud.territories.models import Territory


@pytest.fixture
def maplibre():
    if not geo_maps.maplibre_assets():
        pytest.skip("maplibre-gl not installed (npm ci): maps render as text only")


def attributes(html: str, marker: str) -> dict[str, str]:
    tag = re.search(rf"<div[^>]*{marker}[^>]*>", html, re.S)[0]
    return dict(re.findall(r'data-([\w-]+)="([^"]*)"', tag))


def test_dataset_page_shows_a_map_of_each_geo_resource(communes_resource, maplibre):
    html = Client().get(communes_resource.dataset.get_absolute_url()).content.decode()
    collection_id = f"resource_{communes_resource.pk}"
    data = attributes(html, 'data-geo-map="resource"')
    assert data["tilejson"] == f"/tuiles/{collection_id}/tiles.json"
    assert data["layer"] == collection_id and data["geometry"] == "polygon"
    west, south, east, north = map(float, data["bounds"].split(","))
    assert 4 < west < east < 8 and 42 < south < north < 45.5
    assert data["style"] == "/tuiles/territoires/style.json"
    assert data["maplibre"].endswith("maplibre-gl.mjs")
    assert data["items"] == f"/api/ogc/collections/{collection_id}/items"
    # Without JavaScript: the extent in words and links to the data.
    assert "Carte (10 entités)" in html
    assert "Emprise (longitude et latitude WGS84" in html
    assert f'href="/api/ogc/collections/{collection_id}/items?f=html"' in html
    # Every asset is the platform's own.
    assert 'type="module" src="/static/geo/map.js"' in html
    assert finders.find(data["maplibre"].removeprefix("/static/"))
    for url in (data["tilejson"], data["style"]):
        assert Client().get(url).status_code == 200


def test_a_resource_without_geometry_has_no_map(upload, make_dataset):
    dataset = make_dataset("Budget")
    upload(dataset, "budget.csv", b"poste;montant\nvoirie;12\necoles;30\n")
    html = Client().get(dataset.get_absolute_url()).content.decode()
    assert "data-geo-map" not in html and "geo/map.js" not in html


def test_no_map_block_without_maplibre(communes_resource, monkeypatch):
    monkeypatch.setattr(geo_maps, "MAPLIBRE_JS", "vendor/absent/absent.mjs")
    html = Client().get(communes_resource.dataset.get_absolute_url()).content.decode()
    assert "data-geo-map" not in html and "geo/map.js" not in html
    assert "Emprise (longitude et latitude WGS84" in html  # the text stays


@pytest.fixture
def region(db):
    paca = Territory.objects.create(level="region", code="93", name="Provence-Alpes-Côte d'Azur",
                                    bbox=[4.23, 42.98, 7.72, 45.13])
    marseille = Territory.objects.create(level="commune", code="13055", name="Marseille",
                                         bbox=[5.23, 43.17, 5.53, 43.39])
    marseille.parents.add(paca)
    return paca, marseille


def test_territory_index_has_the_level_map(region, maplibre):
    html = Client().get("/territoires/").content.decode()
    data = attributes(html, 'data-geo-map="territories"')
    assert data["style"] == "/tuiles/territoires/style.json"
    assert 'name="niveau-carte" value="communes"' in html
    assert "<legend>Territoires montrés sur la carte</legend>" in html


def test_territory_page_shows_its_outline(region, maplibre):
    _, marseille = region
    html = Client().get(marseille.get_absolute_url()).content.decode()
    data = attributes(html, 'data-geo-map="territory"')
    assert data["layer"] == "communes" and data["code"] == "13055"
    assert data["bounds"] == "5.23,43.17,5.53,43.39"
    assert "Carte : contour de Marseille" in html


def test_maplibre_s_own_words_follow_the_page_s_language(region, maplibre):
    """The zoom buttons and gesture hints are MapLibre's: the page gives it their words in
    its language (`data-map-locale`), French by default."""
    import html as html_module
    import json

    def locale(client) -> dict:
        data = attributes(client.get("/territoires/").content.decode(),
                          'data-geo-map="territories"')
        return json.loads(html_module.unescape(data["map-locale"]))

    client = Client()
    assert locale(client)["NavigationControl.ZoomIn"] == "Zoom avant"
    client.cookies["django_language"] = "en"
    english = locale(client)
    assert english["NavigationControl.ZoomIn"] == "Zoom in"
    assert english["TouchPanBlocker.Message"] == "Use two fingers to move the map"
