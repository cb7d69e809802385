"""Each programme's aggregated indicators are a dataset of the catalogue, loaded into the
datastore like any CSV, refreshed when the records change, with no personal data."""
import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from datasud.catalog.models import Dataset, Organisation
from datasud.datastore import services as datastore
from datasud.programmes import publication, services
from datasud.programmes.models import PublicationState


def _rows(resource) -> list[dict]:
    resource.file.open("rb")
    try:
        return list(csv.DictReader(io.StringIO(resource.file.read().decode("utf-8"))))
    finally:
        resource.file.close()


@pytest.fixture
def region(db):
    return Organisation.objects.create(name="Région Sud", slug="region",
                                       type=Organisation.Type.CONSEIL_REGIONAL)


@pytest.fixture
def applied(open_call, company, applicant, answers, instructor):
    application = services.apply(applicant, open_call, company, answers)
    services.move(instructor, application, "under_review")
    return application


def test_the_dataset_holds_the_computed_figures_and_nothing_personal(
        coach, region, applied, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resource, state = publication.publish(coach)
    assert state == "ajoutée"
    dataset = resource.dataset
    assert dataset.slug == "indicateurs-programme-coach-digital"
    assert dataset.organisation == region and dataset.is_public
    rows = _rows(resource)
    assert list(rows[0]) == publication.COLUMNS
    values = {(r["indicateur"], r["periode"]): int(r["valeur"]) for r in rows}
    assert values[("applications.total", "")] == 1
    assert values[("applications.under_review", "")] == 1
    text = str(rows)
    for personal in (applicant.username, applicant.email, "Boulangerie", "Site vitrine"):
        assert personal not in text
    # Loaded into the datastore through the platform's own pipeline.
    tables = datastore.current_tables(resource)
    assert tables and tables[0].row_count == len(rows)


def test_an_unchanged_programme_is_not_republished(coach, region, applied):
    resource, _state = publication.publish(coach)
    again, state = publication.publish(coach)
    assert (again.pk, state) == (resource.pk, "inchangée")


def test_a_change_gives_a_new_version_of_the_same_resource(coach, region, applied,
                                                           instructor):
    resource, _state = publication.publish(coach)
    services.move(instructor, applied, "rejected")
    updated, state = publication.publish(coach)
    assert (updated.pk, state) == (resource.pk, "nouvelle version")
    values = {(r["indicateur"], r["periode"]): r["valeur"] for r in _rows(updated)}
    assert values[("applications.rejected", "")] == "1"
    assert Dataset.objects.filter(slug="indicateurs-programme-coach-digital").count() == 1


def test_without_a_regional_organisation_one_is_created(coach, applied):
    resource, _state = publication.publish(coach)
    assert resource.dataset.organisation.type == Organisation.Type.CONSEIL_REGIONAL


def test_record_changes_queue_one_debounced_refresh(coach, region, open_call, company,
                                                    applicant, answers, instructor,
                                                    django_capture_on_commit_callbacks):
    # The application and its first history line: two changes, one refresh.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application = services.apply(applicant, open_call, company, answers)
    assert len(callbacks) >= 2
    dataset = Dataset.objects.get(slug="indicateurs-programme-coach-digital")
    [resource] = dataset.resources.all()
    state = PublicationState.objects.get(programme=coach)
    assert state.queued is False and state.checksum == resource.checksum
    with django_capture_on_commit_callbacks(execute=True):
        services.move(instructor, application, "under_review")
    resource.refresh_from_db()
    values = {(r["indicateur"], r["periode"]): r["valeur"] for r in _rows(resource)}
    assert values[("applications.under_review", "")] == "1"


def test_a_queued_refresh_is_not_queued_twice(coach, region):
    PublicationState.objects.create(programme=coach, queued=True, dirty_since=timezone.now())
    publication._queue(coach.pk)  # already queued: nothing runs, nothing is published
    assert not Dataset.objects.filter(slug__startswith="indicateurs-programme").exists()
    publication.refresh(coach.pk)
    assert PublicationState.objects.get(programme=coach).queued is False
    assert Dataset.objects.filter(slug="indicateurs-programme-coach-digital").exists()


def test_a_stale_queued_flag_does_not_block_refreshes(coach, region):
    PublicationState.objects.create(programme=coach, queued=True,
                                    dirty_since=timezone.now() - dt.timedelta(days=1))
    publication._queue(coach.pk)  # the immediate backend runs the refresh at once
    assert Dataset.objects.filter(slug="indicateurs-programme-coach-digital").exists()
