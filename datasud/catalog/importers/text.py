"""Text normalisation shared by the importers: matching names, tags and keywords written
with or without accents, capitals, hyphens or apostrophes."""
from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, no accents, every run of other characters turned into one space:
    "Communauté d'Agglomération Arles-Crau" → "communaute d agglomeration arles crau"."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def singular(word: str) -> str:
    """A rough French singular of a folded word: "transports" → "transport", "eaux" → "eau".
    Applied the same way to keywords and to the text they are matched against, so an
    imperfect rule (e.g. "pacs" → "pac") only matters when two real words collide."""
    if len(word) >= 4 and word[-1] in "sx" and word[-2] not in "su":
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return fold(text).split()
