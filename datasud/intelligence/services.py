"""Metadata suggestions for producers: `suggest(title, description, columns)` -> themes,
tags, licence, frequency and territories, each with a score in [0, 1], best first.

Nothing is stored: the text is read, scored against the shipped model
(`data/suggestions-model.npz`, see `model.py` and the data README) and forgotten.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count

from datasud.catalog.importers.themes import default_matcher
from datasud.warmup import WarmUp

from . import places
from .model import SuggestionModel

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "data" / "suggestions-model.npz"
MAX_TAGS = 10
MAX_THEMES = 3
MIN_TAG_SCORE = 0.05
# The producer's usual tags (`producer_tags`): at most this many, each given to at least
# this many of its public datasets (once is not a habit).
MAX_PRODUCER_TAGS = 10
MIN_PRODUCER_TAG_DATASETS = 2
# Column names that say what their values are (folded, without separators).
_INSEE_COLUMNS = re.compile(r"^(code)?(insee|commune|com|codgeo|depcom|codecommune|inseecom"
                            r"|codeinsee|insee(code)?commune|citycode)$")
_POSTAL_COLUMNS = re.compile(r"^(cp|codepostal|postcode|postalcode|codepost|zipcode|zip)$")
_NAME_COLUMNS = re.compile(r"^(nom)?(commune|ville|libcom|libellecommune|nomcommune|city|"
                           r"municipality)$")
_LAT_COLUMNS = re.compile(r"^(lat|latitude|ylat|ywgs84|coordy|y|geolat|wgs84lat)$")
_LON_COLUMNS = re.compile(r"^(lon|lng|long|longitude|xlong|xwgs84|coordx|x|geolon|wgs84lon)$")
# The région's extent with a margin (lon, lat): points outside are someone else's.
REGION_BOUNDS = (4.2, 42.9, 7.8, 45.2)
MAX_POINTS = 200


class SuggestionsUnavailable(Exception):
    """The model file is missing or unreadable (run `datasud train_suggestions`)."""


@dataclass
class Column:
    name: str
    values: list[str]


def model_path() -> Path:
    return Path(getattr(settings, "DATASUD_SUGGESTIONS_MODEL", MODEL_FILE))


@lru_cache(maxsize=1)
def current_model() -> SuggestionModel:
    path = model_path()
    try:
        return SuggestionModel.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise SuggestionsUnavailable(
            f"Le modèle de suggestions est indisponible ({path.name}) : {exc}") from exc


def prepared_model() -> SuggestionModel:
    """`current_model` with what it computes on first use done (`SuggestionModel.prepare`),
    one thread at a time: two first requests do not compute it twice, and a request that
    comes while `warm_up` works waits for it rather than starting over."""
    with _prepare_lock:  # a moment once the model is ready
        model = current_model()
        model.prepare()
    return model


def warm_up() -> bool:
    """Load and prepare the model in a background thread, unless it is ready or being
    prepared; True when a thread was started. Called as a web process starts and when a
    producer opens the dataset form: the first suggestion of a process would otherwise
    wait about two seconds (reading the model file, the ridge regression's inverse).
    `settings.SUGGESTIONS_WARM_UP` off (the tests): the first suggestion prepares it."""
    return _warm_up.start()


def _prepared_or_absent() -> None:
    """A missing model is looked for again at the next warm-up (`train_suggestions` may
    have written it since), but said once per process: every opening of the form would
    otherwise log the same warning."""
    global _absence_reported
    try:
        prepared_model()
    except SuggestionsUnavailable:
        if not _absence_reported:
            _absence_reported = True
            logger.warning("Modèle de suggestions indisponible : les suggestions le diront.")


_prepare_lock = threading.Lock()
_absence_reported = False
_warm_up = WarmUp(
    "suggestions-warm-up", prepare=lambda: _prepared_or_absent(),
    ready=lambda: bool(current_model.cache_info().currsize) and current_model().prepared,
    enabled=lambda: settings.SUGGESTIONS_WARM_UP,
    failure="Le modèle de suggestions n'a pas pu être préparé à l'avance.", logger=logger)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", places.fold(name))


def _float(value: str) -> float | None:
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _points(columns: list[Column]) -> list[tuple[float, float]]:
    lat = next((c for c in columns if _LAT_COLUMNS.match(_key(c.name))), None)
    lon = next((c for c in columns if _LON_COLUMNS.match(_key(c.name))), None)
    if lat is None or lon is None:
        return []
    x0, y0, x1, y1 = REGION_BOUNDS
    points = []
    for x, y in zip(lon.values, lat.values, strict=False):
        fx, fy = _float(x), _float(y)
        if fx is not None and fy is not None and x0 <= fx <= x1 and y0 <= fy <= y1:
            points.append((fx, fy))
    return points[:MAX_POINTS]


def detect_territories(title: str, description: str = "",
                       columns: list[Column] | None = None) -> list[dict]:
    """Territories named in the title (score 1), the description (0.8) or the columns
    (0.9: INSEE or postal codes and commune names in columns so named; coordinates)."""
    found = places.names_in_text(title, score=1.0, source="titre")
    found += places.codes_in_text(title, score=1.0, source="titre")
    found += places.names_in_text(description, score=0.8, source="description")
    found += places.codes_in_text(description, score=0.8, source="description", postal=False)
    for column in columns or []:
        key, text = _key(column.name), "\n".join(str(v) for v in column.values)
        source = f"colonne {column.name}"
        if _INSEE_COLUMNS.match(key):
            found += places.codes_in_text(text, score=0.9, source=source, postal=False)
        elif _POSTAL_COLUMNS.match(key):
            found += places.codes_in_text(text, score=0.9, source=source, postal=True)
        if _NAME_COLUMNS.match(key):
            for value in column.values:
                found += places.names_in_text(str(value), score=0.9, source=source)
    if columns:
        found += places.communes_at(_points(columns), source="coordonnées")
    return places.merge(found)


def _territories(title: str, description: str, columns: list[Column]) -> list[dict]:
    try:
        return detect_territories(title, description, columns)
    except DatabaseError:
        # Territories not migrated yet (a fresh install): the other suggestions still hold.
        places.reset_gazetteer()
        return []


def _columns_text(columns: list[Column]) -> str:
    """Column names (split at separators and camelCase) and a few textual values: what
    the data is about, in words the model knows."""
    parts = []
    for column in columns:
        parts.append(re.sub(r"([a-z])([A-Z])", r"\1 \2", column.name).replace("_", " "))
        texts = [str(v) for v in column.values[:20] if _float(v) is None]
        parts.extend(texts[:5])
    return " ".join(parts)


def producer_tags(organisation: str, proposed: set[str] = frozenset()) -> list[dict]:
    """The tags the organisation gives most often to its public datasets, those already
    `proposed` left out: a producer describing one more dataset of a series keeps its own
    words, which the model's ranking weighs only as one piece of evidence among others.
    Read from the live catalogue, public datasets only (anybody may ask the API about any
    organisation: drafts and private datasets say nothing here)."""
    from datasud.catalog.models import Dataset, Tag

    if not organisation:
        return []
    public = Dataset.objects.public().filter(organisation__slug=organisation)
    rows = (Tag.objects.filter(datasets__in=public)
            .annotate(datasets_count=Count("datasets"))
            .filter(datasets_count__gte=MIN_PRODUCER_TAG_DATASETS)
            .order_by("-datasets_count", "name")
            .values_list("name", "datasets_count")[:MAX_PRODUCER_TAGS + len(proposed)])
    try:
        usual = [{"name": name, "datasets": n} for name, n in rows if name not in proposed]
    except DatabaseError:  # the catalogue not migrated yet: the other suggestions hold
        return []
    return usual[:MAX_PRODUCER_TAGS]


def suggest(title: str, description: str = "", columns: list[Column] | None = None,
            organisation: str = "") -> dict:
    """Suggestions for a dataset being described. `columns`: names and sample values of a
    loaded table, optional; `organisation`: the producer's slug, optional (the tags it
    gives its other datasets weigh in, and its usual tags are listed apart:
    `producer_tags`). Raises SuggestionsUnavailable without a model."""
    model = prepared_model()
    columns = columns or []
    extra = _columns_text(columns)
    ids, vals, _words = model.vectorise(title, description, extra)
    docs, sims = model.neighbours(ids, vals)
    tags = [(name, score) for name, score in
            model.tag_scores(title, description, extra, neighbours=(docs, sims),
                             organisation=organisation)
            if score >= MIN_TAG_SCORE][:MAX_TAGS]
    themes = model.theme_scores(docs, sims, f"{title} {description[:1000]}", tags,
                                default_matcher())[:MAX_THEMES]
    licence, licence_score = model.categorical(docs, sims, model.doc_licence, model.licences,
                                               model.licence_prior)
    frequency, frequency_score = model.categorical(docs, sims, model.doc_frequency,
                                                   model.frequencies, model.frequency_prior)
    return {
        "themes": [{"slug": slug, "score": score} for slug, score in themes],
        "tags": [{"name": name, "score": score} for name, score in tags],
        "licence": {"slug": licence, "score": licence_score} if licence else None,
        "frequency": ({"code": frequency, "score": frequency_score} if frequency else None),
        "territories": _territories(title, description, columns),
        "producer_tags": producer_tags(organisation, {name for name, _score in tags}),
        "neighbours": len(docs),
    }
