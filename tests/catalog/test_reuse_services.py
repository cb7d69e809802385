"""Reuse operations: what the editor cannot see stays linked; image files follow the rows."""
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from datasud.accounts.models import Membership
from datasud.catalog import services
from datasud.catalog.models import Organisation, Reuse


def png(name="capture.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 80, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def datasets(make_dataset):
    return {"public": make_dataset("Horaires"), "other": make_dataset("Arrêts"),
            "private": make_dataset("Comptages confidentiels", private=True)}


@pytest.fixture
def reuse(outsider, editor, datasets):
    """Declared by `outsider`; a member of the producer later linked a private dataset."""
    reuse = services.create_reuse(outsider, title="Appli des bus", url="https://example.org",
                                  datasets=[datasets["public"]])
    reuse.datasets.add(datasets["private"])
    return reuse


def test_update_keeps_the_datasets_the_editor_cannot_see(reuse, outsider, datasets):
    services.update_reuse(outsider, reuse, datasets=[datasets["other"]])
    assert set(reuse.datasets.all()) == {datasets["other"], datasets["private"]}
    # Naming a dataset one cannot see links nothing.
    services.update_reuse(outsider, reuse, datasets=[datasets["private"]])
    assert set(reuse.datasets.all()) == {datasets["private"]}
    # Without `datasets`, the list is left alone.
    services.update_reuse(outsider, reuse, title="Appli des bus et cars")
    assert set(reuse.datasets.all()) == {datasets["private"]}


def test_who_sees_everything_may_remove_everything(reuse, staff, datasets):
    services.update_reuse(staff, reuse, datasets=[datasets["public"]])
    assert list(reuse.datasets.all()) == [datasets["public"]]


def test_organisation_is_checked_only_when_it_changes(reuse, outsider, organisation):
    other = Organisation.objects.create(name="Métropole", slug="metropole")
    membership = Membership.objects.create(user=outsider, organisation=organisation)
    services.update_reuse(outsider, reuse, organisation=organisation)
    membership.delete()
    # Left the organisation since: the other changes still go through.
    services.update_reuse(outsider, reuse, organisation=organisation, title="Nouveau titre")
    reuse.refresh_from_db()
    assert (reuse.title, reuse.organisation) == ("Nouveau titre", organisation)
    with pytest.raises(PermissionDenied):
        services.update_reuse(outsider, reuse, organisation=other)


def test_replacing_or_clearing_the_image_deletes_the_old_file_after_commit(
        reuse, outsider, settings, django_capture_on_commit_callbacks):
    services.update_reuse(outsider, reuse, image=png())
    first = settings.MEDIA_ROOT / reuse.image.name
    # A change rolled back afterwards keeps the old image.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.update_reuse(outsider, reuse, image=png("autre.png"))
            raise RuntimeError("rolled back")
    assert first.exists()
    reuse.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_reuse(outsider, reuse, image=png("nouvelle.png"))
    second = settings.MEDIA_ROOT / reuse.image.name
    assert second.exists() and not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_reuse(outsider, reuse, image="")
    assert not second.exists()


def test_delete_removes_the_image_only_once_committed(reuse, outsider, settings,
                                                      django_capture_on_commit_callbacks):
    services.update_reuse(outsider, reuse, image=png())
    stored, pk = settings.MEDIA_ROOT / reuse.image.name, reuse.pk
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.delete_reuse(outsider, reuse)
            raise RuntimeError("rolled back")
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_reuse(outsider, Reuse.objects.get(pk=pk))
    assert not stored.exists() and not Reuse.objects.filter(pk=pk).exists()


def test_others_cannot_delete(reuse, editor, settings):
    services.update_reuse(reuse.owner, reuse, image=png())
    with pytest.raises(PermissionDenied):
        services.delete_reuse(editor, reuse)
    assert (settings.MEDIA_ROOT / reuse.image.name).exists()
