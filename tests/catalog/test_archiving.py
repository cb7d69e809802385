"""Archiving and unarchiving datasets through the services, and from the admin."""
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction

from datasud.catalog import services
from datasud.catalog.models import Activity, Dataset
from datasud.search.query import SearchQuery
from datasud.search.services import search_datasets


def found(user, **params) -> list[str]:
    return [d.slug for d in search_datasets(user, SearchQuery(**params)).datasets]


def test_archive_and_unarchive_keep_the_history_and_the_index(
        editor, make_dataset, django_capture_on_commit_callbacks):
    dataset = make_dataset("Comptages routiers 2015")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.archive_dataset(editor, dataset, reason="  remplacé par 2024  ")
    dataset.refresh_from_db()
    modified = dataset.modified_at
    assert dataset.archived_at is not None
    entry = dataset.activities.get()
    assert entry.action == Activity.Action.ARCHIVED and entry.actor == editor
    assert entry.changes == {"archived_at": [None, dataset.archived_at.isoformat()],
                             "reason": "remplacé par 2024"}
    # The index followed: search leaves it out unless asked.
    assert found(None) == []
    assert found(None, include_archived=True) == [dataset.slug]

    # Archiving twice changes nothing and writes nothing.
    assert not services.archive_dataset(editor, dataset)
    assert dataset.activities.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.unarchive_dataset(editor, dataset)
    dataset.refresh_from_db()
    assert dataset.archived_at is None
    assert dataset.modified_at == modified  # no new data: the date of the data stays
    assert dataset.activities.first().action == Activity.Action.UNARCHIVED
    assert found(None) == [dataset.slug]
    assert not services.unarchive_dataset(editor, dataset)


def test_only_those_who_may_edit_archive(outsider, make_dataset):
    dataset = make_dataset()
    with pytest.raises(PermissionDenied):
        services.archive_dataset(outsider, dataset)
    with pytest.raises(PermissionDenied):
        services.archive_dataset(None, dataset)
    dataset.refresh_from_db()
    assert dataset.archived_at is None and not dataset.activities.exists()


def test_a_rolled_back_archiving_leaves_nothing(editor, make_dataset,
                                                django_capture_on_commit_callbacks):
    dataset = make_dataset()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.archive_dataset(editor, dataset)
            raise RuntimeError("later step failed")
    assert callbacks == []  # no reindexing of a change that never happened
    assert Dataset.objects.get(pk=dataset.pk).archived_at is None
    assert not dataset.activities.exists()


def test_admin_archives_through_the_services(client, staff, make_dataset):
    archived, kept = make_dataset("Ancien"), make_dataset("Actuel")
    client.force_login(staff)
    response = client.post("/admin/catalog/dataset/", {
        "action": "archive", "_selected_action": [archived.pk]})
    assert response.status_code == 302
    archived.refresh_from_db()
    assert archived.archived_at is not None
    assert archived.activities.get().action == Activity.Action.ARCHIVED
    assert Dataset.objects.get(pk=kept.pk).archived_at is None
    client.post("/admin/catalog/dataset/", {"action": "unarchive",
                                            "_selected_action": [archived.pk, kept.pk]})
    archived.refresh_from_db()
    assert archived.archived_at is None
    assert archived.activities.first().action == Activity.Action.UNARCHIVED
    assert not kept.activities.exists()  # it was not archived: nothing to write
    # The change form shows the date but no longer edits it (history would be skipped).
    form = client.get(f"/admin/catalog/dataset/{archived.pk}/change/").context["adminform"]
    assert "archived_at" not in form.form.fields


def test_the_migration_names_the_archivings_harvesting_wrote_as_updates(make_dataset):
    migration = importlib.import_module(
        "datasud.catalog.migrations.0004_activity_archiving_and_deleted_actor")
    dataset = make_dataset()
    stamp = "2025-03-01T10:00:00+00:00"

    def entry(changes):
        return Activity.objects.create(dataset=dataset, action=Activity.Action.UPDATED,
                                       changes=changes)

    archived = entry({"archived_at": [None, stamp]})
    unarchived = entry({"archived_at": [stamp, None]})
    other = entry({"title": ["A", "B"]})
    mixed = entry({"archived_at": [None, stamp], "title": ["A", "B"]})

    migration.name_archiving_entries(apps, None)

    actions = dict(Activity.objects.values_list("pk", "action"))
    assert actions == {archived.pk: "archived", unarchived.pk: "unarchived",
                       other.pk: "updated", mixed.pk: "updated"}
