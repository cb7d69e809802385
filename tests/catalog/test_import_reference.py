"""The shipped reference tables (themes, licences) and the theme keyword table."""
import pytest

from datasud.catalog.importers.places import TerritoryNames, guess_organisation_type
from datasud.catalog.importers.reference import load_reference
from datasud.catalog.importers.themes import ThemeMatcher, default_matcher
from datasud.catalog.models import Licence, Organisation, Theme
from datasud.territories.loaders import load_territories


@pytest.mark.django_db
def test_load_reference_is_idempotent():
    report = load_reference()
    assert report.themes_created == 16 and report.licences_created == 12
    mobility = Theme.objects.get(slug="mobilite-et-transports")
    assert mobility.name == "Mobilité et transports"
    assert mobility.name_en == "Mobility and transport"
    assert mobility.iso_topic == "transportation"
    assert all(t.name_en for t in Theme.objects.all())
    lov2 = Licence.objects.get(slug="lov2")
    assert "Licence Ouverte / Open Licence version 2.0" in lov2.alternate_titles
    assert not Licence.objects.get(slug="notspecified").is_open

    Theme.objects.filter(slug="mobilite-et-transports").update(name="Changed")
    report = load_reference()
    assert (report.themes_created, report.themes_updated) == (0, 1)
    assert (report.licences_created, report.licences_updated) == (0, 0)
    assert Theme.objects.count() == 16 and Licence.objects.count() == 12
    assert Theme.objects.get(slug="mobilite-et-transports").name == "Mobilité et transports"


def test_keyword_table_names_only_real_themes():
    import json
    from pathlib import Path

    from datasud.catalog.importers import reference

    slugs = {t["slug"] for t in json.loads(
        (Path(reference.DATA_DIR) / "themes.json").read_text(encoding="utf-8"))}
    table = json.loads((Path(reference.DATA_DIR) / "theme_keywords.json").read_text("utf-8"))
    assert {k for k in table if not k.startswith("_")} == slugs


@pytest.mark.parametrize("tags, title, expected", [
    (["reseaux-de-transport"], "", "mobilite-et-transports"),
    (["Vélos"], "", "mobilite-et-transports"),
    ([], "Pistes cyclables de Digne", "mobilite-et-transports"),
    ([], "Stationnement payant", "mobilite-et-transports"),
    (["ordures-menageres"], "", "environnement-et-climat"),
    (["plu"], "", "amenagement-et-urbanisme"),
    (["bureau-de-vote"], "", "citoyennete-et-democratie"),
    ([], "Orthophotographie 2020", "imagerie-et-occupation-du-sol"),
    (["base-adresse-locale"], "", "limites-administratives-et-referentiels"),
])
def test_theme_keywords(tags, title, expected):
    assert expected in default_matcher().match(tags, title)


def test_keyword_syntax():
    matcher = ThemeMatcher({"a": ["port", "transport*", "=bal", "piste cyclable"]})
    assert matcher.match(["ports"]) == {"a"}            # singular or plural
    assert matcher.match(["portes"]) == set()            # but not another word
    assert matcher.match(["transporteurs"]) == {"a"}     # prefix
    assert matcher.match(["bals"]) == set()              # exact
    assert matcher.match([], "Les pistes cyclables") == {"a"}  # phrase
    assert matcher.match([], "Piste de ski cyclable") == set()


@pytest.mark.parametrize("name, expected", [
    ("Ville de Marseille", Organisation.Type.COMMUNE),
    ("Commune d'Arles", Organisation.Type.COMMUNE),
    ("Communauté d'agglomération Arles Crau Camargue Montagnette",
     Organisation.Type.COMMUNAUTE_AGGLOMERATION),
    ("Durance Luberon Verdon Agglomération", Organisation.Type.COMMUNAUTE_AGGLOMERATION),
    ("Communauté de Communes du Pays d'Orange en Provence", Organisation.Type.COMMUNAUTE_COMMUNES),
    ("Métropole Nice Côte d'Azur", Organisation.Type.METROPOLE),
    ("Toulouse métropole", Organisation.Type.METROPOLE),
    ("Département des Alpes-Maritimes", Organisation.Type.CONSEIL_DEPARTEMENTAL),
    ("Conseil Départemental de Vaucluse", Organisation.Type.CONSEIL_DEPARTEMENTAL),
    ("Région Provence-Alpes-Côte-d'Azur", Organisation.Type.CONSEIL_REGIONAL),
    ("Syndicat Mixte Ouvert Provence-Alpes-Cote d'Azur Très Haut Débit - SMO SUD THD",
     Organisation.Type.SYNDICAT_MIXTE),
    ("Parcs naturels régionaux de Provence-Alpes-Côte d'Azur", Organisation.Type.SYNDICAT_MIXTE),
    ("Direction Départementale des Territoires du Cher", Organisation.Type.SERVICE_ETAT),
    ("AtmoSud", Organisation.Type.AUTRE),
])
def test_organisation_types(name, expected):
    assert guess_organisation_type(name) == expected


@pytest.mark.django_db
def test_territory_names():
    load_territories()
    names = TerritoryNames()
    assert names.find("Le Grand Avignon (COGA)", ["epci"]).code == "248400251"
    assert names.find("La Provence Verte", ["epci"]).code == "200068104"
    assert names.for_organisation("Région Provence-Alpes-Côte-d'Azur",
                                  Organisation.Type.CONSEIL_REGIONAL).code == "93"
    # Two communes called La Garde (04 and 83): no guess.
    assert names.find("La Garde", ["commune"]) is None
    # Zones elsewhere in France do not attach a namesake of ours.
    assert names.zones("Toulouse,Blagnac") == []
    assert [t.code for t in names.zones("Antibes")] == ["06004"]
