"""API of the datasets, their resources and history, and the reference lists (themes,
licences). Reads go through `Dataset.objects.visible_to(user)`; writes through `services`.
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile

from datasud.api import (
    PUBLIC,
    SIGNED_IN,
    PageParams,
    error_responses,
    get_or_404,
    page_of,
    paginate,
)
from datasud.search.area import InvalidBBox, parse_bbox
from datasud.search.services import SearchQuery, search_datasets
from datasud.territories.models import Territory

from . import services
from .models import Dataset, Licence, Organisation, Resource, Theme
from .schemas import (
    ActivityPage,
    DatasetDetail,
    DatasetFilters,
    DatasetIn,
    DatasetPatch,
    DatasetSearchPage,
    LicenceOut,
    ResourceLinkIn,
    ResourceOut,
    ResourcePatch,
    ResourceUploadForm,
    ThemeOut,
)
from .services import CatalogError, HarvestedDatasetError

datasets = Router(tags=["Jeux de données / Datasets"])
resources = Router(tags=["Ressources / Resources"])
reference = Router(tags=["Référentiels / Reference data"])

DATASET_NOT_FOUND = "Jeu de données introuvable."
RESOURCE_NOT_FOUND = "Ressource introuvable."


# --- References named in request bodies ---------------------------------------------------

def organisation_by_slug(slug: str, field: str = "organisation") -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CatalogError(f"Organisation inconnue : {slug}", field)
    return organisation


def territories_by_key(keys: list[str], field: str = "territories") -> list[Territory]:
    found = []
    for key in dict.fromkeys(keys):
        level, _, code = key.partition(":")
        territory = Territory.objects.filter(level=level, code=code).first()
        if territory is None:
            raise CatalogError(f"Territoire inconnu : {key}", field)
        found.append(territory)
    return found


def _themes(slugs: list[str]) -> list[Theme]:
    found = {t.slug: t for t in Theme.objects.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in found:
            raise CatalogError(f"Thème inconnu : {slug}", "themes")
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _licence(slug: str | None) -> Licence | None:
    if slug is None:
        return None
    licence = Licence.objects.filter(slug=slug).first()
    if licence is None:
        raise CatalogError(f"Licence inconnue : {slug}", "licence")
    return licence


# --- Datasets -----------------------------------------------------------------------------

def _detailed(datasets_: QuerySet) -> QuerySet:
    return (datasets_.select_related("organisation", "licence")
            .prefetch_related("themes", "tags", "territories", "resources"))


def _visible_dataset(request: HttpRequest, slug: str, detailed: bool = False) -> Dataset:
    visible = Dataset.objects.visible_to(request.auth)
    return get_or_404(_detailed(visible) if detailed else visible, DATASET_NOT_FOUND, slug=slug)


@datasets.get(
    "/", response=DatasetSearchPage, **PUBLIC, url_name="datasets",
    summary="Rechercher des jeux de données / Search datasets",
    description="Texte libre (`q`) et filtres ; un filtre répété vaut OU dans sa facette, "
                "les facettes se combinent en ET. Les facettes comptent les valeurs les plus "
                "fréquentes parmi les résultats. Free text and filters: a repeated filter "
                "means OR within its facet, facets combine with AND.",
)
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]):
    try:
        bbox = parse_bbox(filters.bbox)
    except InvalidBBox as exc:
        raise CatalogError(str(exc), "bbox") from None
    result = search_datasets(request.auth, SearchQuery(
        q=filters.q, themes=filters.theme, organisations=filters.organisation,
        tags=filters.tag, licences=filters.licence, formats=filters.format,
        territories=filters.territory, partner=filters.partner, bbox=bbox, sort=filters.sort,
        page=filters.page, page_size=filters.page_size, ranking=filters.ranking,
        correct=filters.correct,
    ))
    body = page_of(request, result.datasets, result.total, result.page, result.page_size)
    body.update(facets=result.facets, sort=result.sort, relaxed=result.relaxed,
                suggestion=result.suggestion or None, corrected=result.corrected)
    return body


@datasets.post(
    "/", response={201: DatasetDetail, **error_responses(400, 401, 403, 422)}, auth=SIGNED_IN,
    summary="Créer un jeu de données / Create a dataset",
    description="Au nom d'une organisation dont vous êtes membre ; brouillon par défaut. "
                "The slug is made unique (`-2`, `-3`...). Draft unless `status` says so.",
)
def create_dataset(request: HttpRequest, payload: DatasetIn):
    coverage, contact = payload.temporal_coverage, payload.contact_point
    dataset = services.create_dataset(
        request.auth, organisation_by_slug(payload.organisation),
        title=payload.title, slug=payload.slug, description=payload.description,
        themes=_themes(payload.themes), tags=payload.tags,
        territories=territories_by_key(payload.territories), licence=_licence(payload.licence),
        frequency=payload.frequency, temporal_start=coverage.start,
        temporal_end=coverage.end, contact_name=contact.name, contact_email=contact.email,
        status=payload.status, private=payload.private,
    )
    return Status(201, _visible_dataset(request, dataset.slug, detailed=True))


@datasets.get(
    "/{slug}/", response={200: DatasetDetail, **error_responses(404)}, **PUBLIC,
    url_name="dataset",
    summary="Lire un jeu de données / Get a dataset",
    description="Avec ses ressources, thèmes, mots-clés, licence, territoires, couverture "
                "temporelle et point de contact. 404 if it does not exist or is not visible.",
)
def get_dataset(request: HttpRequest, slug: str):
    return _visible_dataset(request, slug, detailed=True)


@datasets.patch(
    "/{slug}/",
    response={200: DatasetDetail, **error_responses(400, 401, 403, 404, 409, 422)},
    auth=SIGNED_IN,
    summary="Modifier un jeu de données / Update a dataset",
    description="Seuls les champs envoyés changent ; chaque modification est inscrite dans "
                "l'historique. Un jeu de données moissonné appartient à sa source : 409 pour "
                "ses producteurs (modifiez-le à la source) ; l'équipe DataSud peut le modifier "
                "avec `force=true`, jusqu'au prochain moissonnage. "
                "Only the fields sent change; each change is recorded. A harvested dataset "
                "belongs to its source: 409 for its producers (change it at the source); "
                "DataSud staff may change it with `force=true`, until the next harvest.",
)
def update_dataset(request: HttpRequest, slug: str, payload: DatasetPatch,
                   force: bool = False):
    dataset = _visible_dataset(request, slug)
    sent = payload.model_fields_set
    fields: dict = {}
    for name in ("title", "description", "private", "status", "frequency"):
        if name in sent:
            fields[name] = getattr(payload, name)
    if "organisation" in sent:
        fields["organisation"] = organisation_by_slug(payload.organisation)
    if "licence" in sent:
        fields["licence"] = _licence(payload.licence)
    if "temporal_coverage" in sent:
        fields["temporal_start"] = payload.temporal_coverage.start
        fields["temporal_end"] = payload.temporal_coverage.end
    if "contact_point" in sent:
        fields["contact_name"] = payload.contact_point.name
        fields["contact_email"] = payload.contact_point.email
    try:
        services.update_dataset(
            request.auth, dataset, **fields, force=force,
            themes=_themes(payload.themes) if "themes" in sent else None,
            tags=payload.tags if "tags" in sent else None,
            territories=territories_by_key(payload.territories) if "territories" in sent
            else None,
        )
    except HarvestedDatasetError as error:
        return Status(409, {"detail": str(error),
                            "errors": [{"field": None, "message": str(error)}]})
    return _visible_dataset(request, dataset.slug, detailed=True)


@datasets.delete(
    "/{slug}/", response={204: None, **error_responses(401, 403, 404)}, auth=SIGNED_IN,
    summary="Supprimer un jeu de données / Delete a dataset",
    description="Avec ses ressources et leurs fichiers. With its resources and their files.",
)
def delete_dataset(request: HttpRequest, slug: str):
    services.delete_dataset(request.auth, _visible_dataset(request, slug))
    return Status(204, None)


@datasets.get(
    "/{slug}/activity/", response={200: ActivityPage, **error_responses(404)}, **PUBLIC,
    summary="Historique d'un jeu de données / Dataset history",
    description="Qui a fait quoi et quand, du plus récent au plus ancien. Le public voit "
                "l'organisation ; ses membres et l'équipe DataSud voient aussi la personne. "
                "Newest first; the person is shown to the organisation's members only.",
)
def list_dataset_activity(request: HttpRequest, slug: str, paging: Query[PageParams]):
    dataset = _visible_dataset(request, slug)
    insider = Dataset.objects.editable_by(request.auth).filter(pk=dataset.pk).exists()
    body = paginate(request, dataset.activities.select_related("actor"), paging)
    body["data"] = [{
        "id": entry.id, "action": entry.action, "label": str(entry.get_action_display()),
        "changes": entry.changes, "created_at": entry.created_at,
        "by": {"organisation": dataset.organisation.name,
               "user": entry.actor.get_username() if insider and entry.actor else None},
    } for entry in body["data"]]
    return body


# --- Resources ----------------------------------------------------------------------------

def _resource(request: HttpRequest, slug: str, resource_id: int) -> Resource:
    dataset = _visible_dataset(request, slug)
    resource = get_or_404(dataset.resources.all(), RESOURCE_NOT_FOUND, pk=resource_id)
    resource.dataset = dataset
    return resource


@resources.post(
    "/{slug}/resources/", response={201: ResourceOut, **error_responses(400, 401, 403, 404,
                                                                         422)},
    auth=SIGNED_IN,
    summary="Ajouter un lien distant / Add a remote resource",
    description="Une ressource hébergée ailleurs, donnée par son adresse (JSON). "
                "Pour déposer un fichier, voir `/resources/upload/`.",
)
def add_resource_link(request: HttpRequest, slug: str, payload: ResourceLinkIn):
    resource = services.add_resource(
        request.auth, _visible_dataset(request, slug), title=payload.title,
        description=payload.description, url=payload.url, format=payload.format,
    )
    return Status(201, resource)


@resources.post(
    "/{slug}/resources/upload/",
    response={201: ResourceOut, **error_responses(400, 401, 403, 404, 413, 422)},
    auth=SIGNED_IN,
    summary="Déposer un fichier / Upload a file",
    description="Envoi `multipart/form-data` (champ `file`). Le fichier est lu en flux ; "
                "taille, empreinte SHA-256, format et type de média sont calculés. Trop "
                "gros : 413 et rien n'est enregistré. Streamed; too large: 413, nothing kept.",
)
def upload_resource(request: HttpRequest, slug: str, file: File[UploadedFile],
                    form: Form[ResourceUploadForm]):
    resource = services.add_resource(
        request.auth, _visible_dataset(request, slug), title=form.title,
        description=form.description, upload=file, format=form.format,
    )
    return Status(201, resource)


@resources.get(
    "/{slug}/resources/{int:resource_id}/", response={200: ResourceOut,
                                                      **error_responses(404)}, **PUBLIC,
    summary="Lire une ressource / Get a resource",
)
def get_resource(request: HttpRequest, slug: str, resource_id: int):
    return _resource(request, slug, resource_id)


@resources.patch(
    "/{slug}/resources/{int:resource_id}/",
    response={200: ResourceOut, **error_responses(400, 401, 403, 404, 422)}, auth=SIGNED_IN,
    summary="Modifier une ressource / Update a resource",
    description="Titre, description, format ; l'adresse pour un lien distant seulement.",
)
def update_resource(request: HttpRequest, slug: str, resource_id: int,
                    payload: ResourcePatch):
    resource = _resource(request, slug, resource_id)
    return services.update_resource(request.auth, resource,
                                    **payload.dict(exclude_unset=True))


@resources.delete(
    "/{slug}/resources/{int:resource_id}/",
    response={204: None, **error_responses(401, 403, 404)}, auth=SIGNED_IN,
    summary="Supprimer une ressource / Delete a resource",
)
def delete_resource(request: HttpRequest, slug: str, resource_id: int):
    services.delete_resource(request.auth, _resource(request, slug, resource_id))
    return Status(204, None)


# --- Reference lists ----------------------------------------------------------------------

@reference.get("/themes/", response=list[ThemeOut], **PUBLIC, url_name="themes",
               summary="Thèmes / Themes",
               description="Les 16 thèmes de DataSud. The 16 DataSud themes.")
def list_themes(request: HttpRequest):
    return Theme.objects.all()


@reference.get("/licences/", response=list[LicenceOut], **PUBLIC, url_name="licences",
               summary="Licences",
               description="Licences proposées aux producteurs. Licences producers may use.")
def list_licences(request: HttpRequest):
    return Licence.objects.all()
