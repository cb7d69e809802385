"""Territories of the referential, and datasets loaded through the real pipeline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datasud.catalog import services as catalog
from datasud.discovery import related
from datasud.territories.models import Territory


@pytest.fixture
def referential(db):
    """A few communes of the région with their postcodes, and two départements."""
    region = Territory.objects.create(level="region", code="93", name="Provence-Alpes-Côte d'Azur")
    departements = {
        code: Territory.objects.create(level="departement", code=code, name=name)
        for code, name in (("06", "Alpes-Maritimes"), ("13", "Bouches-du-Rhône"))
    }
    communes = {}
    for code, name, postcodes in (
        ("06088", "Nice", ["06000", "06100", "06200", "06300"]),
        ("06029", "Cannes", ["06400", "06150"]),
        ("13055", "Marseille", ["13001", "13002", "13008"]),
        ("13001", "Aix-en-Provence", ["13090", "13100"]),
        ("04070", "Digne-les-Bains", ["04000"]),
    ):
        communes[code] = Territory.objects.create(
            level="commune", code=code, name=name, postcodes=postcodes
        )
    return {"region": region, **departements, **communes}


@pytest.fixture
def upload(django_capture_on_commit_callbacks, editor):
    """upload(dataset, name, content) -> the resource, loaded and its columns indexed."""

    def make(dataset, name: str, content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return catalog.add_resource(editor, dataset, upload=SimpleUploadedFile(name, content))

    return make


@pytest.fixture(autouse=True)
def _fresh_related_index():
    # The snapshot is per process: each test starts from its own catalogue.
    related.reset()
    yield
    related.reset()
