"""Reuse pages and the form to declare one, whose datasets are found by search."""
from django.urls import reverse

from datasud.catalog.models import Reuse


def test_reuse_pages(client, catalogue):
    reuse = catalogue["reuse"]
    html = client.get(reverse("catalog:reuses")).content.decode()
    assert reuse.title in html and "1 jeu de données utilisé" in html
    html = client.get(reuse.get_absolute_url()).content.decode()
    assert "Atelier Carto" in html and "Visualisation" in html
    assert catalogue["public"].get_absolute_url() in html
    html = client.get(catalogue["public"].get_absolute_url()).content.decode()
    assert reuse.get_absolute_url() in html


def test_declaring_needs_an_account(client, db):
    response = client.get(reverse("catalog:reuse_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_declare_a_reuse_finding_datasets_by_search(client_for, catalogue, outsider):
    client = client_for(outsider)
    url = reverse("catalog:reuse_create")
    fields = {"title": "Appli des lycées", "url": "https://example.org/lycees",
              "type": "application", "author_name": "Jeanne", "description": ""}
    # A search posts the form back with the results to tick; nothing is saved yet.
    response = client.post(url, {**fields, "action": "find", "dataset_search": "lycées",
                                 "datasets": [catalogue["public"].slug]})
    assert response.status_code == 200
    html = response.content.decode()
    assert not Reuse.objects.filter(title="Appli des lycées").exists()
    assert 'value="Appli des lycées"' in html  # what was typed is kept
    assert f'value="{catalogue["region"].slug}"' in html
    assert "Comptages confidentiels" not in html
    # A dataset the user cannot see is not a valid choice (its slug was typed in by hand).
    response = client.post(url, {**fields, "action": "save",
                                 "datasets": [catalogue["public"].slug,
                                              catalogue["private"].slug]})
    assert response.status_code == 200
    assert 'id="id_datasets_error"' in response.content.decode()
    assert not Reuse.objects.filter(title="Appli des lycées").exists()
    response = client.post(url, {**fields, "action": "save",
                                 "datasets": [catalogue["public"].slug,
                                              catalogue["region"].slug]})
    reuse = Reuse.objects.get(title="Appli des lycées")
    assert response.status_code == 302
    assert response["Location"] == reuse.get_absolute_url()
    assert reuse.owner == outsider
    assert set(reuse.datasets.all()) == {catalogue["public"], catalogue["region"]}


def test_declare_form_prefills_the_dataset(client_for, catalogue, outsider):
    dataset = catalogue["public"]
    html = client_for(outsider).get(reverse("catalog:reuse_create") + f"?jeu={dataset.slug}")
    assert f'value="{dataset.slug}"' in html.content.decode()
