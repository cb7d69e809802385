"""The harvester's only way out to the network: guarded GET requests to one source.

Every request stays on the source's host (paging links and redirects included), passes the
datastore's SSRF guard (no addresses inside our network unless
DATASTORE_ALLOW_PRIVATE_URLS), and is bounded in time and size. Anything else — an error
status, HTML where JSON was expected, truncated XML — becomes a `SourceError` whose message
says what went wrong, in words staff can act on.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from lxml import etree

from datasud.datastore.errors import IngestError
from datasud.datastore.sources import _check_host

USER_AGENT = "DataSud-moissonnage/1 (+https://www.datasud.fr)"
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class SourceError(Exception):
    """The source as a whole cannot be harvested now (the job fails, nothing is touched)."""


@dataclass
class Reply:
    url: str
    content_type: str
    body: bytes


class Fetcher:
    """Bounded GET requests to the host of `base_url`.

    Limits come from settings: HARVEST_TIMEOUT (seconds, per request, default 30) and
    HARVEST_MAX_RESPONSE_SIZE (bytes, per response, default 50 MB)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError("L'adresse de la source doit commencer par http:// ou https://.")
        self.host = parts.hostname
        self.timeout = float(getattr(settings, "HARVEST_TIMEOUT", 30))
        self.max_size = int(getattr(settings, "HARVEST_MAX_RESPONSE_SIZE", 50 * 1024 * 1024))
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # Proxies from the environment would send the request elsewhere than where we checked.
        self.session.trust_env = False
        self.requests = 0

    def close(self) -> None:
        self.session.close()

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname != self.host:
            raise SourceError(f"La source renvoie vers une autre adresse ({url}) : le "
                              "moissonnage ne suit que les liens de la source elle-même.")
        try:
            _check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except IngestError as exc:
            raise SourceError(str(exc)) from exc

    def get(self, url: str, params: dict | None = None, accept: str = "*/*") -> Reply:
        """GET `url` (redirects followed within the source), the whole body in memory."""
        deadline = time.monotonic() + self.timeout * 2
        for _ in range(MAX_REDIRECTS + 1):
            self._check(url)
            self.requests += 1
            try:
                response = self.session.get(url, params=params, stream=True,
                                            allow_redirects=False, timeout=self.timeout,
                                            headers={"Accept": accept})
            except requests.Timeout as exc:
                raise SourceError(f"La source ne répond pas (délai de {self.timeout:g} s "
                                  f"dépassé) : {url}") from exc
            except requests.RequestException as exc:
                raise SourceError(f"Source injoignable ({_reason(exc)}) : {url}") from exc
            with response:
                if response.is_redirect and response.headers.get("Location"):
                    url, params = urljoin(response.url, response.headers["Location"]), None
                    continue
                if response.status_code >= 400:
                    raise SourceError(f"La source a répondu {response.status_code} "
                                      f"({response.reason or 'erreur'}) : {response.url}"
                                      f"{_excerpt(response)}")
                body = self._read(response, deadline)
                return Reply(response.url, response.headers.get("Content-Type", ""), body)
        raise SourceError(f"Trop de redirections : {url}")

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > self.max_size:
                    raise SourceError(f"Réponse trop volumineuse (plus de "
                                      f"{self.max_size // (1024 * 1024)} Mo) : {response.url}")
                if time.monotonic() > deadline:
                    raise SourceError(f"La source répond trop lentement : {response.url}")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise SourceError(f"Réponse interrompue ({_reason(exc)}) : {response.url}") from exc
        return b"".join(chunks)

    def get_json(self, url: str, params: dict | None = None):
        reply = self.get(url, params, accept="application/json")
        return parse_json(reply)

    def get_xml(self, url: str, params: dict | None = None) -> etree._Element:
        reply = self.get(url, params, accept="application/xml, text/xml")
        return parse_xml(reply)


def _excerpt(response: requests.Response) -> str:
    """The start of an error answer's text (APIs say there what they refused)."""
    try:
        head = next(response.iter_content(2000), b"")
    except requests.RequestException:
        return ""
    text = re.sub(r"<[^>]*>", " ", head.decode("utf-8", "replace"))
    text = " ".join(text.split())
    return f" — « {text[:300]} »" if text else ""


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"


def _looks_like_html(reply: Reply) -> bool:
    head = reply.body[:500].lstrip().lower()
    return "html" in reply.content_type.lower() or head.startswith((b"<!doctype html",
                                                                     b"<html"))


def parse_json(reply: Reply):
    if _looks_like_html(reply):
        raise SourceError(f"La source a renvoyé une page HTML au lieu de JSON : {reply.url} "
                          "(vérifiez l'adresse et le type de la source).")
    try:
        return json.loads(reply.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"Réponse JSON illisible ({exc}) : {reply.url}") from exc


def parse_xml(reply: Reply) -> etree._Element:
    if _looks_like_html(reply) and b"<?xml" not in reply.body[:100]:
        raise SourceError(f"La source a renvoyé une page HTML au lieu de XML : {reply.url}")
    try:
        # No entities, no network: a hostile source must not make the parser read local
        # files or other hosts. A parser per call: lxml parsers are not shared across threads.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return etree.fromstring(reply.body, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"XML illisible ou tronqué ({exc}) : {reply.url}") from exc
