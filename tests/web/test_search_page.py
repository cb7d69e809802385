"""The search page: a GET form with facets as fieldsets, removable filters, sort and
pagination links that keep the query string."""
import re

from django.urls import reverse

from datasud.search import indexing


def test_facets_are_fieldsets_of_checkboxes(client, catalogue, theme):
    html = client.get(reverse("catalog:search")).content.decode()
    assert '<form id="search-form" action="/jeux-de-donnees/" method="get"' in html
    assert "<legend>Thèmes</legend>" in html
    assert "<legend>Producteurs</legend>" in html
    assert "<legend>Territoires</legend>" in html
    assert f'name="theme" value="{theme.slug}"' in html
    assert 'name="partner" value="true"' in html
    assert "Producteurs partenaires" in html
    assert "4 jeux de données" in html  # the public ones only


def test_selected_filter_is_checked_and_removable(client, catalogue, theme):
    url = reverse("catalog:search") + f"?q=horaires&theme={theme.slug}&tag=bus"
    response = client.get(url)
    html = response.content.decode()
    assert response.context["result"].total == 1
    assert re.search(rf'name="theme" value="{theme.slug}"[^>]*checked', html)
    # Removing the theme keeps the query and the tag.
    assert 'href="/jeux-de-donnees/?q=horaires&amp;tag=bus"' in html
    assert "Retirer tous les filtres" in html
    assert "Horaires des bus de Digne" in html


def test_territory_filter_covers_the_territories_above(client, catalogue):
    html = client.get(reverse("catalog:search") + "?territory=commune:04070").content.decode()
    for title in ("Horaires des bus de Digne", "Lycées de la région", "Routes départementales",
                  "Collecte des déchets"):
        assert title in html


def test_pagination_keeps_the_query_string(client, make_dataset, theme):
    ids = []
    for i in range(45):
        dataset = make_dataset(f"Comptage vélo {i:02d}", slug=f"comptage-{i:02d}")
        dataset.themes.add(theme)
        ids.append(dataset.pk)
    indexing.reindex(ids)
    base = reverse("catalog:search")
    html = client.get(f"{base}?q=comptage&theme={theme.slug}&sort=title&page=2").content.decode()
    assert "45 jeux de données" in html
    assert f'href="?q=comptage&amp;theme={theme.slug}&amp;sort=title&amp;page=2" ' \
           f'aria-current="page"' in html
    assert f'href="?q=comptage&amp;theme={theme.slug}&amp;sort=title&amp;page=3"' in html
    # Page 1 drops the page parameter; the order follows the sort.
    assert f'href="?q=comptage&amp;theme={theme.slug}&amp;sort=title" rel="prev"' in html
    assert html.index("Comptage vélo 20") < html.index("Comptage vélo 21")
    assert "Comptage vélo 19" not in html
    assert re.search(r'<option value="title"\s+selected>', html)


def test_a_page_past_the_end_says_so(client, catalogue):
    html = client.get(reverse("catalog:search") + "?page=40").content.decode()
    assert "au-delà de la dernière page" in html


def test_malformed_parameters_are_ignored(client, catalogue):
    url = reverse("catalog:search") + "?page=abc&sort=drop-table&partner=maybe&theme="
    assert client.get(url).status_code == 200
