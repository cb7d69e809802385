"""A partner's portal on localhost: a threaded HTTP server answering with the recorded
responses of tests/harvest/fixtures/, paged like the real servers page them. Tests change
the served catalogue (a title, a removed dataset, garbage) between two harvests."""
from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from datasud.catalog.importers.reference import load_reference
from datasud.harvest.models import HarvestSource

FIXTURES = Path(__file__).parent / "fixtures"
CSW_NS = "http://www.opengis.net/cat/csw/2.0.2"
GMD_NS = "http://www.isotc211.org/2005/gmd"


class Portal:
    """routes: path → function(query: dict[str, str]) → (status, content type, body), or
    (status, content type, body, extra headers)."""

    def __init__(self):
        self.routes: dict = {}
        self.delay = 0.0
        self.requests: list[str] = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                parts = urlsplit(self.path)
                portal.requests.append(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                route = portal.routes.get(parts.path)
                if portal.delay:
                    time.sleep(portal.delay)
                answer = route(query) if route else (404, "text/html", b"<html>Not found</html>")
                status, content_type, body = answer[:3]
                headers = answer[3] if len(answer) > 3 else {}
                if isinstance(body, str):
                    body = body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A short poll interval: shutting down waits for one poll.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path: str, body, content_type: str = "application/json", status=200):
        self.routes[path] = lambda query: (status, content_type, body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal(settings):
    # The harvester refuses private addresses (SSRF guard); this portal is on localhost.
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    settings.HARVEST_TIMEOUT = 2
    server = Portal()
    yield server
    server.close()


@pytest.fixture
def reference(db):
    """The shipped themes and licences, which harvested datasets are matched to."""
    load_reference()


@pytest.fixture
def make_source(db, organisation):
    def make(kind: str, url: str, **fields) -> HarvestSource:
        fields.setdefault("organisation", organisation)
        return HarvestSource.objects.create(name=f"Portail {kind}", slug=fields.pop(
            "slug", f"portail-{kind}"), kind=kind, url=url, **fields)

    return make


# --- CKAN 2.10 -------------------------------------------------------------------------------

class CkanCatalogue:
    """`package_search` over the recorded packages, paged with rows/start."""

    def __init__(self, portal: Portal):
        recorded = json.loads((FIXTURES / "ckan" / "package_search.json").read_text())
        self.envelope = recorded
        self.packages: list[dict] = copy.deepcopy(recorded["result"]["results"])
        portal.routes["/api/3/action/package_search"] = self.package_search

    def package(self, name: str) -> dict:
        return next(p for p in self.packages if p["name"] == name)

    def package_search(self, query: dict):
        rows, start = int(query.get("rows", 10)), int(query.get("start", 0))
        if query.get("sort") != "name asc":
            return 409, "application/json", json.dumps({
                "success": False, "error": {"__type": "Search Query Error",
                                            "message": "unexpected sort"}})
        packages = sorted(self.packages, key=lambda p: p["name"])
        answer = copy.deepcopy(self.envelope)
        answer["result"].update(count=len(packages), results=packages[start:start + rows])
        return 200, "application/json;charset=utf-8", json.dumps(answer)


@pytest.fixture
def ckan(portal):
    return CkanCatalogue(portal)


# --- OpenDataSoft Explore v2.1 ---------------------------------------------------------------

class OdsCatalogue:
    def __init__(self, portal: Portal):
        recorded = json.loads((FIXTURES / "ods" / "catalog_datasets.json").read_text())
        self.datasets: list[dict] = recorded["results"]
        self.links = recorded["links"]
        portal.routes["/api/explore/v2.1/catalog/datasets"] = self.catalog

    def dataset(self, dataset_id: str) -> dict:
        return next(d for d in self.datasets if d["dataset_id"] == dataset_id)

    def catalog(self, query: dict):
        limit, offset = int(query.get("limit", 10)), int(query.get("offset", 0))
        if limit > 100:
            return 400, "application/json", json.dumps({
                "error_code": "InvalidRESTParameterError",
                "message": "Invalid value for limit API parameter: 101 was found but -1 <= "
                           "limit <= 100 is expected."})
        datasets = sorted(self.datasets, key=lambda d: d["dataset_id"])
        return 200, "application/json; charset=utf-8", json.dumps({
            "total_count": len(datasets), "links": self.links,
            "results": datasets[offset:offset + limit]})


@pytest.fixture
def ods(portal):
    return OdsCatalogue(portal)


# --- CSW 2.0.2 (GeoNetwork), ISO 19139 -------------------------------------------------------

class CswCatalogue:
    def __init__(self, portal: Portal):
        root = etree.parse(str(FIXTURES / "csw" / "getrecords_iso.xml")).getroot()
        results = root.find(f"{{{CSW_NS}}}SearchResults")
        self.records: list[bytes] = [etree.tostring(r) for r in results]
        portal.routes["/geonetwork/srv/fre/csw"] = self.get_records

    def get_records(self, query: dict):
        if query.get("request") != "GetRecords" or query.get("outputSchema") != GMD_NS:
            return 400, "application/xml", (
                '<?xml version="1.0" encoding="UTF-8"?><ows:ExceptionReport '
                'xmlns:ows="http://www.opengis.net/ows" version="1.2.0"><ows:Exception '
                'exceptionCode="InvalidParameterValue"><ows:ExceptionText>Unsupported request'
                '</ows:ExceptionText></ows:Exception></ows:ExceptionReport>')
        start, size = int(query.get("startPosition", 1)), int(query.get("maxRecords", 10))
        page = self.records[start - 1:start - 1 + size]
        following = start + len(page)
        next_record = following if following <= len(self.records) else 0
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<csw:GetRecordsResponse '
                f'xmlns:csw="{CSW_NS}"><csw:SearchStatus timestamp="2024-06-10T09:12:31Z"/>'
                f'<csw:SearchResults numberOfRecordsMatched="{len(self.records)}" '
                f'numberOfRecordsReturned="{len(page)}" elementSet="full" '
                f'nextRecord="{next_record}">').encode() + b"".join(page) + (
            b"</csw:SearchResults></csw:GetRecordsResponse>")
        return 200, "application/xml; charset=UTF-8", body


@pytest.fixture
def csw(portal):
    return CswCatalogue(portal)


# --- DCAT (Turtle, Hydra paging) -------------------------------------------------------------

class DcatCatalogue:
    def __init__(self, portal: Portal):
        self.pages = {n: (FIXTURES / "dcat" / f"catalog-page{n}.ttl").read_text()
                      for n in ("1", "2")}
        portal.routes["/catalog.ttl"] = self.page

    def page(self, query: dict):
        text = self.pages.get(query.get("page", "1"))
        if text is None:
            return 404, "text/plain", "no such page"
        return 200, "text/turtle; charset=utf-8", text


@pytest.fixture
def dcat(portal):
    return DcatCatalogue(portal)
