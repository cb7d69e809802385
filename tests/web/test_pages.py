"""Every page renders, with the landmarks and the accessibility basics of the layout."""
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse

from datasud.web import views


@pytest.fixture
def pages(catalogue, organisation, territories):
    return [
        reverse("web:home"),
        reverse("catalog:search"),
        reverse("catalog:search") + "?q=bus&theme=mobilite-et-transports&sort=title",
        reverse("catalog:dataset", args=[catalogue["public"].slug]),
        reverse("catalog:organisations"),
        reverse("catalog:organisations") + "?q=digne&partenaires=1",
        reverse("catalog:organisation", args=[organisation.slug]),
        reverse("catalog:reuses"),
        reverse("catalog:reuses") + "?type=visualisation",
        reverse("catalog:reuse", args=[catalogue["reuse"].slug]),
        reverse("territories:index"),
        reverse("territories:index") + "?q=digne",
        *[reverse("territories:detail", args=[t.level, t.code]) for t in territories.values()],
        reverse("accounts:login"),
    ]


def test_public_pages_render(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="fr">' in html
        assert 'class="skip-link" href="#contenu"' in html
        for landmark in ("<header", "<nav", '<main id="contenu"', "<footer"):
            assert landmark in html, (url, landmark)
        assert "<h1" in html


def test_signed_in_pages_render(client_for, catalogue, editor):
    client = client_for(editor)
    dataset = catalogue["public"]
    resource = dataset.resources.get()
    urls = [
        reverse("accounts:account"),
        reverse("catalog:dataset_create"),
        reverse("catalog:dataset_edit", args=[dataset.slug]),
        reverse("catalog:dataset_delete", args=[dataset.slug]),
        reverse("catalog:resource_add", args=[dataset.slug]),
        reverse("catalog:resource_edit", args=[dataset.slug, resource.pk]),
        reverse("catalog:resource_delete", args=[dataset.slug, resource.pk]),
        reverse("catalog:reuse_create") + f"?jeu={dataset.slug}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Se déconnecter" in response.content.decode()


def test_every_form_input_has_a_label(client_for, catalogue, editor):
    client = client_for(editor)
    for url in (reverse("catalog:dataset_create"), reverse("catalog:reuse_create"),
                reverse("catalog:resource_add", args=[catalogue["public"].slug]),
                reverse("accounts:account")):
        html = client.get(url).content.decode()
        for tag, input_id in re.findall(r'(<(?:input|select|textarea)[^>]*\bid="([^"]+)")',
                                        html):
            if 'type="hidden"' in tag:
                continue  # never shown, so nothing to label
            assert f'for="{input_id}"' in html, (url, input_id)


def test_unknown_pages_are_404(client, territories):
    assert client.get("/jeux-de-donnees/nexiste-pas/").status_code == 404
    assert client.get("/organisations/nexiste-pas/").status_code == 404
    assert client.get("/reutilisations/nexiste-pas/").status_code == 404
    assert client.get("/territoires/commune/99999/").status_code == 404
    assert client.get("/territoires/planete/1/").status_code == 404


def test_error_page_uses_the_layout(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert '<main id="contenu"' in html


def test_pagination_marks_the_current_page(client, make_dataset):
    for i in range(45):
        make_dataset(f"Jeu {i:02d}", slug=f"jeu-{i:02d}")
    response = client.get(reverse("catalog:organisation", args=["ville-de-digne"]) + "?page=2")
    html = response.content.decode()
    assert '<nav class="pagination"' in html
    assert 'href="?page=2" aria-current="page"' in html
    assert 'href="/organisations/ville-de-digne/"' in html  # page 1 without "?page=1"
    assert 'href="?page=3"' in html


def test_error_handlers_render_the_error_page(rf, db):
    request = rf.get("/quelque-part/")
    request.user = AnonymousUser()
    for handler, status, title in ((views.bad_request, 400, "Requête incorrecte"),
                                   (views.permission_denied, 403, "Accès refusé"),
                                   (views.page_not_found, 404, "Page introuvable")):
        response = handler(request, Exception("détail interne"))
        assert response.status_code == status
        html = response.content.decode()
        assert title in html and f"Erreur {status}" in html
        assert "détail interne" not in html
    response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html
    assert "Se connecter" not in html  # no user menu: it could need the database
    # Django's default handler renders 500.html without any context.
    html = render_to_string("500.html")
    assert "Erreur du serveur" in html and "Se connecter" not in html
