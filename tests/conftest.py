"""Fixtures shared by the whole suite: real objects in a real database, no mocks."""
import pytest
from django.contrib.auth import get_user_model

from datasud.accounts.models import Membership
from datasud.catalog.models import Dataset, Licence, Organisation, Theme


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files of one test never land in the developer's var/ nor in another test.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", "staff@example.org", "pw-staff-123!",
                                                is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider", "out@example.org", "pw-out-123!")


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Ville de Digne-les-Bains", slug="ville-de-digne",
                                       type=Organisation.Type.COMMUNE)


@pytest.fixture
def editor(db, organisation):
    user = get_user_model().objects.create_user("editor", "ed@example.org", "pw-editor-123!")
    Membership.objects.create(user=user, organisation=organisation,
                              role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def org_admin(db, organisation):
    user = get_user_model().objects.create_user("orgadmin", "adm@example.org", "pw-admin-123!")
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def theme(db):
    return Theme.objects.create(slug="mobilite-et-transports", name="Mobilité et transports")


@pytest.fixture
def licence(db):
    return Licence.objects.create(slug="lov2", title="Licence Ouverte Version 2.0")


@pytest.fixture
def make_dataset(db, organisation, licence):
    """Build datasets quickly: make_dataset("Titre", status="draft", private=True...)."""
    counter = {"n": 0}

    def make(title="Horaires des bus", **fields):
        counter["n"] += 1
        fields.setdefault("organisation", organisation)
        fields.setdefault("licence", licence)
        fields.setdefault("status", Dataset.Status.PUBLISHED)
        fields.setdefault("slug", f"ds-{counter['n']}")
        return Dataset.objects.create(title=title, **fields)

    return make
