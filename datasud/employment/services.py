"""The process-wide engine, rebuilt when a referential gets a new datastore version."""
from __future__ import annotations

import logging
import threading

from django.conf import settings

from datasud.datastore.models import Load
from datasud.warmup import WarmUp

from .engine import Engine
from .referentials import FILES

logger = logging.getLogger(__name__)
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


def warm_up() -> bool:
    """Start building the engine in a background thread, if it is not built or being
    built; True when a build was started. The wizard's first page calls it: the person
    types their job while the engine (3-5 s to build) gets ready, instead of waiting for it
    after submitting. A failure (referentials not loaded) is logged; the request that
    needs the engine then gets the usual error."""
    return _warm_up.start()


_warm_up = WarmUp("employment-warm-up", prepare=lambda: current_engine(),
                  ready=lambda: _engine is not None,
                  enabled=lambda: settings.EMPLOYMENT_WARM_UP,
                  failure="Le moteur du diagnostic n'a pas pu être préparé à l'avance.",
                  logger=logger)


def trainings_for(engine: Engine, gap: dict, commune: str | None = None, top: int = 10) -> dict:
    """The `formations` block of a diagnostic: imported training offers ranked by the
    share of `gap` (the engine's gap to the target) they close, then by distance from
    `commune`. Nothing about the person is stored."""
    from datasud.trainings.services import rank_offers

    target = gap["cible"]
    missing = {s["code_ogr"] for s in gap["competences_a_acquerir"]}
    missing |= {s["code_ogr"] for s in gap["savoirs_a_acquerir"]}
    # Offers targeting the fiche, its ROME v3 code, or a fiche of its professional domain
    # (and their v3 codes): the only ones that can share skills with the gap.
    domain = [code for code in engine.fiches if code[:3] == target["code_rome"][:3]]
    related = set(domain) | {engine.fiches[code]["parent"] for code in domain}
    related |= {target["code_rome"], target["code_rome_v3"]}
    return rank_offers(target, missing, related, engine.skills_of, commune, top)


def full_diagnostic(current: str, target: str | None = None, extra: list[str] = (),
                    top: int = 10, commune: str | None = None) -> dict:
    """The engine's diagnostic plus, when a target is given, the training offers
    (`formations`), composed here because offers live in the database, not in the engine."""
    engine = current_engine()
    result = engine.diagnostic(current, target, list(extra), top, commune)
    if target:
        result["formations"] = trainings_for(engine, result["ecart"],
                                             engine.commune(commune))
    return result
