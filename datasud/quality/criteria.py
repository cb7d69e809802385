"""The metadata quality score: explicit criteria, each with its weight and its advice.

A criterion looks at what is known of a dataset (`Facts`, read in batches by `facts.py`)
and says how far it is met (`Check.fraction`, 0 to 1), or that it does not apply (None: a
dataset without tabular file has no schema to declare). The score is the weighted share of
the criteria that apply, on 100:

    score = round(100 * sum(weight * fraction) / sum(weight of the criteria that apply))

so that a dataset is never penalised for what it cannot have. The weights add up to 100.
The table of criteria is documented in docs/qualite.md: change both together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Characters of description that make it complete; half the points from SHORT_DESCRIPTION.
GOOD_DESCRIPTION = 200
SHORT_DESCRIPTION = 80
GOOD_TAG_COUNT = 3

# Formats open and readable by machine (lower case, as detected or declared). Containers
# (zip, 7z) hold data files most of the time on this catalogue (zipped shapefiles).
OPEN_FORMATS = {
    "csv",
    "csv lonlat/xy",
    "tsv",
    "txt",
    "json",
    "jsonl",
    "ndjson",
    "geojson",
    "topojson",
    "xml",
    "gml",
    "kml",
    "kmz",
    "gpx",
    "gpkg",
    "geopackage",
    "shp",
    "shapefile",
    "shapefile (zip)",
    "zip",
    "7z",
    "parquet",
    "geoparquet",
    "ods",
    "odt",
    "rdf",
    "ttl",
    "jsonld",
    "json-ld",
    "n3",
    "netcdf",
    "nc",
    "geotiff",
    "tiff",
    "tif",
    "las",
    "laz",
    "3dtiles",
    "gtfs",
    "gtfs-rt",
    "netex",
    "siri",
    "sld",
    "qml",
    "wms",
    "wfs",
    "wmts",
    "ogc:wms",
    "ogc:wfs",
    "api",
    "sqlite",
}
# Tabular formats a Table Schema describes (geographic ones are described by their layers).
SCHEMA_FORMATS = {
    "csv",
    "tsv",
    "txt",
    "xlsx",
    "xlsm",
    "xls",
    "ods",
    "json",
    "jsonl",
    "ndjson",
    "parquet",
}

# Longest acceptable time since the last update, per declared frequency: the period plus
# a margin (a monthly dataset updated 40 days ago is not late yet). Irregular, punctual and
# unknown frequencies promise no date: the criterion does not apply.
ALLOWED_AGE = {
    "continuous": dt.timedelta(days=3),
    "daily": dt.timedelta(days=3),
    "weekly": dt.timedelta(days=10),
    "monthly": dt.timedelta(days=40),
    "quarterly": dt.timedelta(days=100),
    "semiannual": dt.timedelta(days=200),
    "annual": dt.timedelta(days=400),
    "biennial": dt.timedelta(days=800),
}


@dataclass
class ResourceFacts:
    id: int
    title: str
    kind: str  # Resource.Kind: "file" or "url"
    url: str
    format: str
    modified_at: dt.datetime
    #: Status of the latest finished datastore load ("succeeded" / "failed"), None if none.
    load_status: str | None = None
    has_schema: bool = False
    #: The link checker's verdict for a remote resource: None until checked.
    broken: bool | None = None


@dataclass
class Facts:
    """What the criteria read of one dataset."""

    id: int
    title: str
    description: str
    licence_title: str | None
    licence_is_open: bool
    frequency: str
    frequency_label: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    has_extent: bool
    modified_at: dt.datetime
    archived: bool
    tag_count: int = 0
    territory_count: int = 0
    resources: list[ResourceFacts] = field(default_factory=list)


@dataclass
class Check:
    code: str
    label: str
    weight: int
    #: 0 to 1; None when the criterion does not apply to this dataset.
    fraction: float | None
    #: What to do, in French, when the criterion is not fully met ("" otherwise).
    advice: str = ""

    @property
    def applies(self) -> bool:
        return self.fraction is not None

    @property
    def passed(self) -> bool:
        return self.fraction is not None and self.fraction >= 1

    @property
    def lost(self) -> float:
        """Points of weight lost (what fixing it would bring, before rescaling)."""
        return 0.0 if self.fraction is None else self.weight * (1 - self.fraction)


@dataclass
class Report:
    dataset_id: int
    score: int
    checks: list[Check]

    @property
    def advice(self) -> list[Check]:
        """The criteria not fully met, the ones that cost most first."""
        failing = [c for c in self.checks if c.applies and not c.passed]
        return sorted(failing, key=lambda c: -c.lost)

    @property
    def main_advice(self) -> str:
        advice = self.advice
        return advice[0].advice if advice else ""


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    weight: int
    #: (facts, now) -> (fraction or None, advice)
    evaluate: Callable[[Facts, dt.datetime], tuple[float | None, str]]


def _description(facts: Facts, now) -> tuple[float, str]:
    text = " ".join(facts.description.split())
    length = len(text)
    if length and text.casefold().strip(" .") == " ".join(facts.title.split()).casefold():
        return 0.0, _(
            "La description répète le titre : expliquez ce que contiennent les "
            "données, d'où elles viennent, comment elles sont produites et leurs "
            "limites."
        )
    if length < SHORT_DESCRIPTION:
        fraction = 0.0
    elif length < GOOD_DESCRIPTION:
        fraction = 0.5
    else:
        fraction = 1.0
    letters = [c for c in text if c.isalpha()]
    if (
        fraction > 0
        and len(letters) > 40
        and sum(c.isupper() for c in letters) > 0.6 * len(letters)
    ):
        return fraction / 2, _(
            "La description est écrite en majuscules : rédigée en "
            "minuscules, elle se lit bien mieux."
        )
    if fraction < 1:
        return fraction, _(
            "Décrivez le jeu de données en au moins %(good)d caractères (il "
            "en a %(n)d) : ce qu'il contient, d'où viennent les données, "
            "comment elles sont produites, leurs limites."
        ) % {"good": GOOD_DESCRIPTION, "n": length}
    return 1.0, ""


def _tags(facts: Facts, now) -> tuple[float, str]:
    if facts.tag_count >= GOOD_TAG_COUNT:
        return 1.0, ""
    return facts.tag_count / GOOD_TAG_COUNT, _(
        "Ajoutez au moins %(good)d mots-clés (il y en a %(n)d) : ce sont les mots que les "
        "réutilisateurs taperont dans la recherche."
    ) % {"good": GOOD_TAG_COUNT, "n": facts.tag_count}


def _licence(facts: Facts, now) -> tuple[float, str]:
    if facts.licence_title is None:
        return 0.0, _(
            "Choisissez une licence : sans elle, personne ne sait s'il a le droit "
            "de réutiliser les données. La Licence Ouverte 2.0 est recommandée."
        )
    if not facts.licence_is_open:
        return 0.0, _(
            "La licence « %(licence)s » n'est pas une licence ouverte : préférez "
            "la Licence Ouverte 2.0 ou l'ODbL."
        ) % {"licence": facts.licence_title}
    return 1.0, ""


def _spatial(facts: Facts, now) -> tuple[float, str]:
    if facts.territory_count or facts.has_extent:
        return 1.0, ""
    return 0.0, _(
        "Indiquez la couverture territoriale (communes, intercommunalités, "
        "département…) : elle permet de trouver le jeu par territoire et sur la "
        "carte."
    )


def _temporal(facts: Facts, now) -> tuple[float, str]:
    if facts.temporal_start or facts.temporal_end:
        return 1.0, ""
    return 0.0, _(
        "Précisez la période couverte par les données : la date de début, et celle "
        "de fin si la série est close."
    )


def _frequency(facts: Facts, now) -> tuple[float, str]:
    if facts.frequency and facts.frequency != "unknown":
        return 1.0, ""
    return 0.0, _(
        "Indiquez la fréquence de mise à jour, même « Ponctuelle » ou "
        "« Irrégulière » : les réutilisateurs sauront à quoi s'attendre."
    )


def last_update(facts: Facts) -> dt.datetime:
    """The latest change of the dataset or of one of its resources."""
    return max([facts.modified_at, *(r.modified_at for r in facts.resources)])


def _freshness(facts: Facts, now) -> tuple[float | None, str]:
    allowed = ALLOWED_AGE.get(facts.frequency)
    if allowed is None or facts.archived:
        return None, ""
    last = last_update(facts)
    if now - last <= allowed:
        return 1.0, ""
    return 0.0, _(
        "La fréquence déclarée est « %(frequency)s » mais la dernière mise à jour "
        "date du %(date)s : publiez les données récentes, ou corrigez la fréquence "
        "(ou archivez le jeu s'il n'est plus tenu à jour)."
    ) % {"frequency": facts.frequency_label, "date": formats.date_format(last, "DATE_FORMAT")}


def _has_resources(facts: Facts, now) -> tuple[float, str]:
    if facts.resources:
        return 1.0, ""
    return 0.0, _(
        "Ajoutez au moins une ressource (un fichier ou un lien vers les données) : "
        "le jeu de données n'en a aucune."
    )


def format_name(value: str) -> str:
    return " ".join((value or "").lower().split())


def _open_formats(facts: Facts, now) -> tuple[float | None, str]:
    if not facts.resources:
        return None, ""
    closed = [r for r in facts.resources if format_name(r.format) not in OPEN_FORMATS]
    if not closed:
        return 1.0, ""
    names = sorted({format_name(r.format) or _("format non précisé") for r in closed})
    return 1 - len(closed) / len(facts.resources), ngettext(
        "%(n)d ressource sur %(total)d n'est pas dans un format ouvert et lisible par "
        "machine (%(formats)s) : publiez aussi les données en CSV, GeoJSON, ODS ou JSON, et "
        "précisez le format de chaque ressource.",
        "%(n)d ressources sur %(total)d ne sont pas dans un format ouvert et lisible par "
        "machine (%(formats)s) : publiez aussi les données en CSV, GeoJSON, ODS ou JSON, et "
        "précisez le format de chaque ressource.",
        len(closed),
    ) % {"n": len(closed), "total": len(facts.resources), "formats": ", ".join(names)}


def _schema(facts: Facts, now) -> tuple[float | None, str]:
    tabular = [r for r in facts.resources if format_name(r.format) in SCHEMA_FORMATS]
    if not tabular:
        return None, ""
    if any(r.has_schema for r in tabular):
        return 1.0, ""
    return 0.0, _(
        "Déclarez un schéma de données (Table Schema, par exemple un schéma de "
        "schema.data.gouv.fr) pour vos fichiers tabulaires : il documente chaque "
        "colonne et chaque chargement est validé par rapport à lui."
    )


def _titles(resources: list[ResourceFacts], limit: int = 3) -> str:
    titles = [f"« {r.title} »" for r in resources[:limit]]
    if len(resources) > limit:
        titles.append("…")
    return ", ".join(titles)


def _loads(facts: Facts, now) -> tuple[float | None, str]:
    loaded = [r for r in facts.resources if r.load_status in ("succeeded", "failed")]
    if not loaded:
        return None, ""
    failed = [r for r in loaded if r.load_status == "failed"]
    if not failed:
        return 1.0, ""
    return 1 - len(failed) / len(loaded), ngettext(
        "Le chargement de %(n)d ressource a échoué (%(titles)s) : lisez le message d'erreur "
        "sur la page de la ressource et corrigez le fichier.",
        "Le chargement de %(n)d ressources a échoué (%(titles)s) : lisez le message d'erreur "
        "sur la page de chaque ressource et corrigez les fichiers.",
        len(failed),
    ) % {"n": len(failed), "titles": _titles(failed)}


def _links(facts: Facts, now) -> tuple[float | None, str]:
    checked = [r for r in facts.resources if r.kind == "url" and r.broken is not None]
    if not checked:
        return None, ""
    broken = [r for r in checked if r.broken]
    if not broken:
        return 1.0, ""
    return 1 - len(broken) / len(checked), ngettext(
        "%(n)d lien distant ne répond pas (%(titles)s) : corrigez son adresse ou remplacez "
        "la ressource par le fichier.",
        "%(n)d liens distants ne répondent pas (%(titles)s) : corrigez leurs adresses ou "
        "remplacez les ressources par les fichiers.",
        len(broken),
    ) % {"n": len(broken), "titles": _titles(broken)}


CRITERIA: list[Criterion] = [
    Criterion("description", gettext_lazy("Description complète et lisible"), 15, _description),
    Criterion("tags", gettext_lazy("Mots-clés"), 5, _tags),
    Criterion("licence", gettext_lazy("Licence ouverte"), 10, _licence),
    Criterion("spatial", gettext_lazy("Couverture territoriale"), 5, _spatial),
    Criterion("temporal", gettext_lazy("Période couverte"), 5, _temporal),
    Criterion("frequency", gettext_lazy("Fréquence de mise à jour déclarée"), 5, _frequency),
    Criterion("freshness", gettext_lazy("Fréquence de mise à jour respectée"), 10, _freshness),
    Criterion("resources", gettext_lazy("Au moins une ressource"), 10, _has_resources),
    Criterion("open_formats", gettext_lazy("Formats ouverts"), 10, _open_formats),
    Criterion("schema", gettext_lazy("Schéma de données déclaré"), 5, _schema),
    Criterion("loads", gettext_lazy("Données chargées sans erreur"), 10, _loads),
    Criterion("links", gettext_lazy("Liens distants accessibles"), 10, _links),
]
assert sum(c.weight for c in CRITERIA) == 100


def evaluate(facts: Facts, now: dt.datetime) -> Report:
    """The report of one dataset: every criterion's check and the score (0-100)."""
    checks = []
    for criterion in CRITERIA:
        fraction, advice = criterion.evaluate(facts, now)
        if fraction is not None:
            fraction = min(max(float(fraction), 0.0), 1.0)
        checks.append(
            Check(
                criterion.code,
                str(criterion.label),
                criterion.weight,
                fraction,
                advice if fraction is not None and fraction < 1 else "",
            )
        )
    applicable = sum(c.weight for c in checks if c.applies)
    earned = sum(c.weight * c.fraction for c in checks if c.applies)
    score = round(100 * earned / applicable) if applicable else 0
    return Report(facts.id, score, checks)
