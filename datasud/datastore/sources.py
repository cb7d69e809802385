"""Getting a resource's bytes on local disk for a load: its stored file, or a download.

Downloading a producer's remote address is the only network access of the datastore, and
it is guarded: http(s) only, a size cap, a timeout, and no addresses inside our own network
(loopback, private, link-local...) unless DATASTORE_ALLOW_PRIVATE_URLS is set — otherwise a
"remote resource" could make the server read its own internal services (SSRF).
"""
from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from datasud.catalog.models import Resource

from .errors import IngestError

CHUNK = 1024 * 1024


@dataclass
class Source:
    path: Path
    size: int
    checksum: str


@contextlib.contextmanager
def open_source(resource: Resource) -> Iterator[Source]:
    """Yield the resource's content as a local file; temporary files are removed after."""
    if resource.kind == Resource.Kind.FILE:
        if not resource.file:
            raise IngestError("La ressource n'a pas de fichier.", code="missing")
        try:
            path = Path(resource.file.path)
        except NotImplementedError:  # a storage without local paths: copy it out first
            path = None
        if path is not None:
            if not path.exists():
                raise IngestError("Le fichier de la ressource est introuvable.", code="missing")
            yield Source(path, path.stat().st_size, resource.checksum)
            return
        with tempfile.TemporaryDirectory(dir=_tmp_root()) as tmp:
            target = Path(tmp) / Path(resource.file.name).name
            with resource.file.open("rb") as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            yield Source(target, target.stat().st_size, resource.checksum)
        return
    with tempfile.TemporaryDirectory(dir=_tmp_root()) as tmp:
        yield download(resource.url, Path(tmp))


def _tmp_root() -> Path:
    root = settings.DATASTORE_DIR / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def download(url: str, folder: Path) -> Source:
    """Download `url` into `folder` within the size and time limits."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise IngestError("Seules les adresses http(s) peuvent être chargées.", code="download")
    _check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    name = Path(parts.path).name or "source"
    target = folder / name[:100]
    limit = settings.DATASTORE_MAX_REMOTE_SIZE
    digest = hashlib.sha256()
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "DataSud-datastore/1"})
    try:
        with urllib.request.urlopen(request, timeout=settings.DATASTORE_REMOTE_TIMEOUT) as reply, \
                target.open("wb") as out:
            # Redirects may lead elsewhere: check where we finally landed, too.
            final = urlsplit(reply.geturl())
            if final.hostname and final.hostname != parts.hostname:
                _check_host(final.hostname, final.port or 443)
            while chunk := reply.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise IngestError(f"Le fichier distant dépasse la taille maximale de "
                                      f"{limit // (1024 * 1024)} Mo.", code="too_large")
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise IngestError(f"Le serveur distant a répondu {exc.code} ({exc.reason}).",
                          code="download") from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IngestError(f"Téléchargement impossible : {reason}.", code="download") from exc
    if size == 0:
        raise IngestError("Le fichier distant est vide.", code="empty")
    return Source(target, size, digest.hexdigest())


def _check_host(host: str, port: int) -> None:
    if getattr(settings, "DATASTORE_ALLOW_PRIVATE_URLS", False):
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise IngestError(f"Nom de serveur inconnu : {host}.", code="download") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise IngestError("Cette adresse pointe vers un réseau interne : elle ne peut pas "
                              "être chargée.", code="forbidden_address")
