"""API of related datasets (`/api/1/datasets/{slug or id}/related/`) and of the column
search (`/api/1/colonnes/?q=siret`). Both read through `Dataset.objects.visible_to`."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from datasud.api import PUBLIC, Page, PageParams, error_responses, page_of
from datasud.catalog.api import DATASET_NOT_FOUND
from datasud.catalog.models import Dataset
from datasud.catalog.schemas import OrganisationRef
from datasud.catalog.services import CatalogError

from .columns import ColumnQueryError, search_columns
from .kinds import KINDS
from .related import related_datasets

related_router = Router(tags=["Jeux de données / Datasets"])
columns_router = Router(tags=["Jeux de données / Datasets"])


class ReasonOut(Schema):
    kind: str = Field(
        description="content, tags, producer, territory, theme", examples=["territory"]
    )
    label: str = Field(examples=["Même territoire : Nice"])


class RelatedDatasetOut(Schema):
    slug: str
    title: str
    organisation: OrganisationRef
    page_url: str
    score: float = Field(description="Plus grand = plus lié / higher is closer", examples=[0.42])
    reasons: list[ReasonOut]


class ColumnOut(Schema):
    resource_id: int
    resource_title: str
    table: str = Field(description="Feuille d'un classeur, vide sinon / sheet name or empty")
    sql_table: str = Field(
        description="Nom de la table dans l'API SQL / in the SQL API", examples=["resource_12"]
    )
    name: str = Field(
        description="Nom dans l'entrepôt / name in the datastore", examples=["code_insee"]
    )
    label: str = Field(
        description="Intitulé du fichier source / source header", examples=["Code INSEE"]
    )
    type: str = Field(description="Type Table Schema", examples=["string"])
    kind: str = Field(
        description="Nature reconnue des valeurs / detected kind, or empty", examples=["code_insee"]
    )
    kind_label: str = Field(examples=["Code INSEE de commune"])
    match: str = Field(
        description="kind (valeurs), name (nom exact), partial (nom partiel)", examples=["kind"]
    )
    examples: list[str]


class DatasetColumnsOut(Schema):
    slug: str
    title: str
    organisation: OrganisationRef
    page_url: str
    columns: list[ColumnOut]


class KindOut(Schema):
    kind: str
    label: str


class ColumnSearchPage(Page[DatasetColumnsOut]):
    query: str
    kinds: list[KindOut] = Field(
        description="Natures de colonne que la recherche désigne / column kinds the query names"
    )


class ColumnSearchParams(PageParams):
    q: str = Field(
        "",
        description="Nom ou nature de colonne (100 caractères au plus) : `siret`, "
        "`code insee`, `latitude`... (`colonne:siret` accepté) / column name or "
        "kind",
        examples=["code insee"],
    )


def _dataset(request: HttpRequest, ref: str) -> Dataset:
    visible = Dataset.objects.visible_to(request.auth)
    dataset = visible.filter(slug=ref).first()
    if dataset is None and ref.isdigit():
        dataset = visible.filter(pk=int(ref)).first()
    if dataset is None:
        raise Http404(DATASET_NOT_FOUND)
    return dataset


def _organisation(dataset: Dataset) -> dict:
    return {"slug": dataset.organisation.slug, "name": dataset.organisation.name}


@related_router.get(
    "/{ref}/related/",
    response={200: list[RelatedDatasetOut], **error_responses(404)},
    **PUBLIC,
    url_name="related_datasets",
    summary="Jeux de données liés / Related datasets",
    description="Jusqu'à 6 jeux de données liés (contenu proche, même producteur, territoire "
    "ou thème communs), chacun avec ses raisons ; `ref` est l'identifiant "
    "(slug) ou le numéro du jeu. Up to 6 related datasets, each with the reasons "
    "of the relation; `ref` is the dataset's slug or numeric id.",
)
def list_related(request: HttpRequest, ref: str):
    dataset = _dataset(request, ref)
    return [
        {
            "slug": item.dataset.slug,
            "title": item.dataset.title,
            "organisation": _organisation(item.dataset),
            "page_url": request.build_absolute_uri(item.dataset.get_absolute_url()),
            "score": item.score,
            "reasons": [{"kind": r.kind, "label": r.label} for r in item.reasons],
        }
        for item in related_datasets(request.auth, dataset)
    ]


MATCHES = {3: "kind", 2: "name", 1: "partial"}


@columns_router.get(
    "/",
    response={200: ColumnSearchPage, **error_responses(400)},
    **PUBLIC,
    url_name="column_search",
    summary="Rechercher par colonne / Search by column",
    description="Les jeux de données dont une table de l'entrepôt a une colonne de ce nom ou "
    "de cette nature, reconnue à ses valeurs (codes INSEE, codes postaux, SIRET, "
    "SIREN, dates, latitude, longitude, courriels...), avec les colonnes "
    "trouvées. Datasets whose datastore tables have a column of that name or "
    "kind (detected from the values), with the matching columns.",
)
def column_search(request: HttpRequest, params: Query[ColumnSearchParams]):
    offset = (params.page - 1) * params.page_size
    try:
        result = search_columns(request.auth, params.q, offset, params.page_size)
    except ColumnQueryError as exc:
        raise CatalogError(str(exc), "q") from None
    data = [
        {
            "slug": item.dataset.slug,
            "title": item.dataset.title,
            "organisation": _organisation(item.dataset),
            "page_url": request.build_absolute_uri(item.dataset.get_absolute_url()),
            "columns": [
                {
                    "resource_id": m.column.resource_id,
                    "resource_title": m.column.resource.title,
                    "table": m.column.table.name,
                    "sql_table": m.column.table.sql_name,
                    "name": m.column.name,
                    "label": m.column.label,
                    "type": m.column.field_type,
                    "kind": m.column.kind,
                    "kind_label": m.kind_label,
                    "match": MATCHES[m.strength],
                    "examples": [str(v) for v in m.column.examples],
                }
                for m in item.columns
            ],
        }
        for item in result.results
    ]
    body = page_of(request, data, result.total, params.page, params.page_size)
    body.update(
        query=result.query, kinds=[{"kind": k, "label": str(KINDS[k])} for k in result.kinds]
    )
    return body
