"""API of the reuses: what people build on the data. Anyone signed in may declare one."""
from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from datasud.api import (
    PUBLIC,
    SIGNED_IN,
    error_responses,
    get_or_404,
    paginate,
)

from . import services
from .api import organisation_by_slug
from .models import Dataset, Reuse
from .schemas import ReuseFilters, ReuseIn, ReuseOut, ReusePage, ReusePatch
from .services import CatalogError

router = Router(tags=["Réutilisations / Reuses"])
NOT_FOUND = "Réutilisation introuvable."


def _visible_reuses(user) -> QuerySet:
    """Reuses `user` may see, each with `visible_datasets`: the datasets `user` may see."""
    datasets = Dataset.objects.visible_to(user).only("slug", "title").order_by("title")
    return (Reuse.objects.visible_to(user).select_related("organisation")
            .prefetch_related(Prefetch("datasets", queryset=datasets,
                                       to_attr="visible_datasets")))


def _datasets(user, slugs: list[str]) -> list[Dataset]:
    found = {d.slug: d for d in Dataset.objects.visible_to(user).filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in found:
            raise CatalogError(f"Jeu de données inconnu : {slug}", "datasets")
    return list(found.values())


def _fields(payload, sent: set[str]) -> dict:
    fields = {name: getattr(payload, name) for name in sent
              if name not in ("organisation", "datasets", "slug")}
    if "organisation" in sent:
        fields["organisation"] = (organisation_by_slug(payload.organisation)
                                  if payload.organisation else None)
    return fields


@router.get("/", response=ReusePage, **PUBLIC, url_name="reuses",
            summary="Lister les réutilisations / List reuses",
            description="Les plus récentes d'abord ; filtres par jeu de données, organisation, "
                        "type et texte (`q`). Newest first.")
def list_reuses(request: HttpRequest, filters: Query[ReuseFilters]):
    reuses = _visible_reuses(request.auth)
    if q := filters.q.strip():
        reuses = reuses.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if filters.dataset:
        visible = Dataset.objects.visible_to(request.auth).filter(slug=filters.dataset)
        reuses = reuses.filter(datasets__in=visible)
    if filters.organisation:
        reuses = reuses.filter(organisation__slug=filters.organisation)
    if filters.type:
        reuses = reuses.filter(type__in=filters.type)
    return paginate(request, reuses.order_by("-created_at", "-id"), filters)


@router.post("/", response={201: ReuseOut, **error_responses(400, 401, 403, 422)},
             auth=SIGNED_IN,
             summary="Déclarer une réutilisation / Declare a reuse",
             description="Toute personne connectée ; `organisation` seulement si vous en "
                         "êtes membre. Anyone signed in.")
def create_reuse(request: HttpRequest, payload: ReuseIn):
    reuse = services.create_reuse(
        request.auth, slug=payload.slug, datasets=_datasets(request.auth, payload.datasets),
        **_fields(payload, set(ReuseIn.model_fields)),
    )
    return Status(201, _visible_reuses(request.auth).get(pk=reuse.pk))


@router.get("/{slug}/", response={200: ReuseOut, **error_responses(404)}, **PUBLIC,
            url_name="reuse", summary="Lire une réutilisation / Get a reuse")
def get_reuse(request: HttpRequest, slug: str):
    return get_or_404(_visible_reuses(request.auth), NOT_FOUND, slug=slug)


@router.patch("/{slug}/",
              response={200: ReuseOut, **error_responses(400, 401, 403, 404, 422)},
              auth=SIGNED_IN,
              summary="Modifier une réutilisation / Update a reuse",
              description="Son auteur, les membres de son organisation, l'équipe DataSud.")
def update_reuse(request: HttpRequest, slug: str, payload: ReusePatch):
    reuse = get_or_404(Reuse.objects.visible_to(request.auth), NOT_FOUND, slug=slug)
    sent = payload.model_fields_set
    datasets = _datasets(request.auth, payload.datasets) if "datasets" in sent else None
    services.update_reuse(request.auth, reuse, datasets=datasets, **_fields(payload, sent))
    return _visible_reuses(request.auth).get(pk=reuse.pk)


@router.delete("/{slug}/", response={204: None, **error_responses(401, 403, 404)},
               auth=SIGNED_IN, summary="Supprimer une réutilisation / Delete a reuse")
def delete_reuse(request: HttpRequest, slug: str):
    reuse = get_or_404(Reuse.objects.visible_to(request.auth), NOT_FOUND, slug=slug)
    services.delete_reuse(request.auth, reuse)
    return Status(204, None)
