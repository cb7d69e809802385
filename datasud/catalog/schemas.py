"""What the catalogue API reads and writes: Ninja schemas, one per shape (organisations and
their members are in `schemas_organisations.py`).

Outputs expand references (`{"slug", "name"}`); inputs name them by slug (organisation,
themes, licence, datasets) or key (territories, `commune:13055`). Dates are ISO 8601.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import NoReverseMatch
from ninja import Field, Schema
from pydantic import field_validator

from datasud.api import Page, PageParams
from datasud.search.services import RANKINGS, SORTS

from .models import Dataset, Resource, Reuse

# Choices as literal values: inlined in the OpenAPI document, where enum classes sharing a
# name (Organisation.Type, Reuse.Type) would overwrite each other.
DatasetStatus = Literal[tuple(Dataset.Status.values)]  # type: ignore[valid-type]
Frequency = Literal[tuple(Dataset.Frequency.values)]  # type: ignore[valid-type]
ResourceKind = Literal[tuple(Resource.Kind.values)]  # type: ignore[valid-type]
ReuseType = Literal[tuple(Reuse.Type.values)]  # type: ignore[valid-type]


def absolute(context, path: str | None) -> str | None:
    if not path:
        return None
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


def page_url(obj, context) -> str | None:
    """Absolute address of the object's page on the platform, None until pages exist."""
    try:
        return absolute(context, obj.get_absolute_url())
    except NoReverseMatch:
        return None


def check_url(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https", "ftp"])(value)
        except DjangoValidationError as error:
            raise ValueError("Adresse (URL) invalide.") from error
    return value


def _check_email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as error:
            raise ValueError("Adresse électronique invalide.") from error
    return value


# --- References ---------------------------------------------------------------------------

class OrganisationRef(Schema):
    slug: str = Field(examples=["region-sud"])
    name: str = Field(examples=["Région Sud"])


class ThemeRef(Schema):
    slug: str = Field(examples=["mobilite-et-transports"])
    name: str = Field(examples=["Mobilité et transports"])


class LicenceRef(Schema):
    slug: str = Field(examples=["lov2"])
    title: str = Field(examples=["Licence Ouverte Version 2.0"])
    url: str = ""


class TerritoryRef(Schema):
    key: str = Field(examples=["commune:13055"])
    level: str = Field(examples=["commune"])
    code: str = Field(examples=["13055"])
    name: str = Field(examples=["Marseille"])


class DatasetRef(Schema):
    slug: str
    title: str


# --- Reference data -----------------------------------------------------------------------

class ThemeOut(ThemeRef):
    name_en: str = ""
    description: str = ""
    iso_topic: str = ""


class LicenceOut(LicenceRef):
    is_open: bool


# --- Resources ----------------------------------------------------------------------------

class ResourceOut(Schema):
    id: int
    title: str
    description: str
    kind: ResourceKind
    url: str | None = Field(description="Adresse de téléchargement / download address")
    format: str = Field(examples=["csv"])
    media_type: str = Field(examples=["text/csv"])
    size: int | None = Field(None, description="Octets / bytes")
    checksum: str = Field(description="SHA-256 des fichiers déposés / of uploaded files")
    position: int
    created_at: dt.datetime
    modified_at: dt.datetime

    @staticmethod
    def resolve_url(obj: Resource, context) -> str | None:
        return absolute(context, obj.download_url)


class ResourceLinkIn(Schema):
    """A remote resource: a link to a file or service kept elsewhere."""

    url: str = Field(max_length=1000, examples=["https://example.org/arrets.csv"])
    title: str = Field("", max_length=300, examples=["Arrêts de bus (CSV)"])
    description: str = ""
    format: str = Field("", max_length=40, description="Détecté de l'adresse si absent",
                        examples=["csv"])

    check_url = field_validator("url")(check_url)


class ResourceUploadForm(Schema):
    title: str = Field("", max_length=300, description="Le nom du fichier si absent")
    description: str = ""
    format: str = Field("", max_length=40, description="Détecté du contenu si absent")


class ResourcePatch(Schema):
    title: str = Field(None, min_length=1, max_length=300)
    description: str = None
    format: str = Field(None, max_length=40)
    url: str = Field(None, max_length=1000, description="Ressources distantes seulement")

    check_url = field_validator("url")(check_url)


# --- Datasets -----------------------------------------------------------------------------

class TemporalCoverage(Schema):
    start: dt.date | None = Field(None, examples=["2020-01-01"])
    end: dt.date | None = Field(None, examples=["2024-12-31"])


class ContactPoint(Schema):
    name: str = Field("", max_length=200, examples=["Service SIG"])
    email: str = Field("", max_length=254, examples=["sig@example.org"])

    check_email = field_validator("email")(_check_email)


class DatasetSummary(Schema):
    slug: str = Field(examples=["horaires-des-bus"])
    title: str = Field(examples=["Horaires des bus"])
    description: str
    organisation: OrganisationRef
    themes: list[ThemeRef]
    tags: list[str] = Field(examples=[["bus", "transport"]])
    licence: LicenceRef | None
    formats: list[str] = Field(description="Formats des ressources / resource formats",
                               examples=[["csv", "geojson"]])
    status: DatasetStatus
    private: bool
    created_at: dt.datetime
    modified_at: dt.datetime
    published_at: dt.datetime | None
    archived_at: dt.datetime | None = Field(None, description="Archivé : gardé pour mémoire, "
                                            "plus mis à jour / kept, no longer maintained")
    page_url: str | None
    spatial_bbox: list[float] | None = Field(
        None, min_length=4, max_length=4,
        description="Emprise `[ouest, sud, est, nord]` en WGS84 : celle des données "
                    "géographiques, sinon des territoires déclarés / extent in WGS84",
        examples=[[5.2, 43.2, 5.6, 43.4]])
    quality_score: int = Field(
        ge=0, le=100, description="Score de qualité des métadonnées, de 0 à 100 (critères : "
        "docs/qualite.md) ; trier avec `sort=qualite` / metadata quality score",
        examples=[85])

    @staticmethod
    def resolve_tags(obj: Dataset) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_formats(obj: Dataset) -> list[str]:
        formats: list[str] = []
        for resource in obj.resources.all():
            if resource.format and resource.format not in formats:
                formats.append(resource.format)
        return formats

    @staticmethod
    def resolve_page_url(obj: Dataset, context) -> str | None:
        return page_url(obj, context)


class DatasetDetail(DatasetSummary):
    frequency: Frequency
    temporal_coverage: TemporalCoverage
    territories: list[TerritoryRef]
    contact_point: ContactPoint
    resources: list[ResourceOut]
    source_url: str = ""

    @staticmethod
    def resolve_temporal_coverage(obj: Dataset) -> dict:
        return {"start": obj.temporal_start, "end": obj.temporal_end}

    @staticmethod
    def resolve_contact_point(obj: Dataset) -> dict:
        return {"name": obj.contact_name, "email": obj.contact_email}


class DatasetIn(Schema):
    title: str = Field(min_length=1, max_length=300, examples=["Horaires des bus"])
    organisation: str = Field(description="Identifiant (slug) de l'organisation productrice",
                              examples=["ville-de-digne"])
    slug: str = Field("", max_length=250, description="Déduit du titre si absent; "
                      "un suffixe -2, -3... le rend unique")
    description: str = Field("", description="Markdown")
    themes: list[str] = Field([], description="Identifiants de thèmes",
                              examples=[["mobilite-et-transports"]])
    tags: list[str] = Field([], examples=[["bus", "transport"]])
    licence: str | None = Field(None, examples=["lov2"])
    frequency: Frequency = Dataset.Frequency.UNKNOWN.value
    temporal_coverage: TemporalCoverage = Field(default_factory=TemporalCoverage)
    territories: list[str] = Field([], description="Clés de territoires",
                                   examples=[["commune:04070"]])
    contact_point: ContactPoint = Field(default_factory=ContactPoint)
    status: DatasetStatus = Dataset.Status.DRAFT.value
    private: bool = False


class DatasetPatch(Schema):
    """Only the fields sent are changed; `null` empties an optional one."""

    title: str = Field(None, min_length=1, max_length=300)
    organisation: str = None
    description: str = None
    themes: list[str] = None
    tags: list[str] = None
    licence: str | None = None
    frequency: Frequency = None
    temporal_coverage: TemporalCoverage = None
    territories: list[str] = None
    contact_point: ContactPoint = None
    status: DatasetStatus = None
    private: bool = None


SortName = Literal[tuple(SORTS)]  # type: ignore[valid-type]
RankingName = Literal[tuple(RANKINGS)]  # type: ignore[valid-type]


class DatasetFilters(PageParams):
    """Search parameters; a repeated filter means OR within its facet."""

    q: str = Field("", max_length=500, examples=["vélo marseille"])
    theme: list[str] = Field([], examples=[["mobilite-et-transports"]])
    organisation: list[str] = Field([], examples=[["ville-de-digne"]])
    tag: list[str] = Field([], examples=[["bus"]])
    licence: list[str] = Field([], examples=[["lov2"]])
    format: list[str] = Field([], examples=[["csv"]])
    territory: list[str] = Field([], description="Clé de territoire (trouve aussi les jeux de "
                                 "ses EPCI, département, région)", examples=[["commune:13055"]])
    partner: bool | None = Field(None, description="Producteurs partenaires de la Région")
    bbox: str = Field("", max_length=200, description="Zone géographique `ouest,sud,est,nord` "
                      "(longitudes et latitudes WGS84) : les jeux dont l'emprise la croise / "
                      "map area, datasets whose extent intersects it",
                      examples=["5.2,43.2,5.6,43.4"])
    sort: SortName = Field("relevance", description="`relevance` sans `q` vaut `-modified`")
    ranking: RankingName = Field(
        "hybride", description="Classement par pertinence : `hybride` (synonymes, mots "
        "saisis d'abord, correction des fautes de frappe) ou `texte` (texte intégral seul, "
        "les mots tels que saisis) / `hybride`: synonyms, typed words first, typo "
        "correction; `texte`: plain full text")
    correct: bool = Field(True, description="`false` : chercher les mots tels que saisis, "
                          "même mal orthographiés / search the words as typed, never "
                          "corrected")


class FacetValueOut(Schema):
    value: str = Field(examples=["mobilite-et-transports"])
    label: str = Field(examples=["Mobilité et transports"])
    count: int = Field(examples=[12])
    selected: bool


class DatasetSearchPage(Page[DatasetSummary]):
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Par facette / per facet: theme, organisation, tag, licence, format, "
                    "territory, partner")
    sort: str = Field(examples=["-modified"])
    relaxed: bool = Field(description="Aucun jeu n'a tous les mots : résultats avec "
                                      "l'un d'eux / no dataset has every word")
    suggestion: str | None = Field(
        None, examples=["pistes cyclables"],
        description="Correction orthographique de `q` (null sans correction). Avec "
                    "`corrected`, la requête dont voici les résultats (celle saisie ne "
                    "trouvait rien) ; sinon, « vouliez-vous dire ». Spelling correction of "
                    "`q`: the query searched if `corrected`, else a did-you-mean")
    corrected: bool = Field(False, description="Les résultats sont ceux de `suggestion` / "
                                               "results are those of `suggestion`")


class ActivityBy(Schema):
    organisation: str
    user: str | None = Field(None, description="Visible des membres de l'organisation et "
                                               "de l'équipe DataSud seulement")


class ActivityOut(Schema):
    id: int
    action: str = Field(examples=["updated"])
    label: str = Field(examples=["modification"])
    changes: dict = Field(examples=[{"title": ["Ancien titre", "Nouveau titre"]}])
    created_at: dt.datetime
    by: ActivityBy


class ActivityPage(Page[ActivityOut]):
    pass


# --- Reuses -------------------------------------------------------------------------------

class ReuseOut(Schema):
    slug: str
    title: str
    description: str
    url: str
    type: ReuseType
    author_name: str
    organisation: OrganisationRef | None = None
    datasets: list[DatasetRef] = Field(description="Ceux que vous pouvez voir / those you "
                                                   "may see")
    image_url: str | None = None
    published: bool
    page_url: str | None = None
    created_at: dt.datetime
    modified_at: dt.datetime

    @staticmethod
    def resolve_datasets(obj: Reuse, context) -> list:
        # Filled by the handler with the datasets the viewer may see.
        return getattr(obj, "visible_datasets", [])

    @staticmethod
    def resolve_image_url(obj: Reuse, context) -> str | None:
        return absolute(context, obj.image.url if obj.image else None)

    @staticmethod
    def resolve_page_url(obj: Reuse, context) -> str | None:
        return page_url(obj, context)


class ReusePage(Page[ReuseOut]):
    pass


class ReuseFilters(PageParams):
    q: str = Field("", max_length=200, description="Dans le titre ou la description")
    dataset: str = Field("", description="Identifiant d'un jeu de données utilisé")
    organisation: str = ""
    type: list[ReuseType] = []


class ReuseIn(Schema):
    title: str = Field(min_length=1, max_length=300, examples=["Carte des pistes cyclables"])
    url: str = Field(max_length=1000, examples=["https://example.org/carte"])
    slug: str = Field("", max_length=250)
    description: str = ""
    type: ReuseType = Reuse.Type.OTHER.value
    author_name: str = Field("", max_length=200)
    organisation: str | None = Field(None, description="Au nom d'une organisation dont vous "
                                                       "êtes membre")
    datasets: list[str] = Field([], description="Identifiants des jeux utilisés")
    published: bool = True

    check_url = field_validator("url")(check_url)


class ReusePatch(Schema):
    title: str = Field(None, min_length=1, max_length=300)
    url: str = Field(None, max_length=1000)
    description: str = None
    type: ReuseType = None
    author_name: str = Field(None, max_length=200)
    organisation: str | None = None
    datasets: list[str] = None
    published: bool = None

    check_url = field_validator("url")(check_url)
