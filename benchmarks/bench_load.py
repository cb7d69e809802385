"""Load test on loopback: the platform behind gunicorn, production settings, demo data.

Run by hand (never in the test suite):
    make bench-load                                   # 64 clients for 60 s, then a soak
    .venv/bin/python benchmarks/bench_load.py --clients 64 --duration 60 --soak 600

What it does:
- prepares a throw-away platform (temporary folder, SQLite or `--database-url`): migrate,
  the demo catalogue, the datastore demo files, collectstatic; DATASUD_DEBUG=0;
- starts gunicorn (`--workers`, default 2 × cores + 1, threads 1), checks it answers;
- N clients (asyncio, one keep-alive HTTP/1.1 connection each, no think time) request in
  turn: the home page, a search, a dataset page, a datastore records page;
- reports per page and overall: requests, errors (anything but 200, and connection
  failures), p50/p95/p99, throughput; and the server's memory (RSS of the gunicorn master
  and workers) sampled every 5 s, whose growth over the soak says whether it is stable.
The load generator runs on the same machine: its own CPU use is part of the picture.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def run(command: list[str], env: dict) -> str:
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout


def prepare(workdir: Path, database_url: str | None) -> dict:
    env = dict(os.environ)
    env.update({
        "DATASUD_VAR_DIR": str(workdir), "DATASUD_DEBUG": "0",
        "SECRET_KEY": "load-test-only-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
        "DATASUD_TASKS": "immediate", "DATASUD_LOG_LEVEL": "WARNING",
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    datasud = str(BIN / "datasud")
    for step in (["migrate", "--noinput", "-v0"], ["load_demo", "--if-empty"],
                 ["load_datastore_demo"], ["collectstatic", "--noinput", "-v0"]):
        print("prepare:", " ".join(step), file=sys.stderr)
        run([datasud, *step], env)
    return env


def pick_urls(env: dict) -> dict[str, list[str]]:
    """A few real addresses of each kind, read from the prepared platform."""
    script = """
import json, django
django.setup()
from datasud.catalog.models import Dataset
from datasud.datastore.models import Table
slugs = list(Dataset.objects.public().order_by("-modified_at")
             .values_list("slug", flat=True)[:50])
tables = list(Table.objects.filter(load__is_current=True).order_by("-row_count")
              .values_list("load__resource_id", "columns")[:1])
print(json.dumps({"slugs": slugs, "tables": tables}))
"""
    env = dict(env, DJANGO_SETTINGS_MODULE="datasud.settings")
    data = json.loads(run([str(BIN / "python"), "-c", script], env).strip().splitlines()[-1])
    resource, columns = data["tables"][0]
    first_column = columns[0][0]
    return {
        "home": ["/"],
        "search": [f"/jeux-de-donnees/?q={q}" for q in (
            "transport", "eau", "budget", "velo", "population", "tourisme", "ecole")],
        "dataset": [f"/jeux-de-donnees/{slug}/" for slug in data["slugs"]],
        "records": [f"/api/1/datastore/{resource}/records/?limit=20&offset={offset}"
                    f"&order_by={first_column}" for offset in range(0, 2000, 100)],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "datasud.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_rss_mb(master_pid: int) -> float:
    """RSS of the gunicorn master and its workers, in MB."""
    pids = [master_pid]
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        pids += [int(p) for p in children]
    except OSError:
        pass
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Client:
    """One keep-alive HTTP/1.1 connection, reopened after an error."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept-Encoding: gzip\r\n\r\n".encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()
            close = True
        if close:
            self.close()
        return status

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(port: int, urls: dict[str, list[str]], clients: int, duration: float
               ) -> dict[str, list]:
    kinds = list(urls)
    results: dict[str, list] = {kind: [] for kind in kinds}  # (latency s, status)
    stop_at = time.monotonic() + duration

    async def worker(number: int):
        client = Client(port)
        rng = random.Random(number)
        turn = number
        while time.monotonic() < stop_at:
            kind = kinds[turn % len(kinds)]
            turn += 1
            path = rng.choice(urls[kind])
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(client.get(path), timeout=30)
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                client.close()
                status = 0
            results[kind].append((time.perf_counter() - started, status))
        client.close()

    await asyncio.gather(*(worker(n) for n in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def summarise(results: dict[str, list], duration: float) -> list[dict]:
    rows = []
    everything = [r for kind in results.values() for r in kind]
    for kind, samples in [*results.items(), ("all", everything)]:
        latencies = [s for s, _ in samples]
        errors = sum(1 for _, status in samples if status != 200)
        rows.append({
            "page": kind, "requests": len(samples), "errors": errors,
            "rps": round(len(samples) / duration, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "p95_ms": round(percentile(latencies, 95) * 1000, 1),
            "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        })
    return rows


def run_phase(port: int, urls, clients: int, duration: float, master_pid: int
              ) -> tuple[list[dict], list[float]]:
    memory: list[float] = []

    async def sample():
        while True:
            memory.append(round(server_rss_mb(master_pid), 1))
            await asyncio.sleep(5)

    async def main():
        sampler = asyncio.create_task(sample())
        results = await load(port, urls, clients, duration)
        sampler.cancel()
        return results

    results = asyncio.run(main())
    return summarise(results, duration), memory


def markdown(args, phases: list[tuple[str, list[dict], list[float]]]) -> str:
    lines = [f"gunicorn, {args.workers} workers, DATASUD_DEBUG=0, "
             f"{'SQLite' if not args.database_url else 'PostgreSQL'}, demo catalogue "
             f"(2,382 datasets) and datastore demo; {args.clients} concurrent keep-alive "
             "clients, no think time, on the same machine.", ""]
    for title, rows, memory in phases:
        lines += [f"**{title}**", "",
                  "| page | requests | errors | req/s | p50 (ms) | p95 (ms) | p99 (ms) |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['page']} | {r['requests']} | {r['errors']} | {r['rps']} | "
                  f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |" for r in rows]
        if memory:
            first, last, top = memory[0], memory[-1], max(memory)
            lines += ["", f"Server memory (RSS, master + workers): {first:.0f} MB at the "
                      f"start, {last:.0f} MB at the end, {top:.0f} MB at most "
                      f"({len(memory)} samples, every 5 s)."]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--soak", type=float, default=0,
                        help="seconds of a second, longer run watching memory (e.g. 600)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database-url", help="PostgreSQL database to fill (default: "
                        "SQLite in the temporary folder)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="datasud-load-"))
    server = None
    try:
        env = prepare(workdir, args.database_url)
        urls = pick_urls(env)
        port = free_port()
        server = start_server(env, port, args.workers)
        print("warm-up", file=sys.stderr)
        run_phase(port, urls, min(args.clients, 8), 5, server.pid)
        phases = []
        print(f"load: {args.clients} clients, {args.duration:.0f} s", file=sys.stderr)
        rows, memory = run_phase(port, urls, args.clients, args.duration, server.pid)
        phases.append((f"{args.clients} clients, {args.duration:.0f} s", rows, memory))
        if args.soak:
            print(f"soak: {args.soak:.0f} s", file=sys.stderr)
            rows, memory = run_phase(port, urls, args.clients, args.soak, server.pid)
            phases.append((f"Soak: {args.clients} clients, {args.soak / 60:.0f} min",
                           rows, memory))
        body = markdown(args, phases)
        print(body)
        if args.write_docs:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from run_all import write_section

            write_section("load-benchmark", "Load on loopback",
                          "`make bench-load` (benchmarks/bench_load.py)", body)
        errors = sum(r["errors"] for _, rows, _ in phases for r in rows if r["page"] == "all")
        return 1 if errors else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
