"""Harvesting a real DataSud instance (pytest-django's live server) through its CKAN API
(/api/3/action/package_search) and its DCAT catalogue (/catalogue.ttl): the two ends of
the platform talk to each other, and only what an anonymous visitor may see is harvested."""
import pytest

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Organisation
from datasud.harvest import jobs
from datasud.harvest.models import HarvestJob, HarvestRecord, HarvestSource

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(staff, organisation, settings):
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    from datasud.catalog.importers.reference import load_reference

    load_reference()
    made = {}
    for title, status, private in [("Horaires des navettes", "published", False),
                                   ("Budget annexe", "published", True),
                                   ("Brouillon interne", "draft", False)]:
        dataset = catalog.create_dataset(staff, organisation, title=title, status=status,
                                         private=private, tags=["transport"],
                                         description="Données de test.")
        # Not tabular: the datastore does not try to download it.
        catalog.add_resource(staff, dataset, url="https://www.example.org/notice.pdf",
                             title="Notice")
        made[title] = dataset
    return made


@pytest.fixture
def harvester_org(db):
    return Organisation.objects.create(name="Moissonnage de test", slug="moissonnage-test")


def test_harvest_datasud_through_its_ckan_api(live_server, published, organisation,
                                              harvester_org):
    source = HarvestSource.objects.create(
        name="DataSud (CKAN)", slug="datasud-ckan", kind="ckan", url=live_server.url,
        organisation=harvester_org, config={"fq": f"organization:{organisation.slug}"})

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED, job.error or job.report
    assert job.created == 1
    copy = HarvestRecord.objects.get(source=source).dataset
    assert copy.title == "Horaires des navettes"
    assert copy.organisation == harvester_org
    assert list(copy.resources.values_list("url", flat=True)) == [
        "https://www.example.org/notice.pdf"]
    # Private and draft datasets are not visible anonymously, so never harvested.
    assert not Dataset.objects.filter(title="Budget annexe", organisation=harvester_org)
    assert not Dataset.objects.filter(title="Brouillon interne", organisation=harvester_org)
    assert jobs.harvest_now(source).unchanged == 1


def test_harvest_datasud_through_its_dcat_catalogue(live_server, published, harvester_org):
    source = HarvestSource.objects.create(
        name="DataSud (DCAT)", slug="datasud-dcat", kind="dcat",
        url=f"{live_server.url}/catalogue.ttl", organisation=harvester_org)

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED, job.error or job.report
    assert job.created == 1
    assert HarvestRecord.objects.get(source=source).dataset.title == "Horaires des navettes"
