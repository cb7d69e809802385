"""The search app's one model: the state of the index that caches are keyed on.

The index itself lives in tables the migrations create for the database vendor (an FTS5
virtual table or a table of tsvectors), outside the ORM: see `backends/`.
"""
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return uuid.uuid4().hex


class IndexState(models.Model):
    """A single row whose `token` every write to the index replaces with a fresh one.

    Cached facet counts are keyed on it (see `cache.py`), so no cached count outlives a
    change of the index. A random token rather than a counter: a rolled-back transaction
    brings an old counter value back, never an old random token to a new state.
    """

    token = models.CharField(max_length=32, default=new_token)

    class Meta:
        verbose_name = _("état de l'index de recherche")

    def __str__(self) -> str:
        return self.token


class DatasetFormat(models.Model):
    """The distinct resource formats of each dataset, written with its index entry.

    The format facet and filter read this narrow table instead of every resource row (a
    dataset may have hundreds), which keeps them cheap on large catalogues. A plain id
    rather than a foreign key, like the full-text tables: removal is the indexer's job.
    """

    dataset_id = models.BigIntegerField()
    format = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("format d'un jeu de données (index)")
        constraints = [
            models.UniqueConstraint(fields=["dataset_id", "format"],
                                    name="search_datasetformat_unique"),
        ]
        indexes = [models.Index(fields=["format", "dataset_id"],
                                name="search_datasetformat_format")]

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.format}"
