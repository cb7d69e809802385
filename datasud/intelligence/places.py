"""Territories named in a producer's text or in a table's columns: commune, EPCI,
département and région names (accents, case and hyphens ignored, longest match first),
INSEE commune codes, postal codes, and coordinates columns (points -> communes).

The gazetteer is built from the `Territory` table (loaded from the shipped reference data)
once per process. Names that are also ordinary words ("Orange", "Cassis", "Gap", "Var",
"La Garde") only count when written with a capital letter, and a lone word at the start of
a sentence is not enough for them: "Orange" opens many a sentence about telecoms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from datasud.territories.models import Territory

from .text import fold

MAX_NAME_WORDS = 8
# Words of commune and département names of the région that are also ordinary French
# (or English) words: such a name must be capitalised to count.
COMMON_WORDS = frozenset("""
orange cannes grasse gap apt pertuis cassis bras mane vars mons sault tende crau val garde
port thor muy arcs pin lurs motte roque croix mees plan rove tour var sorgues fox cians
bar loup colle bastide brigue crots eze la le les mure saint sainte pierre mont villars
beausoleil cuers puget puy rians riez rousset sablet trets vence cabris cotignac pradet
vallon peille vins tourves allos ceillac moulinet bonson levens aspres montagne chateau
""".split())
_ARTICLES = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "sur", "en", "et", "a"})
_EPCI_PREFIX = re.compile(
    r"^(cc|ca|communaute (de communes|d agglomeration)|metropole|agglomeration|syndicat)\s+"
    r"((de la|de l|du|des|de|d)\s+)?")
_WORD = re.compile(r"\w+", re.UNICODE)
_FIVE_DIGITS = re.compile(r"(?<![\d.,])(\d[\dAaBb]\d{3})(?![\d.,])")
REGION_ALIASES = ("provence alpes cote d azur", "region sud", "paca", "region paca")


@dataclass
class Found:
    territory_key: str
    level: str
    code: str
    name: str
    score: float
    source: str

    def as_dict(self) -> dict:
        return {"key": self.territory_key, "level": self.level, "code": self.code,
                "name": self.name, "score": round(self.score, 3), "source": self.source}


@dataclass
class Gazetteer:
    names: dict[tuple[str, ...], list[tuple]] = field(default_factory=dict)
    insee: dict[str, tuple] = field(default_factory=dict)
    postcodes: dict[str, list[tuple]] = field(default_factory=dict)
    boxes: list[tuple] = field(default_factory=list)   # (territory, bbox, geometry) communes

    def add_name(self, name: str, territory: tuple, *, needs_capital: bool | None = None):
        key = tuple(fold(name).split())
        if not key:
            return
        if needs_capital is None:
            content = [w for w in key if w not in _ARTICLES]
            needs_capital = all(w in COMMON_WORDS for w in content)
        self.names.setdefault(key, []).append((territory, needs_capital))


def _entry(t: Territory) -> tuple:
    return (t.key, t.level, t.code, t.name)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Every territory under its names and codes (cleared by `reset_gazetteer`)."""
    g = Gazetteer()
    for t in Territory.objects.only("level", "code", "name", "postcodes", "bbox", "geometry"):
        entry = _entry(t)
        if t.level == Territory.Level.COMMUNE:
            g.add_name(t.name, entry)
            g.insee[t.code.upper()] = entry
            for postcode in t.postcodes or []:
                g.postcodes.setdefault(str(postcode), []).append(entry)
            if t.bbox and t.geometry:
                g.boxes.append((entry, t.bbox, t.geometry))
        elif t.level == Territory.Level.EPCI:
            g.add_name(t.name, entry, needs_capital=False)
            core = re.sub(r"\s*\([^)]*\)", "", t.name)
            folded = _EPCI_PREFIX.sub("", fold(core))
            if len([w for w in folded.split() if w not in _ARTICLES]) >= 2:
                g.add_name(folded, entry, needs_capital=False)
            for acronym in re.findall(r"\(([A-Z][A-Z ]{2,})\)", t.name):
                g.add_name(acronym, entry, needs_capital=True)
        elif t.level == Territory.Level.DEPARTEMENT:
            g.add_name(t.name, entry)
        else:
            g.add_name(t.name, entry, needs_capital=False)
            for alias in REGION_ALIASES:
                g.add_name(alias, entry, needs_capital=alias == "paca")
    return g


def reset_gazetteer() -> None:
    gazetteer.cache_clear()
    _prepared_communes.cache_clear()


def names_in_text(text: str, *, score: float, source: str) -> list[Found]:
    """Territory names in `text`, longest match first; an ambiguous name (several
    territories) is skipped."""
    g = gazetteer()
    originals = _WORD.findall(text or "")
    folded = [fold(w) for w in originals]
    found: list[Found] = []
    i = 0
    while i < len(folded):
        for length in range(min(MAX_NAME_WORDS, len(folded) - i), 0, -1):
            # A word may fold into several ("Œuvre" -> "oeuvre" stays one): join and split.
            key = tuple(" ".join(folded[i:i + length]).split())
            candidates = g.names.get(key)
            if not candidates:
                continue
            territories = {c[0] for c in candidates}
            if len(territories) != 1:
                break
            entry, needs_capital = candidates[0]
            if needs_capital and not _capitalised(originals, folded, i, length, text):
                break
            found.append(Found(*entry, score=score, source=source))
            i += length - 1
            break
        i += 1
    return found


def _capitalised(originals: list[str], folded: list[str], start: int, length: int,
                 text: str) -> bool:
    content = [o for o, f in zip(originals[start:start + length], folded[start:start + length],
                                 strict=True) if f not in _ARTICLES]
    if not all(o[:1].isupper() for o in content):
        return False
    if length == 1 and start == 0:
        return False  # a lone common word opening the text: capitalised anyway
    return True


def codes_in_text(text: str, *, score: float, source: str, postal: bool | None = None,
                  ) -> list[Found]:
    """INSEE commune codes, then postal codes, among the five-character numbers of `text`
    (`postal=True`: only postal codes, `False`: only INSEE codes, None: both)."""
    g = gazetteer()
    found: list[Found] = []
    for code in _FIVE_DIGITS.findall(text or ""):
        code = code.upper()
        if postal is not True and code in g.insee:
            found.append(Found(*g.insee[code], score=score, source=source))
        elif postal is not False and code in g.postcodes:
            communes = g.postcodes[code]
            if len(communes) <= 3:  # a postal code shared by many communes says little
                found.extend(Found(*c, score=score * 0.8, source=source) for c in communes)
    return found


@lru_cache(maxsize=1)
def _prepared_communes():
    from shapely import prepare
    from shapely.geometry import shape

    prepared = []
    for entry, bbox, geometry in gazetteer().boxes:
        polygon = shape(geometry)
        prepare(polygon)
        prepared.append((entry, bbox, polygon))
    return prepared


def communes_at(points: list[tuple[float, float]], *, source: str) -> list[Found]:
    """The communes containing the points (lon, lat), scored by their share of points."""
    from shapely.geometry import Point

    if not points:
        return []
    hits: dict[tuple, int] = {}
    for lon, lat in points:
        for entry, (x0, y0, x1, y1), polygon in _prepared_communes():
            if x0 <= lon <= x1 and y0 <= lat <= y1 and polygon.contains(Point(lon, lat)):
                hits[entry] = hits.get(entry, 0) + 1
                break
    total = len(points)
    return [Found(*entry, score=0.5 + 0.5 * n / total, source=source)
            for entry, n in sorted(hits.items(), key=lambda item: -item[1])]


def merge(found: list[Found], limit: int = 10) -> list[dict]:
    """One entry per territory (its best score), best first."""
    best: dict[str, Found] = {}
    for item in found:
        if item.territory_key not in best or item.score > best[item.territory_key].score:
            best[item.territory_key] = item
    ranked = sorted(best.values(), key=lambda f: (-f.score, f.name))
    return [f.as_dict() for f in ranked[:limit]]
