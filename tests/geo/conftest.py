"""Geo resources loaded through the real pipeline: upload -> queued load -> GeoParquet."""
import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datasud.catalog import services as catalog

from . import files


@pytest.fixture
def con():
    """A plain DuckDB connection for the reader tests (the readers load spatial in it)."""
    connection = duckdb.connect(config={"autoinstall_known_extensions": False,
                                        "autoload_known_extensions": False, "threads": 2})
    yield connection
    connection.close()


@pytest.fixture
def upload(django_capture_on_commit_callbacks, editor):
    """upload(dataset, name, content, user=editor) -> the resource, its load already run."""

    def make(dataset, name: str, content: bytes, user=None):
        with django_capture_on_commit_callbacks(execute=True):
            resource = catalog.add_resource(user or editor, dataset,
                                            upload=SimpleUploadedFile(name, content))
        return resource

    return make


@pytest.fixture
def communes_resource(upload, make_dataset, editor):
    """A published dataset with the communes extract loaded as a geo table."""
    dataset = make_dataset("Communes de la région", created_by=editor)
    return upload(dataset, "communes.geojson", files.communes_bytes())
