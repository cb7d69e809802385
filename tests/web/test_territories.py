"""Territory pages: hierarchy links and the datasets covering each territory."""
from django.urls import reverse


def test_index_lists_levels_and_finds_by_name(client, catalogue, territories):
    html = client.get(reverse("territories:index")).content.decode()
    assert "Provence-Alpes-Côte d&#x27;Azur" in html
    assert "Alpes-de-Haute-Provence (04)" in html
    assert "Provence-Alpes Agglomération" in html
    html = client.get(reverse("territories:index") + "?q=manos").content.decode()
    assert reverse("territories:detail", args=["commune", "04112"]) in html


def test_commune_page_lists_datasets_of_the_territories_containing_it(client, catalogue,
                                                                      territories):
    response = client.get(reverse("territories:detail", args=["commune", "04070"]))
    html = response.content.decode()
    own = html.split('id="own-title"')[1].split("</section>")[0]
    assert "Horaires des bus de Digne" in own
    assert "Lycées de la région" not in own
    sections = html.split('id="inherited-')[1:]
    assert len(sections) == 3  # EPCI, département, région: nearest first
    assert "Provence-Alpes Agglomération" in sections[0]
    assert "Collecte des déchets" in sections[0]
    assert "Routes départementales" in sections[1]
    assert "Lycées de la région" in sections[2]
    assert response.context["covering_count"] == 4
    assert "Comptages confidentiels" not in html  # private
    assert reverse("territories:detail", args=["departement", "04"]) in html


def test_departement_page_links_its_epci_and_communes(client, catalogue, territories):
    html = client.get(reverse("territories:detail", args=["departement", "04"])).content.decode()
    assert reverse("territories:detail", args=["epci", "200067437"]) in html
    assert reverse("territories:detail", args=["commune", "04070"]) in html
    assert reverse("territories:detail", args=["commune", "04112"]) in html
    assert "Routes départementales" in html


def test_epci_page_links_its_member_communes(client, catalogue, territories):
    html = client.get(reverse("territories:detail", args=["epci", "200067437"])).content.decode()
    assert reverse("territories:detail", args=["commune", "04070"]) in html
    assert reverse("territories:detail", args=["commune", "04112"]) not in html


def test_dataset_page_links_its_territories(client, catalogue):
    html = client.get(catalogue["public"].get_absolute_url()).content.decode()
    assert reverse("territories:detail", args=["commune", "04070"]) in html
