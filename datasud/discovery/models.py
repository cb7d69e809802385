"""The column index: one row per column of each resource's current datastore tables, with
the kind its values show (code INSEE, SIRET...), so that reusers find datasets by what
their tables hold (`columns.search_columns`). Kept by `columns.index_load` when a version
becomes current; the rows of a table go with it (a new version, a deleted resource).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from datasud.catalog.models import Dataset, Resource
from datasud.datastore.models import Table


class IndexedColumn(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="indexed_columns")
    # Denormalised from the table: the search filters by dataset without three joins.
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    # The column's name in the datastore (records API, SQL) and its label in the source file.
    name = models.CharField(_("nom"), max_length=300)
    label = models.CharField(_("intitulé d'origine"), max_length=300, blank=True)
    # The label folded to words joined by "_": "Code INSEE" -> "code_insee".
    normalised = models.CharField(_("nom normalisé"), max_length=300, db_index=True)
    field_type = models.CharField(_("type"), max_length=20, blank=True)
    # A key of `kinds.KINDS` ("code_insee", "siret"...) or "" when nothing was recognised.
    kind = models.CharField(_("nature des valeurs"), max_length=30, blank=True, db_index=True)
    examples = models.JSONField(_("exemples de valeurs"), default=list, blank=True)

    class Meta:
        verbose_name = _("colonne indexée")
        verbose_name_plural = _("colonnes indexées")
        ordering = ["dataset", "resource", "table", "position"]

    def __str__(self) -> str:
        return self.label or self.name
