"""French first, English available through Django's set_language."""
from django.urls import reverse


def test_pages_are_in_french_by_default(client, db):
    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="fr">' in html
    assert "Jeux de données" in html and "Explorer par thème" in html


def test_language_switch_renders_english(client, make_dataset, theme):
    theme.name_en = "Mobility and transport"
    theme.save()
    make_dataset().themes.add(theme)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Datasets" in html and "Explore by theme" in html
    assert "Mobility and transport" in html  # the theme's own English name
    assert "Explorer par thème" not in html
    html = client.get(reverse("catalog:search")).content.decode()
    assert "Filter the results" in html
    html = client.get(reverse("catalog:search") + "?partner=true").content.decode()
    assert "Partner producers" in html
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get(reverse("web:home")).content.decode()


def test_browser_language_is_honoured(client, db):
    html = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content
    assert b'<html lang="en">' in html
