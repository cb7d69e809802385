"""Search by map area (`bbox`) next to the same searches without it, over the demo
catalogue (2,382 datasets, extents from their territories), and the Arcep ingest.

Run by hand; it builds its own database (never the developer's), as bench_search.py does:
    .venv/bin/python benchmarks/bench_geosearch.py --database sqlite
    .venv/bin/python benchmarks/bench_geosearch.py --database postgres
    .venv/bin/python benchmarks/bench_geosearch.py \
        --arcep ../shared/data/coverage/arcep-sites-mobiles-2018-01-L93.csv
Prints one line per measure: p50 / p95 in milliseconds (uncached anonymous searches: the
cache is emptied before each run), and the Arcep load's own timings.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import ROOT, _analyze, _p, _prepare, _timed  # noqa: E402

PG_DATABASE = "datasud_bench_geosearch"
QUERIES = ["transport", "vélo", "marseille", "eau potable", "budget", "urba", "", "tourisme"]
AREAS = {"Marseille": (5.3, 43.25, 5.45, 43.35), "région": (4.2, 42.9, 7.8, 45.2),
         "Paris (rien)": (2.2, 48.8, 2.5, 48.9)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--arcep", type=Path, help="also time `load_arcep` on this file")
    args = parser.parse_args()
    _prepare(args.database, PG_DATABASE)

    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from datasud.catalog.importers.catalog_csv import import_catalog_csv
    from datasud.catalog.models import Dataset
    from datasud.search.services import SearchQuery, search_datasets

    start = time.perf_counter()
    import_catalog_csv(ROOT / "datasud" / "catalog" / "data" / "demo-datasets.csv.gz")
    _analyze()
    print(f"import demo catalogue (extents included): {time.perf_counter() - start:.1f} s, "
          f"{Dataset.objects.exclude(spatial_west=None).count()} of "
          f"{Dataset.objects.count()} datasets with an extent")

    anonymous = AnonymousUser()

    def uncached(query):
        cache.clear()
        return search_datasets(anonymous, query)

    def measure(label: str, make) -> None:
        samples = []
        for q in QUERIES:
            samples += _timed(lambda q=q: uncached(make(q)), args.repeat)
        print(f"{label}: p50 {_p(samples, 0.5):.1f} ms, p95 {_p(samples, 0.95):.1f} ms")

    measure("search, no area", lambda q: SearchQuery(q=q))
    for name, box in AREAS.items():
        total = search_datasets(anonymous, SearchQuery(bbox=box)).total
        measure(f"search, area {name} ({total} datasets)", lambda q, b=box: SearchQuery(
            q=q, bbox=b))
    if args.arcep:
        from datasud.catalog.importers.reference import load_reference
        from datasud.geo.arcep import load_arcep

        load_reference()
        report = load_arcep(args.arcep)
        print(f"load_arcep {args.arcep.name}: {report.rows} rows, {report.sites} sites; "
              + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
