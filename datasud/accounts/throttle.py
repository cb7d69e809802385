"""Counting attempts in the cache to slow down password guessing and e-mail flooding.

A `Limit` allows `max_attempts` in a window of `window` seconds that starts at the first
attempt. Counters are keyed by a hash of what is counted (a typed identifier, an IP
address), so the cache never holds them in clear, and they count the identifier as typed
whether or not an account has it: the answer never tells whether an account exists.

The cache must be shared by every web process for the limits to hold: production needs a
shared `CACHES` backend (database, Redis...); Django's default local-memory cache counts
per process.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    scope: str
    max_attempts: int
    window: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, self.window // 60)


# Failed sign-ins: per typed identifier (a targeted guess), per IP (a sweep of accounts).
LOGIN_PER_ACCOUNT = Limit("login-account", 5, 15 * 60)
LOGIN_PER_IP = Limit("login-ip", 30, 15 * 60)
# E-mails sent on request of anonymous visitors (sign-up, confirmation, password reset).
MAILS_PER_IP = Limit("mail-ip", 10, 60 * 60)
MAILS_PER_ADDRESS = Limit("mail-address", 3, 60 * 60)


def _key(limit: Limit, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"datasud:throttle:{limit.scope}:{digest}"


def is_exceeded(limit: Limit, subject: str) -> bool:
    return cache.get(_key(limit, subject), 0) >= limit.max_attempts


def record(limit: Limit, subject: str) -> None:
    key = _key(limit, subject)
    # add() sets the window's expiry only for the first attempt; incr() keeps it.
    cache.add(key, 0, limit.window)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, limit.window)


def reset(limit: Limit, subject: str) -> None:
    cache.delete(_key(limit, subject))


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind a reverse proxy, the proxy must pass the
    client's address as REMOTE_ADDR (headers such as X-Forwarded-For can be forged)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def normalise_identifier(identifier: str) -> str:
    # "Camille", " camille " and "CAMILLE" are one account's guesses.
    return " ".join((identifier or "").split()).casefold()[:254]


def allow_mail(request: HttpRequest, address: str) -> bool:
    """Whether an anonymous request may have one more e-mail sent to `address`; counts it.
    Bounds what a script can make the platform send, to one address or to many."""
    ip, address = client_ip(request), normalise_identifier(address)
    if is_exceeded(MAILS_PER_IP, ip) or is_exceeded(MAILS_PER_ADDRESS, address):
        return False
    record(MAILS_PER_IP, ip)
    record(MAILS_PER_ADDRESS, address)
    return True
