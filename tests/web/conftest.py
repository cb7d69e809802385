"""A small platform to browse: territories, organisations, datasets of every kind, a reuse."""
import datetime as dt

import pytest
from django.test import Client

from datasud.catalog.models import Dataset, Organisation, Resource, Reuse, Tag
from datasud.search import indexing
from datasud.territories.models import Territory


@pytest.fixture
def client_for():
    """client_for(user) -> a test client signed in as `user` (anonymous for None)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def territories(db):
    """Région Sud > Alpes-de-Haute-Provence > Provence-Alpes Agglomération > Digne."""
    region = Territory.objects.create(level="region", code="93",
                                      name="Provence-Alpes-Côte d'Azur", population=5_100_000)
    ahp = Territory.objects.create(level="departement", code="04",
                                   name="Alpes-de-Haute-Provence", population=165_000)
    epci = Territory.objects.create(level="epci", code="200067437", kind="CA",
                                    name="Provence-Alpes Agglomération", population=47_000)
    digne = Territory.objects.create(level="commune", code="04070", name="Digne-les-Bains",
                                     population=16_000, postcodes=["04000"])
    manosque = Territory.objects.create(level="commune", code="04112", name="Manosque")
    ahp.parents.add(region)
    epci.parents.add(region)
    digne.parents.add(ahp, epci)
    manosque.parents.add(ahp)
    return {"region": region, "departement": ahp, "epci": epci, "commune": digne,
            "other_commune": manosque}


@pytest.fixture
def partner(db):
    return Organisation.objects.create(
        name="Région Provence-Alpes-Côte d'Azur", slug="region-sud",
        type=Organisation.Type.CONSEIL_REGIONAL, partnership_signed_on=dt.date(2017, 6, 1),
        website="https://www.maregionsud.fr", description="La **Région** Sud.",
    )


@pytest.fixture
def catalogue(make_dataset, organisation, partner, theme, territories):
    """Public datasets of both organisations, plus a draft and a private one of
    `organisation` (the fixture of tests/conftest.py whose members are `editor`...)."""
    public = make_dataset("Horaires des bus de Digne", description="Les **horaires**.",
                          contact_name="Service transports", contact_email="bus@example.org",
                          temporal_start=dt.date(2024, 1, 1), temporal_end=dt.date(2024, 12, 31))
    public.themes.add(theme)
    public.tags.add(Tag.objects.create(name="bus"))
    public.territories.add(territories["commune"])
    Resource.objects.create(dataset=public, title="Horaires CSV", format="csv",
                            url="https://example.org/horaires.csv", size=2048,
                            checksum="ab" * 32)
    region_wide = make_dataset("Lycées de la région", organisation=partner)
    region_wide.territories.add(territories["region"])
    departement = make_dataset("Routes départementales")
    departement.territories.add(territories["departement"])
    epci = make_dataset("Collecte des déchets de l'agglomération")
    epci.territories.add(territories["epci"])
    draft = make_dataset("Brouillon secret de Digne", status=Dataset.Status.DRAFT)
    private = make_dataset("Comptages confidentiels", private=True)
    private.territories.add(territories["commune"])
    reuse = Reuse.objects.create(title="Carte des bus", slug="carte-des-bus",
                                 url="https://example.org/carte", type=Reuse.Type.VISUALISATION,
                                 author_name="Atelier Carto", organisation=partner)
    reuse.datasets.add(public)
    datasets = {"public": public, "region": region_wide, "departement": departement,
                "epci": epci, "draft": draft, "private": private}
    indexing.reindex([d.pk for d in datasets.values()])
    return {**datasets, "reuse": reuse}
