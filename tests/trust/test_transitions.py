"""A dataset turned private or back to draft leaves every public surface at once.

The matrix runs inside transactions, where searches are never cached. Here requests commit,
as in production: anonymous searches share cached counts and read the indexer's running
totals, so this checks that a change of visibility reaches them too, and that nothing
cached before the change is served after it.
"""
import json

import pytest
from django.db import connection, transaction
from django.test import Client

from datasud.accounts.models import ApiToken, Membership
from datasud.catalog import services
from datasud.catalog.models import Dataset, Licence, Organisation
from datasud.search import cache
from datasud.search.backends import get_backend

TAG = "transition-confiance"
SLUG = "jeu-en-transition"


@pytest.fixture
def committed(django_user_model):
    """A published dataset and its producer's token, committed (transactional test)."""
    cache.renew_token()
    organisation = Organisation.objects.create(name="Ville de Passage", slug="ville-passage")
    editor = django_user_model.objects.create_user("t-passage", "t-passage@example.org")
    Membership.objects.create(user=editor, organisation=organisation,
                              role=Membership.Role.EDITOR)
    licence = Licence.objects.create(slug="lov2-passage", title="Licence Ouverte 2.0")
    services.create_dataset(editor, organisation, title="Jeu en transition", slug=SLUG,
                            tags=[TAG], licence=licence, status=Dataset.Status.PUBLISHED)
    outsider = django_user_model.objects.create_user("t-dehors", "t-dehors@example.org")
    yield {"editor": Client(headers={"Authorization": f"Bearer {_token(editor)}"}),
           "outsider": Client(headers={"Authorization": f"Bearer {_token(outsider)}"})}
    # Flushing the database between transactional tests leaves the index tables alone.
    with transaction.atomic():
        get_backend().clear()


def _token(user) -> str:
    return ApiToken.issue(user, "passage")[1]


def sightings(outsider: Client) -> dict[str, bool]:
    """Where an anonymous visitor and a signed-in outsider see the dataset."""
    anonymous = Client()
    html = anonymous.get("/jeux-de-donnees/").content.decode()
    api = anonymous.get("/api/1/datasets/").json()
    ckan = anonymous.get("/api/3/action/package_search",
                         {"facet.field": json.dumps(["tags"])}).json()["result"]
    return {
        "html-search-facets": f'name="tag" value="{TAG}"' in html,
        "html-search-results": f'href="/jeux-de-donnees/{SLUG}/"' in html,
        "api-search-facets": any(v["value"] == TAG and v["count"]
                                 for v in api["facets"]["tag"]),
        "api-search-results": SLUG in {d["slug"] for d in api["data"]},
        "api-total": api["total"] == 1,
        "ckan-package_search": ckan["count"] == 1 and TAG in ckan["facets"]["tags"],
        "home": f'href="/jeux-de-donnees/{SLUG}/"' in anonymous.get("/").content.decode(),
        "sitemap": SLUG in anonymous.get("/sitemap-jeux-de-donnees.xml").content.decode(),
        "dcat-catalogue": SLUG in anonymous.get("/catalogue.ttl").content.decode(),
        "html-dataset-page": anonymous.get(f"/jeux-de-donnees/{SLUG}/").status_code == 200,
        "outsider-api-search-facets": any(
            v["value"] == TAG and v["count"]
            for v in outsider.get("/api/1/datasets/").json()["facets"]["tag"]),
        "outsider-ckan-include_private": TAG in outsider.get(
            "/api/3/action/package_search",
            {"facet.field": json.dumps(["tags"]), "include_private": "true"},
        ).json()["result"]["facets"]["tags"],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", [{"private": True}, {"status": "draft"}])
def test_hiding_a_dataset_reaches_cached_surfaces_at_once(committed, change):
    editor, outsider = committed["editor"], committed["outsider"]
    seen = sightings(outsider)  # also fills the caches
    assert all(seen.values()), seen
    # Outside any transaction: the shared caches and running totals are in play.
    assert not connection.in_atomic_block
    response = editor.patch(f"/api/1/datasets/{SLUG}/", change,
                            content_type="application/json")
    assert response.status_code == 200
    seen = sightings(outsider)
    assert not any(seen.values()), seen
    back = {"private": False} if "private" in change else {"status": "published"}
    assert editor.patch(f"/api/1/datasets/{SLUG}/", back,
                        content_type="application/json").status_code == 200
    seen = sightings(outsider)
    assert all(seen.values()), seen
