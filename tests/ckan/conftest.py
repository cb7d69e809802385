"""A small catalogue for the CKAN Action API, and a caller that reads CKAN's envelope."""
import datetime as dt
import json

import pytest
from django.test import Client

from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Tag, Theme
from datasud.search import indexing
from datasud.territories.models import Territory


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def call():
    """call(client, "package_show", id=...) -> (status, body); `post=True` sends JSON."""

    def run(client, action, post=False, headers=None, **params):
        url = f"/api/3/action/{action}"
        if post:
            response = client.post(url, json.dumps(params), content_type="application/json",
                                   headers=headers or {})
        else:
            query = {k: json.dumps(v) if isinstance(v, dict | list | bool) else v
                     for k, v in params.items()}
            response = client.get(url, query, headers=headers or {})
        assert response["Content-Type"].startswith("application/json")
        return response.status_code, response.json()

    return run


@pytest.fixture
def result(call):
    """result(client, action, **params) -> the `result` of a successful call."""

    def run(client, action, **params):
        status, body = call(client, action, **params)
        assert status == 200, body
        assert body["success"] is True
        return body["result"]

    return run


@pytest.fixture
def partner(db):
    return Organisation.objects.create(name="Métropole Aix-Marseille-Provence", slug="amp",
                                       acronym="AMP", type=Organisation.Type.METROPOLE,
                                       partnership_signed_on=dt.date(2018, 3, 1))


@pytest.fixture
def catalogue(make_dataset, organisation, partner, theme, licence):
    """Five public datasets, a draft and a private one (both of `organisation`); indexed."""
    environment = Theme.objects.create(slug="environnement", name="Environnement",
                                       position=2)
    odbl = Licence.objects.create(slug="odbl", title="ODbL", url="https://opendatacommons.org")
    marseille = Territory.objects.create(level="commune", code="13055", name="Marseille")

    def make(key, title, themes=(), tags=(), formats=(), **fields):
        dataset = make_dataset(title, slug=key, **fields)
        dataset.themes.set(themes)
        dataset.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        for position, fmt in enumerate(formats):
            Resource.objects.create(dataset=dataset, title=f"Fichier {fmt}", format=fmt,
                                    url=f"https://example.org/{key}.{fmt}", position=position)
        return dataset

    made = {
        "velo": make("pistes-cyclables", "Pistes cyclables de Marseille", [theme],
                     ["vélo", "mobilité douce"], ["geojson", "csv"], organisation=partner,
                     description="Le réseau des vélos en ville.",
                     frequency=Dataset.Frequency.MONTHLY, temporal_start=dt.date(2020, 1, 1),
                     contact_name="Service mobilité", contact_email="mobilite@example.org"),
        "bus": make("horaires-bus", "Horaires des bus", [theme], ["bus", "transport"],
                    ["gtfs"], organisation=partner),
        "air": make("qualite-air", "Qualité de l'air", [environment], ["air", "pollution"],
                    ["csv"], licence=odbl),
        "eau": make("baignade", "Qualité des eaux de baignade", [environment],
                    ["eau", "baignade"], ["xlsx"]),
        "budget": make("budget", "Budget primitif", (), ["finances"], ["pdf"]),
        "draft": make("velos-brouillon", "Vélos en libre-service (brouillon)", [theme],
                      ["vélo"], ["csv"], status=Dataset.Status.DRAFT),
        "private": make("velos-prives", "Comptages vélo confidentiels", [theme], ["vélo"],
                        ["csv"], private=True),
    }
    made["velo"].territories.set([marseille])
    indexing.reindex([d.pk for d in made.values()])
    return made


@pytest.fixture
def as_editor(client_as, editor):
    return client_as(editor)


@pytest.fixture
def as_outsider(client_as, outsider):
    return client_as(outsider)
