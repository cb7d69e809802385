"""The index follows the catalogue's services; the rebuild command starts from scratch."""
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from datasud.catalog import services
from datasud.catalog.models import Dataset
from datasud.search import indexing
from datasud.search.backends import get_backend
from datasud.search.backends.postgres import PostgresBackend
from datasud.search.backends.sqlite import SQLiteBackend

from .helpers import titles


def test_backend_follows_the_database_vendor(db):
    expected = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}[connection.vendor]
    assert isinstance(get_backend(), expected)


def test_created_updated_deleted_through_services(editor, organisation, search,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.create_dataset(editor, organisation, title="Arrêts de tramway",
                                          tags=["tram"], status=Dataset.Status.PUBLISHED)
    assert titles(search("tramway")) == ["Arrêts de tramway"]
    assert titles(search("tram")) == ["Arrêts de tramway"]

    with django_capture_on_commit_callbacks(execute=True):
        services.update_dataset(editor, dataset, title="Stations de métro", tags=["métro"])
    assert search("tramway").total == 0
    assert titles(search("metro")) == ["Stations de métro"]

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_dataset(editor, dataset)
    assert search("metro", user=editor).total == 0
    with connection.cursor() as cursor:
        table = {"sqlite": "search_dataset_fts", "postgresql": "search_dataset_document"}
        cursor.execute(f"SELECT COUNT(*) FROM {table[connection.vendor]}")
        assert cursor.fetchone()[0] == 0


def test_unpublishing_hides_at_once(editor, organisation, search,
                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.create_dataset(editor, organisation, title="Parkings relais",
                                          status=Dataset.Status.PUBLISHED)
        services.update_dataset(editor, dataset, status=Dataset.Status.DRAFT)
    assert search("parkings").total == 0
    assert search("parkings", user=editor).total == 1


def test_resources_added_through_services_feed_the_format_facet(
        editor, organisation, search, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.create_dataset(editor, organisation, title="Comptages",
                                          status=Dataset.Status.PUBLISHED)
        services.add_resource(editor, dataset, url="https://example.org/comptages.csv")
    result = search("comptages", formats=["csv"])
    assert titles(result) == ["Comptages"]


def test_reindex_of_a_vanished_dataset_removes_it(make_indexed, search):
    dataset = make_indexed("Éphémère")
    pk = dataset.pk
    Dataset.objects.filter(pk=pk).delete()
    indexing.reindex([pk])
    with connection.cursor() as cursor:
        table = {"sqlite": "search_dataset_fts", "postgresql": "search_dataset_document"}
        cursor.execute(f"SELECT COUNT(*) FROM {table[connection.vendor]}")
        assert cursor.fetchone()[0] == 0


def test_rebuild_command(make_dataset, search, capsys):
    for n in range(3):
        make_dataset(f"Inventaire des arbres {n}")
    assert search("arbres").total == 0  # made without the services, so not indexed yet
    call_command("rebuild_search_index", "--no-progress")
    assert search("arbres").total == 3
    assert "3 datasets indexed" in capsys.readouterr().out


def test_rebuild_reports_progress(make_dataset, monkeypatch):
    monkeypatch.setattr("datasud.search.documents.BATCH_SIZE", 2)
    for n in range(5):
        make_dataset(f"Jeu {n}")
    done = []
    assert indexing.rebuild(progress=done.append) == 5
    assert done == [2, 2, 1]


def test_rebuild_command_help():
    from datasud.search.management.commands.rebuild_search_index import Command

    assert "search index" in Command.help


@pytest.fixture
def index_emptied_after():
    # Flushing the database between transactional tests leaves the index tables alone.
    yield
    with transaction.atomic():
        get_backend().clear()


@pytest.mark.django_db(transaction=True)
def test_index_changes_only_once_committed(organisation, editor, search, index_emptied_after):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.create_dataset(editor, organisation, title="Annulé",
                                    status=Dataset.Status.PUBLISHED)
            raise RuntimeError("rolled back")
    assert search("annule").total == 0
    services.create_dataset(editor, organisation, title="Conservé",
                            status=Dataset.Status.PUBLISHED)
    assert titles(search("conserve")) == ["Conservé"]
