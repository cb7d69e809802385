"""Related datasets and column search over the demo catalogue (2,382 datasets).

Run by hand; it builds its own SQLite database in a temporary folder, never the developer's:
    .venv/bin/python benchmarks/bench_related.py [--keep /tmp/folder]
It prints a Markdown table for docs/benchmarks.md: the first build of the related-datasets
snapshot, an incremental rebuild after one edit, `related_datasets` alone, the dataset page
with and without its "related datasets" section (alternated, same pages), the related API
and the column-search API.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.django_setup import django_in  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def row(label: str, values: list[float]) -> str:
    return (
        f"| {label} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} "
        f"| {len(values)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="folder of the database (kept, reused if present)")
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    django_in(Path(args.keep or tempfile.mkdtemp(prefix="bench-related-")))
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils.timezone import now

    from datasud.catalog.models import Dataset
    from datasud.discovery import columns, related
    from datasud.discovery.templatetags import discovery as tag

    settings.ALLOWED_HOSTS = ["*"]
    call_command("createcachetable", verbosity=0)
    if not Dataset.objects.exists():
        call_command("load_demo", verbosity=0)
        call_command("load_datastore_demo", verbosity=0)
    started = time.perf_counter()
    indexed = columns.rebuild()
    column_seconds = time.perf_counter() - started

    random.seed(7)
    slugs = list(Dataset.objects.public().active().order_by("id").values_list("slug", flat=True))
    slugs = random.sample(slugs, min(args.pages, len(slugs)))
    started = time.perf_counter()
    related._index.current()
    first_build = time.perf_counter() - started
    one = Dataset.objects.get(slug=slugs[0])
    Dataset.objects.filter(pk=one.pk).update(title=one.title + " (modifié)", modified_at=now())
    # Timed directly: pages would have it done by a thread (the catalogue is big).
    started = time.perf_counter()
    related._index._rebuild(related._signature())
    rebuild = time.perf_counter() - started
    Dataset.objects.filter(pk=one.pk).update(title=one.title, modified_at=one.modified_at)
    related._index._rebuild(related._signature())

    alone = []
    for slug in slugs:
        dataset = Dataset.objects.get(slug=slug)
        started = time.perf_counter()
        related.related_datasets(None, dataset)
        alone.append(time.perf_counter() - started)

    client = Client()
    for slug in slugs[:20]:  # warm templates and caches
        client.get(f"/jeux-de-donnees/{slug}/")
    real = tag.find_related
    with_section, without_section = [], []
    for slug in slugs:
        for timings, finder in ((with_section, real), (without_section, None)):
            tag.find_related = finder or (lambda user, dataset, wait=False: None)
            started = time.perf_counter()
            response = client.get(f"/jeux-de-donnees/{slug}/")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
    tag.find_related = real
    api = []
    for slug in slugs:
        started = time.perf_counter()
        assert client.get(f"/api/1/datasets/{slug}/related/").status_code == 200
        api.append(time.perf_counter() - started)
    column_api = []
    for query in ["code insee", "siret", "latitude", "téléphone", "code postal", "horaires"] * 20:
        started = time.perf_counter()
        assert client.get("/api/1/colonnes/", {"q": query}).status_code == 200
        column_api.append(time.perf_counter() - started)

    print(f"Datasets: {Dataset.objects.count()}; pages sampled: {len(slugs)}")
    print(
        f"Related snapshot: first build {first_build:.2f} s (in a thread for pages), "
        f"rebuild after one edit {rebuild * 1000:.0f} ms"
    )
    print(f"Column index: {indexed} columns in {column_seconds:.2f} s")
    print()
    print("| measure | p50 (ms) | p95 (ms) | n |")
    print("|---|---|---|---|")
    print(row("`related_datasets` (anonymous)", alone))
    print(row("dataset page, with the related section", with_section))
    print(row("dataset page, without it", without_section))
    print(row("`GET /api/1/datasets/{slug}/related/`", api))
    print(row("`GET /api/1/colonnes/?q=`", column_api))
    print(
        f"\nMedian page difference: "
        f"{(statistics.median(with_section) - statistics.median(without_section)) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
