"""Territories through the API: lists without geometry, detail with it."""
import pytest

from datasud.territories.models import Territory

SQUARE = {"type": "Polygon", "coordinates": [[[6, 44], [6.3, 44], [6.3, 44.2], [6, 44]]]}


@pytest.fixture
def territories(db):
    region = Territory.objects.create(level="region", code="93", name="Provence-Alpes-Côte d'Azur",
                                      geometry=SQUARE)
    ahp = Territory.objects.create(level="departement", code="04",
                                   name="Alpes-de-Haute-Provence", geometry=SQUARE)
    digne = Territory.objects.create(level="commune", code="04070", name="Digne-les-Bains",
                                     population=16000, postcodes=["04000"], geometry=SQUARE,
                                     bbox=[6.0, 44.0, 6.3, 44.2])
    Territory.objects.create(level="commune", code="04112", name="Manosque",
                             postcodes=["04100"])
    ahp.parents.add(region)
    digne.parents.add(ahp)
    return digne


def test_list_has_no_geometry_and_is_ordered_by_level(anon, territories):
    body = anon.get("/api/1/territories/").json()
    assert body["total"] == 4
    assert [t["level"] for t in body["data"]] == ["region", "departement", "commune",
                                                  "commune"]
    assert all("geometry" not in t for t in body["data"])


def test_filter_by_level_and_name(anon, territories):
    communes = anon.get("/api/1/territories/?level=commune").json()
    assert [t["name"] for t in communes["data"]] == ["Digne-les-Bains", "Manosque"]
    both = anon.get("/api/1/territories/?level=commune&level=departement").json()
    assert both["total"] == 3
    found = anon.get("/api/1/territories/?q=digne").json()
    assert [t["key"] for t in found["data"]] == ["commune:04070"]
    assert anon.get("/api/1/territories/?q=04100").json()["data"][0]["name"] == "Manosque"
    assert anon.get("/api/1/territories/?q=04070").json()["data"][0]["name"] == \
        "Digne-les-Bains"
    bad = anon.get("/api/1/territories/?level=canton")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "level.0"


def test_pagination(anon, territories):
    body = anon.get("/api/1/territories/?page_size=3").json()
    assert body["total"] == 4 and len(body["data"]) == 3 and body["links"]["next"]


def test_detail_has_geometry_and_parents(anon, territories):
    response = anon.get("/api/1/territories/commune/04070/")
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "commune:04070" and body["population"] == 16000
    assert body["geometry"] == SQUARE and body["bbox"] == [6.0, 44.0, 6.3, 44.2]
    assert body["parents"] == [{"key": "departement:04", "level": "departement",
                                "code": "04", "name": "Alpes-de-Haute-Provence"}]
    assert anon.get("/api/1/territories/commune/99999/").status_code == 404
