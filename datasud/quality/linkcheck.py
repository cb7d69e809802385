"""The link checker: is each remote resource still there?

    summary = check_links(due=True, limit=500)      # what `datasud check_links --due` does
                                                    # (limit: LINKCHECK_MAX_PER_RUN)

Each distinct address of a remote resource has a `LinkCheck` row. A run takes the rows
that are due, asks each address with HEAD (then GET of the first byte when HEAD is
refused), and records the status, content type, size or error. It never hammers a host:

- at most `LINKCHECK_CONCURRENCY` requests at once over all hosts (threads);
- at most one request at a time to a given host, and `LINKCHECK_HOST_DELAY` seconds between
  two requests to it (redirect hops included), whichever thread makes them;
- each request bounded by `LINKCHECK_TIMEOUT` seconds (connection, then each read); the
  body is never downloaded;
- every hop passes the platform's SSRF guard (`datastore.sources._check_host`): no address
  inside our own network unless DATASTORE_ALLOW_PRIVATE_URLS.

A link is flagged broken at once when the server says the file is gone (404, 410), after
`LINKCHECK_BROKEN_AFTER` failures in a row otherwise (a server down for an hour is not a
broken link). Working links are checked again after `LINKCHECK_RECHECK_DAYS`, failing ones
after a day. Threads only make HTTP requests; the database is read and written by the
caller's thread.

One run at a time over every process and machine sharing the database: a run holds the
lease of `lease.py`, renewed while it goes on (by the caller's thread, between its waits for
the threads); `lease.LinkCheckBusy` when another run holds it. A run that lost its lease (it
stalled longer than the lease, and another run took it over) stops sending requests and
records only what it had checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from datasud.catalog.models import Resource
from datasud.datastore.errors import IngestError
from datasud.datastore.sources import _check_host

from .lease import Lease, hold_lease
from .models import LinkCheck

logger = logging.getLogger(__name__)

USER_AGENT = "DataSud-verification-liens/1 (+https://www.datasud.fr)"
MAX_REDIRECTS = 5
# Answers that say the file is gone for good: flagged broken at the first check.
GONE = {404, 410}
RETRY_FAILING_AFTER = dt.timedelta(days=1)
MAX_URL_BYTES = 2000


@dataclass(frozen=True)
class Limits:
    concurrency: int = 4
    host_delay: float = 1.0
    timeout: float = 10.0
    recheck: dt.timedelta = dt.timedelta(days=7)
    broken_after: int = 2

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            concurrency=max(1, settings.LINKCHECK_CONCURRENCY),
            host_delay=max(0.0, settings.LINKCHECK_HOST_DELAY),
            timeout=settings.LINKCHECK_TIMEOUT,
            recheck=dt.timedelta(days=settings.LINKCHECK_RECHECK_DAYS),
            broken_after=max(1, settings.LINKCHECK_BROKEN_AFTER),
        )


@dataclass
class Outcome:
    """What one address answered."""

    status_code: int | None = None
    content_type: str = ""
    size: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status_code is not None and self.status_code < 400


class HostGate:
    """One request at a time per host, and a minimum delay between two of them."""

    def __init__(self, delay: float):
        self.delay = delay
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextlib.contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, float("-inf")) + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def check_url(url: str, session: requests.Session, gate: HostGate, timeout: float) -> Outcome:
    """HEAD `url`; if the server refuses HEAD (any 4xx/5xx), GET its first byte instead."""
    outcome = _request("HEAD", url, session, gate, timeout)
    if outcome.error or outcome.status_code is None or outcome.status_code < 400:
        return outcome
    return _request("GET", url, session, gate, timeout)


def _request(
    method: str, url: str, session: requests.Session, gate: HostGate, timeout: float
) -> Outcome:
    headers = {"Range": "bytes=0-0"} if method == "GET" else {}
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Outcome(
                error="Adresse invalide : seules les adresses http(s) sont vérifiées.",
                final_url=url,
            )
        try:
            _check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except IngestError as exc:
            return Outcome(error=str(exc), final_url=url)
        try:
            with gate.slot(parts.hostname.lower()):
                response = session.request(
                    method,
                    url,
                    headers=headers,
                    stream=True,
                    allow_redirects=False,
                    timeout=timeout,
                )
                response.close()  # the headers are all we need: the body is never read
        except requests.Timeout:
            return Outcome(
                error=f"Le serveur ne répond pas (délai de {timeout:g} s dépassé).", final_url=url
            )
        except requests.exceptions.SSLError:
            return Outcome(
                error="Connexion sécurisée impossible (certificat invalide ou expiré).",
                final_url=url,
            )
        except requests.ConnectionError:
            return Outcome(
                error="Serveur injoignable (connexion refusée ou nom inconnu).", final_url=url
            )
        except requests.RequestException as exc:
            return Outcome(error=f"Requête impossible : {str(exc)[:200]}", final_url=url)
        if response.is_redirect and response.headers.get("Location"):
            url = urljoin(url, response.headers["Location"])
            continue
        return Outcome(
            status_code=response.status_code,
            content_type=response.headers.get("Content-Type", "")[:200],
            size=_size(response),
            final_url=url,
        )
    return Outcome(error=f"Trop de redirections (plus de {MAX_REDIRECTS}).", final_url=url)


def _size(response: requests.Response) -> int | None:
    """The size of the whole file: Content-Range's total for a partial answer, else
    Content-Length (of the whole file for HEAD and a plain 200)."""
    if response.status_code == 206:
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
        return int(total) if total.isdigit() else None
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isdigit() else None


def run_checks(
    urls: list[str],
    limits: Limits,
    heartbeat: Callable[[], bool] | None = None,
    heartbeat_every: float = 60.0,
) -> dict[str, Outcome]:
    """Check `urls` within `limits`; returns each one's outcome.

    The addresses of one host are checked in turn by one thread (a session each, reusing
    the connection); hosts are spread over at most `limits.concurrency` threads.
    `heartbeat` is called by the caller's thread at least every `heartbeat_every` seconds
    while the threads work (the lease's renewal); once it returns False, or the caller's
    thread is interrupted, no new request is sent and the addresses not yet checked are
    left out of the result.
    """
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        by_host[_host(url)].append(url)
    gate = HostGate(limits.host_delay)
    results: dict[str, Outcome] = {}
    stop = threading.Event()

    def check_host(host_urls: list[str]) -> None:
        with requests.Session() as session:
            session.headers["User-Agent"] = USER_AGENT
            # Proxies from the environment would send the request elsewhere than checked.
            session.trust_env = False
            for url in host_urls:
                if stop.is_set():
                    return
                try:
                    results[url] = check_url(url, session, gate, limits.timeout)
                except Exception as exc:  # one odd address must not stop the run
                    logger.exception("Link check of %s failed", url)
                    results[url] = Outcome(error=f"Vérification impossible : {exc}"[:300])

    if by_host:
        with ThreadPoolExecutor(
            max_workers=min(limits.concurrency, len(by_host)), thread_name_prefix="linkcheck"
        ) as pool:
            futures = [pool.submit(check_host, host_urls) for host_urls in by_host.values()]
            try:
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, heartbeat_every, FIRST_EXCEPTION)
                    if any(future.exception() for future in done):
                        break
                    if pending and heartbeat is not None and not heartbeat():
                        break
            finally:
                # Lost lease, error or Ctrl-C: the threads end their current request only.
                stop.set()
            for future in futures:
                if future.done():
                    future.result()  # a thread's unexpected error is the run's
    return results


# --- The rows: which addresses, when, and what was found ---------------------------------------


def remote_urls():
    """Addresses of the remote resources (distinct)."""
    return (
        Resource.objects.filter(kind=Resource.Kind.URL)
        .exclude(url="")
        .order_by()
        .values_list("url", flat=True)
        .distinct()
    )


def sync_rows() -> tuple[int, int]:
    """Make a row for every remote resource address, drop the rows no resource uses any
    more; returns (created, deleted)."""
    known = set(LinkCheck.objects.values_list("url", flat=True))
    # Addresses longer than an index entry may be (PostgreSQL: about 2,700 bytes) are not
    # real links; they are left out rather than failing the whole run.
    missing = [
        url for url in remote_urls() if url not in known and len(url.encode()) <= MAX_URL_BYTES
    ]
    LinkCheck.objects.bulk_create(
        [LinkCheck(url=url) for url in missing], batch_size=500, ignore_conflicts=True
    )
    unused = LinkCheck.objects.exclude(
        Exists(Resource.objects.filter(kind=Resource.Kind.URL, url=OuterRef("url")))
    )
    deleted, _ = unused.delete()
    return len(missing), deleted


@dataclass
class RunSummary:
    checked: int = 0
    ok: int = 0
    failed: int = 0
    broken: int = 0
    changed_datasets: set[int] = field(default_factory=set)
    # Stopped before its end: its lease was taken over (see the module's docstring).
    interrupted: bool = False


def record(row: LinkCheck, outcome: Outcome, limits: Limits, now: dt.datetime) -> None:
    """Write `outcome` into `row` (not saved)."""
    row.status_code = outcome.status_code
    row.content_type = outcome.content_type
    row.size = outcome.size
    row.final_url = outcome.final_url if outcome.final_url != row.url else ""
    row.error = outcome.error[:500]
    row.checked_at = now
    if outcome.ok:
        row.consecutive_failures = 0
        row.broken = False
        row.broken_since = None
        row.next_check_at = now + limits.recheck
        return
    row.consecutive_failures += 1
    broken = outcome.status_code in GONE or row.consecutive_failures >= limits.broken_after
    if broken and not row.broken:
        row.broken_since = now
    row.broken = broken
    row.next_check_at = now + RETRY_FAILING_AFTER


def check_links(
    *,
    due: bool = True,
    limit: int | None = None,
    urls: list[str] | None = None,
    limits: Limits | None = None,
) -> RunSummary:
    """Check the remote resources' addresses: the due ones (`due`), or all of them, or the
    given `urls`; at most `limit` (`LINKCHECK_MAX_PER_RUN` when not given), the longest
    waiting first, so that one run is bounded in time and memory and the next one goes on
    where it stopped. Datasets whose links changed state get their quality score
    recomputed. `lease.LinkCheckBusy` (nothing checked) when another run holds the lease."""
    limits = limits or Limits.from_settings()
    limit = limit or max(1, settings.LINKCHECK_MAX_PER_RUN)
    with hold_lease() as lease:
        return _run(lease, due=due, limit=limit, urls=urls, limits=limits)


def _run(
    lease: Lease, *, due: bool, limit: int, urls: list[str] | None, limits: Limits
) -> RunSummary:
    from .services import recompute

    sync_rows()
    rows = LinkCheck.objects.all()
    if urls is not None:
        rows = rows.filter(url__in=urls)
    if due:
        rows = rows.filter(next_check_at__lte=timezone.now())
    rows = list(rows.order_by("next_check_at", "id")[:limit])
    outcomes = run_checks([row.url for row in rows], limits, lease.renew, lease.renew_every)
    summary = RunSummary(interrupted=not lease.renew())
    if summary.interrupted:
        logger.warning("Link check run stopped: its lease was taken over by another run")
    now = timezone.now()
    changed_urls = []
    for row in rows:
        outcome = outcomes.get(row.url)
        if outcome is None:  # not checked (run stopped): still due
            continue
        was = (row.checked_at is not None, row.broken)
        record(row, outcome, limits, now)
        row.save()
        summary.checked += 1
        summary.ok += outcome.ok
        summary.failed += not outcome.ok
        summary.broken += row.broken
        if was != (True, row.broken):
            changed_urls.append(row.url)
    for start in range(0, len(changed_urls), 500):
        summary.changed_datasets.update(
            Resource.objects.filter(
                kind=Resource.Kind.URL, url__in=changed_urls[start : start + 500]
            ).values_list("dataset_id", flat=True)
        )
    recompute(summary.changed_datasets)
    return summary
