"""From a person's words to ROME appellations: a character-trigram index over the
masculine and feminine forms of every appellation and the fiche labels.

Trigrams of each word (padded with spaces) survive typos, missing accents and truncated
words; an IDF weight keeps frequent fragments ("eur", "ice") from ranking. A short list of
abbreviations people really type ("dev", "as", "rh"...) is expanded before the lookup.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
COMMON_POSTINGS = 1500

# Abbreviations and informal words of job seekers, expanded to the ROME's vocabulary.
ABBREVIATIONS = {
    "dev": "developpeur", "devs": "developpeur", "developpeuse": "developpeur",
    "as": "aide soignant", "ash": "agent service hospitalier", "asv": "auxiliaire veterinaire",
    "aes": "accompagnant educatif social", "avs": "auxiliaire vie scolaire",
    "rh": "ressources humaines", "drh": "directeur ressources humaines",
    "ide": "infirmier", "infirmiere": "infirmier", "prof": "professeur",
    "instit": "professeur ecoles", "resp": "responsable", "respo": "responsable",
    "tech": "technicien", "ing": "ingenieur", "dir": "directeur", "adj": "adjoint",
    "assist": "assistant", "comm": "commercial", "compta": "comptable",
    "info": "informatique", "admin": "administrateur", "sys": "systemes",
    "secu": "securite", "btp": "batiment travaux publics", "vl": "vehicule leger",
    "pl": "poids lourd", "spl": "super poids lourd", "vtc": "voiture transport chauffeur",
    "cariste": "cariste", "atsem": "agent territorial specialise ecoles maternelles",
    "chef": "chef", "cdp": "chef projet", "pdg": "directeur general",
    "dsi": "directeur systemes information", "ux": "ergonome", "seo": "referenceur",
    "devops": "ingenieur devops", "data": "donnees", "commis": "commis",
    "serveuse": "serveur", "caissiere": "caissier", "vendeuse": "vendeur",
    "coiffeuse": "coiffeur", "agente": "agent", "employee": "employe",
}
# Words that describe the conditions of a job rather than the job itself.
STOPWORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "en", "et", "a", "au", "aux",
             "nuit", "jour", "cdi", "cdd", "interim", "temps", "partiel", "plein", "h", "f",
             "hf", "fh", "homme", "femme", "poste", "job", "emploi", "metier", "je", "suis",
             "un", "une", "mon", "ma"}


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.lower().replace("œ", "oe").replace("æ", "ae")
    return " ".join(_NON_ALNUM.sub(" ", bare).split())


def query_words(text: str) -> list[str]:
    words = []
    for word in fold(text).split():
        expansion = ABBREVIATIONS.get(word, word)
        words.extend(w for w in expansion.split() if w not in STOPWORDS)
    return words


def appellation_forms(label: str) -> list[str]:
    """The masculine and feminine forms of a ROME label.

    "Caissier / Caissière" gives both words; in "Agent / Agente d'entretien" the masculine
    part lacks the shared tail, which is taken from the feminine one."""
    parts = [p.strip() for p in label.split(" / ")]
    if len(parts) != 2:
        return [label]
    left, right = parts[0].split(), parts[1].split()
    if len(left) < len(right):
        left = left + right[len(left):]
    return [" ".join(left), parts[1]]


def trigrams(words: list[str]) -> list[str]:
    grams = []
    for word in words:
        padded = f" {word} "
        grams.extend(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


@dataclass(frozen=True)
class TitleMatch:
    code_ogr: str
    label: str
    code_rome: str
    score: float


class TitleIndex:
    """Trigram cosine index over labels; each label points to an appellation."""

    def __init__(self):
        self._labels: list[tuple[str, str, str]] = []  # (code_ogr, label, code_rome)
        self._docs: list[tuple[int, float]] = []       # (label index, weight bonus)
        self._grams: list[dict[str, int]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._idf: dict[str, float] = {}
        self._norms: list[float] = []

    def add(self, code_ogr: str, label: str, code_rome: str, variants: list[str],
            bonus: float = 0.0) -> None:
        index = len(self._labels)
        self._labels.append((code_ogr, label, code_rome))
        seen = set()
        for variant in variants:
            words = [w for w in fold(variant).split() if w not in STOPWORDS]
            key = " ".join(words)
            if not words or key in seen:
                continue
            seen.add(key)
            counts: dict[str, int] = defaultdict(int)
            for gram in trigrams(words):
                counts[gram] += 1
            doc = len(self._docs)
            self._docs.append((index, bonus))
            self._grams.append(dict(counts))
            for gram in counts:
                self._postings[gram].append(doc)

    def freeze(self) -> None:
        """Compute IDF weights and document norms once every label is in."""
        total = len(self._docs) or 1
        self._idf = {g: math.log(1 + total / len(p)) for g, p in self._postings.items()}
        self._norms = [math.sqrt(sum((c * self._idf[g]) ** 2 for g, c in grams.items()))
                       for grams in self._grams]
        self._postings = dict(self._postings)

    def search(self, text: str, limit: int = 10) -> list[TitleMatch]:
        words = query_words(text)
        counts: dict[str, int] = defaultdict(int)
        for gram in trigrams(words):
            counts[gram] += 1
        weights = {g: c * self._idf[g] for g, c in counts.items() if g in self._idf}
        if not weights:
            return []
        query_norm = math.sqrt(sum(w * w for w in weights.values()))
        scores: dict[int, float] = defaultdict(float)
        # Rare fragments first; a very common one ("eur", "ice") only adds to the labels
        # the rarer ones already found, instead of walking its thousands of postings.
        for gram in sorted(weights, key=lambda g: len(self._postings[g])):
            weight = weights[gram] * self._idf[gram]
            postings = self._postings[gram]
            if len(postings) > COMMON_POSTINGS and scores:
                for doc in list(scores):
                    count = self._grams[doc].get(gram)
                    if count:
                        scores[doc] += weight * count
                continue
            for doc in postings:
                scores[doc] += weight * self._grams[doc][gram]
        best: dict[int, float] = {}
        for doc, dot in scores.items():
            index, bonus = self._docs[doc]
            score = dot / (query_norm * self._norms[doc]) + bonus
            if score > best.get(index, 0.0):
                best[index] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self._labels[kv[0]][1]))[:limit]
        return [TitleMatch(*self._labels[i], score=round(s, 4)) for i, s in ranked]

    @property
    def size(self) -> int:
        return len(self._docs)
