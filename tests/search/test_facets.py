"""Filters (AND between facets, OR within one) and facet counts."""
from datasud.catalog.models import Tag

from .helpers import counts, names


def test_theme_filter_and_facet(catalogue, search):
    result = search(themes=["environnement"])
    assert names(result, catalogue) == {"air", "eau"}
    theme = {v.value: v for v in result.facets["theme"]}
    assert theme["environnement"].selected and theme["environnement"].count == 2
    assert theme["environnement"].label == "Environnement"
    # A facet's counts ignore its own selection: ticking transport too would add two.
    assert theme["mobilite-et-transports"].count == 2
    assert not theme["mobilite-et-transports"].selected
    # ...while the other facets count the results only.
    assert counts(result, "tag") == {"air": 1, "baignade": 1, "eau": 1, "pollution": 1}


def test_or_within_a_facet_and_between_facets(catalogue, search):
    assert names(search(themes=["environnement", "mobilite-et-transports"]), catalogue) == {
        "velo", "bus", "air", "eau"}
    assert names(search(themes=["environnement"], licences=["odbl"]), catalogue) == {"air"}


def test_organisation_filter(catalogue, search):
    result = search(organisations=["amp"])
    assert names(result, catalogue) == {"velo", "bus"}
    assert counts(result, "organisation") == {"amp": 2, "ville-de-digne": 3}
    assert counts(result, "partner") == {"true": 2}
    assert {v.value: v.label for v in result.facets["organisation"]}["amp"] == (
        "Métropole Aix-Marseille-Provence")


def test_tag_filter(catalogue, search):
    assert names(search(tags=["vélo"]), catalogue) == {"velo"}
    assert names(search(tags=["VÉLO ", "eau"]), catalogue) == {"velo", "eau"}


def test_licence_filter_and_facet(catalogue, search):
    result = search(licences=["odbl"])
    assert names(result, catalogue) == {"air"}
    assert counts(result, "licence") == {"lov2": 4, "odbl": 1}
    assert counts(result, "theme") == {"environnement": 1}


def test_format_filter_counts_datasets_not_files(catalogue, search):
    result = search(formats=["CSV"])
    assert names(result, catalogue) == {"velo", "air"}
    csv = next(v for v in result.facets["format"] if v.value == "csv")
    assert (csv.count, csv.label, csv.selected) == (2, "CSV", True)


def test_territory_filter_includes_the_communes_ancestors(catalogue, search):
    # Marseille: declared on it (velo), on its département (bus) and on the région (air).
    assert names(search(territories=["commune:13055"]), catalogue) == {"velo", "bus", "air"}
    assert names(search(territories=["commune:04070"]), catalogue) == {"eau", "air"}
    assert names(search(territories=["departement:13"]), catalogue) == {"bus", "air"}
    assert names(search(territories=["region:93"]), catalogue) == {"air"}
    both = search(territories=["commune:04070", "departement:13"])
    assert names(both, catalogue) == {"eau", "bus", "air"}


def test_territory_facet_counts_declared_territories(catalogue, search):
    result = search()
    assert counts(result, "territory") == {"commune:13055": 1, "departement:13": 1,
                                           "region:93": 1, "commune:04070": 1}
    labels = {v.value: v.label for v in result.facets["territory"]}
    assert labels["commune:13055"] == "Marseille"


def test_malformed_or_unknown_territory_matches_nothing(catalogue, search):
    for key in ["marseille", "commune:", ":13055", "commune:99999"]:
        result = search(territories=[key])
        assert result.total == 0
        selected = [(v.value, v.count) for v in result.facets["territory"] if v.selected]
        assert selected == [(key, 0)]


def test_partner_filter_and_facet(catalogue, search):
    assert names(search(partner=True), catalogue) == {"velo", "bus"}
    result = search(partner=False)
    assert names(result, catalogue) == {"air", "eau", "budget"}
    partner = {v.value: v for v in result.facets["partner"]}
    assert (partner["true"].count, partner["false"].count) == (2, 3)
    assert partner["false"].selected and not partner["true"].selected
    assert partner["true"].label == "Producteurs partenaires"
    assert partner["false"].label == "Autres producteurs"


def test_facets_follow_the_text_query(catalogue, search):
    result = search("qualité")
    assert counts(result, "theme") == {"environnement": 2}
    assert counts(result, "format") == {"csv": 1, "xlsx": 1}
    assert counts(result, "partner") == {"false": 2}


def test_facet_limit_keeps_the_biggest_and_the_selected(make_indexed, search):
    for n in range(6):
        make_indexed(f"Jeu {n}", tags=["commun"] + ["zz-rare"] * (n == 5))
    make_indexed("Jeu étiqueté", tags=["commun", "second", "troisième"])
    make_indexed("Autre jeu", tags=["second", "troisième"])
    result = search(facet_limit=2, tags=["zz-rare"])
    assert result.total == 1
    values = [(v.value, v.count, v.selected) for v in result.facets["tag"]]
    # Top two by count (then label), and the selected "zz-rare" although it ranks fourth.
    assert values == [("commun", 7, False), ("second", 2, False), ("zz-rare", 1, True)]


def test_selected_value_without_dataset_is_kept_with_zero(catalogue, search):
    Tag.objects.create(name="orphelin")
    result = search(tags=["orphelin"], themes=["inconnu"])
    assert result.total == 0
    assert [(v.value, v.count, v.selected) for v in result.facets["tag"]] == [
        ("orphelin", 0, True)]
    assert [(v.label, v.count) for v in result.facets["theme"]] == [("inconnu", 0)]


def test_facet_limit_zero_skips_facets(catalogue, search):
    result = search("qualité", facet_limit=0)
    assert result.total == 2 and result.facets == {}


def test_counts_are_plain_integers(catalogue, search):
    # PostgreSQL returns SUM() as a numeric; the API and templates expect int.
    result = search("vélo")
    assert type(result.total) is int
    assert all(type(v.count) is int for values in result.facets.values() for v in values)
