"""The demo catalogue (2,382 real datasets) served as DCAT-AP 3: no SHACL violation.

Validating all 24 pages takes about 2 min 40 s on 2 cores; the first, a middle and the last
page are validated here (`datasud validate_dcat` checks them all).
"""
import time
from io import StringIO

import pytest
from django.core.management import call_command
from rdflib import Graph
from rdflib import namespace as ns

from datasud.dcat.catalogue import PAGE_SIZE
from datasud.dcat.validation import validate_graph

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_catalogue_validates(client):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    pages = -(-2382 // PAGE_SIZE)
    for number in (1, pages // 2, pages):
        started = time.monotonic()
        response = client.get("/catalogue.ttl", {"page": number})
        assert response.status_code == 200
        assert time.monotonic() - started < 10  # a harvester's request, not a batch job
        graph = Graph().parse(data=response.content, format="turtle")
        datasets = set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
        assert len(datasets) == (PAGE_SIZE if number < pages else 2382 - PAGE_SIZE * (pages - 1))
        report = validate_graph(graph)
        assert report.violations == [], "\n".join(map(str, report.violations[:20]))
