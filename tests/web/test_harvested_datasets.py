"""Harvested datasets belong to their source: producers see their form read-only, with the
source named; the DataSud team may change them, warned that the next harvest undoes it."""
import pytest
from django.urls import reverse

from datasud.catalog.models import Dataset
from datasud.harvest.models import HarvestRecord, HarvestSource

from .test_producer_forms import dataset_data


@pytest.fixture
def harvested(make_dataset, organisation):
    dataset = make_dataset("Arrêts de bus", source_url="https://opendata.example.fr/ds/arrets")
    source = HarvestSource.objects.create(name="Open data Nice Côte d'Azur", slug="nice",
                                          kind="ckan", url="https://opendata.example.fr",
                                          organisation=organisation)
    HarvestRecord.objects.create(source=source, remote_id="arrets", dataset=dataset)
    return dataset


def test_producers_see_the_form_read_only_with_the_source_named(client_for, editor,
                                                                harvested, organisation):
    client = client_for(editor)
    url = reverse("catalog:dataset_edit", args=[harvested.slug])
    html = client.get(url).content.decode()
    assert "moissonné depuis la source « Open data Nice Côte d&#x27;Azur »" in html
    assert "au prochain moissonnage" in html
    assert 'href="https://opendata.example.fr/ds/arrets"' in html
    assert 'name="title"' in html and 'disabled' in html.split('name="title"', 1)[1][:200]
    assert "Enregistrer les modifications" not in html

    response = client.post(url, dataset_data(organisation, title="Titre local"))
    assert response.status_code == 409
    assert "modifiez-le à la source" in response.content.decode()
    harvested.refresh_from_db()
    assert harvested.title == "Arrêts de bus" and not harvested.activities.exists()


def test_staff_may_edit_it_warned_that_the_next_harvest_undoes_it(client_for, staff,
                                                                  harvested, organisation):
    client = client_for(staff)
    url = reverse("catalog:dataset_edit", args=[harvested.slug])
    html = client.get(url).content.decode()
    assert "seront remplacées au prochain moissonnage" in html
    assert "Enregistrer les modifications" in html
    response = client.post(url, dataset_data(organisation, title="Arrêts de bus (corrigé)"))
    assert response.status_code == 302
    harvested.refresh_from_db()
    assert harvested.title == "Arrêts de bus (corrigé)"
    assert harvested.activities.get().actor == staff


def test_datasets_made_here_have_no_notice(client_for, editor, make_dataset):
    dataset = make_dataset()
    html = client_for(editor).get(reverse("catalog:dataset_edit", args=[dataset.slug]))
    assert "moissonné" not in html.content.decode()
    assert "Enregistrer les modifications" in html.content.decode()


def test_the_dataset_page_names_the_source(client_for, harvested):
    html = client_for().get(harvested.get_absolute_url()).content.decode()
    assert "Moissonné depuis" in html and "Open data Nice Côte d&#x27;Azur" in html
    HarvestRecord.objects.filter(dataset=harvested).update(dataset=None)
    assert "Moissonné depuis" not in client_for().get(harvested.get_absolute_url()).content.decode()
    assert Dataset.objects.filter(pk=harvested.pk).exists()
