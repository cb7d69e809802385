"""Web discoverability: schema.org on dataset pages, sitemap.xml, robots.txt, OpenSearch."""
import json
import re

from lxml import etree

from datasud.catalog.models import Reuse

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def jsonld_of(response) -> dict:
    html = response.content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_schemaorg_dataset_markup(client, full_catalogue):
    markup = jsonld_of(client.get("/jeux-de-donnees/horaires-bus/"))
    assert markup["@type"] == "Dataset"
    assert markup["url"] == "https://data.example.org/jeux-de-donnees/horaires-bus/"
    assert markup["name"] == "Horaires des bus <b>de Digne</b>"
    assert markup["keywords"] == ["bus", "transport"]
    assert markup["creator"]["@type"] == "Organization"
    assert markup["creator"]["name"] == "Ville de Digne-les-Bains"
    assert markup["isAccessibleForFree"] is True
    assert markup["temporalCoverage"] == "2020-01-01/2024-12-31"
    places = {place["name"]: place for place in markup["spatialCoverage"]}
    assert places["Digne-les-Bains"]["geo"]["box"] == "44.03 6.14 44.17 6.33"
    downloads = {d["name"]: d for d in markup["distribution"]}
    assert downloads["Horaires (CSV)"]["encodingFormat"] == "text/csv"
    assert downloads["Arrêts"]["contentUrl"] == "https://example.org/arrets.geojson"
    assert 50 <= len(markup["description"]) <= 5000
    assert "dateModified" in markup and "license" in markup


def test_schemaorg_cannot_break_out_of_its_script(client, small_catalogue):
    dataset = small_catalogue["complete"]
    dataset.description = "Fin </script><script>alert(1)</script> & <!-- commentaire -->"
    dataset.title = "Titre </SCRIPT> piégé"
    dataset.save()
    response = client.get("/jeux-de-donnees/horaires-bus/")
    html = response.content.decode()
    assert "alert(1)</script>" not in html and "</SCRIPT> piégé" not in html.split("<body")[0]
    markup = jsonld_of(response)
    assert markup["description"].startswith("Fin </script><script>alert(1)</script> & <!--")
    assert markup["name"] == "Titre </SCRIPT> piégé"


def test_no_schemaorg_on_hidden_datasets(client, small_catalogue, editor):
    client.force_login(editor)
    for slug in ("brouillon-secret", "prive-secret"):
        response = client.get(f"/jeux-de-donnees/{slug}/")
        assert response.status_code == 200  # its members see the page...
        html = response.content.decode()
        assert "application/ld+json" not in html  # ...but search engines get nothing
        assert f"/jeux-de-donnees/{slug}.ttl" not in html


def test_head_links(client, small_catalogue):
    head = client.get("/jeux-de-donnees/horaires-bus/").content.decode().split("</head>")[0]
    assert 'rel="search" type="application/opensearchdescription+xml"' in head
    assert 'href="/jeux-de-donnees/horaires-bus.ttl"' in head
    assert 'href="/catalogue.ttl"' in head


def test_sitemap(client, small_catalogue, organisation, territories):
    Reuse.objects.create(title="Carte", slug="carte", url="https://example.org/carte")
    Reuse.objects.create(title="Cachée", slug="cachee", url="https://example.org/c",
                         published=False)
    index = etree.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iterfind("s:sitemap/s:loc", SITEMAP_NS)]
    assert "http://testserver/sitemap-jeux-de-donnees.xml" in sections
    urls = set()
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        urls |= {loc.text for loc in etree.fromstring(response.content).iterfind(
            "s:url/s:loc", SITEMAP_NS)}
    assert "http://testserver/jeux-de-donnees/horaires-bus/" in urls
    assert "http://testserver/organisations/ville-de-digne/" in urls
    assert "http://testserver/reutilisations/carte/" in urls
    assert "http://testserver/territoires/commune/04070/" in urls
    assert "http://testserver/" in urls
    assert not any("secret" in url or "cachee" in url for url in urls)
    datasets = etree.fromstring(client.get("/sitemap-jeux-de-donnees.xml").content)
    assert len(datasets.findall("s:url/s:lastmod", SITEMAP_NS)) == 4
    assert client.get("/sitemap-inconnu.xml").status_code == 404
    assert client.get("/sitemap-jeux-de-donnees.xml", {"p": "x"}).status_code == 404


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /admin/" in text


def test_opensearch_description(client, db):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    document = etree.fromstring(response.content)
    ns = {"o": "http://a9.com/-/spec/opensearch/1.1/"}
    templates = {url.get("type"): url.get("template") for url in document.iterfind("o:Url", ns)}
    assert templates["text/html"] == "https://data.example.org/jeux-de-donnees/?q={searchTerms}"
    assert client.get("/jeux-de-donnees/", {"q": "bus"}).status_code == 200
