"""The process-wide engine, rebuilt when a referential gets a new datastore version."""
from __future__ import annotations

import threading

from datasud.datastore.models import Load

from .engine import Engine
from .referentials import FILES

_lock = threading.Lock()
_engine: Engine | None = None
_version: tuple | None = None


def referential_version() -> tuple:
    """The current datastore version of every referential resource (one query)."""
    slugs = {spec.slug for spec, _item in FILES.values()}
    titles = {item.name for _spec, item in FILES.values()}
    return tuple(sorted(Load.objects.filter(
        is_current=True, resource__dataset__slug__in=slugs, resource__title__in=titles,
    ).values_list("resource_id", "number")))


def current_engine() -> Engine:
    """The engine over the current referentials; built on first use, then again only when
    `datasud load_employment` (or a producer) brought a new version of a file."""
    global _engine, _version
    version = referential_version()
    if _engine is not None and _version == version:
        return _engine
    with _lock:
        if _engine is None or _version != version:
            _engine, _version = Engine.from_datastore(), version
    return _engine
