"""Search by map area in a real Chromium, with the platform's Content-Security-Policy
enforced: the "Chercher sur la carte" panel of the search page (geo/area-search.js), its
button that searches the map's view, and axe-core on the page with the panel open."""

import re

import pytest
from playwright.sync_api import expect

from datasud.geo.extent import refresh_spatial_bbox
from datasud.search import indexing
from datasud.territories.loaders import load_territories
from datasud.territories.models import Territory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PANEL = "[data-area-map]"


@pytest.fixture
def placed(make_dataset):
    """A dataset covering Marseille, one covering Nice, one of unknown extent, over the
    région's real territories (the basemap)."""
    load_territories()
    made = [
        make_dataset("Pistes cyclables de Marseille"),
        make_dataset("Plages de Nice"),
        make_dataset("Budget de la Région"),
    ]
    made[0].territories.set([Territory.objects.get(level="commune", code="13055")])
    made[1].territories.set([Territory.objects.get(level="commune", code="06088")])
    refresh_spatial_bbox([d.pk for d in made])
    indexing.rebuild()
    return made


def titles(page) -> list[str]:
    return sorted(page.locator(".result-title").all_inner_texts())


def wait_for_panel_map(page) -> None:
    expect(page.locator(f"{PANEL} canvas")).to_have_count(1)
    expect(page.locator(PANEL)).to_have_attribute("data-state", "ready", timeout=30_000)


def rendered(page, layer: str) -> list[dict]:
    return page.evaluate(
        """(layer) => document.querySelector('[data-area-map]').datasudMap
        .queryRenderedFeatures({layers: [layer]}).map(f => f.properties)""",
        layer,
    )


def test_search_this_map_area(browser_page, placed):
    page = browser_page
    page.goto("/jeux-de-donnees/")
    assert titles(page) == [
        "Budget de la Région",
        "Pistes cyclables de Marseille",
        "Plages de Nice",
    ]
    # Folded at first; MapLibre is loaded when the panel opens.
    page.get_by_text("Chercher sur la carte").click()
    wait_for_panel_map(page)
    # The page's datasets with an extent are outlined, their titles as links.
    assert {p["title"] for p in rendered(page, "emprises-contours")} == {
        "Pistes cyclables de Marseille",
        "Plages de Nice",
    }
    # A click in an extent lists the datasets there, as links.
    x, y = page.evaluate("""() => { const p = document.querySelector('[data-area-map]')
        .datasudMap.project([5.38, 43.28]); return [p.x, p.y]; }""")
    page.locator(f"{PANEL} canvas").click(position={"x": x, "y": y})
    popup = page.locator(".maplibregl-popup")
    expect(popup.get_by_role("link", name="Pistes cyclables de Marseille")).to_have_attribute(
        "href", placed[0].get_absolute_url()
    )
    popup.get_by_role("button", name="Fermer").click()
    view = page.locator("#area-map-view")
    expect(view).to_contain_text("Vue actuelle de la carte : longitude")
    before = view.inner_text()
    # Keyboard: the map is named and takes the focus; "+" zooms in.
    canvas = page.get_by_role("region", name="Carte pour choisir la zone de recherche")
    canvas.focus()
    zoom = page.evaluate("document.querySelector('[data-area-map]').datasudMap.getZoom()")
    page.keyboard.press("+")
    page.wait_for_function(f"""() => document.querySelector('[data-area-map]').datasudMap
        .getZoom() > {zoom} + 0.5""")
    # Then over Marseille (pan and zoom): the view in words follows the map.
    page.evaluate("""() => document.querySelector('[data-area-map]').datasudMap
        .jumpTo({center: [5.38, 43.29], zoom: 10})""")
    expect(view).not_to_have_text(before)
    page.get_by_role("button", name="Rechercher dans cette zone").click()

    # The form's other choices are kept (here the sort), the area is `bbox=`.
    expect(page).to_have_url(
        re.compile(
            r"/jeux-de-donnees/\?sort=-modified&bbox=5\.\d{1,4},"
            r"43\.\d{1,4},5\.\d{1,4},43\.\d{1,4}$"
        )
    )
    assert titles(page) == ["Pistes cyclables de Marseille"]
    west, south, east, north = (
        float(page.get_by_label(label, exact=True).input_value())
        for label in ("Ouest (longitude)", "Sud (latitude)", "Est (longitude)", "Nord (latitude)")
    )
    assert west < 5.38 < east and south < 43.29 < north
    # The panel stays open on the area searched, drawn as a rectangle.
    wait_for_panel_map(page)
    assert rendered(page, "zone-contour")
    # The whole world in view: the area is clamped to WGS84's range.
    page.evaluate("""() => document.querySelector('[data-area-map]').datasudMap
        .jumpTo({center: [0, 0], zoom: 0})""")
    page.get_by_role("button", name="Rechercher dans cette zone").click()
    expect(page).to_have_url(re.compile(r"bbox=-180,-\d+(\.\d+)?,180,\d+(\.\d+)?$"))
    assert titles(page) == ["Pistes cyclables de Marseille", "Plages de Nice"]
    page.get_by_role("link", name="Retirer la zone").click()
    expect(page).to_have_url(re.compile(r"/jeux-de-donnees/(\?sort=-modified)?$"))
    assert len(titles(page)) == 3


def test_search_page_with_the_map_open_has_no_serious_violation(axe_check, placed):
    wait = (
        "new Promise(r => { const t = Date.now(); (function check() {"
        " const m = document.querySelector('[data-area-map]');"
        " if ((m && m.dataset.state === 'ready') || Date.now() - t > 20000) r();"
        " else setTimeout(check, 100); })(); })"
    )
    assert axe_check("/jeux-de-donnees/?bbox=5.2,43.1,5.6,43.5", before=wait) == []


def test_without_webgl_the_panel_says_so_and_the_fields_still_search(browser_page, placed):
    page = browser_page
    # A browser without WebGL: no canvas context can be had.
    page.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
    page.goto("/jeux-de-donnees/")
    page.get_by_text("Chercher sur la carte").click()
    expect(page.locator("[data-area-map-status]")).to_contain_text(
        "La carte n’a pas pu être affichée"
    )
    expect(page.locator("[data-area-map-canvas]")).to_be_hidden()
    expect(page.get_by_role("button", name="Rechercher dans cette zone")).to_be_disabled()
    for label, value in (
        ("Ouest (longitude)", "7"),
        ("Sud (latitude)", "43,5"),
        ("Est (longitude)", "7,5"),
        ("Nord (latitude)", "44"),
    ):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Chercher dans cette zone", exact=True).click()
    expect(page).to_have_url(re.compile(r"west=7&south=43%2C5&east=7%2C5&north=44"))
    assert titles(page) == ["Plages de Nice"]
