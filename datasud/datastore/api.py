"""API of the datastore: load status, records, profile, schemas, exports and read-only SQL.

Every tabular resource, once loaded, answers at /api/1/datastore/<resource id>/records/
with the query language documented in docs/datastore-query.md. Handlers parse, call the
query layer or a service, serialise; permissions live in `access.py`.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.http import FileResponse, HttpRequest, JsonResponse
from django.utils.text import slugify
from ninja import Field, Query, Router, Schema, Status

from datasud.api import (
    PUBLIC,
    SIGNED_IN,
    Page,
    PageParams,
    _error,
    api,
    error_responses,
    paginate,
)

from . import access, duck, exports, services
from .errors import IngestError, QueryError
from .models import DeclaredSchema
from .query import RecordsRequest, run_records, run_sql
from .schemas import (
    DatastoreOut,
    DeclaredSchemaIn,
    DeclaredSchemaOut,
    LoadOut,
    QueryableTableOut,
    RecordsOut,
    SqlIn,
    SqlOut,
)
from .tableschema import SchemaError

router = Router(tags=["Entrepôt de données / Datastore"])


class QueryableTablePage(Page[QueryableTableOut]):
    pass


@api.exception_handler(QueryError)
def _on_query_error(request, exc: QueryError):
    return _error(request, 400, exc.message,
                  [{"field": exc.parameter, "message": exc.message}])


@api.exception_handler(SchemaError)
def _on_schema_error(request, exc: SchemaError):
    return _error(request, 400, str(exc), [{"field": "schema", "message": str(exc)}])


@api.exception_handler(IngestError)
def _on_ingest_error(request, exc: IngestError):
    return _error(request, 400, exc.message)


class ExportParams(Schema):
    """What rows to take: the parameters shared by exports and the records API."""

    table: int = Field(1, ge=1, description="Numéro de la table (feuille) / table number")
    select: str = Field("", description="Colonnes ou agrégats : `nom, population` ; avec "
                                        "group_by : `departement, count(*) as n`")
    where: str = Field("", description="Filtre : `population > 1000 and departement in "
                                       "('04','05')`")
    q: str = Field("", description="Recherche plein texte (casse et accents ignorés)")
    refine: list[str] = Field([], description="Égalité rapide `colonne:valeur` (répétable)")
    group_by: str = Field("", description="Regroupement : `departement`")
    order_by: str = Field("", description="Tri : `population desc, nom`")

    def to_request(self, **paging) -> RecordsRequest:
        return RecordsRequest(select=self.select, where=self.where, q=self.q,
                              refine=list(self.refine), group_by=self.group_by,
                              order_by=self.order_by, **paging)


class RecordsParams(ExportParams):
    """The rows of one page, with paging and facets."""

    limit: int = Field(20, ge=0, le=10000, description="Lignes par page (≤ 1000 ; ≤ 10000 "
                                                       "avec group_by)")
    offset: int = Field(0, ge=0, description="Décalage (≤ 10000 ; au-delà, `cursor`)")
    cursor: str = Field("", description="Curseur de la page suivante (`next_cursor`)")
    facet: list[str] = Field([], description="Colonnes dont compter les valeurs (répétable)")

    def to_request(self) -> RecordsRequest:
        return super().to_request(limit=self.limit, offset=self.offset, cursor=self.cursor,
                                  facets=list(self.facet))


@router.get("/", response=QueryableTablePage, **PUBLIC, url_name="datastore",
            summary="Tables interrogeables / Queryable tables",
            description="Les tables chargées que vous pouvez interroger, avec leur nom SQL.")
def list_tables(request: HttpRequest, paging: Query[PageParams]):
    tables = access.queryable_tables(request.auth).order_by("load__resource_id", "position")
    page = paginate(request, tables, paging)
    page["data"] = [{"resource_id": t.load.resource_id, "sql_name": t.sql_name,
                     "dataset": t.load.resource.dataset.slug,
                     "title": t.load.resource.title, "name": t.name,
                     "row_count": t.row_count} for t in page["data"]]
    return page


@router.get("/{int:resource_id}/", response={200: DatastoreOut, **error_responses(404)},
            **PUBLIC, summary="État d'une ressource / Datastore status of a resource")
def get_datastore(request: HttpRequest, resource_id: int):
    resource = access.visible_resource(request.auth, resource_id)
    current = services.current_load(resource)
    tables = services.current_tables(resource)
    return {
        "resource_id": resource.pk, "dataset": resource.dataset.slug, "title": resource.title,
        "tabular": services.is_tabular(resource), "current": current,
        "latest": services.latest_load(resource),
        "tables": [{
            "position": t.position + 1, "name": t.name, "sql_name": t.sql_name,
            "row_count": t.row_count,
            "columns": [{"name": n, "type": ty} for n, ty in t.column_pairs],
            "records_url": request.build_absolute_uri(
                f"/api/1/datastore/{resource.pk}/records/?table={t.position + 1}"),
            "valid": None if t.validation is None else t.validation.get("valid"),
        } for t in tables],
        "has_declared_schema": DeclaredSchema.objects.filter(resource=resource).exists(),
    }


@router.post("/{int:resource_id}/load/",
             response={202: LoadOut, **error_responses(400, 401, 403, 404)}, auth=SIGNED_IN,
             summary="(Re)charger / (Re)load a resource",
             description="Met en file un nouveau chargement (nouvelle version). La version "
                         "actuelle reste servie jusqu'à la fin du chargement.")
def request_load(request: HttpRequest, resource_id: int):
    resource = access.editable_resource(request.auth, resource_id)
    if not services.is_tabular(resource):
        raise QueryError(f"Le format « {resource.format or 'inconnu'} » ne peut pas être "
                         f"chargé (formats : {', '.join(sorted(services.TABULAR_FORMATS))}).",
                         parameter="format")
    return Status(202, services.request_load(resource, request.auth))


@router.get("/{int:resource_id}/loads/", response={200: list[LoadOut], **error_responses(404)},
            **PUBLIC, summary="Historique des chargements / Load history")
def list_loads(request: HttpRequest, resource_id: int):
    resource = access.visible_resource(request.auth, resource_id)
    return list(resource.datastore_loads.order_by("-number")[:50])


@router.get("/{int:resource_id}/records/",
            response={200: RecordsOut, **error_responses(400, 404)}, **PUBLIC,
            summary="Interroger les lignes / Query records",
            description="Langage de requête : voir docs/datastore-query.md. Erreur 400 "
                        "nommant le problème pour toute colonne ou expression invalide.")
def get_records(request: HttpRequest, resource_id: int, params: Query[RecordsParams]):
    table = access.served_table(request.auth, resource_id, params.table)
    page = run_records(duck.query_cursor(), access.table_ref(table), params.to_request())
    next_link = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        query.pop("offset", None)
        next_link = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"total": page.total, "columns": page.columns, "records": page.rows,
            "next_cursor": page.next_cursor, "next": next_link, "facets": page.facets}


@router.get("/{int:resource_id}/profile/", response={200: list[dict], **error_responses(404)},
            **PUBLIC, summary="Profil des colonnes / Column profile")
def get_profile(request: HttpRequest, resource_id: int, table: int = 1):
    resource = access.visible_resource(request.auth, resource_id)
    return access.current_table(resource, table).profile


@router.get("/{int:resource_id}/schema/", response={200: dict, **error_responses(404)},
            **PUBLIC, summary="Table Schema inféré / Inferred Table Schema",
            description="Le schéma (Frictionless Table Schema) déduit des données chargées.")
def get_inferred_schema(request: HttpRequest, resource_id: int, table: int = 1,
                        download: bool = False):
    resource = access.visible_resource(request.auth, resource_id)
    schema = access.current_table(resource, table).table_schema
    response = JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    if download:
        response["Content-Disposition"] = (
            f'attachment; filename="schema-ressource-{resource.pk}-{table}.json"')
    return response


@router.get("/{int:resource_id}/validation/", response={200: dict, **error_responses(404)},
            **PUBLIC, summary="Rapport de validation / Validation report",
            description="Conformité de la version servie au schéma déclaré.")
def get_validation(request: HttpRequest, resource_id: int, table: int = 1):
    resource = access.visible_resource(request.auth, resource_id)
    report = access.current_table(resource, table).validation
    if report is None:
        return _error(request, 404, "Aucun schéma n'est déclaré pour cette ressource.")
    return report


@router.get("/{int:resource_id}/declared-schema/",
            response={200: DeclaredSchemaOut, **error_responses(404)}, **PUBLIC,
            summary="Schéma déclaré / Declared Table Schema")
def get_declared_schema(request: HttpRequest, resource_id: int):
    resource = access.visible_resource(request.auth, resource_id)
    declared = DeclaredSchema.objects.filter(resource=resource).first()
    if declared is None:
        return _error(request, 404, "Aucun schéma n'est déclaré pour cette ressource.")
    return {"schema": declared.descriptor, "url": declared.url,
            "updated_at": declared.updated_at}


@router.put("/{int:resource_id}/declared-schema/",
            response={200: DeclaredSchemaOut, **error_responses(400, 401, 403, 404, 422)},
            auth=SIGNED_IN, summary="Déclarer un schéma / Declare a Table Schema",
            description="Donnez le schéma (`schema`) ou son adresse (`url`). La ressource est "
                        "rechargée et validée contre lui.")
def put_declared_schema(request: HttpRequest, resource_id: int, payload: DeclaredSchemaIn):
    resource = access.editable_resource(request.auth, resource_id)
    declared = services.declare_schema(resource, payload.schema_, payload.url or "",
                                       request.auth)
    return {"schema": declared.descriptor, "url": declared.url,
            "updated_at": declared.updated_at}


@router.delete("/{int:resource_id}/declared-schema/",
               response={204: None, **error_responses(401, 403, 404)}, auth=SIGNED_IN,
               summary="Retirer le schéma déclaré / Remove the declared schema")
def delete_declared_schema(request: HttpRequest, resource_id: int):
    resource = access.editable_resource(request.auth, resource_id)
    DeclaredSchema.objects.filter(resource=resource).delete()
    return Status(204, None)


@router.get("/{int:resource_id}/export/{fmt}/", response={200: None, **error_responses(400,
                                                                                        404)},
            **PUBLIC, summary="Exporter / Export (csv, json, jsonl, parquet, xlsx)",
            description="Toutes les lignes, ou celles du filtre (`where`, `q`, `refine`), "
                        "envoyées en flux.")
def export_records(request: HttpRequest, resource_id: int, fmt: str,
                   params: Query[ExportParams]):
    export_format = exports.get_format(fmt)
    resource = access.visible_resource(request.auth, resource_id)
    table = access.current_table(resource, params.table)
    handle = exports.export(access.table_ref(table), params.to_request(), export_format,
                            cache_dir=table.load.path / f"exports-{table.position}")
    name = slugify(resource.title)[:80] or f"ressource-{resource.pk}"
    suffix = f"-{table.position + 1}" if table.position else ""
    return FileResponse(handle, as_attachment=True, content_type=export_format.media_type,
                        filename=f"{name}{suffix}.{export_format.extension}")


_TABLE_NAME = re.compile(r"\bresource_(\d+)(?:_(\d+))?\b", re.IGNORECASE)


def _sql(request: HttpRequest, sql: str) -> dict:
    wanted = {(int(m.group(1)), int(m.group(2) or 1)) for m in _TABLE_NAME.finditer(sql)}
    tables = {}
    if wanted:
        found = access.queryable_tables(request.auth).filter(
            load__resource_id__in={rid for rid, _ in wanted})
        for table in found:
            if (table.load.resource_id, table.position + 1) in wanted:
                tables[table.sql_name] = table.path
    result = run_sql(sql, tables, row_cap=settings.DATASTORE_SQL_ROW_CAP,
                     timeout_s=settings.DATASTORE_SQL_TIMEOUT)
    return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated,
            "elapsed_ms": result.elapsed_ms}


SQL_DESCRIPTION = (
    "Une seule requête SELECT (DuckDB), en lecture seule, sur les tables chargées "
    "(`resource_<id>`, `resource_<id>_<n>` pour la n-ième feuille ; voir `/datastore/`). "
    "Pas d'accès aux fichiers ni au réseau, pas d'extension ; limites de temps, de mémoire et "
    "de lignes (`truncated`). Tout le reste : 400.")


@router.get("/sql/", response={200: SqlOut, **error_responses(400)}, **PUBLIC,
            summary="SQL en lecture seule / Read-only SQL", description=SQL_DESCRIPTION)
def sql_get(request: HttpRequest, sql: str):
    return _sql(request, sql)


@router.post("/sql/", response={200: SqlOut, **error_responses(400, 422)}, **PUBLIC,
             summary="SQL en lecture seule (POST) / Read-only SQL (POST)",
             description=SQL_DESCRIPTION)
def sql_post(request: HttpRequest, payload: SqlIn):
    return _sql(request, payload.sql)
