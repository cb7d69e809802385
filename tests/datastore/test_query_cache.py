"""What the records API remembers between requests, and when it must forget it.

Rows, totals and facets are cached per Parquet file version; the resource -> served table
lookup and the permission check are not cached at all. A new version or a dataset turned
private must show on the very next request.
"""
import io

import pytest
from django.test import Client

from datasud.catalog import services as catalog
from datasud.datastore.query import execute
from datasud.datastore.query.execute import clear_cache

pytestmark = pytest.mark.django_db

QUERY = {"where": "departement = '13'", "order_by": "population desc",
         "select": "nom, population", "facet": "departement"}


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_cache()
    yield
    clear_cache()


def records(client, resource, **params):
    response = client.get(f"/api/1/datastore/{resource.pk}/records/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_same_query_twice_is_answered_from_the_cache(communes):
    first = records(Client(), communes, **QUERY)
    assert len(execute._rows) == 1
    assert records(Client(), communes, **QUERY) == first
    assert len(execute._rows) == 1
    assert first["total"] == 2
    assert [r["nom"] for r in first["records"]] == ["Marseille", "Aix-en-Provence"]


def test_cached_rows_take_the_names_of_each_request(communes):
    # The same SQL serves both requests; the output names come from each request.
    one = records(Client(), communes, select="nom as a", order_by="nom", limit=2)
    two = records(Client(), communes, select="nom as b", order_by="nom", limit=2)
    assert [r["a"] for r in one["records"]] == ["Aix-en-Provence", "Avignon"]
    assert [r["b"] for r in two["records"]] == ["Aix-en-Provence", "Avignon"]


def test_new_version_is_served_at_once(communes, django_capture_on_commit_callbacks):
    before = records(Client(), communes, **QUERY)
    assert before["total"] == 2
    communes.file.save("communes.csv", io.BytesIO(
        b"code_insee;nom;departement;population\n"
        b"13055;Marseille;13;900000\n13001;Aix-en-Provence;13;150000\n"
        b"13005;Aubagne;13;47000\n06088;Nice;06;348100\n"), save=False)
    communes.checksum = "v2"
    with django_capture_on_commit_callbacks(execute=True):
        communes.save()
    after = records(Client(), communes, **QUERY)
    assert after["total"] == 3
    assert [(r["nom"], r["population"]) for r in after["records"]] == [
        ("Marseille", 900000), ("Aix-en-Provence", 150000), ("Aubagne", 47000)]
    assert after["facets"]["departement"] == [{"value": "13", "count": 3}]


def test_dataset_turned_private_is_hidden_on_the_next_request(communes, editor):
    assert records(Client(), communes, **QUERY)["total"] == 2
    catalog.update_dataset(editor, communes.dataset, private=True)
    response = Client().get(f"/api/1/datastore/{communes.pk}/records/", QUERY)
    assert response.status_code == 404


def test_cache_keeps_to_its_memory_budget(communes, monkeypatch):
    records(Client(), communes, select="nom", order_by="nom", limit=1)
    page = execute._rows_bytes  # what one page of one name weighs
    monkeypatch.setattr(execute, "ROWS_CACHE_BYTES", 10 * (page + 32))
    clear_cache()
    records(Client(), communes, limit=8)  # every column of every row: over a tenth
    assert len(execute._rows) == 0
    for offset in range(8):
        for limit in (1, 2):
            records(Client(), communes, select="nom", order_by="nom", limit=limit,
                    offset=offset)
    assert 0 < execute._rows_bytes <= 10 * (page + 32)
    assert 5 <= len(execute._rows) < 16  # the oldest pages were let go
    kept = [key[2] for key in execute._rows]
    assert kept[-1][-2:] == (3, 7)  # the most recent one: limit 2 (+1), offset 7
