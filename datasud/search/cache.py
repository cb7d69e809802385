"""Caching the total and facet counts of anonymous searches.

Counting facets over tens of thousands of matching datasets (the home page's "all
datasets", a theme's page) costs far more than finding the page of results, and is the
same for every anonymous visitor. Counts are cached under the index's current token
(`IndexState`), which every index write replaces, and only:

- for anonymous users: what they may see depends on nothing but the catalogue, whereas a
  member's view also depends on memberships, which do not touch the index;
- outside transactions: inside one, the data seen may never be committed.

A write that skips the services (and so the index) is caught by the expiry at the latest.
The same rules decide when a search may read the indexer's running totals (`FacetCount`)
instead of counting: those follow the index, not the catalogue, as cached counts do.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from .models import IndexState, new_token

CACHE_SECONDS = 300
T = TypeVar("T")


def current_token() -> str | None:
    """The index's token, or None if there is none (cache then unused)."""
    # Plain SQL: read on every search, where compiling the ORM query costs more than it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {connection.ops.quote_name(IndexState._meta.db_table)}"
                       " WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def renew_token() -> None:
    """Replace the token: counts cached so far are no longer served."""
    if not IndexState.objects.filter(pk=1).update(token=new_token()):
        IndexState.objects.get_or_create(pk=1)


def committed_token() -> str | None:
    """The index's token if searches may read the indexer's running totals (`FacetCount`),
    else None: inside a transaction (its writes may never be committed, nor indexed), or
    without an index."""
    if connection.in_atomic_block:
        return None
    return current_token()


def shared_token(user, token: str | None) -> str | None:
    """`token` (see `committed_token`) if `user`'s searches may share results, else None:
    signed-in users' depend on their memberships too, which do not touch the index."""
    if getattr(user, "is_authenticated", False):
        return None
    return token


def cached(token: str | None, signature: str, compute: Callable[[], T]) -> T:
    """`compute()`, from the cache under the `shared_token` `token` (None: no cache)."""
    if token is None:
        return compute()
    key = f"datasud:search:{token}:{hashlib.sha256(signature.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
