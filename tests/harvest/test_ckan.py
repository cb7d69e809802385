"""Harvesting a CKAN 2.10 portal: create, re-run, update, withdraw, come back, provenance."""
import pytest

from datasud.accounts.models import Membership
from datasud.catalog import services as catalog
from datasud.catalog.models import Activity, Dataset, Organisation
from datasud.harvest import jobs
from datasud.harvest.actor import USERNAME
from datasud.harvest.models import HarvestJob, HarvestRecord
from datasud.search.query import SearchQuery
from datasud.search.services import search_datasets

pytestmark = pytest.mark.django_db

BUS = "1c0b9c1e-6f1d-4f3b-9f5e-2a7a6d3f0a01"
BAIGNADE = "2d7e4f10-3a2b-4c5d-8e9f-2a7a6d3f0a02"
BUDGET = "3e8f5a21-4b3c-4d6e-9fa0-2a7a6d3f0a03"


@pytest.fixture
def source(make_source, portal, ckan, reference):
    # A page size of 2 makes the 3 recorded packages span two pages.
    return make_source("ckan", portal.url, config={"page_size": 2})


def harvested(source) -> dict[str, Dataset]:
    return {r.remote_id: r.dataset for r in
            HarvestRecord.objects.filter(source=source).select_related("dataset")}


def test_first_run_creates_every_dataset_with_its_provenance(source, organisation, portal):
    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED, job.error or job.report
    assert (job.listed, job.created, job.updated, job.errors) == (3, 3, 0, 0)
    datasets = harvested(source)
    assert set(datasets) == {BUS, BAIGNADE, BUDGET}
    bus = datasets[BUS]
    assert bus.title == "Arrêts de bus du réseau Lignes d'Azur"
    assert bus.status == Dataset.Status.PUBLISHED and not bus.private
    assert bus.organisation == organisation
    assert bus.licence.slug == "lov2"
    assert bus.frequency == Dataset.Frequency.MONTHLY
    assert str(bus.temporal_start) == "2024-01-01"
    assert bus.contact_email == "opendata@nicecotedazur.org"
    assert sorted(bus.tags.values_list("name", flat=True)) == ["bus", "mobilité", "transport"]
    assert "mobilite-et-transports" in bus.themes.values_list("slug", flat=True)
    assert bus.source_id == BUS
    assert bus.source_url == f"{portal.url}/dataset/arrets-de-bus-lignes-d-azur"
    resources = list(bus.resources.order_by("position"))
    assert [(r.title, r.format, r.kind) for r in resources] == [
        ("arrets.csv", "csv", "url"), ("GTFS Lignes d'Azur", "gtfs", "url")]
    assert datasets[BAIGNADE].licence.slug == "odc-odbl"
    assert datasets[BAIGNADE].frequency == Dataset.Frequency.ANNUAL
    # An unknown licence is reported, the dataset harvested without one.
    assert datasets[BUDGET].licence is None
    assert any("licence inconnue" in n["note"] for n in job.report["notes"])
    record = HarvestRecord.objects.get(source=source, remote_id=BUS)
    assert record.harvested_at and record.last_job == job and record.content_hash
    assert record.remote_modified.isoformat().startswith("2024-05-14T07:02:11")
    # Written through the catalogue's services: history in the name of the harvester.
    created = Activity.objects.get(dataset=bus, action=Activity.Action.CREATED)
    assert created.actor.username == USERNAME
    # Two pages were read (page size 2).
    assert sum("package_search" in r for r in portal.requests) == 2


def test_second_run_without_change_touches_nothing(source):
    jobs.harvest_now(source)
    before = {d.pk: d.modified_at for d in Dataset.objects.all()}
    activities = Activity.objects.count()

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED
    assert (job.created, job.updated, job.unchanged, job.withdrawn) == (0, 0, 3, 0)
    assert {d.pk: d.modified_at for d in Dataset.objects.all()} == before
    assert Activity.objects.count() == activities
    assert Dataset.objects.count() == 3


def test_a_change_at_the_source_updates_only_that_dataset(source, ckan):
    jobs.harvest_now(source)
    others = {d.pk: d.modified_at for d in Dataset.objects.exclude(source_id=BUS)}
    bus = Dataset.objects.get(source_id=BUS)
    resource_ids = sorted(bus.resources.values_list("pk", flat=True))
    package = ckan.package("arrets-de-bus-lignes-d-azur")
    package["title"] = "Arrêts de bus et de tramway"
    package["metadata_modified"] = "2024-06-01T08:00:00.000000"
    package["resources"][1]["url"] = "https://transport.example-partenaire.fr/gtfs/v2.zip"

    job = jobs.harvest_now(source)

    assert (job.created, job.updated, job.unchanged) == (0, 1, 2)
    bus.refresh_from_db()
    assert bus.title == "Arrêts de bus et de tramway"
    # Resources are updated in place: same rows, new address.
    assert sorted(bus.resources.values_list("pk", flat=True)) == resource_ids
    assert bus.resources.filter(url__endswith="/gtfs/v2.zip").exists()
    assert {d.pk: d.modified_at for d in Dataset.objects.exclude(source_id=BUS)} == others
    change = Activity.objects.filter(dataset=bus, action=Activity.Action.UPDATED).first()
    assert change.changes["title"] == ["Arrêts de bus du réseau Lignes d'Azur",
                                       "Arrêts de bus et de tramway"]
    record = HarvestRecord.objects.get(remote_id=BUS)
    assert record.remote_modified.isoformat().startswith("2024-06-01T08:00")


def test_a_resource_removed_at_the_source_is_removed_here(source, ckan):
    jobs.harvest_now(source)
    ckan.package("arrets-de-bus-lignes-d-azur")["resources"].pop(1)

    jobs.harvest_now(source)

    bus = Dataset.objects.get(source_id=BUS)
    assert list(bus.resources.values_list("title", flat=True)) == ["arrets.csv"]


@pytest.mark.slow
def test_a_dataset_removed_at_the_source_is_archived_and_comes_back(source, ckan, client):
    jobs.harvest_now(source)
    removed = ckan.package("budget-primitif-2022")
    ckan.packages.remove(removed)

    job = jobs.harvest_now(source)

    assert (job.withdrawn, job.unchanged) == (1, 2)
    budget = Dataset.objects.get(source_id=BUDGET)
    assert budget.archived_at is not None
    archiving = budget.activities.get(action=Activity.Action.ARCHIVED)
    assert archiving.actor.username == USERNAME
    assert archiving.changes["reason"] == f"retiré de la source « {source} »"
    assert HarvestRecord.objects.get(remote_id=BUDGET).withdrawn_at is not None
    # The permalink stays.
    assert client.get(budget.get_absolute_url()).status_code == 200
    # A second run does not withdraw it again.
    assert jobs.harvest_now(source).withdrawn == 0

    ckan.packages.append(removed)
    job = jobs.harvest_now(source)

    assert job.updated == 1
    budget.refresh_from_db()
    assert budget.archived_at is None
    assert Dataset.objects.count() == 3
    assert any("désarchivé" in n["note"] for n in job.report["notes"])
    assert budget.activities.filter(action=Activity.Action.ARCHIVED).count() == 1
    assert budget.activities.filter(action=Activity.Action.UNARCHIVED).count() == 1
    # Archiving is no local edit: the next run has nothing to put back.
    assert jobs.harvest_now(source).unchanged == 3


def test_remote_organisations_are_used_when_asked(make_source, portal, ckan, reference):
    source = make_source("ckan", portal.url, organisation=None, use_remote_organisation=True)
    Organisation.objects.create(name="Ville de Cannes", slug="ville-de-cannes")

    job = jobs.harvest_now(source)

    assert job.created == 3
    assert Dataset.objects.get(source_id=BAIGNADE).organisation.slug == "ville-de-cannes"
    nice = Dataset.objects.get(source_id=BUS).organisation
    assert nice.name == "Métropole Nice Côte d'Azur"
    assert nice.type == Organisation.Type.METROPOLE
    assert nice.source_id == "a3c1f0a2-0a55-4f5e-8f1e-0d1b2c3d4e5f"
    assert Dataset.objects.get(source_id=BUDGET).organisation == nice


def test_producers_cannot_edit_a_harvested_dataset(source, editor, staff):
    jobs.harvest_now(source)
    bus = Dataset.objects.get(source_id=BUS)

    with pytest.raises(catalog.HarvestedDatasetError, match="Portail ckan"):
        catalog.update_dataset(editor, bus, title="Titre modifié localement", force=True)
    with pytest.raises(catalog.HarvestedDatasetError, match="force=true"):
        catalog.update_dataset(staff, bus, title="Titre modifié localement")

    bus.refresh_from_db()
    assert bus.title == "Arrêts de bus du réseau Lignes d'Azur"
    assert not bus.activities.filter(actor__in=[editor, staff]).exists()
    # What they may still do: add their own resources, which harvesting leaves alone.
    catalog.add_resource(editor, bus, url="https://www.example.org/notice.pdf")
    assert jobs.harvest_now(source).updated == 1
    assert bus.resources.filter(url="https://www.example.org/notice.pdf").exists()


def test_a_local_edit_is_overwritten_by_the_source_and_reported(source, organisation, staff):
    jobs.harvest_now(source)
    bus = Dataset.objects.get(source_id=BUS)
    catalog.update_dataset(staff, bus, title="Titre modifié localement", force=True)

    job = jobs.harvest_now(source)

    assert job.updated == 1
    bus.refresh_from_db()
    assert bus.title == "Arrêts de bus du réseau Lignes d'Azur"
    assert any(n["remote_id"] == BUS and "modifié sur DataSud" in n["note"]
               for n in job.report["notes"])
    # Both versions stay in the history.
    titles = [a.changes.get("title") for a in bus.activities.all() if "title" in a.changes]
    assert ["Titre modifié localement", "Arrêts de bus du réseau Lignes d'Azur"] in titles


def test_a_dataset_deleted_here_is_not_harvested_again(source, staff):
    jobs.harvest_now(source)
    catalog.delete_dataset(staff, Dataset.objects.get(source_id=BUDGET))

    job = jobs.harvest_now(source)

    assert not Dataset.objects.filter(source_id=BUDGET).exists()
    assert job.status == HarvestJob.Status.SUCCEEDED
    assert any("supprimé de DataSud" in n["note"] for n in job.report["notes"])


def test_one_bad_record_does_not_fail_the_job(source, ckan):
    broken = ckan.package("qualite-des-eaux-de-baignade")
    broken["title"] = "  "
    broken["name"] = ""
    broken["extras"] = [{"key": "temporal_start", "value": "2024-12-31"},
                        {"key": "temporal_end", "value": "2024-01-01"}]

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.PARTIAL
    assert (job.created, job.errors) == (2, 1)
    [error] = job.report["errors"]
    assert error["remote_id"] == BAIGNADE and "titre" in error["reason"].lower()
    assert not Dataset.objects.filter(source_id=BAIGNADE).exists()


def test_excluded_datasets_are_not_harvested(make_source, portal, ckan, reference):
    source = make_source("ckan", portal.url, config={"exclude": [BUDGET]})

    job = jobs.harvest_now(source)

    assert job.created == 2
    assert not Dataset.objects.filter(source_id=BUDGET).exists()


def test_two_sources_never_share_a_dataset(source, make_source, portal):
    jobs.harvest_now(source)
    twin = make_source("ckan", portal.url, slug="meme-portail")

    job = jobs.harvest_now(twin)

    assert job.created == 0 and job.errors == 3
    assert "déjà moissonné par la source" in job.report["errors"][0]["reason"]
    assert Dataset.objects.count() == 3


def test_members_of_the_organisation_see_harvested_datasets_like_theirs(source, editor):
    jobs.harvest_now(source)
    assert Membership.objects.filter(user=editor).exists()
    assert Dataset.objects.editable_by(editor).count() == 3


def test_harvested_datasets_are_searchable_and_withdrawn_ones_leave_search(
        source, ckan, django_capture_on_commit_callbacks):
    for package in ckan.packages:
        package["resources"] = []  # on commit, tabular ones would be downloaded
    with django_capture_on_commit_callbacks(execute=True):
        jobs.harvest_now(source)

    def found(**query):
        return [d.title for d in search_datasets(None, SearchQuery(**query)).datasets]

    assert found(q="baignade") == ["Qualité des eaux de baignade"]
    ckan.packages.remove(ckan.package("qualite-des-eaux-de-baignade"))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.harvest_now(source)
    assert found(q="baignade") == []
    assert found(q="baignade", include_archived=True) == ["Qualité des eaux de baignade"]
