"""Resources loaded through the real pipeline: upload -> queued load -> Parquet version."""
import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datasud.catalog import services as catalog


@pytest.fixture
def con():
    """A plain DuckDB connection for the ingestion tests (no Django settings involved)."""
    connection = duckdb.connect(config={"autoinstall_known_extensions": False,
                                        "autoload_known_extensions": False, "threads": 2})
    yield connection
    connection.close()


@pytest.fixture
def upload(django_capture_on_commit_callbacks, editor):
    """upload(dataset, name, content, user=editor) -> the resource, its load already run.

    The load is queued when the upload's transaction commits; tests run the on-commit
    callbacks and the immediate task backend runs the load there and then.
    """

    def make(dataset, name: str, content: bytes, user=None):
        with django_capture_on_commit_callbacks(execute=True):
            resource = catalog.add_resource(user or editor, dataset,
                                            upload=SimpleUploadedFile(name, content))
        return resource

    return make


COMMUNES_CSV = (
    "code_insee;nom;departement;population;superficie;date_maj\n"
    "04070;Digne-les-Bains;04;16300;117,07;31/12/2023\n"
    "05061;Gap;05;40600;110,43;31/12/2023\n"
    "06088;Nice;06;348100;71,92;01/01/2024\n"
    "13055;Marseille;13;873100;240,62;01/01/2024\n"
    "83137;Toulon;83;180800;42,84;15/02/2024\n"
    "84007;Avignon;84;91900;64,78;15/02/2024\n"
    "13001;Aix-en-Provence;13;147500;186,08;15/02/2024\n"
    "06029;Cannes;06;73900;19,62;01/03/2024\n"
).encode("cp1252")


@pytest.fixture
def communes(upload, make_dataset):
    """A published dataset with a loaded CP1252, semicolon, French-decimal CSV."""
    return upload(make_dataset("Communes"), "communes.csv", COMMUNES_CSV)
