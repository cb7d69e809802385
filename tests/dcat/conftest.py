"""A representative catalogue for the linked-data tests: every optional field present on one
dataset and absent on another, plus what must never be published (drafts, private)."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Tag, Theme
from datasud.territories.models import Territory

CSV = b"code;nom;population\n04070;Digne-les-Bains;16300\n05061;Gap;40600\n"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://data.example.org"


@pytest.fixture
def territories(db):
    region = Territory.objects.create(level="region", code="93", name="Provence-Alpes-Côte d'Azur",
                                      bbox=[4.23, 42.98, 7.72, 45.13])
    commune = Territory.objects.create(level="commune", code="04070", name="Digne-les-Bains",
                                       bbox=[6.14, 44.03, 6.33, 44.17])
    # An EPCI has no INSEE geographic URI and this one no outline: both must be fine.
    epci = Territory.objects.create(level="epci", code="200067437", name="Provence-Alpes Agglo")
    return {"region": region, "commune": commune, "epci": epci}


@pytest.fixture
def full_catalogue(db, organisation, editor, licence, theme, territories,
                   django_capture_on_commit_callbacks):
    """{"complete", "minimal", "unmapped", "draft", "private"} datasets."""
    Organisation.objects.filter(pk=organisation.pk).update(
        siren="210400707", acronym="VDB", website="https://www.dignelesbains.fr",
        territory=territories["commune"])
    organisation.refresh_from_db()
    region_org = Organisation.objects.create(
        name="Région Sud", slug="region-sud", type=Organisation.Type.CONSEIL_REGIONAL,
        territory=territories["region"])
    environment = Theme.objects.create(slug="environnement-et-climat",
                                       name="Environnement et climat")
    published = timezone.make_aware(dt.datetime(2024, 3, 1, 9, 30))
    complete = Dataset.objects.create(
        title="Horaires des bus <b>de Digne</b>", slug="horaires-bus", organisation=organisation,
        description="Les horaires **des lignes** de bus.\n\nMis à jour chaque mois.",
        licence=licence, frequency=Dataset.Frequency.MONTHLY,
        temporal_start=dt.date(2020, 1, 1), temporal_end=dt.date(2024, 12, 31),
        contact_name="Service mobilité", contact_email="mobilite@example.org",
        status=Dataset.Status.PUBLISHED, published_at=published, source_id="5b7f0c1d8b4c41",
    )
    complete.themes.set([theme, environment])
    complete.tags.set([Tag.objects.create(name="bus"), Tag.objects.create(name="transport")])
    complete.territories.set([territories["commune"], territories["epci"]])
    with django_capture_on_commit_callbacks(execute=True):
        stored = catalog.add_resource(editor, complete, title="Horaires (CSV)",
                                      upload=SimpleUploadedFile("horaires.csv", CSV))
    catalog.add_resource(editor, complete, title="Arrêts", url="https://example.org/arrets.geojson",
                         description="Les arrêts en GeoJSON.")
    catalog.add_resource(editor, complete, title="Page du réseau",
                         url="https://example.org/reseau", format="html")
    catalog.add_resource(editor, complete, title="Flux temps réel",
                         url="https://example.org/gtfs-rt", format="gtfs-rt")

    minimal = Dataset.objects.create(title="Liste minimale", slug="liste-minimale",
                                     organisation=region_org, status=Dataset.Status.PUBLISHED)
    other = Licence.objects.create(slug="other-at", title="Autre licence (spécifique)")
    old = Licence.objects.create(slug="lov1", title="Licence Ouverte Version 1.0",
                                 url="https://www.etalab.gouv.fr/licence-ouverte-v1")
    unmapped = Dataset.objects.create(title="Licence maison", slug="licence-maison",
                                      organisation=region_org, licence=other,
                                      status=Dataset.Status.PUBLISHED,
                                      frequency=Dataset.Frequency.PUNCTUAL)
    Resource.objects.create(dataset=unmapped, title="Archive", url="ftp://example.org/a.7z",
                            format="7z", size=0)
    ancient = Dataset.objects.create(title="Ancienne licence", slug="ancienne-licence",
                                     organisation=region_org, licence=old,
                                     status=Dataset.Status.PUBLISHED,
                                     archived_at=timezone.now())
    draft = Dataset.objects.create(title="Brouillon secret", slug="brouillon-secret",
                                   organisation=organisation, status=Dataset.Status.DRAFT)
    private = Dataset.objects.create(title="Privé secret", slug="prive-secret",
                                     organisation=organisation, private=True,
                                     status=Dataset.Status.PUBLISHED)
    return {"complete": complete, "minimal": minimal, "unmapped": unmapped,
            "ancient": ancient, "draft": draft, "private": private, "stored": stored,
            "region_org": region_org}


@pytest.fixture
def small_catalogue(db, make_dataset, organisation):
    """Cheaper than `full_catalogue` (no datastore load): for the HTTP surface tests."""
    made = {
        "complete": make_dataset("Horaires des bus", slug="horaires-bus",
                                 description="Les horaires des bus."),
        "draft": make_dataset("Brouillon secret", slug="brouillon-secret",
                              status=Dataset.Status.DRAFT),
        "private": make_dataset("Privé secret", slug="prive-secret", private=True),
    }
    for n in range(3):
        make_dataset(f"Jeu {n}", slug=f"jeu-{n}")
    Resource.objects.create(dataset=made["complete"], title="Arrêts", format="geojson",
                            url="https://example.org/arrets.geojson")
    return made
