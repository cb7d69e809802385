"""Search and page latency over the demo catalogue (2,382 datasets) and over 60,000.

Run by hand (`make bench` runs it on SQLite and PostgreSQL); it builds its own database,
never the developer's:
    .venv/bin/python benchmarks/bench_search.py --database sqlite
    .venv/bin/python benchmarks/bench_search.py --database postgres
It prints a Markdown table; `benchmarks/run_all.py` writes the tables to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_60K = ROOT.parent / "shared" / "data" / "catalog" / "datagouv-sample-60k.csv.gz"
PG_URL = "postgres://postgres@127.0.0.1:5432/datasud_bench"

# Realistic queries of reusers and type-ahead prefixes, with and without filters.
QUERIES = [
    "transport", "vélo", "pistes cyclables", "bus horaires", "plan local d'urbanisme",
    "marseille", "avignon", "qualité de l'air", "population", "budget", "eau potable",
    "déchets", "parkings", "écoles", "tourisme", "arbres", "adresses", "cadastre",
    "zones inondables", "wifi", "équipements sportifs", "élections", "subventions",
    "patrimoine", "randonnée", "éclairage public", "bornes de recharge", "marchés publics",
    "trans", "urba", "agri", "photo",
]


def _prepare(database: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "datasud.settings"
    os.environ["DATASUD_DEBUG"] = "1"
    if database == "postgres":
        os.environ["DATABASE_URL"] = PG_URL
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS datasud_bench")
            conn.execute("CREATE DATABASE datasud_bench")
    else:
        var = Path(tempfile.mkdtemp(prefix="datasud-bench-"))
        os.environ["DATASUD_VAR_DIR"] = str(var)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_territories", verbosity=0)
    call_command("load_reference", verbosity=0)


def _timed(fn, repeat: int) -> list[float]:
    fn()  # warm caches once, as a running server would have them
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _search_samples(repeat: int) -> dict[str, list[float]]:
    from django.contrib.auth.models import AnonymousUser

    from datasud.search.services import SearchQuery, search_datasets

    anonymous = AnonymousUser()
    plain, faceted = [], []
    for q in QUERIES:
        plain += _timed(lambda q=q: search_datasets(anonymous, SearchQuery(q=q)), repeat)
        faceted += _timed(lambda q=q: search_datasets(
            anonymous, SearchQuery(q=q, licences=["lov2"], sort="-modified")), repeat)
    browse = _timed(lambda: search_datasets(anonymous, SearchQuery()), repeat * 5)
    return {"search (q, facets)": plain, "search (q + filter, sorted by date)": faceted,
            "browse (no q, facets)": browse}


def _page_samples(repeat: int) -> dict[str, list[float]]:
    from django.test import Client

    from datasud.catalog.models import Dataset

    client = Client()
    slugs = list(Dataset.objects.public().order_by("?").values_list("slug", flat=True)[:20])
    home = _timed(lambda: client.get("/"), repeat * 5)
    pages = []
    for slug in slugs:
        pages += _timed(lambda slug=slug: client.get(f"/jeux-de-donnees/{slug}/"), repeat)
    search_page = _timed(lambda: client.get("/jeux-de-donnees/?q=transport"), repeat * 5)
    return {"home page": home, "dataset page": pages, "search page (?q=transport)": search_page}


def _row(name: str, samples: list[float]) -> dict:
    return {"measure": name, "n": len(samples), "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(_p(samples, 0.95), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-60k", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of Markdown")
    args = parser.parse_args()

    _prepare(args.database)
    from datasud.catalog.importers.catalog_csv import import_catalog_csv
    from datasud.catalog.models import Dataset

    rows = []
    demo = ROOT / "datasud" / "catalog" / "data" / "demo-datasets.csv.gz"
    start = time.perf_counter()
    import_catalog_csv(demo)
    rows.append({"measure": "import + index demo catalogue", "n": Dataset.objects.count(),
                 "seconds": round(time.perf_counter() - start, 1)})
    for name, samples in {**_search_samples(args.repeat), **_page_samples(args.repeat)}.items():
        rows.append({"catalogue": Dataset.objects.count(), **_row(name, samples)})
    if not args.skip_60k and SAMPLE_60K.exists():
        start = time.perf_counter()
        import_catalog_csv(SAMPLE_60K)
        rows.append({"measure": "import + index 60k sample", "n": Dataset.objects.count(),
                     "seconds": round(time.perf_counter() - start, 1)})
        for name, samples in {**_search_samples(args.repeat),
                              **_page_samples(args.repeat)}.items():
            rows.append({"catalogue": Dataset.objects.count(), **_row(name, samples)})
    if args.json:
        print(json.dumps({"database": args.database, "rows": rows}))
    else:
        for row in rows:
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
