"""Stable URIs answering RDF by content negotiation, suffix URLs and `?format=`; paging."""
import json

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from datasud.dcat import catalogue
from datasud.dcat.namespaces import HYDRA
from datasud.dcat.negotiation import best_offer, parse_accept

DATASET = "/jeux-de-donnees/horaires-bus/"
RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml"]


def test_parse_accept():
    assert parse_accept("text/turtle;q=0.5, application/ld+json, */*;q=0.1, garbage") == [
        ("text/turtle", 0.5), ("application/ld+json", 1.0), ("*/*", 0.1)]
    assert parse_accept("text/turtle;q=abc") == [("text/turtle", 1.0)]


@pytest.mark.parametrize("accept,expected", [
    ("", "text/turtle"),
    ("*/*", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("text/turtle;q=0.2, application/rdf+xml;q=0.8", "application/rdf+xml"),
    ("application/*;q=0.9, text/turtle;q=0.3", "application/ld+json"),
    ("text/*, text/turtle;q=0", None),  # an exact range beats the wildcard, even at q=0
    ("image/png", None),
])
def test_best_offer(accept, expected):
    assert best_offer(accept, RDF_TYPES) == expected


@pytest.mark.parametrize("accept,content_type,parse_as", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("text/html;q=0.5, text/turtle", "text/turtle", "turtle"),
])
def test_dataset_uri_negotiates_rdf(client, small_catalogue, accept, content_type, parse_as):
    response = client.get(DATASET, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "Accept" in response["Vary"]
    graph = Graph().parse(data=response.content, format=parse_as)
    assert (URIRef("https://data.example.org" + DATASET), ns.RDF.type, ns.DCAT.Dataset) in graph


def test_dataset_page_stays_html_for_browsers(client, small_catalogue):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, "*/*", ""):
        response = client.get(DATASET, HTTP_ACCEPT=accept)
        assert response["Content-Type"].startswith("text/html"), accept
        assert "Accept" in response["Vary"]


def test_format_parameter_and_suffixes(client, small_catalogue):
    for fmt, content_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                              ("rdf", "application/rdf+xml")):
        by_param = client.get(DATASET, {"format": fmt}, HTTP_ACCEPT="text/html")
        by_suffix = client.get(f"/jeux-de-donnees/horaires-bus.{fmt}")
        for response in (by_param, by_suffix):
            assert response.status_code == 200
            assert response["Content-Type"].startswith(content_type)
    assert client.get(DATASET, {"format": "html"})["Content-Type"].startswith("text/html")
    document = json.loads(client.get(DATASET, {"format": "jsonld"}).content)
    assert "@context" in document  # compacted with the usual prefixes


def test_bad_requests_are_4xx_with_a_message(client, small_catalogue):
    response = client.get(DATASET, {"format": "pdf"})
    assert response.status_code == 400 and "ttl, jsonld, rdf" in response.content.decode()
    assert client.get("/catalogue", HTTP_ACCEPT="image/png").status_code == 406
    assert client.get("/catalogue", {"page": "x"}).status_code == 400
    assert client.get("/catalogue", {"page": "0"}).status_code == 404
    assert client.get("/catalogue", {"page": "99"}).status_code == 404
    assert client.get("/jeux-de-donnees/inconnu.ttl").status_code == 404
    assert client.get("/catalogue.pdf").status_code == 404


@pytest.mark.parametrize("slug", ["brouillon-secret", "prive-secret"])
def test_hidden_datasets_never_answer_rdf(client, small_catalogue, editor, slug):
    client.force_login(editor)  # even their own organisation's members: RDF is public only
    assert client.get(f"/jeux-de-donnees/{slug}.ttl").status_code == 404
    response = client.get(f"/jeux-de-donnees/{slug}/", HTTP_ACCEPT="text/turtle")
    assert response.status_code == 404 and b"secret" not in response.content
    assert client.get(f"/jeux-de-donnees/{slug}/").status_code == 200  # the page itself


def test_catalogue_paging(client, small_catalogue, monkeypatch):
    monkeypatch.setattr(catalogue, "PAGE_SIZE", 3)
    seen = set()
    url, pages = "/catalogue.ttl", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        graph = Graph().parse(data=response.content, format="turtle")
        cat = URIRef("https://data.example.org/catalogue")
        seen |= set(graph.objects(cat, ns.DCAT.dataset))
        view = graph.value(cat, HYDRA.view)
        assert (view, ns.RDF.type, HYDRA.PartialCollectionView) in graph
        assert str(graph.value(view, HYDRA.totalItems)) == "4"
        assert graph.value(view, HYDRA.first) == URIRef("https://data.example.org/catalogue.ttl")
        assert graph.value(view, HYDRA.last) == URIRef(
            "https://data.example.org/catalogue.ttl?page=2")
        following = graph.value(view, HYDRA.next)
        url = str(following).removeprefix("https://data.example.org") if following else None
        pages += 1
    assert pages == 2 and len(seen) == 4
    assert 'rel="prev"' in client.get("/catalogue", {"page": 2})["Link"]


def test_catalogue_negotiates_without_suffix(client, small_catalogue):
    response = client.get("/catalogue", HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"].startswith("application/ld+json")
    assert client.get("/catalogue")["Content-Type"].startswith("text/turtle")
    assert client.get("/catalogue", {"format": "rdf"})["Content-Type"].startswith(
        "application/rdf+xml")
