"""Shapes of the datastore API (Django Ninja schemas)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class LoadError(Schema):
    message: str
    code: str
    line: int | None = None
    column: str | None = None
    details: list[dict] = []


class LoadOut(Schema):
    number: int = Field(description="Numéro de version / version number")
    status: str = Field(description="queued, running, succeeded, failed")
    is_current: bool = Field(description="Version servie / the version being served")
    stage: str = ""
    source_format: str = ""
    source_size: int | None = None
    options: dict = Field(default_factory=dict,
                          description="Ce qui a été détecté (encodage, séparateur...)")
    warnings: list[str] = []
    error: LoadError | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: int | None = None


class ColumnOut(Schema):
    name: str
    type: str = Field(description="Type DuckDB / DuckDB type")


class TableOut(Schema):
    position: int = Field(description="Numéro de table (1 = première) / table number")
    name: str = Field(description="Nom de la feuille, ou vide / sheet name, or empty")
    sql_name: str = Field(description="Nom dans l'API SQL / name in the SQL endpoint")
    row_count: int
    columns: list[ColumnOut]
    records_url: str
    valid: bool | None = Field(None, description="Conforme au schéma déclaré ? (si déclaré)")


class DatastoreOut(Schema):
    resource_id: int
    dataset: str
    title: str
    tabular: bool = Field(description="Le format peut-il être chargé ? / loadable format?")
    current: LoadOut | None = Field(None, description="Version servie / version served")
    latest: LoadOut | None = Field(None, description="Dernier chargement / latest load")
    tables: list[TableOut] = []
    has_declared_schema: bool = False


class RecordsOut(Schema):
    total: int
    columns: list[dict[str, Any]]
    records: list[dict[str, Any]]
    next_cursor: str | None = None
    next: str | None = Field(None, description="Adresse de la page suivante / next page")
    facets: dict[str, list[dict[str, Any]]] = {}


class SqlIn(Schema):
    sql: str = Field(examples=["SELECT * FROM resource_1 LIMIT 10"])


class SqlOut(Schema):
    columns: list[dict[str, Any]]
    rows: list[list[Any]]
    truncated: bool
    elapsed_ms: float


class DeclaredSchemaIn(Schema):
    schema_: dict | None = Field(None, alias="schema",
                                 description="Le Table Schema lui-même (JSON)")
    url: str | None = Field(None, description="Ou son adresse (ex. sur schema.data.gouv.fr)")


class DeclaredSchemaOut(Schema):
    schema_: dict = Field(alias="schema")
    url: str = ""
    updated_at: datetime


class QueryableTableOut(Schema):
    resource_id: int
    sql_name: str
    dataset: str
    title: str
    name: str
    row_count: int
