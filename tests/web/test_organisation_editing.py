"""Creating (DataSud team) and editing (administrators and team) an organisation: fields,
SIREN check, logo upload checks, the partnership date kept for the team."""
import datetime as dt
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from datasud.catalog.models import Organisation
from datasud.catalog.validators import siren_is_valid

FIELDS = {"name": "Ville de Digne-les-Bains", "acronym": "VDLB", "type": "commune",
          "description": "La **ville** publie ses données.", "website": "https://digne.example",
          "siren": "", "partnership_signed_on": ""}



def image(name="logo.png", fmt="PNG", size=(64, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 79, 145)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def edit_url(organisation):
    return reverse("catalog:organisation_edit", args=[organisation.slug])


def test_siren_luhn_check():
    assert siren_is_valid("732829320")  # a real SIREN
    assert siren_is_valid("356000000")  # La Poste
    assert not siren_is_valid("732829321")
    assert not siren_is_valid("12345678")
    assert not siren_is_valid("73282932A")


def test_edit_page_permissions(client_for, edit_url, outsider, editor, org_admin, staff):
    response = client_for().get(edit_url)
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert client_for(outsider).get(edit_url).status_code == 403
    assert client_for(editor).get(edit_url).status_code == 403
    assert client_for(outsider).post(edit_url, FIELDS).status_code == 403
    assert client_for(org_admin).get(edit_url).status_code == 200
    assert client_for(staff).get(edit_url).status_code == 200
    unknown = reverse("catalog:organisation_edit", args=["inconnue"])
    assert client_for(staff).get(unknown).status_code == 404
    assert Organisation.objects.get(slug="ville-de-digne").acronym == ""


def test_administrator_edits_the_organisation(client_for, organisation, edit_url, org_admin):
    html = client_for(org_admin).get(edit_url).content.decode()
    assert 'value="Ville de Digne-les-Bains"' in html
    assert "partnership_signed_on" not in html  # the team's field
    response = client_for(org_admin).post(edit_url, {**FIELDS, "siren": "732 829 320",
                                                     "partnership_signed_on": "2020-01-01"})
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.siren, organisation.website) == \
        ("VDLB", "732829320", "https://digne.example")
    assert organisation.partnership_signed_on is None  # not theirs to set
    assert organisation.slug == "ville-de-digne"  # addresses do not move
    html = client_for(org_admin).get(organisation.get_absolute_url()).content.decode()
    assert "<strong>ville</strong>" in html and "732829320" in html


def test_errors_are_shown_on_their_fields(client_for, organisation, edit_url, org_admin):
    response = client_for(org_admin).post(edit_url, {**FIELDS, "name": "", "siren": "123456789",
                                                     "website": "pas une adresse"})
    assert response.status_code == 400
    html = response.content.decode()
    for name in ("name", "siren", "website"):
        assert f'id="id_{name}_error"' in html and f'href="#id_{name}"' in html
    assert "clé de contrôle" in html
    organisation.refresh_from_db()
    assert organisation.name == "Ville de Digne-les-Bains" and organisation.siren == ""


def test_staff_set_the_partnership_date(client_for, organisation, edit_url, staff):
    response = client_for(staff).post(edit_url, {**FIELDS,
                                                 "partnership_signed_on": "2019-03-15"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.partnership_signed_on == dt.date(2019, 3, 15)


def test_logo_upload_replace_and_clear(client_for, organisation, edit_url, org_admin, settings,
                                       django_capture_on_commit_callbacks):
    client = client_for(org_admin)
    assert client.post(edit_url, {**FIELDS, "logo": image()}).status_code == 302
    organisation.refresh_from_db()
    first = organisation.logo.name
    assert first and (settings.MEDIA_ROOT / first).exists()
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert organisation.logo.url in html and 'alt="Logo de Ville de Digne-les-Bains"' in html
    # A new logo replaces the old file, which is removed from the disk.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, {**FIELDS, "logo": image("neuf.webp", "WEBP")})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name != first and not (settings.MEDIA_ROOT / first).exists()
    # Saving without a file keeps the logo; ticking "clear" removes it.
    assert client.post(edit_url, FIELDS).status_code == 302
    organisation.refresh_from_db()
    second = organisation.logo.name
    assert second
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url, {**FIELDS, "logo-clear": "on"}).status_code == 302
    organisation.refresh_from_db()
    assert not organisation.logo and not (settings.MEDIA_ROOT / second).exists()


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "image"),
    (SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "svg"),
    (image("logo.tiff", "TIFF"), "PNG, JPEG, WebP ou GIF"),
    (image("grand.png", size=(6000, 10)), "5000 pixels"),
])
def test_bad_logos_are_refused(client_for, organisation, edit_url, org_admin, upload, message):
    response = client_for(org_admin).post(edit_url, {**FIELDS, "logo": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_logo_error"' in html and message in html
    organisation.refresh_from_db()
    assert not organisation.logo and organisation.acronym == ""


def test_heavy_logo_is_refused(client_for, organisation, edit_url, org_admin):
    buffer = io.BytesIO()
    # Random pixels do not compress: a little more than 2 MB of PNG.
    Image.frombytes("RGB", (1000, 800), os.urandom(1000 * 800 * 3)).save(buffer, "PNG")
    assert buffer.tell() > 2 * 1024 * 1024
    upload = SimpleUploadedFile("lourd.png", buffer.getvalue())
    response = client_for(org_admin).post(edit_url, {**FIELDS, "logo": upload})
    assert response.status_code == 400
    assert "2 Mo au plus" in response.content.decode()


def test_only_staff_create_organisations(client_for, outsider, editor, org_admin, staff):
    url = reverse("catalog:organisation_create")
    response = client_for().get(url)
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    for user in (outsider, editor, org_admin):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {**FIELDS, "name": "Pirate"}).status_code == 403
    assert not Organisation.objects.filter(name="Pirate").exists()
    client = client_for(staff)
    assert "Créer une organisation" in client.get(url).content.decode()
    response = client.post(url, {**FIELDS, "name": "Syndicat des eaux du Verdon",
                                 "type": "syndicat-mixte", "siren": "",
                                 "partnership_signed_on": "2021-06-01"})
    created = Organisation.objects.get(name="Syndicat des eaux du Verdon")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:organisation_members", args=[created.slug])
    assert created.slug == "syndicat-des-eaux-du-verdon"
    assert created.partnership_signed_on == dt.date(2021, 6, 1)
    # The same name again gets its own address.
    client.post(url, {**FIELDS, "name": "Syndicat des eaux du Verdon"})
    assert Organisation.objects.filter(slug="syndicat-des-eaux-du-verdon-2").exists()
    response = client.post(url, {**FIELDS, "name": ""})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
