"""Datastore benchmark: DataSud side by side with Datasette on the same file and machine.

Run by hand (never in the test suite):
    make bench-datastore            # installs Datasette in .venv-bench, then runs this
    .venv/bin/python benchmarks/bench_datastore.py --rows 1000000 --big-rows 5000000

What it measures, on a generated CSV (~76 MB for 1 M rows; same seed every run):
- ingestion to "queryable, profile included": DataSud's real load (`services.run_load`:
  CSV -> typed Parquet + column profile + inferred schema) vs `sqlite-utils insert --csv
  ` (types detected) (what Datasette users run), with the peak memory of each;
- over HTTP on 1 M rows, one client: group-by + avg, and a filtered sorted page of 20,
  p50/p95; DataSud behind gunicorn, Datasette behind its own server;
- throughput with 32 concurrent clients on the filtered page.
It builds everything in a temporary folder and prints JSON (`--json`) or Markdown.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PEERS = ROOT / ".venv-bench" / "bin"

# The two HTTP queries, in each system's own language.
DATASUD_GROUP = {"group_by": "departement",
                 "select": "departement, avg(valeur) as moyenne, count(*) as n",
                 "order_by": "departement"}
DATASUD_PAGE = {"where": "departement = '13' and categorie = 'cat-07'",
                "order_by": "valeur desc", "limit": "20"}
DATASETTE_GROUP_SQL = ("select departement, avg(valeur) as moyenne, count(*) as n from rows "
                       "group by departement order by departement")
DATASETTE_PAGE = {"departement": "13", "categorie": "cat-07", "_sort_desc": "valeur",
                  "_size": "20"}


def uncached(i: int) -> str:
    """The filtered page with a filter of its own for request `i`: the same rows and about
    the same work (a category that does not exist is added to an `in`), but neither its
    rows nor its total were ever cached."""
    where = f"departement = '13' and categorie in ('cat-07', 'absente-{i}')"
    return urllib.parse.urlencode({**DATASUD_PAGE, "where": where})


def generate_csv(path: Path, rows: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT i AS id,
                 lpad(CAST((i * 7919) % 96000 + 1000 AS VARCHAR), 5, '0') AS code_commune,
                 'Commune ' || CAST((i * 7919) % 946 AS VARCHAR) AS commune,
                 ['04','05','06','13','83','84'][1 + (i % 6)] AS departement,
                 'cat-' || lpad(CAST((i * 31) % 20 AS VARCHAR), 2, '0') AS categorie,
                 round(((i * 2654435761) % 1000000) / 100.0, 2) AS valeur,
                 DATE '2015-01-01' + CAST((i * 13) % 3650 AS INTEGER) AS date,
                 CAST((i * 97) % 50000 AS INTEGER) AS population,
                 'Équipement n° ' || CAST(i % 9973 AS VARCHAR) || ' (libellé)' AS libelle
          FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT csv, HEADER true)""")
    con.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(work: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "datasud.settings",
        "DATABASE_URL": f"sqlite:///{work / 'datasud.sqlite3'}",
        "DATASUD_VAR_DIR": str(work / "var"),
        "DATASUD_DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1",
        "DATASUD_TASKS": "database", "DATASUD_LOG_LEVEL": "WARNING",
    })
    return env


LOAD_SCRIPT = """
import json, sys, time, resource as rs
import django; django.setup()
from django.core.files import File
from django.core.management import call_command
from datasud.catalog.models import Dataset, Organisation, Resource
from datasud.datastore.models import Load
from datasud.datastore import services
call_command("migrate", verbosity=0)
org = Organisation.objects.create(name="Bench", slug="bench")
ds = Dataset.objects.create(title="Bench", slug="bench", organisation=org, status="published")
res = Resource(dataset=ds, kind="file", title="rows", format="csv")
with open(sys.argv[1], "rb") as f:
    res.file.save("rows.csv", File(f), save=False)
Resource.objects.bulk_create([res])  # no signal: the load is timed below, not queued
res = Resource.objects.get(dataset=ds)
load = Load.objects.create(resource=res, number=1)
start = time.perf_counter()
summary = services.run_load(load.pk)
elapsed = time.perf_counter() - start
peak = rs.getrusage(rs.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "summary": summary,
                  "resource": res.pk}))
"""


def datasud_load(work: Path, csv: Path) -> dict:
    out = subprocess.run([str(PYTHON), "-c", LOAD_SCRIPT, str(csv)], env=_env(work),
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


PEAK_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def datasette_load(work: Path, csv: Path) -> dict:
    db = work / "bench.db"
    db.unlink(missing_ok=True)
    # Through a wrapper process, so that the peak memory is sqlite-utils' alone.
    # sqlite-utils 4 detects column types by default (3.x needed --detect-types).
    out = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, str(PEERS / "sqlite-utils"),
                          "insert", str(db), "rows", str(csv), "--csv"],
                         check=True, capture_output=True, text=True).stdout
    return {**json.loads(out), "db": str(db)}


def _wait(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not start")


def _get(conn: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path)
    reply = conn.getresponse()
    body = reply.read()
    elapsed = (time.perf_counter() - start) * 1000
    if reply.status != 200:
        raise RuntimeError(f"{path} answered {reply.status}: {body[:300]!r}")
    return elapsed


def latency(port: int, path: str | Callable[[int], str], repeat: int) -> dict:
    """p50/p95 of `repeat` requests of `path` (or of `path(i)` for the i-th request)."""
    at = path if callable(path) else (lambda _i: path)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(5):
        _get(conn, at(-1 - i))  # warm-up: connections, metadata
    times = sorted(_get(conn, at(i)) for i in range(repeat))
    conn.close()
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


def throughput(port: int, path: str, clients: int = 32, seconds: float = 10.0) -> dict:
    """Requests per second with `clients` keep-alive clients, for at most `seconds`."""
    counts = [0] * clients
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop and counts[index] < 100_000:
            try:
                _get(conn, path)
                counts[index] += 1
            except (OSError, RuntimeError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"clients": clients, "requests": sum(counts), "errors": sum(errors),
            "per_second": round(sum(counts) / elapsed, 1)}


def serve_datasud(work: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "datasud.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--threads", "8", "--worker-class", "gthread",
         "--log-level", "warning"], env=_env(work), cwd=ROOT)
    _wait(port, "/api/1/")
    return proc, port


def serve_datasette(db: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen([str(PEERS / "datasette"), "serve", db, "--port", str(port),
                             "--host", "127.0.0.1", "--setting", "sql_time_limit_ms", "10000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(port, "/-/versions.json")
    return proc, port


def run(rows: int, big_rows: int, repeat: int, skip_datasette: bool) -> dict:
    results: dict = {"rows": rows, "ingest": {}, "http": {}}
    with tempfile.TemporaryDirectory(prefix="datasud-bench-") as tmp:
        work = Path(tmp)
        csv = work / "rows.csv"
        generate_csv(csv, rows)
        results["csv_mb"] = round(csv.stat().st_size / 1024 / 1024, 1)
        loaded = datasud_load(work, csv)
        results["ingest"]["datasud"] = {k: loaded[k] for k in ("seconds", "peak_mb")}
        if not skip_datasette:
            peer = datasette_load(work, csv)
            results["ingest"]["datasette"] = {k: peer[k] for k in ("seconds", "peak_mb")}
        rid = loaded["resource"]
        proc, port = serve_datasud(work)
        try:
            base = f"/api/1/datastore/{rid}/records/?"
            group = base + urllib.parse.urlencode(DATASUD_GROUP)
            page = base + urllib.parse.urlencode(DATASUD_PAGE)
            results["http"]["datasud"] = {
                "group_by_avg": latency(port, group, repeat),
                "filtered_sorted_page": latency(port, page, repeat),
                "filtered_sorted_page_uncached": latency(port, lambda i: base + uncached(i),
                                                         repeat),
                "throughput": throughput(port, page)}
        finally:
            proc.terminate()
            proc.wait()
        if not skip_datasette:
            proc, port = serve_datasette(peer["db"])
            try:
                group = "/bench.json?" + urllib.parse.urlencode({"sql": DATASETTE_GROUP_SQL})
                page = "/bench/rows.json?" + urllib.parse.urlencode(DATASETTE_PAGE)
                results["http"]["datasette"] = {
                    "group_by_avg": latency(port, group, repeat),
                    "filtered_sorted_page": latency(port, page, repeat),
                    "throughput": throughput(port, page)}
            finally:
                proc.terminate()
                proc.wait()
        if big_rows:
            shutil.rmtree(work / "var", ignore_errors=True)
            (work / "datasud.sqlite3").unlink(missing_ok=True)
            big = work / "big.csv"
            csv.unlink()
            generate_csv(big, big_rows)
            loaded = datasud_load(work, big)
            results["ingest_big"] = {"rows": big_rows,
                                     "csv_mb": round(big.stat().st_size / 1024 / 1024, 1),
                                     "seconds": loaded["seconds"],
                                     "rows_per_second": round(big_rows / loaded["seconds"]),
                                     "peak_mb": loaded["peak_mb"]}
    return results


def markdown(r: dict) -> str:
    lines = [f"Generated CSV: {r['rows']:,} rows, {r['csv_mb']} MB.", "",
             "| measure | DataSud | Datasette |", "|---|---|---|"]
    ds, peer = r["ingest"]["datasud"], r["ingest"].get("datasette")
    lines.append(f"| ingest to queryable (incl. profile) | {ds['seconds']:.2f} s, peak "
                 f"{ds['peak_mb']:.0f} MB | " + (f"{peer['seconds']:.2f} s, peak "
                                                 f"{peer['peak_mb']:.0f} MB |" if peer else "— |"))
    for key, label in (("group_by_avg", "HTTP group-by + avg, p50 / p95"),
                       ("filtered_sorted_page", "HTTP filtered sorted page of 20, p50 / p95"),
                       ("filtered_sorted_page_uncached",
                        "same page, a new filter each time (nothing cached), p50 / p95")):
        row = f"| {label} |"
        for system in ("datasud", "datasette"):
            m = r["http"].get(system, {}).get(key)
            row += f" {m['p50_ms']} / {m['p95_ms']} ms |" if m else " — |"
        lines.append(row)
    row = "| throughput, 32 clients, filtered page |"
    for system in ("datasud", "datasette"):
        m = r["http"].get(system, {}).get("throughput")
        row += f" {m['per_second']} req/s ({m['errors']} errors) |" if m else " — |"
    lines.append(row)
    if "ingest_big" in r:
        b = r["ingest_big"]
        lines += ["", f"Big file: {b['rows']:,} rows ({b['csv_mb']} MB) loaded in "
                      f"{b['seconds']:.2f} s = {b['rows_per_second']:,} rows/s, peak "
                      f"{b['peak_mb']:.0f} MB."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big-rows", type=int, default=5_000_000,
                        help="rows of the big-file ingestion (0 to skip)")
    parser.add_argument("--repeat", type=int, default=200, help="requests per latency case")
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--write-docs", action="store_true",
                        help="also write the results into docs/benchmarks.md")
    args = parser.parse_args()
    if not args.skip_datasette and not (PEERS / "datasette").exists():
        print("Datasette is not installed: run `make bench-datastore` or --skip-datasette",
              file=sys.stderr)
        return 2
    results = run(args.rows, args.big_rows, args.repeat, args.skip_datasette)
    print(json.dumps(results) if args.json else markdown(results))
    if args.write_docs:
        write_docs(markdown(results))
    return 0


# Kept with the figures in docs/benchmarks.md: what the last round of work changed, and why.
WHAT_CHANGED = """\
### What changed (2026-11-29), and what the figures mean

Profiled first, on 1 M rows: the filtered sorted page spent about 7 ms in Django (three ORM
queries: resource, visibility, tables) and about 28 ms in DuckDB, its total being already
cached: scanning the two filter columns, then decoding, for every column, the 21 row groups
that hold the page's rows (the rows of a category are spread over the whole file).

- The records API finds the served table in **one indexed query** (visibility through
  `visible_to`, as an `EXISTS`), never cached: a new version or a dataset turned private is
  seen by the next request.
- **The rows of a page are cached** per Parquet file version and exact SQL, like totals and
  facets already were (32 MB at most per web process): a repeated query no longer reaches
  DuckDB. A new version is a new file, so it is never answered from the old one's cache
  (tested). The row "a new filter each time" measures the uncached path.
- Served files use **Parquet v2 encodings** (delta, byte-stream split): half the size (12.7
  vs 26.1 MB here), the same or less CPU for every query measured.
- Load errors name **physical lines** even after quoted values spanning several lines.

The table above is one run with other engineers' test suites busy on the same 2 cores
(load average 4 to 7): every figure is higher than on a quiet machine (the 1.92 s and
6.74 s of the previous run were quiet ones), and the Datasette throughput is 32 time-outs
(30 s) because each of its requests took about 1.7 s under that load (1.9 req/s when
quiet). Before/after, back to back, medians of 3 alternated runs (load average 2 to 15:
single figures moved by a factor of 2 to 5 between runs):

| measure (p50) | before | after |
|---|---|---|
| ingest 1 M rows | 3.17 s | 2.36 s (same within noise in 8 more alternated loads) |
| ingest 5 M rows (2 runs each) | 12.1 / 13.8 s | 10.3 / 11.8 s |
| HTTP group-by + avg | 35.1 ms | 8.9 ms |
| HTTP filtered sorted page | 60.2 ms | 7.7 ms |
| same page, a new filter each time | 106 ms | 91 ms |
| throughput, 32 clients | 12.2 req/s | 109 req/s |

Not reached, and why:

- *Uncached filtered page ≤ 15 ms*: DuckDB's own work is ~28 ms on a quiet machine.
  Sorting each file by its low-cardinality columns (stored `_id`) was tried: this page
  drops to 9.6 ms, but the first page in file order rises from 4 to 23 ms, an `offset` of
  10,000 to 138 ms, and ingest takes 1.2 s more; not adopted.
- *Ingest ≤ 1 s, 5 M rows at 1 M rows/s*: the work is CPU-bound, about 2.6 CPU-seconds per
  million rows (CSV parsing and Parquet writing ~1.9, profile ~0.7), so at least 1.3 s on
  2 cores even with perfect parallelism; the goals need about 3 cores, or a profile that
  reads only a sample of big tables (distinct counts and frequent values estimated)."""


def write_docs(body: str) -> None:
    """Replace the datastore section of docs/benchmarks.md."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run_all import write_section

    write_section("datastore-benchmark", "Datastore vs Datasette",
                  "`make bench-datastore` (benchmarks/bench_datastore.py)",
                  f"{body}\n\n{WHAT_CHANGED}")

if __name__ == "__main__":
    sys.exit(main())
