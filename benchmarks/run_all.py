"""Run every benchmark on SQLite and PostgreSQL and write docs/benchmarks.md's results."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores, {cpu}, {mem}, {system}, Python {platform.python_version()}"


def table(result: dict) -> str:
    lines = [f"### {result['database']}", "",
             "| catalogue | measure | n | p50 (ms) | p95 (ms) |", "|---|---|---|---|---|"]
    for row in result["rows"]:
        if "value" in row:  # a figure that is not a time (a size)
            lines.append(f"| {row['n']} | {row['measure']} | | {row['value']} | |")
        elif "seconds" in row:
            lines.append(f"| {row['n']} | {row['measure']} | | {row['seconds']} s | |")
        else:
            lines.append(f"| {row['catalogue']} | {row['measure']} | {row['n']} | "
                         f"{row['p50_ms']} | {row['p95_ms']} |")
    return "\n".join(lines)


def write_section(name: str, title: str, command: str, body: str) -> None:
    """Replace the section `name` of docs/benchmarks.md (between its two markers), with the
    machine and the date; append it if it is not there yet."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    marker = f"<!-- {name} -->"
    block = (f"{marker}\n## {title} ({dt.date.today().isoformat()})\n\n"
             f"Machine: {machine()}.\nCommand: {command}.\n\n{body}\n{marker}")
    if marker in text:
        head, _, rest = text.partition(marker)
        _, _, tail = rest.partition(marker)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text)


def main() -> int:
    sections = []
    for database in ("sqlite", "postgres"):
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_search.py"),
                              "--database", database, "--json", *sys.argv[1:]],
                             check=True, capture_output=True, text=True).stdout
        sections.append(table(json.loads(out.strip().splitlines()[-1])))
    body = "\n\n".join(sections)
    write_section("search-benchmark", "Search and pages",
                  "`make bench` (benchmarks/bench_search.py)", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
