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


@dataclass
class Document:
    """The searchable text of one dataset, field by field (weights differ per field)."""

    id: int
    title: str
    tags: str
    description: str
    organisation: str
    # Distinct formats of its resources, lower-case, for the format facet and filter.
    formats: list[str] = field(default_factory=list)

    def prefix_words(self) -> str:
        """Each distinct unstemmed word of the title, tags and producer, once.

        Indexed apart for prefix matching when the typed start of a word is longer than
        the word's stem ("donnée" for "données", stemmed "don"). Descriptions are left out:
        they would double the index for little gain, their words being found by prefix
        through their stems all the same.
        """
        found = words(self.title) + words(self.tags) + words(self.organisation)
        return " ".join(dict.fromkeys(found))


def load_documents(dataset_ids: list[int]) -> list[Document]:
    """Documents of the given datasets that still exist (three queries, whatever the count)."""
    tags = defaultdict(list)
    for dataset_id, name in (Dataset.tags.through.objects.filter(dataset_id__in=dataset_ids)
                             .values_list("dataset_id", "tag__name")):
        tags[dataset_id].append(name)
    formats = defaultdict(list)
    for dataset_id, fmt in (Resource.objects.filter(dataset_id__in=dataset_ids)
                            .exclude(format="").order_by()
                            .values_list("dataset_id", "format").distinct()):
        if fmt.lower() not in formats[dataset_id]:
            formats[dataset_id].append(fmt.lower())
    rows = (Dataset.objects.filter(id__in=dataset_ids).order_by()
            .values_list("id", "title", "description", "organisation__name",
                         "organisation__acronym"))
    return [
        Document(id=pk, title=title, tags=" ".join(tags[pk]), description=description,
                 organisation=f"{name} {acronym}".strip(), formats=formats[pk])
        for pk, title, description, name, acronym in rows
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
