"""Search and page latency over the demo catalogue (2,382 datasets) and over 60,000.

Run by hand (`make bench` runs it on SQLite and PostgreSQL); it builds its own database,
never the developer's:
    .venv/bin/python benchmarks/bench_search.py --database sqlite
    .venv/bin/python benchmarks/bench_search.py --database postgres
It prints a Markdown table; `benchmarks/run_all.py` writes the tables to docs/benchmarks.md.

Anonymous searches are timed as a running server sees them (counts cached after the first
run) and "uncached" (the cache emptied before each run, as on a miss or after an index
write), and signed-in searches, which are never cached, as a member of the biggest producer.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.django_setup import django_in  # noqa: E402

SAMPLE_60K = ROOT.parent / "shared" / "data" / "catalog" / "datagouv-sample-60k.csv.gz"
# The throw-away PostgreSQL database (dropped and created again by each run); another name
# with --postgres-db, so that two benchmarks on one server do not share one.
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "datasud_bench_search"
# More datasets than the demo catalogue: the 60k sample is imported.
LARGE = 10_000

# Realistic queries of reusers and type-ahead prefixes, with and without filters.
QUERIES = [
    "transport", "vélo", "pistes cyclables", "bus horaires", "plan local d'urbanisme",
    "marseille", "avignon", "qualité de l'air", "population", "budget", "eau potable",
    "déchets", "parkings", "écoles", "tourisme", "arbres", "adresses", "cadastre",
    "zones inondables", "wifi", "équipements sportifs", "élections", "subventions",
    "patrimoine", "randonnée", "éclairage public", "bornes de recharge", "marchés publics",
    "trans", "urba", "agri", "photo",
]


def _prepare(database: str, pg_database: str = PG_DATABASE, reuse: Path | None = None) -> None:
    """Point Django at a fresh database (or, with `reuse`, at the one a former run with the
    same option left: SQLite in that folder, PostgreSQL's `pg_database` kept). Files the
    platform writes go to that folder too, or to a temporary one."""
    database_url = None  # SQLite in the folder
    if database == "postgres":
        database_url = f"{PG_SERVER}/{pg_database}"
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            name = sql.Identifier(pg_database)
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  [pg_database]).fetchone()
            if not (reuse and exists):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    django_in(reuse or Path(tempfile.mkdtemp(prefix="datasud-bench-")), database_url,
              reference=True)


def _analyze() -> None:
    """Fresh planner statistics after an import, as autovacuum would gather them on a
    running server (it is off on the benchmark machine's PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


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


def _member():
    """A signed-in member of the biggest producer: searches never served from the cache."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from datasud.accounts.models import Membership
    from datasud.catalog.models import Organisation

    user, _ = get_user_model().objects.get_or_create(username="bench-member")
    biggest = Organisation.objects.annotate(n=Count("datasets")).order_by("-n").first()
    Membership.objects.get_or_create(user=user, organisation=biggest,
                                     defaults={"role": Membership.Role.EDITOR})
    return user


def _search_samples(repeat: int) -> dict[str, list[float]]:
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from datasud.search.services import SearchQuery, search_datasets

    anonymous = AnonymousUser()
    member = _member()

    def uncached(query):
        cache.clear()  # anonymous counts are cached: time them computed, as on a miss
        return search_datasets(anonymous, query)

    plain, faceted, plain_uncached, filtered_uncached, as_member = [], [], [], [], []
    for q in QUERIES:
        plain += _timed(lambda q=q: search_datasets(anonymous, SearchQuery(q=q)), repeat)
        faceted += _timed(lambda q=q: search_datasets(
            anonymous, SearchQuery(q=q, licences=["lov2"], sort="-modified")), repeat)
        plain_uncached += _timed(lambda q=q: uncached(SearchQuery(q=q)), repeat)
        filtered_uncached += _timed(lambda q=q: uncached(
            SearchQuery(q=q, licences=["lov2"], sort="-modified")), repeat)
        as_member += _timed(lambda q=q: search_datasets(member, SearchQuery(q=q)), repeat)
    browse = _timed(lambda: search_datasets(anonymous, SearchQuery()), repeat * 5)
    browse_uncached = _timed(lambda: uncached(SearchQuery()), repeat * 5)
    browse_filtered = _timed(lambda: uncached(SearchQuery(themes=["environnement-et-climat"],
                                                          formats=["csv"])), repeat * 5)
    browse_member = _timed(lambda: search_datasets(member, SearchQuery()), repeat * 5)
    return {"search (q, facets)": plain, "search (q + filter, sorted by date)": faceted,
            "browse (no q, facets)": browse,
            "search (q, facets), uncached": plain_uncached,
            "search (q + filter, sorted by date), uncached": filtered_uncached,
            "search (q, facets), signed-in member": as_member,
            "browse (no q, facets), uncached": browse_uncached,
            "browse (theme + format filters), uncached": browse_filtered,
            "browse (no q, facets), signed-in member": browse_member}


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


def _warm_facet_columns(rows: list[dict]) -> None:
    """Build the facet columns that searches count large sets from (`search.columns`)
    before timing, as a running server has them after its first search, and report the
    time that took and the memory they hold (a row each)."""
    from datasud.catalog.models import Dataset
    from datasud.search.columns import facet_columns, size_in_bytes

    start = time.perf_counter()
    columns = facet_columns.warm()
    if columns is None:
        return
    n = Dataset.objects.count()
    rows.append({"measure": "facet columns: build (in memory, per process)", "n": n,
                 "seconds": round(time.perf_counter() - start, 2)})
    rows.append({"measure": f"facet columns: memory ({len(columns.codes):,} values of "
                            f"{len(columns.dataset_ids):,} datasets)", "n": n,
                 "value": f"{size_in_bytes(columns) / 2**20:.1f} MB"})


def _row(name: str, samples: list[float]) -> dict:
    return {"measure": name, "n": len(samples), "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(_p(samples, 0.95), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-60k", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of Markdown")
    parser.add_argument("--postgres-db", default=PG_DATABASE,
                        help=f"throw-away database on {PG_SERVER} (dropped first), "
                             f"default {PG_DATABASE}")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="keep the databases between runs, to compare code back to back: "
                             "SQLite in DIR, PostgreSQL's --postgres-db not dropped; "
                             "catalogues already imported are not imported again")
    parser.add_argument("--only-60k", action="store_true",
                        help="time the 60,000 catalogue only (after importing what is needed)")
    parser.add_argument("--no-pages", action="store_true",
                        help="time searches only, not the pages through Django's test client")
    args = parser.parse_args()

    def samples() -> dict[str, list[float]]:
        _warm_facet_columns(rows)
        timed = _search_samples(args.repeat)
        if not args.no_pages:
            timed.update(_page_samples(args.repeat))
        return timed

    _prepare(args.database, args.postgres_db, args.reuse)
    from datasud.catalog.importers.catalog_csv import import_catalog_csv
    from datasud.catalog.models import Dataset

    rows = []
    demo = ROOT / "datasud" / "catalog" / "data" / "demo-datasets.csv.gz"
    if not Dataset.objects.exists():
        start = time.perf_counter()
        import_catalog_csv(demo)
        _analyze()
        rows.append({"measure": "import + index demo catalogue", "n": Dataset.objects.count(),
                     "seconds": round(time.perf_counter() - start, 1)})
    if Dataset.objects.count() < LARGE and not args.only_60k:
        for name, timed in samples().items():
            rows.append({"catalogue": Dataset.objects.count(), **_row(name, timed)})
    if not args.skip_60k and SAMPLE_60K.exists():
        if Dataset.objects.count() < LARGE:
            start = time.perf_counter()
            import_catalog_csv(SAMPLE_60K)
            _analyze()
            rows.append({"measure": "import + index 60k sample", "n": Dataset.objects.count(),
                         "seconds": round(time.perf_counter() - start, 1)})
        for name, timed in samples().items():
            rows.append({"catalogue": Dataset.objects.count(), **_row(name, timed)})
    if args.json:
        print(json.dumps({"database": args.database, "rows": rows}))
    else:
        for row in rows:
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
