"""Text features of the suggestion model: folded words (no accents, lower case, rough
singular), French stop words removed, plus word prefixes (a cheap stand-in for stemming and
character n-grams: "cyclable", "cyclables", "cycliste" share "p:cycl") and word pairs.

The same function turns the training catalogue and a producer's title into features, so
whatever it does wrong it does the same way on both sides.
"""
from __future__ import annotations

import re
import unicodedata
import zlib

from datasud.catalog.importers.text import singular

# Words that say nothing about a dataset's subject. Kept short on purpose: "plan", "liste",
# "donnees" are left to the IDF weights, which know how common they are.
STOP_WORDS = frozenset("""
a au aux avec ce ces cet cette d dans de des du en et est il ils la le les leur leurs l
n ne ni nos notre on ou où par pas pour qu que qui sa se ses son sur ta te tes ton un une
vos votre y à été être sont sera ont avoir fait sans sous entre comme plus moins tout tous
toute toutes afin ainsi aussi dont elle elles lors selon chaque c s m j mais donc car si
the of and in to for on by with from is are this that data dataset
jeu jeux donnee donnees fichier fichiers ensemble contient contenant presente permet
""".split())

PREFIX_LENGTH = 5
DESCRIPTION_CHARS = 1000  # the start of a description says what it is about
TITLE_WEIGHT = 3.0  # a title's features count this many times a description's
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Like `catalog.importers.text.fold` (lower case, no accents, other characters as
    spaces), with regular expressions instead of a loop over characters: training folds
    60 million characters."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    return _NON_ALNUM.sub(" ", _COMBINING.sub("", text).lower()).strip()


def tokens(text: str) -> list[str]:
    """Folded, singular words of `text` without stop words or bare numbers."""
    out = []
    for word in fold(text).split():
        if word in STOP_WORDS or word.isdigit() or len(word) < 2:
            continue
        out.append(singular(word))
    return out


def features(words: list[str]) -> list[str]:
    """Every feature of a list of `tokens`, repeated as often as it occurs."""
    out = list(words)
    out.extend("p:" + w[:PREFIX_LENGTH] for w in words if len(w) > PREFIX_LENGTH)
    out.extend(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    return out


def document_features(title: str, description: str = "",
                      extra: str = "") -> tuple[dict[str, float], set[str]]:
    """Feature counts of a dataset and the set of its words. The title counts three times
    (it is what producers write with the most care), the start of the description once,
    column names and values (`extra`) once. (The producer's name as a feature was tried:
    no gain on the held-out split, -0.002 P@5.)"""
    counts: dict[str, float] = {}
    words: set[str] = set()
    for part, weight in ((title, TITLE_WEIGHT), (description[:DESCRIPTION_CHARS], 1.0),
                         (extra, 1.0)):
        part_tokens = tokens(part)
        words.update(part_tokens)
        for feature in features(part_tokens):
            counts[feature] = counts.get(feature, 0.0) + weight
    return counts, words


def tag_words(tag: str) -> tuple[str, ...]:
    """The content words of a tag as they would appear among `tokens()` of a text:
    "reseaux-de-transport" -> ("reseau", "transport")."""
    return tuple(tokens(tag.replace("-", " ")))


_WORDS = re.compile(r"\w+")


def title_template(title: str) -> str:
    """The title with what changes within a series of datasets masked: numbers (years,
    codes) and capitalised words after the first (commune and place names): « Budget
    primitif 2023 de Gap » and « Budget primitif 2024 de Digne » share « budget primitif ».
    A title mostly in capitals keeps its words (only its numbers are masked)."""
    words = [w for w in _WORDS.findall(title or "") if not any(c.isdigit() for c in w)]
    capitalised = [i > 0 and w[:1].isupper() for i, w in enumerate(words)]
    if sum(capitalised) * 2 <= len(words):
        words = [w for w, cap in zip(words, capitalised, strict=True) if not cap]
    return " ".join(tokens(" ".join(words)))


def template_key(title: str) -> int:
    """A 32-bit fingerprint of `title_template` (0: nothing left to compare)."""
    template = title_template(title)
    return zlib.crc32(template.encode("utf-8")) if template else 0
