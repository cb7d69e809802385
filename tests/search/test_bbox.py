"""Search by map area (`bbox`): the search service, the API v1 and the search page, on the
real backend of the test database, with extents derived from territories."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datasud.catalog.models import Dataset
from datasud.geo.extent import refresh_all
from datasud.search.area import InvalidBBox, format_bbox, parse_bbox
from datasud.search.services import SearchQuery

from .helpers import names

# Simplified outlines' extents (WGS84): what matters is which boxes meet which.
BOXES = {
    "region:93": [4.23, 42.98, 7.72, 45.13],
    "departement:13": [4.23, 43.16, 5.81, 43.93],
    "departement:04": [5.49, 43.67, 6.97, 44.66],
    "epci:200054807": [4.80, 43.16, 5.81, 43.77],
    "commune:13055": [5.23, 43.17, 5.53, 43.39],
    "commune:04070": [6.14, 44.03, 6.33, 44.17],
}
MARSEILLE = "5.3,43.25,5.45,43.35"      # inside Marseille only
DIGNE = (6.2, 44.05, 6.3, 44.1)
PARIS = "2.2,48.8,2.5,48.9"             # far from every dataset


@pytest.fixture
def boxed(catalogue, territories):
    """The catalogue fixture with its territories' extents, and the datasets' extents."""
    for key, box in BOXES.items():
        territories[key].bbox = box
        territories[key].save(update_fields=["bbox"])
    refresh_all()
    return catalogue


def area(text: str):
    return parse_bbox(text)


def test_extents_follow_the_declared_territories(boxed):
    velo = Dataset.objects.get(pk=boxed["velo"].pk)
    assert velo.spatial_bbox == BOXES["commune:13055"]
    assert Dataset.objects.get(pk=boxed["air"].pk).spatial_bbox == BOXES["region:93"]
    assert Dataset.objects.get(pk=boxed["budget"].pk).spatial_bbox is None


def test_an_area_finds_the_datasets_whose_extent_meets_it(boxed, search):
    # Marseille's box meets Marseille, its département and the région; not Digne; a
    # dataset without extent never matches an area.
    assert names(search(bbox=area(MARSEILLE)), boxed) == {"velo", "bus", "air"}
    assert names(search(bbox=DIGNE), boxed) == {"eau", "air"}
    assert names(search(bbox=area(PARIS)), boxed) == set()
    result = search(bbox=area(MARSEILLE))
    assert result.total == 3
    # Without an area, everything as before.
    assert search().total == 5


def test_touching_edges_meet(boxed, search):
    west, south, east, north = BOXES["commune:04070"]
    found = search(bbox=(east, north, east + 1, north + 1))
    assert "eau" in names(found, boxed)


def test_an_area_combines_with_text_and_facets(boxed, search, theme):
    assert names(search(q="vélo", bbox=area(MARSEILLE)), boxed) == {"velo"}
    assert names(search(q="qualité", bbox=DIGNE), boxed) == {"eau", "air"}
    result = search(bbox=area(MARSEILLE), themes=[theme.slug])
    assert names(result, boxed) == {"velo", "bus"}
    # Facets count the datasets in the area: two of the theme, one environment dataset.
    themes = {v.value: v.count for v in search(bbox=area(MARSEILLE)).facets["theme"]}
    assert themes == {theme.slug: 2, "environnement": 1}


def test_anonymous_cached_counts_depend_on_the_area(boxed, search):
    assert search().total == 5
    assert search(bbox=area(MARSEILLE)).total == 3
    assert search(bbox=DIGNE).total == 2
    assert search().total == 5


def test_signed_in_users_see_their_drafts_and_private_datasets_in_the_area(boxed, search,
                                                                          editor):
    found = names(search(user=editor, bbox=area(MARSEILLE), sort="title"), boxed)
    assert found == {"velo", "bus", "air", "draft", "private"}
    assert search(user=editor, bbox=area(MARSEILLE)).total == 5
    assert names(search(user=editor, bbox=DIGNE), boxed) == {"eau", "air"}


def test_no_area_no_extent_in_the_sql(boxed, search):
    with CaptureQueriesContext(connection) as without:
        search(q="vélo")
    with CaptureQueriesContext(connection) as with_area:
        search(q="vélo", bbox=area(MARSEILLE))
    # Rows are read whole (extent included); only the area's condition is new.
    condition = 'spatial_west" <='
    assert not any(condition in q["sql"] for q in without.captured_queries)
    assert any(condition in q["sql"] for q in with_area.captured_queries)
    assert len(with_area.captured_queries) == len(without.captured_queries)


@pytest.mark.parametrize(("text", "expected"), [
    ("5.2,43.2,5.6,43.4", (5.2, 43.2, 5.6, 43.4)),
    (" 5.2 , 43.2 ,5.6, 43.4 ", (5.2, 43.2, 5.6, 43.4)),
    ("-180,-90,180,90", (-180.0, -90.0, 180.0, 90.0)),
    ("", None),
])
def test_parse_bbox(text, expected):
    assert parse_bbox(text) == expected
    if expected:
        assert parse_bbox(format_bbox(expected)) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("5.2,43.2,5.6", "quatre nombres"),
    ("5.2,43.2,5.6,43.4,1", "quatre nombres"),
    ("ouest,43.2,5.6,43.4", "nombres"),
    ("5.2,43.2,nan,43.4", "finis"),
    ("5.2,43.2,inf,43.4", "finis"),
    ("5.2,43.2,200,43.4", "longitudes"),
    ("5.2,-95,5.6,43.4", "latitudes"),
    ("5.6,43.2,5.2,43.4", "ouest"),
    ("5.2,43.4,5.6,43.2", "sud"),
])
def test_bad_areas_are_explained(text, message):
    with pytest.raises(InvalidBBox, match=message):
        parse_bbox(text)


def test_unsound_area_in_a_query_object_is_dropped():
    assert SearchQuery(bbox=(5.6, 43.2, 5.2, 43.4)).normalised().bbox is None
    assert SearchQuery(bbox=("a", 1, 2, 3)).normalised().bbox is None
    assert SearchQuery(bbox=(5, 43, 6, 44)).normalised().bbox == (5.0, 43.0, 6.0, 44.0)


# --- API v1 ---------------------------------------------------------------------------------

def test_api_searches_by_area_and_shows_extents(boxed, client):
    response = client.get("/api/1/datasets/", {"bbox": MARSEILLE})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    by_slug = {item["slug"]: item for item in body["data"]}
    assert by_slug[boxed["velo"].slug]["spatial_bbox"] == BOXES["commune:13055"]
    everything = client.get("/api/1/datasets/").json()
    assert everything["total"] == 5
    budget = next(i for i in everything["data"] if i["slug"] == boxed["budget"].slug)
    assert budget["spatial_bbox"] is None
    detail = client.get(f"/api/1/datasets/{boxed['air'].slug}/").json()
    assert detail["spatial_bbox"] == BOXES["region:93"]


@pytest.mark.parametrize("bad", ["1,2,3", "5.6,43.2,5.2,43.4", "a,b,c,d", "0,0,0,100"])
def test_api_refuses_bad_areas_with_a_french_message(boxed, client, bad):
    response = client.get("/api/1/datasets/", {"bbox": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "bbox"
    assert body["detail"] and ("zone" in body["detail"].lower()
                               or "latitude" in body["detail"].lower()
                               or "limite" in body["detail"].lower())


# --- The search page ------------------------------------------------------------------------

def test_page_filters_by_area_with_a_chip_to_remove_it(boxed, client):
    response = client.get("/jeux-de-donnees/", {"bbox": MARSEILLE, "q": "vélo"})
    assert response.status_code == 200
    page = response.content.decode()
    assert boxed["velo"].title in page
    assert boxed["eau"].title not in page
    assert "Zone géographique" in page
    chips = response.context["active_filters"]
    chip = next(c for c in chips if c.legend == "Zone géographique")
    assert "bbox" not in chip.remove_url and "q=" in chip.remove_url
    # The form's four fields show the area.
    fields = dict((name, value) for name, _label, value in response.context["area_fields"])
    assert fields == {"west": "5.3", "south": "43.25", "east": "5.45", "north": "43.35"}


def test_page_form_takes_four_fields_with_decimal_commas(boxed, client):
    response = client.get("/jeux-de-donnees/", {"west": "6,2", "south": "44,05",
                                                "east": "6,3", "north": "44,1"})
    assert response.status_code == 200
    assert response.context["result"].total == 2
    assert response.context["area_bbox"] == "6.2,44.05,6.3,44.1"


@pytest.mark.parametrize("params", [
    {"bbox": "5.6,43.2,5.2,43.4"},
    {"west": "5.2", "south": "43.2", "east": "", "north": "43.4"},
    {"west": "ouest", "south": "43.2", "east": "5.6", "north": "43.4"},
])
def test_page_explains_a_bad_area_in_french(boxed, client, params):
    response = client.get("/jeux-de-donnees/", params)
    assert response.status_code == 400
    assert response.context["area_error"]
    page = response.content.decode()
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    # The rest of the search still answers, without the area.
    assert response.context["result"].total == 5
