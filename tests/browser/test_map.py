"""Maps in a real Chromium, with the platform's Content-Security-Policy enforced: the map of
a geo resource on its dataset page (basemap of the région's territories, the layer's
vector tiles, a popup), the territory map with its level switch, and axe-core on them."""
import pytest
from playwright.sync_api import expect

from datasud.territories.loaders import load_territories
from tests.geo import files
from tests.geo.conftest import upload  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAP = '[data-geo-map]'


@pytest.fixture
def communes(upload, make_dataset):  # noqa: F811
    load_territories()
    dataset = make_dataset("Contours de communes", description="Dix communes de la région.")
    upload(dataset, "communes.geojson", files.communes_bytes())
    return dataset


def wait_for_map(page) -> None:
    expect(page.locator(MAP)).to_be_visible()
    expect(page.locator(MAP)).to_have_attribute("data-state", "ready", timeout=30_000)
    expect(page.locator(f"{MAP} canvas")).to_have_count(1)


def rendered(page, layer: str) -> list[dict]:
    return page.evaluate("""(layer) => document.querySelector('[data-geo-map]').datasudMap
        .queryRenderedFeatures({layers: [layer]}).map(f => f.properties)""", layer)


def click_at(page, lon: float, lat: float) -> None:
    x, y = page.evaluate("""([lon, lat]) => {
        const p = document.querySelector('[data-geo-map]').datasudMap.project([lon, lat]);
        return [p.x, p.y]; }""", [lon, lat])
    page.locator(f"{MAP} canvas").click(position={"x": x, "y": y})


def test_the_dataset_page_maps_the_layer_over_the_territories(browser_page, communes):
    page = browser_page
    page.goto(communes.get_absolute_url())
    wait_for_map(page)
    names = {p["nom"] for p in rendered(page, "donnees-surfaces")}
    assert {"Marseille", "Nice", "Gap"} <= names
    # The basemap is the région's own outlines (départements drawn), no other map.
    assert rendered(page, "departements-limites")
    click_at(page, 5.40, 43.33)  # inside Marseille
    popup = page.locator(".maplibregl-popup")
    expect(popup).to_contain_text("Marseille")
    expect(popup.get_by_role("link", name="Voir cette entité")).to_have_attribute(
        "href", __import__("re").compile(r"/api/ogc/collections/resource_\d+/items/1\?f=html$"))
    # Keyboard: the zoom buttons are reachable and named in French.
    expect(page.get_by_role("button", name="Zoom avant")).to_be_visible()


def test_the_territory_map_switches_level_and_leads_to_a_territory(browser_page, communes):
    page = browser_page
    page.goto("/territoires/")
    wait_for_map(page)
    assert len({p["code"] for p in rendered(page, "choix-departements")}) == 6
    page.get_by_label("Communes").check()
    page.wait_for_function("""() => document.querySelector('[data-geo-map]').datasudMap
        .queryRenderedFeatures({layers: ['choix-communes']}).length > 100""")
    click_at(page, 5.40, 43.33)
    link = page.locator(".maplibregl-popup").get_by_role("link", name="Voir les jeux de données")
    expect(page.locator(".maplibregl-popup")).to_contain_text("Marseille")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marseille")
    wait_for_map(page)
    assert [p["code"] for p in rendered(page, "territoire-contour")][:1] == ["13055"]


def test_the_map_speaks_english_on_english_pages(browser_page, communes, live_server,
                                                 settings):
    page = browser_page
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    page.goto("/territoires/")
    wait_for_map(page)
    expect(page.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(page.get_by_role("button", name="Zoom avant")).to_have_count(0)


def test_map_pages_have_no_serious_violation(axe_check, communes):
    wait = ("new Promise(r => { const t = Date.now(); (function check() {"
            " const m = document.querySelector('[data-geo-map]');"
            " if ((m && m.dataset.state === 'ready') || Date.now() - t > 20000) r();"
            " else setTimeout(check, 100); })(); })")
    pages = [communes.get_absolute_url(), "/territoires/", "/territoires/commune/13055/"]
    violations = [v for path in pages for v in axe_check(path, before=wait)]
    assert violations == []
