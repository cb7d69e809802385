"""Organisations and their members through the API."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from datasud.accounts.models import Membership
from datasud.catalog.models import Dataset, Organisation
from datasud.territories.models import Territory

JSON = "application/json"


@pytest.fixture
def newcomer(db):
    return get_user_model().objects.create_user("camille", "camille@example.org", "pw-123456!")


def test_list_and_read_organisations(anon, organisation, make_dataset):
    Organisation.objects.create(name="Métropole AMP", slug="amp", acronym="AMP",
                                partnership_signed_on=dt.date(2018, 3, 1))
    make_dataset("Public")
    make_dataset("Secret", private=True)
    body = anon.get("/api/1/organisations/").json()
    assert body["total"] == 2
    assert [o["slug"] for o in body["data"]] == ["amp", "ville-de-digne"]
    digne = anon.get("/api/1/organisations/ville-de-digne/").json()
    assert digne["name"] == organisation.name and digne["type"] == "commune"
    assert digne["datasets_count"] == 1  # public ones only
    assert digne["partner"] is False
    assert [o["slug"] for o in anon.get("/api/1/organisations/?partner=true").json()["data"]] \
        == ["amp"]
    assert anon.get("/api/1/organisations/?q=amp").json()["total"] == 1
    assert anon.get("/api/1/organisations/?type=commune").json()["total"] == 1
    assert anon.get("/api/1/organisations/nope/").status_code == 404


def test_staff_creates_organisations_with_unique_slugs(as_staff, as_editor, organisation):
    Territory.objects.create(level="commune", code="04112", name="Manosque")
    response = as_staff.post("/api/1/organisations/", {
        "name": "Ville de Digne", "slug": "ville-de-digne", "type": "commune",
        "siren": "210400701", "website": "https://www.dignelesbains.fr",
        "territory": "commune:04112",
    }, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "ville-de-digne-2"
    assert body["territory"]["key"] == "commune:04112"
    refused = as_editor.post("/api/1/organisations/", {"name": "Autre"}, content_type=JSON)
    assert refused.status_code == 403
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize("payload,field", [
    ({"name": ""}, "name"),
    ({"name": "X", "siren": "123"}, "siren"),
    ({"name": "X", "siren": "732829321"}, "siren"),  # 9 digits, wrong check digit
    ({"name": "X", "website": "pas une adresse"}, "website"),
    ({"name": "X", "type": "pirate"}, "type"),
])
def test_organisation_validation(as_staff, payload, field):
    response = as_staff.post("/api/1/organisations/", payload, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_unknown_territory_is_400(as_staff):
    response = as_staff.post("/api/1/organisations/", {"name": "X", "territory": "commune:0"},
                             content_type=JSON)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "territory"


def test_org_admin_updates_but_not_the_partnership(as_org_admin, as_editor, as_staff,
                                                   organisation):
    path = "/api/1/organisations/ville-de-digne/"
    response = as_org_admin.patch(path, {"description": "La ville.", "acronym": "VDB"},
                                  content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["acronym"] == "VDB"
    assert as_org_admin.patch(path, {"partnership_signed_on": "2024-01-01"},
                              content_type=JSON).status_code == 403
    assert as_editor.patch(path, {"name": "Nope"}, content_type=JSON).status_code == 403
    signed = as_staff.patch(path, {"partnership_signed_on": "2024-01-01"}, content_type=JSON)
    assert signed.json()["partner"] is True
    organisation.refresh_from_db()
    assert organisation.name == "Ville de Digne-les-Bains" and organisation.acronym == "VDB"


def test_members_management(as_org_admin, org_admin, editor, newcomer, organisation):
    base = "/api/1/organisations/ville-de-digne/members/"
    listed = as_org_admin.get(base).json()
    assert listed["total"] == 2
    assert {(m["username"], m["role"]) for m in listed["data"]} == {("editor", "editor"),
                                                                   ("orgadmin", "admin")}
    added = as_org_admin.post(base, {"user": "camille@example.org", "role": "editor"},
                              content_type=JSON)
    assert added.status_code == 201 and added.json()["username"] == "camille"
    again = as_org_admin.post(base, {"user": "camille"}, content_type=JSON)
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "user"
    unknown = as_org_admin.post(base, {"user": "personne"}, content_type=JSON)
    assert unknown.status_code == 400
    bad_role = as_org_admin.post(base, {"user": "camille", "role": "owner"},
                                 content_type=JSON)
    assert bad_role.status_code == 422 and bad_role.json()["errors"][0]["field"] == "role"

    promoted = as_org_admin.patch(f"{base}camille/", {"role": "admin"}, content_type=JSON)
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    assert as_org_admin.delete(f"{base}editor/").status_code == 204
    assert not Membership.objects.filter(user=editor).exists()
    assert as_org_admin.delete(f"{base}editor/").status_code == 404


def test_the_last_admin_stays(as_org_admin, organisation):
    base = "/api/1/organisations/ville-de-digne/members/"
    response = as_org_admin.delete(f"{base}orgadmin/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "role"
    demoted = as_org_admin.patch(f"{base}orgadmin/", {"role": "editor"}, content_type=JSON)
    assert demoted.status_code == 400


def test_members_are_for_admins_only(as_editor, as_outsider, anon, organisation):
    base = "/api/1/organisations/ville-de-digne/members/"
    assert anon.get(base).status_code == 401
    assert as_outsider.get(base).status_code == 403
    assert as_editor.get(base).status_code == 403
    assert as_editor.post(base, {"user": "outsider"}, content_type=JSON).status_code == 403


def test_a_new_member_may_publish(client_as, as_org_admin, newcomer, organisation):
    as_org_admin.post("/api/1/organisations/ville-de-digne/members/", {"user": "camille"},
                      content_type=JSON)
    response = client_as(newcomer).post("/api/1/datasets/", {
        "title": "Nouveau", "organisation": "ville-de-digne"}, content_type=JSON)
    assert response.status_code == 201
    assert Dataset.objects.get().created_by == newcomer


def test_siren_is_checked_like_the_form_does(as_staff, as_org_admin, organisation):
    response = as_staff.post("/api/1/organisations/", {"name": "Entreprise", "siren":
                                                       "732 829 321"}, content_type=JSON)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "siren" and "clé de contrôle" in error["message"]
    response = as_staff.post("/api/1/organisations/", {"name": "Entreprise", "siren":
                                                       "732.829.320"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["siren"] == "732829320"
    url = f"/api/1/organisations/{organisation.slug}/"
    response = as_org_admin.patch(url, {"siren": "210400707"}, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "siren"
    organisation.refresh_from_db()
    assert organisation.siren == ""
    assert as_org_admin.patch(url, {"siren": ""}, content_type=JSON).status_code == 200
