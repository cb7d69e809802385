"""The DCAT-AP description of datasets, distributions, services and the catalogue."""
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from datasud.catalog.models import Resource
from datasud.dcat.catalogue import build_page
from datasud.dcat.namespaces import ADMS, GSP, HYDRA, SPDX, VCARD

BASE = "https://data.example.org"
EU = "http://publications.europa.eu/resource/authority/"


def uri(path: str) -> URIRef:
    return URIRef(BASE + path)


def catalogue_graph(client, **params) -> Graph:
    response = client.get("/catalogue.ttl", params)
    assert response.status_code == 200, response.content
    return Graph().parse(data=response.content, format="turtle")


def test_catalogue_lists_public_datasets_only(client, full_catalogue):
    graph = catalogue_graph(client)
    catalogue = uri("/catalogue")
    assert (catalogue, RDF.type, ns.DCAT.Catalog) in graph
    listed = set(graph.objects(catalogue, ns.DCAT.dataset))
    assert listed == {uri(f"/jeux-de-donnees/{slug}/") for slug in
                      ("horaires-bus", "liste-minimale", "licence-maison", "ancienne-licence")}
    text = graph.serialize(format="turtle")
    assert "secret" not in text  # neither the draft nor the private dataset, in any form
    assert (catalogue, HYDRA.totalItems, Literal(4, datatype=ns.XSD.integer)) in graph
    # Publisher: the Région's organisation; spatial: the région; the platform's APIs.
    assert graph.value(catalogue, DCTERMS.publisher) == uri("/organisations/region-sud/")
    assert graph.value(catalogue, DCTERMS.spatial) == uri("/territoires/region/93/")
    services = set(graph.objects(catalogue, ns.DCAT.service))
    assert {uri("/api/1/"), uri("/api/3/")} <= services
    assert graph.value(uri("/api/3/"), ns.DCAT.endpointURL) == uri("/api/3/action/")
    assert graph.value(catalogue, ns.DCAT.themeTaxonomy) == URIRef(EU + "data-theme")


def test_complete_dataset(client, full_catalogue):
    graph = catalogue_graph(client)
    ds = uri("/jeux-de-donnees/horaires-bus/")
    assert graph.value(ds, DCTERMS.title) == Literal("Horaires des bus <b>de Digne</b>", lang="fr")
    assert "Mis à jour chaque mois" in graph.value(ds, DCTERMS.description)
    assert graph.value(ds, DCTERMS.identifier) == Literal(str(ds))
    assert graph.value(ds, ns.DCAT.landingPage) == ds
    assert graph.value(ds, DCTERMS.issued) == Literal("2024-03-01T08:30:00+00:00",
                                                      datatype=ns.XSD.dateTime)
    # Themes: mobilité → TRAN, environnement → ENVI; keywords from the tags.
    assert set(graph.objects(ds, ns.DCAT.theme)) == {URIRef(EU + "data-theme/TRAN"),
                                                   URIRef(EU + "data-theme/ENVI")}
    assert (URIRef(EU + "data-theme/TRAN"), SKOS.inScheme, URIRef(EU + "data-theme")) in graph
    assert set(graph.objects(ds, ns.DCAT.keyword)) == {Literal("bus", lang="fr"),
                                                    Literal("transport", lang="fr")}
    assert graph.value(ds, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    assert graph.value(ds, DCTERMS.language) == URIRef(EU + "language/FRA")
    assert graph.value(ds, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    period = graph.value(ds, DCTERMS.temporal)
    assert graph.value(period, ns.DCAT.startDate) == Literal("2020-01-01", datatype=ns.XSD.date)
    assert graph.value(period, ns.DCAT.endDate) == Literal("2024-12-31", datatype=ns.XSD.date)
    identifier = graph.value(ds, ADMS.identifier)
    assert graph.value(identifier, SKOS.notation) == Literal("5b7f0c1d8b4c41")

    # Publisher with its SIREN; contact point.
    publisher = graph.value(ds, DCTERMS.publisher)
    assert publisher == uri("/organisations/ville-de-digne/")
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert graph.value(publisher, FOAF.name) == Literal("Ville de Digne-les-Bains", lang="fr")
    assert graph.value(publisher, DCTERMS.identifier) == Literal("210400707")
    assert graph.value(publisher, DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/LocalAuthority")
    contact = graph.value(ds, ns.DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in graph
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:mobilite@example.org")
    assert graph.value(contact, VCARD.fn) == Literal("Service mobilité")

    # Spatial: the platform's territory URIs, INSEE's for communes, bbox as WKT.
    commune = uri("/territoires/commune/04070/")
    assert set(graph.objects(ds, DCTERMS.spatial)) == {commune,
                                                       uri("/territoires/epci/200067437/")}
    assert graph.value(commune, OWL.sameAs) == URIRef("http://id.insee.fr/geo/commune/04070")
    bbox = graph.value(commune, ns.DCAT.bbox)
    assert bbox.datatype == GSP.wktLiteral
    assert str(bbox) == "POLYGON((6.14 44.03, 6.33 44.03, 6.33 44.17, 6.14 44.17, 6.14 44.03))"
    assert graph.value(uri("/territoires/epci/200067437/"), ns.DCAT.bbox) is None


def test_distributions(client, full_catalogue):
    graph = catalogue_graph(client)
    ds = uri("/jeux-de-donnees/horaires-bus/")
    stored = full_catalogue["stored"]
    dist = uri(f"/jeux-de-donnees/horaires-bus/ressources/{stored.pk}/")
    assert set(graph.objects(ds, ns.DCAT.distribution)) >= {dist}
    assert len(set(graph.objects(ds, ns.DCAT.distribution))) == 4
    file_url = uri(stored.download_url)
    assert graph.value(dist, ns.DCAT.accessURL) == file_url
    assert graph.value(dist, ns.DCAT.downloadURL) == file_url
    assert graph.value(dist, DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert graph.value(dist, ns.DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(dist, ns.DCAT.byteSize) == Literal(len(b"".join([
        b"code;nom;population\n04070;Digne-les-Bains;16300\n05061;Gap;40600\n"])),
        datatype=ns.XSD.nonNegativeInteger)
    checksum = graph.value(dist, SPDX.checksum)
    algorithm = graph.value(checksum, SPDX.algorithm)
    assert algorithm == URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
    assert graph.value(algorithm, OWL.sameAs) == SPDX.checksumAlgorithm_sha256
    assert graph.value(checksum, SPDX.checksumValue) == Literal(stored.checksum,
                                                                datatype=ns.XSD.hexBinary)
    assert graph.value(dist, DCTERMS.license) == URIRef(EU + "licence/ETALAB_2_0")
    # The CSV was loaded in the datastore: its records API is the access service.
    service = graph.value(dist, ns.DCAT.accessService)
    assert service == uri(f"/api/1/datastore/{stored.pk}/")
    assert (service, RDF.type, ns.DCAT.DataService) in graph
    assert graph.value(service, ns.DCAT.endpointURL) == uri(
        f"/api/1/datastore/{stored.pk}/records/")
    assert graph.value(service, ns.DCAT.servesDataset) == ds

    by_title = {str(graph.value(d, DCTERMS.title)): d
                for d in graph.objects(ds, ns.DCAT.distribution)}
    remote = by_title["Arrêts"]
    assert graph.value(remote, ns.DCAT.downloadURL) == URIRef("https://example.org/arrets.geojson")
    assert graph.value(remote, DCTERMS.format) == URIRef(EU + "file-type/GEOJSON")
    assert graph.value(remote, ns.DCAT.accessService) is None
    page = by_title["Page du réseau"]
    assert graph.value(page, ns.DCAT.accessURL) == URIRef("https://example.org/reseau")
    assert graph.value(page, ns.DCAT.downloadURL) is None  # a web page is no download
    # No EU file type for GTFS-RT: no dct:format rather than an invented URI.
    assert graph.value(by_title["Flux temps réel"], DCTERMS.format) is None


def test_minimal_and_unmapped_datasets(client, full_catalogue):
    graph = catalogue_graph(client)
    minimal = uri("/jeux-de-donnees/liste-minimale/")
    # DCAT-AP requires a description: the title and producer stand in.
    assert str(graph.value(minimal, DCTERMS.description)) == (
        "« Liste minimale », jeu de données publié par Région Sud sur DataSud.")
    for absent in (ns.DCAT.theme, ns.DCAT.keyword, DCTERMS.temporal, DCTERMS.spatial,
                   ns.DCAT.distribution, ns.DCAT.contactPoint, ADMS.identifier):
        assert graph.value(minimal, absent) is None, absent
    assert graph.value(minimal, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/UNKNOWN")

    unmapped = uri("/jeux-de-donnees/licence-maison/")
    assert graph.value(unmapped, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/NEVER")
    dist = graph.value(unmapped, ns.DCAT.distribution)
    licence = graph.value(dist, DCTERMS.license)
    assert isinstance(licence, BNode)  # no EU concept and no address: a described node
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    assert graph.value(dist, ns.DCAT.byteSize) == Literal(0, datatype=ns.XSD.nonNegativeInteger)
    assert graph.value(dist, DCTERMS.format) == URIRef(EU + "file-type/7Z")
    assert graph.value(dist, ns.DCAT.mediaType) is None  # 7z has no registered media type

    ancient = uri("/jeux-de-donnees/ancienne-licence/")
    assert ancient in set(graph.objects(uri("/catalogue"), ns.DCAT.dataset))  # archived stays


def test_uris_follow_site_url(client, settings, full_catalogue):
    settings.SITE_URL = "https://datasud.example"
    response = client.get("/catalogue.ttl", HTTP_HOST="testserver")
    assert b"https://datasud.example/jeux-de-donnees/horaires-bus/" in response.content
    assert b"testserver" not in response.content


def test_catalogue_page_query_count_is_constant(full_catalogue, django_assert_max_num_queries,
                                                make_dataset):
    with django_assert_max_num_queries(12) as few:
        build_page(1)
    for n in range(10):
        dataset = make_dataset(f"Jeu {n}", slug=f"jeu-{n}")
        dataset.tags.set([full_catalogue["complete"].tags.first()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        build_page(1)


def test_hostile_values_keep_every_format_parseable(client, small_catalogue):
    """Imported links and texts can hold anything: the documents must still parse."""
    dataset = small_catalogue["complete"]
    dataset.title = 'Titre "guillemets" <balise> & \\ antislash'
    dataset.contact_email = "contact@example.org"
    dataset.save()
    Resource.objects.create(dataset=dataset, title="Lien piégé", format="csv",
                            url='https://example.org/a"b<c>{d}.csv')
    Resource.objects.create(dataset=dataset, title="Espace", url="https://example.org/a b.csv")
    for fmt, parse_as in (("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")):
        response = client.get(f"/jeux-de-donnees/horaires-bus.{fmt}")
        graph = Graph().parse(data=response.content, format=parse_as)
        ds = uri("/jeux-de-donnees/horaires-bus/")
        assert str(graph.value(ds, DCTERMS.title)) == dataset.title
        links = {str(o) for d in graph.objects(ds, ns.DCAT.distribution)
                 for o in graph.objects(d, ns.DCAT.accessURL)}
        # The unsafe links are replaced by the resource pages, which give access too.
        assert not any('"' in link or " " in link for link in links)
        assert len(links) == 3
