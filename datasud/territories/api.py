"""API of the territories of Région Sud (reference data, read only).

Lists leave the outlines out (they weigh hundreds of kilobytes for the région); the detail
of one territory carries its GeoJSON geometry.
"""
from __future__ import annotations

from typing import Literal

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest
from django.urls import NoReverseMatch
from ninja import Field, Query, Router, Schema

from datasud.api import PUBLIC, Page, PageParams, error_responses, get_or_404, paginate

from .models import Territory

router = Router(tags=["Territoires / Territories"])
LEVEL_ORDER = [Territory.Level.REGION, Territory.Level.DEPARTEMENT, Territory.Level.EPCI,
               Territory.Level.COMMUNE]


TerritoryLevel = Literal[tuple(Territory.Level.values)]  # type: ignore[valid-type]


class TerritoryFilters(PageParams):
    level: list[TerritoryLevel] = Field([], description="region, departement, epci, commune")
    q: str = Field("", max_length=100, description="Nom, code INSEE ou code postal",
                   examples=["Digne"])


class TerritoryParent(Schema):
    key: str = Field(examples=["departement:13"])
    level: str
    code: str
    name: str = Field(examples=["Bouches-du-Rhône"])


class TerritoryOut(TerritoryParent):
    kind: str = Field("", examples=["commune-actuelle"])
    population: int | None = Field(None, examples=[873076])
    postcodes: list[str] = Field([], examples=[["13001", "13002"]])
    bbox: list[float] | None = Field(None, description="[min_lon, min_lat, max_lon, max_lat]")


class TerritoryPage(Page[TerritoryOut]):
    pass


class TerritoryDetail(TerritoryOut):
    siren: str = ""
    parents: list[TerritoryParent]
    geometry: dict | None = Field(None, description="GeoJSON, EPSG:4326, simplifiée")
    page_url: str | None = None

    @staticmethod
    def resolve_page_url(obj: Territory, context) -> str | None:
        try:
            path = obj.get_absolute_url()
        except NoReverseMatch:
            return None
        return context["request"].build_absolute_uri(path)


@router.get("/", response=TerritoryPage, **PUBLIC, url_name="territories",
            summary="Lister les territoires / List territories",
            description="Du plus grand au plus petit niveau, puis par nom ; `q` cherche dans "
                        "le nom (ceux qui commencent par `q` d'abord) ou le code postal. "
                        "No geometry in lists: see the detail.")
def list_territories(request: HttpRequest, filters: Query[TerritoryFilters]):
    territories = Territory.objects.defer("geometry")
    if filters.level:
        territories = territories.filter(level__in=filters.level)
    order = [Case(*[When(level=value, then=Value(rank)) for rank, value in
                    enumerate(LEVEL_ORDER)], output_field=IntegerField())]
    q = filters.q.strip()
    if q:
        territories = territories.filter(Q(name__icontains=q) | Q(code=q)
                                         | Q(postcodes__icontains=f'"{q}'))
        order.insert(0, Case(When(name__istartswith=q, then=Value(0)), default=Value(1),
                             output_field=IntegerField()))
    return paginate(request, territories.order_by(*order, "name", "code"), filters)


@router.get("/{level}/{code}/", response={200: TerritoryDetail, **error_responses(404)},
            **PUBLIC, url_name="territory",
            summary="Lire un territoire / Get a territory",
            description="Avec ses territoires parents et son contour GeoJSON.")
def get_territory(request: HttpRequest, level: str, code: str):
    territories = Territory.objects.prefetch_related("parents")
    return get_or_404(territories, "Territoire introuvable.", level=level, code=code)
