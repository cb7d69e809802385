"""The linked-data addresses: the catalogue (paged), each dataset in RDF, and the
negotiation that lets a dataset page answer RDF at its own URI."""
from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from rdflib import Graph

from . import uris
from .catalogue import PageOutOfRange, build_page
from .datasets import add_dataset
from .namespaces import PREFIXES, new_graph
from .negotiation import FORMATS, UnknownFormat, negotiate_page, negotiate_rdf
from .queries import public_datasets, with_rdf_relations

NOT_ACCEPTABLE = ("Aucun des formats demandés (en-tête Accept) n'est disponible : "
                  "text/turtle, application/ld+json ou application/rdf+xml.")
JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def render_graph(graph: Graph, fmt: str) -> HttpResponse:
    rdf_format = FORMATS[fmt]
    options = {"context": JSONLD_CONTEXT, "auto_compact": True} if fmt == "jsonld" else {}
    body = graph.serialize(format=rdf_format.rdflib_name, encoding="utf-8", **options)
    response = HttpResponse(body, content_type=f"{rdf_format.media_type}; charset=utf-8")
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"  # open data: any web page may read it
    return response


def _requested_format(request: HttpRequest, fmt: str | None) -> str | None:
    """`fmt` from a suffix URL, else what negotiation gives; raises UnknownFormat."""
    return fmt if fmt is not None else negotiate_rdf(request)


def catalogue(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    try:
        chosen = _requested_format(request, fmt)
    except UnknownFormat as error:
        return _text(str(error), 400)
    if chosen is None:
        return _text(NOT_ACCEPTABLE, 406)
    raw_page = request.GET.get("page", "1")
    try:
        number = int(raw_page)
    except ValueError:
        return _text(f"Numéro de page invalide « {raw_page[:20]} » : un entier à partir de 1.",
                     400)
    try:
        page = build_page(number, fmt)
    except PageOutOfRange as error:
        return _text(str(error), 404)
    response = render_graph(page.graph, chosen)
    links = [f'<{uris.catalogue_page(1, fmt)}>; rel="first"',
             f'<{uris.catalogue_page(page.pages, fmt)}>; rel="last"']
    if page.number < page.pages:
        links.append(f'<{uris.catalogue_page(page.number + 1, fmt)}>; rel="next"')
    if page.number > 1:
        links.append(f'<{uris.catalogue_page(page.number - 1, fmt)}>; rel="prev"')
    response["Link"] = ", ".join(links)
    return response


def dataset_graph(slug: str) -> Graph:
    """The RDF of one public dataset; 404 for unknown, draft and private ones alike."""
    dataset = get_object_or_404(with_rdf_relations(public_datasets()), slug=slug)
    graph = new_graph()
    add_dataset(graph, dataset)
    return graph


def dataset_rdf(request: HttpRequest, slug: str, fmt: str | None = None) -> HttpResponse:
    try:
        chosen = _requested_format(request, fmt)
    except UnknownFormat as error:
        return _text(str(error), 400)
    if chosen is None:
        return _text(NOT_ACCEPTABLE, 406)
    try:
        graph = dataset_graph(slug)
    except Http404:
        return _text("Jeu de données introuvable.", 404)
    return render_graph(graph, chosen)


def with_rdf_negotiation(view):
    """Wrap a dataset page view (`view(request, slug)`) so that its URI also answers RDF
    when the Accept header or `?format=` asks for it."""

    @wraps(view)
    def negotiated(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        try:
            chosen = negotiate_page(request)
        except UnknownFormat as error:
            return _text(str(error), 400)
        if chosen is not None:
            return dataset_rdf(request, slug, chosen)
        response = view(request, slug, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    return negotiated
