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
    # Replaced only when the vocabulary (`Term`) changes: new words, or a rebuild. Most
    # index writes add no word, and web processes keep the vocabulary they loaded.
    vocabulary = models.CharField(max_length=32, default=new_token)

    class Meta:
        verbose_name = _("état de l'index de recherche")

    def __str__(self) -> str:
        return self.token


class DatasetFacet(models.Model):
    """One facet value of a dataset, as last indexed: its formats, themes, tags, territories,
    producer and licence, plus one row with an empty facet that stands for the dataset itself.

    Facets are counted and the format filter applied over this narrow table, written with
    the dataset's index entry, instead of joining the catalogue's tables per facet. Values
    are text: ids for the catalogue's rows (whose labels are read at query time, so renaming
    a theme needs no reindex), the lower-case name for formats. `scope` says where the
    dataset stood when indexed (see `Scope`), so that `FacetCount` can be kept in step.
    Who may see a dataset is never decided from here: searches read that from the catalogue.
    A plain id rather than a foreign key, like the full-text tables: removal is the indexer's.
    """

    class Scope(models.IntegerChoices):
        PUBLIC = 0, "public"
        PUBLIC_ARCHIVED = 1, "public, archived"
        OTHER = 2, "draft or private"

    dataset_id = models.BigIntegerField()
    scope = models.PositiveSmallIntegerField(choices=Scope.choices)
    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("valeur de facette d'un jeu de données (index)")
        constraints = [
            models.UniqueConstraint(fields=["dataset_id", "facet", "value"],
                                    name="search_datasetfacet_unique"),
        ]
        # One value's datasets of one scope, in id order: a filter of anonymous counts
        # (see `filters.indexed_set_sql`) is one range of it.
        indexes = [models.Index(fields=["facet", "value", "scope", "dataset_id"],
                                name="search_datasetfacet_scoped")]

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.facet}={self.value}"


class FacetCount(models.Model):
    """How many indexed datasets of a public scope have each facet value (`DatasetFacet`
    summed up), kept in step by every index write.

    Counting the facets of the whole public catalogue then reads a few thousand rows
    instead of hundreds of thousands: anonymous browsing without a query or filter (the
    home of the catalogue, most of the traffic) costs the same at 60,000 datasets as at
    2,000. The row with an empty facet counts the datasets. Only public scopes are kept:
    drafts and private datasets are always counted from the catalogue, for those who may
    see them.
    """

    scope = models.PositiveSmallIntegerField(choices=DatasetFacet.Scope.choices)
    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("nombre de jeux de données par valeur de facette (index)")
        constraints = [
            models.UniqueConstraint(fields=["scope", "facet", "value"],
                                    name="search_facetcount_unique"),
        ]
        # A facet's biggest values first, read from the index alone.
        indexes = [models.Index(fields=["scope", "facet", "n", "value"],
                                name="search_facetcount_top")]

    def __str__(self) -> str:
        return f"{self.scope} {self.facet}={self.value}: {self.n}"


class FacetPairCount(models.Model):
    """How many indexed datasets of a public scope with one value of a facet people filter
    on (`within_facet`, `within_value`: theme 12, format "csv"...) have each facet value:
    `FacetCount` within each such value, kept in step by every index write.

    Browsing a theme, a producer, a licence or a format (one value, no text: the links of
    the home, organisation and dataset pages) then reads its counts from here, a few rows
    per facet, where counting them would read a dozen `DatasetFacet` rows for each of
    thousands of datasets; with two filters, each facet's "other values" set is one of
    these. Tags and territories are not kept as `within` facets: tag pairs would be ten
    times the rows, and a territory filter also matches the datasets of the areas around
    it (see `filters.territory_ids_covering`), which no single value's counts give.
    """

    WITHIN_FACETS = ("theme", "organisation", "licence", "format")

    scope = models.PositiveSmallIntegerField(choices=DatasetFacet.Scope.choices)
    within_facet = models.CharField(max_length=12)
    within_value = models.CharField(max_length=40)
    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("nombre de jeux de données par paire de valeurs de facettes (index)")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "within_facet", "within_value", "facet", "value"],
                name="search_facetpaircount_unique"),
        ]
        indexes = [
            # A facet's biggest values within one value, read from the index alone.
            models.Index(fields=["scope", "within_facet", "within_value", "facet", "n",
                                 "value"], name="search_facetpair_top"),
            # The rows an index write brought to zero, deleted right after it.
            models.Index(fields=["n"], condition=models.Q(n__lte=0),
                         name="search_facetpair_empty"),
        ]

    def __str__(self) -> str:
        return (f"{self.scope} {self.within_facet}={self.within_value} "
                f"{self.facet}={self.value}: {self.n}")


class Term(models.Model):
    """A word of the indexed datasets (lower-case, unaccented), with the number of datasets
    having it: the vocabulary that spelling corrections are chosen from (see `spelling`).

    Rebuilt exactly with the index (`datasud rebuild_search_index`); in between, the indexer
    adds the new words of the datasets it indexes, and counts are not lowered, so a word
    gone from the catalogue may stay suggested until the next rebuild (a suggestion is only
    followed when it finds datasets).
    """

    word = models.CharField(max_length=40, primary_key=True)
    # The word as written with its accents, when it has some ("vélo" for "velo").
    label = models.CharField(max_length=40, blank=True)
    documents = models.IntegerField()

    class Meta:
        verbose_name = _("mot de l'index de recherche")

    def __str__(self) -> str:
        return f"{self.word}: {self.documents}"
