"""What the index knows of a dataset, read from the catalogue in batches."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from datasud.catalog.models import Dataset, Resource

from .text import words

# Datasets read and written per round trip: big enough to amortise the queries, small
# enough to stay under SQLite's limit on bound parameters.
BATCH_SIZE = 500
# Characters of a description that are indexed. Some harvested descriptions are whole data
# dumps (megabytes): PostgreSQL refuses a tsvector over 1 MB, and words that far down do
# not make a dataset relevant anyway. Both backends index the same text.
MAX_DESCRIPTION_LENGTH = 100_000


# Scopes of `DatasetFacet` (kept here as plain numbers to spare this module the models).
PUBLIC, PUBLIC_ARCHIVED, OTHER = 0, 1, 2


@dataclass
class Document:
    """The searchable text of one dataset, field by field (weights differ per field), and
    the values its facets are counted on."""

    id: int
    title: str
    tags: str
    description: str
    organisation: str
    # Distinct formats of its resources, lower-case, for the format facet and filter.
    formats: list[str] = field(default_factory=list)
    scope: int = OTHER
    organisation_id: int | None = None
    licence_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    territory_ids: list[int] = field(default_factory=list)

    def facet_values(self) -> list[tuple[str, str]]:
        """(facet, value) pairs of `DatasetFacet`: ("", "") for the dataset itself, then
        one pair per value of each facet (ids as text, formats by name)."""
        pairs = [("", "")]
        if self.organisation_id is not None:
            pairs.append(("organisation", str(self.organisation_id)))
        if self.licence_id is not None:
            pairs.append(("licence", str(self.licence_id)))
        for facet, ids in (("theme", self.theme_ids), ("tag", self.tag_ids),
                           ("territory", self.territory_ids)):
            pairs.extend((facet, str(pk)) for pk in dict.fromkeys(ids))
        pairs.extend(("format", fmt) for fmt in self.formats)
        return pairs

    def prefix_words(self) -> str:
        """Each distinct unstemmed word of the title, tags and producer, once.

        Indexed apart for prefix matching when the typed start of a word is longer than
        the word's stem ("donnée" for "données", stemmed "don"). Descriptions are left out:
        they would double the index for little gain, their words being found by prefix
        through their stems all the same.
        """
        found = words(self.title) + words(self.tags) + words(self.organisation)
        return " ".join(dict.fromkeys(found))


def scope(status: str, private: bool, archived_at) -> int:
    """The `DatasetFacet.Scope` of a dataset with these fields."""
    if status != Dataset.Status.PUBLISHED or private:
        return OTHER
    return PUBLIC if archived_at is None else PUBLIC_ARCHIVED


def load_documents(dataset_ids: list[int]) -> list[Document]:
    """Documents of the given datasets that still exist (five queries, whatever the count)."""
    tags, tag_ids = defaultdict(list), defaultdict(list)
    for dataset_id, tag_id, name in (Dataset.tags.through.objects
                                     .filter(dataset_id__in=dataset_ids)
                                     .values_list("dataset_id", "tag_id", "tag__name")):
        tags[dataset_id].append(name)
        tag_ids[dataset_id].append(tag_id)
    themes, territories = defaultdict(list), defaultdict(list)
    for dataset_id, theme_id in (Dataset.themes.through.objects
                                 .filter(dataset_id__in=dataset_ids)
                                 .values_list("dataset_id", "theme_id")):
        themes[dataset_id].append(theme_id)
    for dataset_id, territory_id in (Dataset.territories.through.objects
                                     .filter(dataset_id__in=dataset_ids)
                                     .values_list("dataset_id", "territory_id")):
        territories[dataset_id].append(territory_id)
    formats = defaultdict(list)
    for dataset_id, fmt in (Resource.objects.filter(dataset_id__in=dataset_ids)
                            .exclude(format="").order_by()
                            .values_list("dataset_id", "format").distinct()):
        if fmt.lower() not in formats[dataset_id]:
            formats[dataset_id].append(fmt.lower())
    rows = (Dataset.objects.filter(id__in=dataset_ids).order_by()
            .values_list("id", "title", "description", "organisation__name",
                         "organisation__acronym", "status", "private", "archived_at",
                         "organisation_id", "licence_id"))
    return [
        Document(id=pk, title=title, tags=" ".join(tags[pk]),
                 description=description[:MAX_DESCRIPTION_LENGTH],
                 organisation=f"{name} {acronym}".strip(), formats=formats[pk],
                 scope=scope(status, private, archived_at), organisation_id=organisation_id,
                 licence_id=licence_id, theme_ids=themes[pk], tag_ids=tag_ids[pk],
                 territory_ids=territories[pk])
        for (pk, title, description, name, acronym, status, private, archived_at,
             organisation_id, licence_id) in rows
    ]


def iter_all_ids(batch_size: int | None = None) -> Iterator[list[int]]:
    """Every dataset id, in ascending batches (keyset pagination, no OFFSET)."""
    batch_size = batch_size or BATCH_SIZE
    last = 0
    while True:
        batch = list(Dataset.objects.filter(id__gt=last).order_by("id")
                     .values_list("id", flat=True)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]
