"""The stored score follows the catalogue, is sortable everywhere search is, and its advice
is shown to the dataset's producers only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Resource
from datasud.datastore.models import Load
from datasud.quality.services import recompute, report_for
from datasud.search import indexing

LONG = "Les horaires théoriques de toutes les lignes du réseau, arrêt par arrêt. " * 4


def stored(dataset) -> int:
    return Dataset.objects.values_list("quality_score", flat=True).get(pk=dataset.pk)


def test_the_score_follows_changes_made_through_the_services(
    editor, organisation, licence, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = catalog.create_dataset(
            editor, organisation, title="Horaires des bus", licence=licence
        )
    first = stored(dataset)
    assert first == report_for(dataset).score > 0
    with django_capture_on_commit_callbacks(execute=True):
        catalog.update_dataset(
            editor, dataset, description=LONG, tags=["bus", "horaires", "transport"]
        )
    second = stored(dataset)
    assert second > first
    with django_capture_on_commit_callbacks(execute=True):
        catalog.add_resource(
            editor, dataset, url="https://example.org/horaires.pdf", format="pdf", title="Horaires"
        )
    assert stored(dataset) != second
    assert "format ouvert" in report_for(dataset).main_advice or any(
        c.code == "open_formats" for c in report_for(dataset).advice
    )


def test_a_failed_load_costs_points(make_dataset, django_capture_on_commit_callbacks):
    dataset = make_dataset(description=LONG)
    resource = Resource.objects.create(dataset=dataset, title="Fichier", kind="file", format="csv")
    recompute([dataset.pk])
    before = stored(dataset)
    with django_capture_on_commit_callbacks(execute=True):
        # (number 1 is the load the new tabular resource queued)
        Load.objects.create(
            resource=resource, number=2, status=Load.Status.FAILED, error={"message": "illisible"}
        )
    assert stored(dataset) < before
    assert "Le chargement de 1 ressource a échoué" in report_for(dataset).main_advice or any(
        c.code == "loads" for c in report_for(dataset).advice
    )


def test_saving_a_stale_instance_keeps_the_score(make_dataset):
    dataset = make_dataset(description=LONG)
    stale = Dataset.objects.get(pk=dataset.pk)
    recompute([dataset.pk])
    score = stored(dataset)
    stale.title = "Nouveau titre"
    stale.save()
    assert stored(dataset) == score


def test_recompute_command(make_dataset, capsys):
    datasets = [make_dataset(f"Jeu {i}", description=LONG) for i in range(3)]
    Dataset.objects.update(quality_score=0)
    call_command("recompute_quality")
    assert "3 jeux de données évalués, 3 scores modifiés" in capsys.readouterr().out
    assert all(stored(d) > 0 for d in datasets)
    Dataset.objects.filter(pk=datasets[0].pk).update(quality_score=1)
    call_command("recompute_quality", datasets[0].slug)
    assert "1 jeux de données évalués, 1 scores modifiés" in capsys.readouterr().out


# --- Sorting by quality ----------------------------------------------------------------------


@pytest.fixture
def ranked(make_dataset):
    """Three public datasets of known, different quality (poor, medium, good)."""
    poor = make_dataset("Jeu pauvre", licence=None)
    medium = make_dataset("Jeu moyen", description=LONG)
    good = make_dataset(
        "Jeu complet", description=LONG, frequency="irregular", temporal_start=dt.date(2020, 1, 1)
    )
    good.tags.set([])
    for name in ("bus", "horaires", "réseau"):
        good.tags.create(name=name)
    Resource.objects.create(
        dataset=good, title="Archive", kind="url", format="zip", url="https://example.org/a.zip"
    )
    recompute([poor.pk, medium.pk, good.pk])
    indexing.reindex([poor.pk, medium.pk, good.pk])
    assert stored(poor) < stored(medium) < stored(good)
    return [good.slug, medium.slug, poor.slug]


def test_search_page_sorts_by_quality(ranked, client):
    html = client.get("/jeux-de-donnees/", {"sort": "qualite"}).content.decode()
    positions = [html.index(f'href="/jeux-de-donnees/{slug}/"') for slug in ranked]
    assert positions == sorted(positions)
    assert 'value="qualite" selected' in html or "Meilleure qualité des métadonnées" in html


def test_search_page_sorts_by_quality_for_a_signed_in_member(ranked, client, editor):
    client.force_login(editor)  # the merged public + own datasets page
    html = client.get("/jeux-de-donnees/", {"sort": "qualite"}).content.decode()
    positions = [html.index(f'href="/jeux-de-donnees/{slug}/"') for slug in ranked]
    assert positions == sorted(positions)


def test_api_sorts_by_quality_and_shows_the_score(ranked, client):
    best = client.get("/api/1/datasets/", {"sort": "qualite"}).json()
    assert [d["slug"] for d in best["data"]] == ranked
    assert best["data"][0]["quality_score"] > best["data"][-1]["quality_score"]
    worst = client.get("/api/1/datasets/", {"sort": "-qualite"}).json()
    assert [d["slug"] for d in worst["data"]] == ranked[::-1]
    one = client.get(f"/api/1/datasets/{ranked[0]}/").json()
    assert one["quality_score"] == best["data"][0]["quality_score"]
    assert client.get("/api/1/datasets/", {"sort": "qualité"}).status_code == 422


def test_ckan_sorts_by_quality(ranked, client):
    def names(sort):
        body = client.get("/api/3/action/package_search", {"sort": sort}).json()
        return [d["name"] for d in body["result"]["results"]]

    assert names("qualite desc") == ranked
    assert names("qualite asc") == ranked[::-1]


# --- The dataset page's panel --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "advice"), [(None, False), ("outsider", False), ("editor", True), ("staff", True)]
)
def test_score_public_advice_for_producers(make_dataset, client, request, who, advice):
    dataset = make_dataset("Jeu sans description")
    if who:
        client.force_login(request.getfixturevalue(who))
    html = client.get(dataset.get_absolute_url()).content.decode()
    score = report_for(dataset).score
    assert "Qualité des métadonnées" in html and f"<strong>{score}</strong>" in html
    assert ("Pour l'améliorer" in html) is advice
    assert ("Décrivez le jeu de données en au moins 200 caractères" in html) is advice
    assert ("/organisations/ville-de-digne/qualite/" in html) is advice


# --- The API's quality report ----------------------------------------------------------------


def test_api_report_for_everybody_advice_for_producers(
    make_dataset, client, client_as, editor, outsider
):
    dataset = make_dataset("Jeu sans description")
    url = f"/api/1/datasets/{dataset.slug}/qualite/"
    public = client.get(url).json()
    assert public["score"] == report_for(dataset).score and not public["advice_visible"]
    description = next(c for c in public["criteria"] if c["code"] == "description")
    assert (description["passed"], description["advice"]) == (False, "")
    assert sum(c["weight"] for c in public["criteria"]) == 100
    assert not client_as(outsider).get(url).json()["advice_visible"]
    mine = client_as(editor).get(url).json()
    assert mine["advice_visible"]
    description = next(c for c in mine["criteria"] if c["code"] == "description")
    assert description["advice"].startswith("Décrivez le jeu de données")


def test_api_report_of_a_hidden_dataset_is_404(make_dataset, client, client_as, editor):
    dataset = make_dataset("Brouillon", status=Dataset.Status.DRAFT)
    url = f"/api/1/datasets/{dataset.slug}/qualite/"
    assert client.get(url).status_code == 404
    assert client.get("/api/1/datasets/inconnu/qualite/").status_code == 404
    assert client_as(editor).get(url).status_code == 200
