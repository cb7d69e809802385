"""The metadata quality score on the demo catalogue: cost, distribution, and agreement with
data.gouv.fr's own score (issue 7).

    .venv/bin/python benchmarks/bench_quality.py [--keep FOLDER] [--pages 200]

Builds the demo catalogue (`datasud load_demo`: territories, 2,382 datasets) in a fresh
SQLite database (or reuses the one in FOLDER), then measures:
- `recompute_all()` over the whole catalogue (median of 3), and the live reports alone;
- the dataset page's quality panel (`dataset_quality` tag: report + link checks) and the
  whole dataset page, p50 / p95 over a fixed random sample of datasets;
- the distribution of the scores and the most frequent advice;
- the Pearson correlation with the `quality_score` column of the data.gouv.fr export the
  demo is made from (their criteria are close, not identical).
Prints a markdown block and writes it into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import collections
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.django_setup import django_in  # noqa: E402

CATALOGUE = Path("/work/shared/data/catalog/datasud-datasets.csv")


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="folder of the database (reused when present)")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument(
        "--catalogue",
        default=str(CATALOGUE),
        help="the data.gouv.fr export, for the comparison of scores",
    )
    args = parser.parse_args()
    django_in(Path(args.keep or tempfile.mkdtemp(prefix="bench-quality-")))
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.run_all import write_section
    from datasud.catalog.models import Dataset
    from datasud.quality import services
    from datasud.quality.templatetags.datasud_quality import dataset_quality

    settings.ALLOWED_HOSTS = ["*"]
    if not Dataset.objects.exists():
        call_command("load_demo", verbosity=0)
    ids = list(Dataset.objects.order_by("id").values_list("id", flat=True))

    runs = []
    for _ in range(3):
        Dataset.objects.update(quality_score=0)  # every score written again
        started = time.perf_counter()
        services.recompute_all()
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    reports = services.reports(ids)
    reports_seconds = time.perf_counter() - started

    random.seed(7)
    sample = list(Dataset.objects.filter(id__in=random.sample(ids, min(args.pages, len(ids)))))
    panel, pages = [], []
    client = Client()
    for dataset in sample:
        started = time.perf_counter()
        dataset_quality(dataset, True)
        panel.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert client.get(dataset.get_absolute_url()).status_code == 200
        pages.append((time.perf_counter() - started) * 1000)

    scores = [report.score for report in reports.values()]
    bands = collections.Counter(min(score // 20, 4) for score in scores)
    advice = collections.Counter(check.code for r in reports.values() for check in r.advice)
    theirs, ours = [], []
    source_ids = dict(Dataset.objects.values_list("source_id", "id"))
    if Path(args.catalogue).exists():
        with open(args.catalogue, newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file, delimiter=";"):
                pk = source_ids.get(row["id"])
                if pk in reports and row.get("quality_score"):
                    theirs.append(float(row["quality_score"]) * 100)
                    ours.append(reports[pk].score)
    correlation = statistics.correlation(ours, theirs) if len(ours) > 2 else None

    lines = [
        f"{len(ids)} datasets of the demo catalogue (SQLite; the machine is shared with other "
        "work running at the same time: figures are indicative).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `recompute_all()`, whole catalogue (median of 3) | {statistics.median(runs):.2f} s |",
        f"| live reports of every dataset | {reports_seconds:.2f} s |",
        f"| dataset page's quality panel, p50 / p95 ({len(sample)} datasets) | "
        f"{percentile(panel, 0.5):.1f} / {percentile(panel, 0.95):.1f} ms |",
        f"| whole dataset page, p50 / p95 | {percentile(pages, 0.5):.1f} / "
        f"{percentile(pages, 0.95):.1f} ms |",
        f"| average score | {statistics.mean(scores):.1f} |",
        "| scores 0-19 / 20-39 / 40-59 / 60-79 / 80-100 | "
        + " / ".join(str(bands[i]) for i in range(5))
        + " |",
        "| datasets per advice | "
        + ", ".join(f"{code} {n}" for code, n in advice.most_common())
        + " |",
    ]
    if correlation is not None:
        lines.append(
            f"| Pearson correlation with data.gouv.fr's `quality_score` ({len(ours)} "
            f"datasets) | {correlation:.2f} |"
        )
    body = "\n".join(lines)
    write_section(
        "quality-benchmark",
        "Metadata quality score",
        "`.venv/bin/python benchmarks/bench_quality.py`",
        body,
    )
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
