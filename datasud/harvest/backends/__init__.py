"""One module per kind of source, behind the interface of `base.py`."""
from __future__ import annotations

from ..http import Fetcher
from .base import Backend, RecordError, RemoteDataset, RemoteEntry, RemoteResource, SourceError
from .ckan import CkanBackend
from .csw import CswBackend
from .dcat import DcatBackend
from .ods import OdsBackend

__all__ = ["Backend", "RecordError", "RemoteDataset", "RemoteEntry", "RemoteResource",
           "SourceError", "backend_for"]

BACKENDS: dict[str, type[Backend]] = {
    "ckan": CkanBackend,
    "dcat": DcatBackend,
    "ods": OdsBackend,
    "csw": CswBackend,
}


def backend_for(kind: str, url: str, fetcher: Fetcher, config: dict | None = None) -> Backend:
    try:
        return BACKENDS[kind](url, fetcher, config)
    except KeyError:
        raise SourceError(f"Type de source inconnu : {kind}") from None
