"""Editing and deleting a reuse: its author, members of its organisation and the DataSud
team (the rules of the API); its datasets kept right."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from datasud.accounts.models import Membership
from datasud.catalog import services
from datasud.catalog.models import Dataset, Reuse


@pytest.fixture
def reuse(outsider, catalogue):
    """Declared by `outsider`, in their own name, using a public dataset."""
    reuse = services.create_reuse(outsider, title="Appli des bus", url="https://example.org/a",
                                  type="application", datasets=[catalogue["public"]])
    return reuse


def fields(**changes):
    return {"title": "Appli des bus", "url": "https://example.org/a", "type": "application",
            "author_name": "", "organisation": "", "description": "", "published": "on",
            "action": "save", **changes}


def test_edit_and_delete_permissions(client_for, reuse, outsider, editor, org_admin, staff,
                                     organisation):
    edit = reverse("catalog:reuse_edit", args=[reuse.slug])
    delete = reverse("catalog:reuse_delete", args=[reuse.slug])
    for url in (edit, delete):
        response = client_for().get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
        assert client_for(editor).get(url).status_code == 403
        assert client_for(editor).post(url, fields(title="Volée")).status_code == 403
        assert client_for(outsider).get(url).status_code == 200
        assert client_for(staff).get(url).status_code == 200
    reuse.refresh_from_db()
    assert reuse.title == "Appli des bus"
    for name in ("reuse_edit", "reuse_delete"):
        assert client_for(staff).get(reverse(f"catalog:{name}",
                                             args=["inconnue"])).status_code == 404
    # A reuse declared for an organisation: its members may edit it too.
    reuse.organisation = organisation
    reuse.save()
    assert client_for(editor).get(edit).status_code == 200


def test_unpublished_reuse_is_unknown_to_others(client_for, reuse, editor, outsider):
    reuse.published = False
    reuse.save()
    edit = reverse("catalog:reuse_edit", args=[reuse.slug])
    assert client_for(editor).get(edit).status_code == 404
    assert client_for(editor).get(reuse.get_absolute_url()).status_code == 404
    assert client_for(outsider).get(edit).status_code == 200


def test_detail_page_shows_edit_links_to_those_who_may(client_for, reuse, outsider, editor,
                                                       staff):
    edit = reverse("catalog:reuse_edit", args=[reuse.slug])
    for user, shown in ((None, False), (editor, False), (outsider, True), (staff, True)):
        html = client_for(user).get(reuse.get_absolute_url()).content.decode()
        assert (edit in html) is shown


def test_author_edits_the_reuse_and_its_datasets(client_for, reuse, outsider, catalogue):
    client = client_for(outsider)
    url = reverse("catalog:reuse_edit", args=[reuse.slug])
    html = client.get(url).content.decode()
    assert 'value="Appli des bus"' in html and "Modifier la réutilisation" in html
    assert re.search(rf'value="{catalogue["public"].slug}"[^>]* checked>', html)
    # Finding another dataset keeps what was typed.
    response = client.post(url, fields(title="Appli des bus et lycées", action="find",
                                       dataset_search="lycées",
                                       datasets=[catalogue["public"].slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Appli des bus et lycées"' in html
    assert f'value="{catalogue["region"].slug}"' in html
    reuse.refresh_from_db()
    assert reuse.title == "Appli des bus"
    response = client.post(url, fields(title="Appli des bus et lycées", published="",
                                       description="Une **appli**.",
                                       datasets=[catalogue["region"].slug]))
    assert response.status_code == 302 and response["Location"] == reuse.get_absolute_url()
    reuse.refresh_from_db()
    assert reuse.title == "Appli des bus et lycées" and not reuse.published
    assert reuse.slug == "appli-des-bus"  # its address does not move
    assert list(reuse.datasets.all()) == [catalogue["region"]]


def test_edit_errors_are_shown_on_their_fields(client_for, reuse, outsider):
    url = reverse("catalog:reuse_edit", args=[reuse.slug])
    response = client_for(outsider).post(url, fields(title="", url="pas une adresse"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title_error"' in html and 'id="id_url_error"' in html
    reuse.refresh_from_db()
    assert reuse.title == "Appli des bus"


def test_datasets_the_editor_cannot_see_are_kept(client_for, reuse, outsider, editor,
                                                 catalogue, organisation):
    # Declared by an organisation member with one of its private datasets; the author of
    # the reuse (outsider) cannot see that dataset.
    reuse.datasets.add(catalogue["private"])
    client = client_for(outsider)
    url = reverse("catalog:reuse_edit", args=[reuse.slug])
    assert "Comptages confidentiels" not in client.get(url).content.decode()
    response = client.post(url, fields(datasets=[catalogue["public"].slug,
                                                 catalogue["region"].slug]))
    assert response.status_code == 302
    assert set(reuse.datasets.all()) == {catalogue["public"], catalogue["region"],
                                         catalogue["private"]}


def test_author_who_left_the_organisation_can_still_edit(client_for, reuse, outsider,
                                                         organisation):
    membership = Membership.objects.create(user=outsider, organisation=organisation)
    url = reverse("catalog:reuse_edit", args=[reuse.slug])
    client = client_for(outsider)
    assert client.post(url, fields(organisation=organisation.pk)).status_code == 302
    reuse.refresh_from_db()
    assert reuse.organisation == organisation
    membership.delete()
    html = client.get(url).content.decode()
    assert f'<option value="{organisation.pk}" selected>' in html
    response = client.post(url, fields(title="Nouveau titre", organisation=organisation.pk))
    assert response.status_code == 302
    reuse.refresh_from_db()
    assert reuse.title == "Nouveau titre" and reuse.organisation == organisation


def test_replace_the_image(client_for, reuse, outsider, settings,
                           django_capture_on_commit_callbacks):
    def png():
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "PNG")
        return SimpleUploadedFile("capture.png", buffer.getvalue())

    url = reverse("catalog:reuse_edit", args=[reuse.slug])
    client = client_for(outsider)
    assert client.post(url, fields(image=png())).status_code == 302
    reuse.refresh_from_db()
    first = reuse.image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, fields(image=png())).status_code == 302
    reuse.refresh_from_db()
    assert reuse.image.name != first and not (settings.MEDIA_ROOT / first).exists()
    response = client.post(url, fields(image=SimpleUploadedFile("x.png", b"pas une image")))
    assert response.status_code == 400 and 'id="id_image_error"' in response.content.decode()


def test_delete_a_reuse(client_for, reuse, outsider, catalogue, settings,
                        django_capture_on_commit_callbacks):
    reuse.image = SimpleUploadedFile("capture.png", b"\x89PNG fake")
    reuse.save()
    stored = settings.MEDIA_ROOT / reuse.image.name
    assert stored.exists()
    url = reverse("catalog:reuse_delete", args=[reuse.slug])
    client = client_for(outsider)
    html = client.get(url).content.decode()
    assert "Supprimer « Appli des bus » ?" in html and 'method="post"' in html
    assert Reuse.objects.filter(pk=reuse.pk).exists()  # a GET deletes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("catalog:reuses")
    assert not Reuse.objects.filter(pk=reuse.pk).exists()
    assert not stored.exists()
    assert Dataset.objects.filter(pk=catalogue["public"].pk).exists()
