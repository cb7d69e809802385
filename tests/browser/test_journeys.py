"""The journeys people make, in a real browser, with the platform's own policy enforced."""
import re

import pytest
from playwright.sync_api import expect

from datasud.search import indexing
from tests.datastore.conftest import COMMUNES_CSV, upload  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def communes(upload, make_dataset):  # noqa: F811
    dataset = make_dataset("Population des communes de la région",
                           description="Population légale par commune.")
    upload(dataset, "communes.csv", COMMUNES_CSV)
    indexing.rebuild()
    return dataset


def test_a_visitor_searches_opens_a_dataset_and_explores_its_table(browser_page, communes):
    page = browser_page
    page.goto("/")
    page.get_by_label("Rechercher un jeu de données").fill("communes population")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/jeux-de-donnees/\?q=communes"))

    page.get_by_role("link", name="Population des communes de la région").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Population des communes de la région")

    page.get_by_role("link", name=re.compile("Explorer les données")).first.click()
    table = page.locator("table.ds-table")
    expect(table.locator("tbody tr")).to_have_count(8)
    expect(page.locator("#ds-count")).to_contain_text("sur 8")

    # Sort by population, largest first: two clicks on the header's sort link.
    header = table.get_by_role("link", name=re.compile(r"^population"))
    header.click()
    table.get_by_role("link", name=re.compile(r"^population")).click()
    expect(table.locator("th[aria-sort='descending']")).to_contain_text("population")
    expect(table.locator("tbody tr").first).to_contain_text("Marseille")

    # Filter on every column.
    page.get_by_label("Rechercher dans toutes les colonnes").fill("digne")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text("Digne-les-Bains")

    # A mistake in the advanced filter is explained on the page, not a crash.
    page.get_by_label(re.compile("Filtre avancé")).fill("populaton > 1000")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("alert")).to_contain_text("populaton")


def test_a_producer_publishes_a_csv_and_sees_it_loaded(browser_page, editor, theme, licence,
                                                        tmp_path):
    page = browser_page
    page.goto("/compte/connexion/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("pw-editor-123!")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="Mon compte")).to_be_visible()

    page.goto("/publier/jeu-de-donnees/")
    page.get_by_label("Titre").fill("Communes des Alpes du Sud")
    page.get_by_label("Description").fill("Population et superficie des communes.")
    page.get_by_label("Mobilité et transports").check()
    page.get_by_label("Publié").check()
    page.get_by_role("button", name=re.compile("Créer|Enregistrer|Publier")).click()
    expect(page.locator(".message-success, [role=status]").first).to_be_visible()

    data = tmp_path / "communes.csv"
    data.write_bytes(COMMUNES_CSV)
    page.locator("input[type=file]").set_input_files(str(data))
    page.get_by_role("button", name=re.compile("Ajouter|Enregistrer|Déposer")).click()

    expect(page).to_have_url(re.compile(r"/jeux-de-donnees/[\w-]+/#ressources$"))
    expect(page.get_by_text("8 lignes chargées")).to_be_visible()
    page.get_by_role("link", name=re.compile("Explorer les données")).first.click()
    expect(page.locator("table.ds-table tbody tr")).to_have_count(8)

    # Published: an anonymous visitor finds it too.
    page.context.clear_cookies()
    page.goto("/jeux-de-donnees/?q=alpes")
    expect(page.get_by_role("link", name="Communes des Alpes du Sud")).to_be_visible()
