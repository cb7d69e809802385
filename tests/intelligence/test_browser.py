"""The suggestions panel in real Chromium: with JavaScript, suggestions come from the API and
one click ticks the theme / adds the tag, without leaving the page; no accessibility
violation with the suggestions shown."""
import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.slow]

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the browser conftest skips these tests then
    expect = None


def sign_in(page, live_server, settings, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value,
                               "url": live_server.url}])


def test_one_click_accepts_a_suggestion(browser_page, live_server, settings, editor,
                                        organisation, reference, territories):
    page = browser_page
    sign_in(page, live_server, settings, editor)
    page.goto("/publier/jeu-de-donnees/")
    page.get_by_label("Titre").fill("Pistes cyclables de Marseille")
    page.get_by_label("Description").fill("Aménagements vélo de la ville.")
    page.get_by_role("button", name="Proposer des thèmes et mots-clés").click()
    theme = page.get_by_role("button", name="Ajouter le thème « Mobilité et transports »")
    theme.click()
    expect(page.get_by_label("Mobilité et transports")).to_be_checked()
    page.locator('#suggestions button[data-kind="tag"][data-value="velo"]').click()
    expect(page.get_by_label("Mots-clés")).to_have_value("velo")
    page.get_by_role("button", name="Ajouter Marseille").click()
    expect(page.get_by_label("Communes")).to_have_value("Marseille (13055)")
    assert page.url.endswith("/publier/jeu-de-donnees/")  # never left the page


def test_the_script_sends_the_chosen_organisation(browser_page, live_server, settings,
                                                  editor, organisation, reference,
                                                  territories):
    page = browser_page
    sign_in(page, live_server, settings, editor)
    page.goto("/publier/jeu-de-donnees/")
    page.get_by_label("Titre").fill("Aires de jeux")
    with page.expect_request(lambda r: r.url.endswith("/api/1/suggestions")) as sent:
        page.get_by_role("button", name="Proposer des thèmes et mots-clés").click()
    assert sent.value.post_data_json["organisation"] == organisation.slug


def test_panel_with_suggestions_is_accessible(chromium, axe_source, live_server,
                                              settings, editor, organisation, reference,
                                              territories):
    settings.ALLOWED_HOSTS = ["*"]
    # axe-core is injected (an inline script): this context alone bypasses the policy.
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, settings, editor)
    page.goto("/publier/jeu-de-donnees/")
    page.get_by_label("Titre").fill("Pistes cyclables de Marseille")
    page.get_by_role("button", name="Proposer des thèmes et mots-clés").click()
    expect(page.locator('#suggestions button[data-kind="theme"]').first).to_be_visible()
    page.add_script_tag(content=axe_source)
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')));
    }""")
    context.close()
    assert results == []


def test_the_organisations_usual_tags_are_one_click_away(browser_page, live_server, settings,
                                                        editor, organisation, reference,
                                                        territories):
    from datasud.catalog.models import Dataset, Tag

    tag = Tag.objects.create(name="budget-participatif")
    for year in (2024, 2025):
        Dataset.objects.create(title=f"Budget participatif {year}", slug=f"bp-{year}",
                               organisation=organisation,
                               status=Dataset.Status.PUBLISHED).tags.add(tag)
    page = browser_page
    sign_in(page, live_server, settings, editor)
    page.goto("/publier/jeu-de-donnees/")
    page.get_by_label("Titre").fill("Aires de jeux")
    page.get_by_role("button", name="Proposer des thèmes et mots-clés").click()
    usual = page.locator('#suggestions button[data-kind="tag"]'
                         '[data-value="budget-participatif"]')
    expect(usual).to_have_attribute("title", "sur 2 de ses jeux de données")
    usual.click()
    expect(page.get_by_label("Mots-clés")).to_have_value("budget-participatif")


def test_the_script_speaks_the_page_s_language(browser_page, live_server, settings, editor,
                                               organisation, reference, territories):
    """In English, what the script writes is English too (the panel's words come from the
    server), and the licence is named by its title."""
    page = browser_page
    sign_in(page, live_server, settings, editor)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    page.goto("/publier/jeu-de-donnees/")
    page.get_by_label("Title").fill("Pistes cyclables de Marseille")
    with page.expect_response(lambda r: r.url.endswith("/api/1/suggestions")):
        page.get_by_role("button", name="Suggest themes and keywords").click()
    expect(page.get_by_role("button", name="Add the theme “Mobility and transport”")
           ).to_be_visible()
    titles = page.locator("#suggestions dt").all_inner_texts()
    assert titles[:2] == ["Themes", "Keywords"] and "Territories" in titles
    expect(page.get_by_role("button", name="Add Marseille")).to_be_visible()
    licence = page.locator('#suggestions button[data-kind="licence"]')
    expect(licence).to_have_text(re.compile(r"^Choose “.+”$"))
    assert "«" not in page.locator("#suggestions").inner_text()
