"""A small catalogue to search: real rows, indexed by the real backend of the test database."""
import datetime as dt

import pytest
from django.db import transaction

from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Tag, Theme
from datasud.search import cache, indexing
from datasud.search.backends import get_backend
from datasud.search.services import SearchQuery, search_datasets
from datasud.territories.models import Territory


@pytest.fixture
def territories(db):
    """Région Sud > Bouches-du-Rhône, Alpes-de-Haute-Provence > Aix-Marseille > Marseille."""
    region = Territory.objects.create(level="region", code="93", name="Provence-Alpes-Côte d'Azur")
    bdr = Territory.objects.create(level="departement", code="13", name="Bouches-du-Rhône")
    ahp = Territory.objects.create(level="departement", code="04",
                                   name="Alpes-de-Haute-Provence")
    amp = Territory.objects.create(level="epci", code="200054807", name="Aix-Marseille-Provence")
    marseille = Territory.objects.create(level="commune", code="13055", name="Marseille")
    digne = Territory.objects.create(level="commune", code="04070", name="Digne-les-Bains")
    bdr.parents.add(region)
    ahp.parents.add(region)
    amp.parents.add(region)
    marseille.parents.add(bdr, amp)
    digne.parents.add(ahp)
    return {t.key: t for t in (region, bdr, ahp, amp, marseille, digne)}


@pytest.fixture
def partner_organisation(db):
    return Organisation.objects.create(name="Métropole Aix-Marseille-Provence", slug="amp",
                                       acronym="AMP", type=Organisation.Type.METROPOLE,
                                       partnership_signed_on=dt.date(2018, 3, 1))


@pytest.fixture
def make_indexed(make_dataset):
    """make_dataset, then tags, themes, territories and resources, then index it."""

    def make(title="Horaires des bus", *, tags=(), themes=(), territories=(), formats=(),
             **fields):
        dataset = make_dataset(title, **fields)
        dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
        dataset.themes.set(themes)
        dataset.territories.set(territories)
        for position, fmt in enumerate(formats):
            Resource.objects.create(dataset=dataset, title=f"Fichier {fmt}", format=fmt,
                                    url=f"https://example.org/{dataset.pk}.{fmt}",
                                    position=position)
        indexing.reindex([dataset.pk])
        return dataset

    return make


@pytest.fixture
def catalogue(make_indexed, organisation, partner_organisation, theme, licence, territories):
    """Seven datasets: five public, one draft, one private (both of `organisation`)."""
    environment = Theme.objects.create(slug="environnement", name="Environnement")
    odbl = Licence.objects.create(slug="odbl", title="ODbL")
    made = {
        "velo": make_indexed(
            "Pistes cyclables de Marseille", description="Le réseau des vélos en ville.",
            tags=["vélo", "mobilité douce"], themes=[theme], formats=["geojson", "csv"],
            territories=[territories["commune:13055"]], organisation=partner_organisation,
        ),
        "bus": make_indexed(
            "Horaires des transports en commun", description="Lignes de bus et de car.",
            tags=["bus", "transport"], themes=[theme], formats=["gtfs"],
            territories=[territories["departement:13"]], organisation=partner_organisation,
        ),
        "air": make_indexed(
            "Qualité de l'air", description="Mesures quotidiennes des polluants.",
            tags=["air", "pollution"], themes=[environment], formats=["csv", "csv"],
            territories=[territories["region:93"]], licence=odbl,
        ),
        "eau": make_indexed(
            "Qualité des eaux de baignade", description="Prélèvements estivaux.",
            tags=["eau", "baignade"], themes=[environment], formats=["xlsx"],
            territories=[territories["commune:04070"]],
        ),
        "budget": make_indexed(
            "Budget primitif", description="Budget de la commune, dont les transports.",
            tags=["finances"], formats=["pdf"],
        ),
        "draft": make_indexed(
            "Vélos en libre-service (brouillon)", status=Dataset.Status.DRAFT,
            tags=["vélo"], themes=[theme], formats=["csv"],
            territories=[territories["commune:13055"]],
        ),
        "private": make_indexed(
            "Comptages vélo confidentiels", private=True, tags=["vélo"], themes=[theme],
            formats=["csv"], territories=[territories["commune:13055"]],
        ),
    }
    return made


@pytest.fixture
def search():
    """search(q="vélo", user=None, facet_limit=10, **filters) -> SearchResult."""

    def run(q="", user=None, facet_limit=10, **fields):
        return search_datasets(user, SearchQuery(q=q, **fields), facet_limit=facet_limit)

    return run


@pytest.fixture
def committed_index():
    """For transactional tests: the cache, the running totals and the in-memory facet
    columns are used only outside transactions, under the index's token. Flushing the
    database between such tests leaves the index tables alone, hence the clean-up."""
    cache.renew_token()
    yield
    with transaction.atomic():
        get_backend().clear()
