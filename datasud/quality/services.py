"""The quality score's operations: evaluate, store, and sum up per organisation.

    report = report_for(dataset)           # the score and the advice, read live
    recompute([dataset.pk])                # store the score (Dataset.quality_score)
    schedule_recompute([dataset.pk])       # ... once the current transaction commits

The stored score is what search sorts on and what the API shows; `signals.py` keeps it in
step with the dataset, its resources, their datastore loads and the link checker, and
`datasud recompute_quality` recomputes every dataset (daily, for the update-frequency
criterion, which time alone can fail).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from datasud.catalog.models import Dataset, Organisation, Resource

from .criteria import Report, evaluate
from .facts import load_facts
from .models import LinkCheck

BATCH = 500
# Score bands of the dashboard's distribution: (lowest score, highest score).
BANDS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]


def reports(dataset_ids: Iterable[int], now=None) -> dict[int, Report]:
    """Live reports of the given datasets (those that exist), by id."""
    now = now or timezone.now()
    ids = list(dict.fromkeys(dataset_ids))
    found: dict[int, Report] = {}
    for start in range(0, len(ids), BATCH):
        for pk, facts in load_facts(ids[start : start + BATCH]).items():
            found[pk] = evaluate(facts, now)
    return found


def report_for(dataset: Dataset) -> Report:
    return reports([dataset.pk])[dataset.pk]


def recompute(dataset_ids: Iterable[int]) -> int:
    """Store the score of these datasets; returns how many scores changed."""
    ids = list(dict.fromkeys(dataset_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = reports(ids[start : start + BATCH])
        stored = dict(Dataset.objects.filter(id__in=list(batch)).values_list("id", "quality_score"))
        by_score: dict[int, list[int]] = {}
        for pk, report in batch.items():
            if stored.get(pk) != report.score:
                by_score.setdefault(report.score, []).append(pk)
        for score, pks in by_score.items():
            changed += Dataset.objects.filter(id__in=pks).update(quality_score=score)
    return changed


def recompute_all(progress=None) -> int:
    """Recompute every dataset's score; returns how many changed."""
    changed, last = 0, 0
    while batch := list(
        Dataset.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:BATCH]
    ):
        changed += recompute(batch)
        last = batch[-1]
        if progress is not None:
            progress(len(batch))
    return changed


def schedule_recompute(dataset_ids: Iterable[int]) -> None:
    """Recompute these datasets' scores once the transaction commits (at once outside
    one): a rolled-back change never reaches the score."""
    ids = [pk for pk in dict.fromkeys(dataset_ids) if pk is not None]
    if ids:
        transaction.on_commit(lambda: recompute(ids), robust=True)


# --- Organisations ----------------------------------------------------------------------------


@dataclass
class Band:
    low: int
    high: int
    count: int
    percent: int


@dataclass
class Summary:
    datasets: int
    average: int | None
    bands: list[Band]
    broken_links: int
    without_advice: int


def organisations_for(user) -> QuerySet:
    """Organisations whose dashboard `user` may read: their members' and staff's."""
    return Organisation.objects.publishable_by(user)


def maintained_datasets(organisation: Organisation) -> QuerySet:
    """The organisation's datasets the dashboard counts: all but the archived ones (drafts
    and private datasets included: their producers see them)."""
    return Dataset.objects.filter(organisation=organisation).active()


def broken_resources(datasets: QuerySet) -> QuerySet:
    """Remote resources of `datasets` whose link the checker found broken."""
    return Resource.objects.filter(
        dataset__in=datasets.values("id"),
        kind=Resource.Kind.URL,
        url__in=LinkCheck.objects.filter(broken=True).values("url"),
    )


def summary(organisation: Organisation) -> Summary:
    datasets = maintained_datasets(organisation)
    figures = datasets.aggregate(
        n=Count("id"),
        average=Avg("quality_score"),
        perfect=Count("id", filter=Q(quality_score=100)),
        **{
            f"band{i}": Count("id", filter=Q(quality_score__gte=low, quality_score__lte=high))
            for i, (low, high) in enumerate(BANDS)
        },
    )
    total = figures["n"]
    bands = [
        Band(
            low, high, figures[f"band{i}"], round(100 * figures[f"band{i}"] / total) if total else 0
        )
        for i, (low, high) in enumerate(BANDS)
    ]
    average = figures["average"]
    return Summary(
        datasets=total,
        average=None if average is None else round(average),
        bands=bands,
        broken_links=broken_resources(datasets).count(),
        without_advice=figures["perfect"],
    )


def broken_counts(dataset_ids: list[int]) -> dict[int, int]:
    """Broken remote links per dataset."""
    rows = (
        broken_resources(Dataset.objects.filter(id__in=dataset_ids))
        .order_by()
        .values_list("dataset_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def organisation_rows(organisations: QuerySet) -> QuerySet:
    """Organisations with their number of maintained datasets and average score."""
    active = Q(datasets__archived_at__isnull=True)
    return organisations.annotate(
        dataset_count=Count("datasets", filter=active),
        average_score=Avg("datasets__quality_score", filter=active),
    )


def broken_links_by_organisation(organisation_ids: list[int]) -> dict[int, int]:
    """Broken remote links of the maintained (not archived) datasets, per organisation."""
    datasets = Dataset.objects.filter(organisation_id__in=organisation_ids).active()
    rows = (
        broken_resources(datasets)
        .order_by()
        .values_list("dataset__organisation_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)
