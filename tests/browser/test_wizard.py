"""The diagnostic wizard in a real browser: walked with the keyboard only, checked with
axe-core, and printed (print media): the summary without the site's navigation."""
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from datasud.employment import services
from datasud.employment.engine import Engine

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIZARD = "/diagnostic-mobilite/"


@pytest.fixture(scope="module")
def shipped_engine():
    return Engine.from_files()


@pytest.fixture
def referentials(transactional_db, shipped_engine, monkeypatch):
    # The engine over the shipped referential files (what `load_employment` publishes);
    # the territories for the map of employment areas.
    monkeypatch.setattr(services, "current_engine", lambda: shipped_engine)
    call_command("load_territories", verbosity=0)


def tab_to(page, selector: str, presses: int = 120) -> None:
    """Press Tab until the focused element matches `selector` (fails if it never does)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the keyboard focus")


def test_keyboard_only_walk_to_the_result(browser_page, referentials):
    page = browser_page
    page.goto("/")
    tab_to(page, f"a[href='{WIZARD}']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre métier actuel")

    # Step 1: own words, then the best match (checked first) with Enter on "Continuer".
    tab_to(page, "#id_q")
    page.keyboard.type("caissiere")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Choisissez le métier le plus proche du vôtre")
           ).to_be_visible()
    tab_to(page, "input[name=actuel]:checked")
    expect(page.locator("input[name=actuel]:checked")).to_have_value("D1505")
    tab_to(page, ".wizard-choices button[type=submit]")
    page.keyboard.press("Enter")

    # Step 2: ask for proposals, take the second one (arrow key in the radio group).
    expect(page.get_by_role("heading", level=1)).to_have_text("Le métier visé")
    tab_to(page, "a[href*='suggestions=1']")
    page.keyboard.press("Enter")
    expect(page.locator("#propositions")).to_be_focused()
    tab_to(page, "input[name=cible]:checked")
    page.keyboard.press("ArrowDown")
    target = page.evaluate("document.activeElement.value")
    assert re.fullmatch(r"[A-N]\d{4}", target) and target != "D1505"
    tab_to(page, "#propositions button[type=submit]")
    page.keyboard.press("Enter")

    # Step 3: tick the first skill with Space, give a commune, see the result.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vos compétences en plus")
    tab_to(page, "input[name=competences]")
    page.keyboard.press("Space")
    ticked = page.evaluate("document.activeElement.value")
    tab_to(page, "#id_commune")
    page.keyboard.type("Aix-en-Provence")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre diagnostic")
    expect(page).to_have_url(re.compile(rf"resultat/\?.*cible={target}.*competences={ticked}"))
    expect(page.locator("#couverture")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Carte des bassins d'emploi"))).to_be_visible()
    expect(page.locator("#tableau-bassins tbody tr")).to_have_count(17)
    expect(page.get_by_role("button", name="Imprimer / PDF")).to_be_visible()

    # Save it, with the consent box ticked from the keyboard.
    tab_to(page, "input[name=consentement]")
    page.keyboard.press("Space")
    tab_to(page, "#enregistrer button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Diagnostic enregistré.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/diagnostic-mobilite/enregistre/[\w-]{40,}/$"))


def test_type_ahead_fills_the_browser_suggestion_list(browser_page, referentials):
    page = browser_page
    page.goto(WIZARD)
    page.get_by_label("Votre métier actuel, en quelques mots").press_sequentially("caissi")
    options = page.locator("#id_q-suggestions option")
    expect(options.first).to_have_attribute("value", re.compile("caissi", re.I))
    assert page.get_attribute("#id_q", "list") == "id_q-suggestions"


def test_print_media_shows_the_summary_only(browser_page, referentials):
    page = browser_page
    page.goto(f"{WIZARD}resultat/?actuel=D1505&cible=D1106")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("#enregistrer")).to_be_hidden()
    expect(page.locator(".wizard-steps")).to_be_hidden()
    expect(page.locator("#ecart")).to_be_visible()
    expect(page.locator("#emplois")).to_be_visible()
    expect(page.get_by_text("Diagnostic établi sur DataSud")).to_be_visible()
    after = page.evaluate("""getComputedStyle(document.querySelector(
        '#suite a[href^="https://mon-cep.org"]'), '::after').content""")
    assert "https://mon-cep.org/" in after
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_wizard_pages_have_no_serious_violation(axe_check, referentials):
    pages = [
        WIZARD, f"{WIZARD}?q=caissiere",
        f"{WIZARD}metier-vise/?actuel=D1505&suggestions=1",
        f"{WIZARD}competences/?actuel=D1505&cible=D1106",
        f"{WIZARD}resultat/?actuel=D1505&cible=D1106&commune=13001",
    ]
    violations = [v for path in pages for v in axe_check(path)]
    assert violations == []
