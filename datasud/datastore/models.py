"""The datastore's records: loads (versions) of a resource and the tables each load made.

The data itself lives in Parquet files under `settings.DATASTORE_DIR`; these models say
which files make the version being served, and what happened to each load attempt.

A load is a version: loading a resource again makes a new `Load` in new files. The previous
version stays `is_current` (and served) until the new one has fully succeeded; then both
flags change in one transaction. A failed load never touches the current version.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datasud.catalog.models import Resource


class Load(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Réussi")
        FAILED = "failed", _("Échec")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE,
                                 related_name="datastore_loads", verbose_name=_("ressource"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("état"), max_length=12, choices=Status.choices,
                              default=Status.QUEUED)
    # The version served by the API; at most one per resource (see the constraint).
    is_current = models.BooleanField(_("version servie"), default=False)
    stage = models.CharField(_("étape"), max_length=200, blank=True)
    # Where the source came from, to know whether a later save needs a new load.
    source_url = models.URLField(_("adresse source"), max_length=1000, blank=True)
    source_checksum = models.CharField(_("empreinte de la source"), max_length=64, blank=True)
    source_size = models.BigIntegerField(_("taille de la source (octets)"), null=True,
                                         blank=True)
    source_format = models.CharField(_("format lu"), max_length=20, blank=True)
    # What was detected (encoding, separator, decimal separator, date format, sheets...).
    options = models.JSONField(_("options détectées"), default=dict, blank=True)
    warnings = models.JSONField(_("avertissements"), default=list, blank=True)
    # {"message", "code", "line", "column", "details": [...]} when the load failed.
    error = models.JSONField(_("erreur"), null=True, blank=True)
    # Folder of this version's Parquet files, relative to DATASTORE_DIR.
    directory = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("chargement")
        verbose_name_plural = _("chargements")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="datastore_load_number"),
            models.UniqueConstraint(fields=["resource"], condition=Q(is_current=True),
                                    name="datastore_one_current_load"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number} ({self.status})"

    @property
    def duration_ms(self) -> int | None:
        if self.started_at and self.finished_at:
            return int((self.finished_at - self.started_at).total_seconds() * 1000)
        return None

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def path(self) -> Path:
        return settings.DATASTORE_DIR / self.directory


class Table(models.Model):
    """One table of a load: the whole file, or one sheet of a workbook."""

    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="tables")
    position = models.PositiveIntegerField(default=0)
    # The sheet name for workbooks, "" for single-table formats.
    name = models.CharField(_("nom"), max_length=200, blank=True)
    file = models.CharField(max_length=300)  # relative to DATASTORE_DIR
    row_count = models.BigIntegerField(_("lignes"))
    # [[name, DuckDB type], ...] in order, and the source's own header labels.
    columns = models.JSONField(default=list)
    source_columns = models.JSONField(default=list)
    profile = models.JSONField(_("profil des colonnes"), default=list)
    table_schema = models.JSONField(_("schéma inféré"), default=dict)
    # Report of the validation against the declared schema, when there is one.
    validation = models.JSONField(_("validation"), null=True, blank=True)
    size = models.BigIntegerField(_("taille Parquet (octets)"), default=0)
    # Geo tables only (set by datasud.geo when the version becomes current): geometry
    # column, extent in EPSG:4326, geometry types, source CRS. Null for other tables.
    geo = models.JSONField(_("géométrie"), null=True, blank=True)

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["load", "position"]
        constraints = [
            models.UniqueConstraint(fields=["load", "position"], name="datastore_table_position"),
        ]

    def __str__(self) -> str:
        return self.name or f"table {self.position + 1}"

    @property
    def path(self) -> Path:
        return settings.DATASTORE_DIR / self.file

    @property
    def sql_name(self) -> str:
        """The table's name in the public SQL endpoint: resource_12, resource_12_2..."""
        base = f"resource_{self.load.resource_id}"
        return base if self.position == 0 else f"{base}_{self.position + 1}"

    @property
    def column_pairs(self) -> list[tuple[str, str]]:
        return [(name, type_) for name, type_ in self.columns]


class DeclaredSchema(models.Model):
    """A Table Schema the producer declares for a resource (e.g. from schema.data.gouv.fr):
    every load is validated against it and the report shown."""

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE,
                                    related_name="declared_schema")
    descriptor = models.JSONField(_("schéma (Table Schema)"))
    # Where it came from, when it was given as an address; informative only.
    url = models.URLField(_("adresse du schéma"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schéma déclaré")
        verbose_name_plural = _("schémas déclarés")

    def __str__(self) -> str:
        return f"schéma de {self.resource_id}"
