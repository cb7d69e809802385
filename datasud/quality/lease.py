"""One link-checker run at a time, over every process and machine sharing the database.

Each run keeps the per-host delay, but two runs at once (cron and a manual run, two task
workers, two servers) would double the rate on a host and check the same rows twice. So a
run first takes the lease, a `LinkCheckLease` row:

    with hold_lease() as lease:        # LinkCheckBusy if another run holds it
        ... lease.renew() ...           # at least every `lease.renew_every` seconds

- taken by one conditional UPDATE (`WHERE token = '' OR expires_at <= now`), atomic on
  SQLite and PostgreSQL: of two runs starting together, one wins, the other is refused;
  the row itself is created once, the unique name settling a race between two creators;
- for `LINKCHECK_LEASE_SECONDS` (default 300 s), renewed by the run while it goes on (the
  checker renews every quarter of it while waiting for its threads), so a run may last
  longer than the lease; a run whose process died (kill -9, a machine lost) blocks the next
  one for one lease at most;
- released at the end of the run, also when it raised;
- times come from the database's clock, so that machines whose clocks differ agree on when
  a lease expires.

Call it outside a transaction (commands and task workers run in autocommit): inside one,
other processes would not see the lease before the commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, Q, Value
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LinkCheckLease

NAME = "check_links"


class LinkCheckBusy(Exception):
    """Another run holds the lease: try again later."""

    def __init__(self, holder: str, since: dt.datetime | None, until: dt.datetime | None):
        self.holder, self.since, self.until = holder, since, until
        super().__init__(
            _(
                "Une autre vérification des liens est en cours (%(holder)s, depuis le "
                "%(since)s) ; son bail court jusqu'au %(until)s. Réessayez plus tard."
            )
            % {"holder": holder or "?", "since": _local(since), "until": _local(until)}
        )


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return "?"
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")


def lease_duration() -> dt.timedelta:
    return dt.timedelta(seconds=max(1.0, float(settings.LINKCHECK_LEASE_SECONDS)))


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _until(duration: dt.timedelta) -> ExpressionWrapper:
    """`now + duration` on the database's clock."""
    return ExpressionWrapper(Now() + Value(duration), output_field=DateTimeField())


@dataclass
class Lease:
    """A lease this run holds; `lost` once another run took it (after it had expired)."""

    token: str
    duration: dt.timedelta
    lost: bool = False

    @property
    def renew_every(self) -> float:
        return self.duration.total_seconds() / 4

    def _mine(self):
        return LinkCheckLease.objects.filter(name=NAME, token=self.token)

    def renew(self) -> bool:
        """Extend the lease by its duration from now; False if it is no longer ours."""
        if not self.lost:
            self.lost = not self._mine().update(expires_at=_until(self.duration))
        return not self.lost

    def release(self) -> None:
        self._mine().update(holder="", token="", since=None, expires_at=None)


def acquire(duration: dt.timedelta | None = None) -> Lease:
    """Take the lease for `duration` (LINKCHECK_LEASE_SECONDS by default); `LinkCheckBusy`
    if another run holds it."""
    duration = duration or lease_duration()
    LinkCheckLease.objects.get_or_create(name=NAME)
    token = uuid.uuid4().hex
    taken = (
        LinkCheckLease.objects.filter(name=NAME)
        .filter(Q(token="") | Q(expires_at__isnull=True) | Q(expires_at__lte=Now()))
        .update(holder=this_process()[:200], token=token, since=Now(), expires_at=_until(duration))
    )
    if not taken:
        current = LinkCheckLease.objects.get(name=NAME)
        raise LinkCheckBusy(current.holder, current.since, current.expires_at)
    return Lease(token, duration)


@contextlib.contextmanager
def hold_lease(duration: dt.timedelta | None = None) -> Iterator[Lease]:
    """The lease for the time of the `with` block, released at its end whatever happens."""
    lease = acquire(duration)
    try:
        yield lease
    finally:
        lease.release()
