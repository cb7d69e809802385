"""The organisation's quality dashboard and the list of one's organisations: for members
and staff only, with the average, the distribution, the worst datasets and their advice."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from datasud.accounts.models import Membership
from datasud.catalog.models import Dataset, Organisation, Resource
from datasud.quality.models import LinkCheck
from datasud.quality.services import recompute

LONG = "Les horaires théoriques de toutes les lignes du réseau, arrêt par arrêt. " * 4
URL = "/organisations/ville-de-digne/qualite/"


@pytest.fixture
def catalogue(make_dataset):
    datasets = {
        "good": make_dataset("Jeu soigné", description=LONG, frequency="irregular"),
        "draft": make_dataset("Brouillon secret", status=Dataset.Status.DRAFT),
        "private": make_dataset("Jeu privé", private=True, description=LONG),
        "archived": make_dataset("Jeu archivé"),
    }
    Dataset.objects.filter(pk=datasets["archived"].pk).update(
        archived_at=datasets["archived"].created_at
    )
    broken = Resource.objects.create(
        dataset=datasets["good"],
        title="Lien mort",
        kind="url",
        url="https://example.org/mort.zip",
        format="zip",
    )
    LinkCheck.objects.create(
        url=broken.url, status_code=404, broken=True, checked_at=broken.created_at
    )
    recompute([d.pk for d in datasets.values()])
    return {k: Dataset.objects.get(pk=d.pk) for k, d in datasets.items()}


def test_anonymous_is_sent_to_sign_in(client, catalogue):
    for url in (URL, "/qualite/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")


def test_outsider_is_refused_and_learns_nothing(client, outsider, catalogue):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Brouillon secret" not in response.content.decode()
    html = client.get("/qualite/").content.decode()
    assert "Vous n'êtes membre d'aucune organisation" in html
    assert client.get("/organisations/inconnue/qualite/").status_code == 404


@pytest.mark.parametrize("who", ["editor", "org_admin", "staff"])
def test_members_and_staff_see_the_dashboard(client, request, catalogue, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # Drafts and private datasets are the producers' too; archived ones are not counted.
    for title in ("Jeu soigné", "Brouillon secret", "Jeu privé"):
        assert title in html
    assert "Jeu archivé" not in html
    summary = response.context["summary"]
    scores = [catalogue[k].quality_score for k in ("good", "draft", "private")]
    assert summary.datasets == 3 and summary.average == round(sum(scores) / 3)
    assert sum(band.count for band in summary.bands) == 3
    assert summary.broken_links == 1
    rows = response.context["rows"]
    # Worst first, each with its main advice; the broken link is counted on its row.
    assert [r["dataset"].quality_score for r in rows] == sorted(scores)
    assert rows[0]["report"].main_advice in html.replace("&#x27;", "'")
    assert {r["dataset"].title: r["broken"] for r in rows}["Jeu soigné"] == 1


def test_the_table_sorts(client, editor, catalogue):
    client.force_login(editor)
    best_first = client.get(URL, {"tri": "-score"}).context["rows"]
    assert [r["dataset"].quality_score for r in best_first] == sorted(
        (r["dataset"].quality_score for r in best_first), reverse=True
    )
    by_title = client.get(URL, {"tri": "titre"}).context["rows"]
    assert [r["dataset"].title for r in by_title] == sorted(r["dataset"].title for r in by_title)
    # An unknown sort is the default one, never an error.
    assert client.get(URL, {"tri": "x;drop", "page": "abc"}).status_code == 200


def test_the_list_of_organisations(client, editor, staff, catalogue):
    other = Organisation.objects.create(name="Autre commune", slug="autre")
    Dataset.objects.create(title="Jeu d'ailleurs", slug="ailleurs", organisation=other)
    client.force_login(editor)
    html = client.get("/qualite/").content.decode()
    assert URL in html and "/organisations/autre/qualite/" not in html
    client.force_login(staff)
    response = client.get("/qualite/", {"tri": "nom"})
    html = response.content.decode()
    assert URL in html and "/organisations/autre/qualite/" in html
    assert html.index("Autre commune") < html.index("Ville de Digne")
    digne = next(o for o in response.context["page"].object_list if o.slug == "ville-de-digne")
    assert (digne.dataset_count, digne.broken_links) == (3, 1)


def test_the_organisation_page_links_to_the_dashboard_for_members(
    client, editor, outsider, catalogue
):
    client.force_login(outsider)
    assert URL not in client.get("/organisations/ville-de-digne/").content.decode()
    client.force_login(editor)
    assert URL in client.get("/organisations/ville-de-digne/").content.decode()


def test_a_member_of_another_organisation_is_refused(client, catalogue):
    other = Organisation.objects.create(name="Autre", slug="autre")
    user = get_user_model().objects.create_user("b", "b@example.org", "pw-b-123456!")
    Membership.objects.create(user=user, organisation=other, role=Membership.Role.ADMIN)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.get("/organisations/autre/qualite/").status_code == 200
