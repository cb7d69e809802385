"""French first, English available through Django's set_language."""
import gettext
import re
from pathlib import Path

from django.urls import reverse

import datasud

LOCALE = Path(datasud.__file__).parent / "locale" / "en" / "LC_MESSAGES"


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


def test_sign_up_and_password_pages_in_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("accounts:signup")).content.decode()
    assert '<html lang="en">' in html
    assert "Create an account" in html and "Already have an account? Sign in" in html
    assert "Email address" in html and "First name (optional)" in html
    assert "Créer un compte" not in html and "Adresse électronique" not in html
    html = client.get(reverse("accounts:password_reset")).content.decode()
    assert "Forgotten password" in html and "Send the link" in html
    assert "Mot de passe oublié" not in html


def test_the_english_catalogue_is_complete_and_compiled():
    # After makemessages, a new or changed French string is untranslated or fuzzy: it would
    # show in French on the English pages. And the .mo must be compiled from this .po.
    po = (LOCALE / "django.po").read_text()
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e]  # after the header
    fuzzy = [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, re.M)]
    empty = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", re.M)]
    assert fuzzy == [] and empty == []
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("compte supprimé") == "deleted account"
    assert compiled.gettext("Créer un compte") == "Create an account"


FRENCH = Path(datasud.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


def test_french_plurals_take_the_singular_for_zero_and_one(client, organisation,
                                                           make_dataset):
    # The source strings are French; without the French catalogue gettext applied the
    # English rule ("0 jeux de données publics").
    html = client.get(reverse("catalog:organisations")).content.decode()
    assert "0 jeu de données public" in html and "0 jeux" not in html
    make_dataset()
    make_dataset(title="Autre jeu")
    html = client.get(reverse("catalog:organisations")).content.decode()
    assert "2 jeux de données publics" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("catalog:organisations")).content.decode()
    assert "0 jeu" not in html and "2 jeux" not in html
    # Back to French: the language a request activates stays active for the next tests.
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get(reverse("web:home")).content.decode()


def test_the_french_catalogue_gives_each_plural_string_as_itself_and_is_compiled():
    # Written by tools/french_plurals.py: plural strings only, under the French rule.
    po = (FRENCH / "django.po").read_text()
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in po
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e]
    assert len(entries) > 50
    for entry in entries:
        singular = re.search(r'^msgid (".*"(?:\n".*")*)', entry, re.M).group(1)
        plural = re.search(r'^msgid_plural (".*"(?:\n".*")*)', entry, re.M).group(1)
        assert f"msgstr[0] {singular}" in entry and f"msgstr[1] {plural}" in entry
    with (FRENCH / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    one, many = "%(counter)s jeu de données public", "%(counter)s jeux de données publics"
    assert [compiled.ngettext(one, many, n) for n in (0, 1, 2)] == [one, one, many]
