"""The small interface every kind of source implements, and what it hands back.

A backend lists the source's datasets (`entries`, all pages read before anything is
written: a source failing on page 3 fails the job and touches nothing), then turns each
entry into a `RemoteDataset` (`to_dataset`), a plain description in the catalogue's terms.
Matching it to our licences, themes, organisations and writing it is `sync.py`'s job, the
same for every kind.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import html as lxml_html

from ..http import Fetcher, SourceError

__all__ = ["Backend", "RecordError", "RemoteDataset", "RemoteEntry", "RemoteResource",
           "SourceError", "html_to_text", "parse_date", "parse_datetime"]

DEFAULT_PAGE_SIZE = 100


class RecordError(Exception):
    """This remote dataset cannot be harvested (the message says why); the others go on."""


@dataclass
class RemoteEntry:
    """One dataset as listed by the source: its identifier and the raw data to map."""

    remote_id: str
    raw: Any
    title: str = ""


@dataclass
class RemoteResource:
    key: str  # stable identifier of the resource at the source (its id, else its URL)
    title: str
    url: str
    format: str = ""
    description: str = ""


@dataclass
class RemoteDataset:
    remote_id: str
    title: str
    description: str = ""
    remote_url: str = ""  # the dataset's page at the source
    modified: dt.datetime | None = None
    organisation: str = ""  # the producer's name as the source writes it
    organisation_id: str = ""  # and its identifier there, when it has one
    licence: str = ""  # a title, identifier or URL, matched to our licences
    licence_url: str = ""
    tags: list[str] = field(default_factory=list)
    frequency: str = ""  # any vocabulary (DCAT, ISO 19115, CKAN extras), matched to ours
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    contact_name: str = ""
    contact_email: str = ""
    zones: list[str] = field(default_factory=list)  # place names (spatial coverage)
    resources: list[RemoteResource] = field(default_factory=list)

    def fingerprint(self) -> str:
        """SHA-256 of everything we would write: equal fingerprints, nothing to update."""
        text = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


class Backend(ABC):
    """One kind of source. `config` is the source's configuration (filters, page size)."""

    def __init__(self, url: str, fetcher: Fetcher, config: dict | None = None):
        self.url = url.rstrip("/")
        self.fetcher = fetcher
        self.config = config or {}
        self.page_size = int(self.config.get("page_size") or DEFAULT_PAGE_SIZE)

    @abstractmethod
    def entries(self) -> Iterator[RemoteEntry]:
        """Every dataset of the source, page after page; `SourceError` if the source cannot
        be read completely."""

    @abstractmethod
    def to_dataset(self, entry: RemoteEntry) -> RemoteDataset:
        """Map one entry; `RecordError` if it cannot be harvested."""


# --- helpers shared by the backends ----------------------------------------------------------

def parse_datetime(value) -> dt.datetime | None:
    """An ISO 8601 date or date-time; sources without a zone write UTC."""
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time())
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def html_to_text(text: str) -> str:
    """Plain text (paragraphs kept) of a description some portals write in HTML."""
    if not text or "<" not in text:
        return (text or "").strip()
    try:
        root = lxml_html.fromstring(f"<div>{text}</div>")
    except Exception:  # lxml raises several kinds on broken markup: keep the text as is
        return text.strip()
    for block in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr"):
        block.tail = "\n\n" + (block.tail or "") if block.tag != "li" else "\n" + (
            block.tail or "")
    lines = [" ".join(line.split()) for line in root.text_content().split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def http_url(value) -> str:
    """`value` if it is an http(s) address that fits our URL fields, else ''."""
    url = str(value or "").strip()
    return url if url.startswith(("http://", "https://")) and len(url) <= 1000 else ""
