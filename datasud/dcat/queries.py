"""What the linked-data surfaces read: public datasets only, fetched with a constant number
of queries per page."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from datasud.catalog.models import Dataset, Resource
from datasud.datastore.models import Load
from datasud.territories.models import Territory


def public_datasets() -> QuerySet:
    """Datasets anybody may see: published and not private, whoever asks (harvesters and
    crawlers are anonymous; a signed-in producer gets the same public catalogue)."""
    return Dataset.objects.visible_to(AnonymousUser())


def with_rdf_relations(datasets: QuerySet) -> QuerySet:
    """`datasets` with everything the RDF description reads, prefetched: 7 queries per
    batch however many datasets it holds."""
    served = Load.objects.filter(resource=OuterRef("pk"), is_current=True,
                                 status=Load.Status.SUCCEEDED)
    resources = Resource.objects.annotate(in_datastore=Exists(served)).order_by("position",
                                                                                "id")
    return datasets.select_related("organisation", "licence").prefetch_related(
        "themes", "tags",
        # Outlines are large and unused here: the precomputed bbox is enough.
        Prefetch("territories", queryset=Territory.objects.defer("geometry")),
        Prefetch("resources", queryset=resources),
    )
