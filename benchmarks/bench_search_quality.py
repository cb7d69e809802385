"""Search quality: nDCG@10 of the default ranking ("hybride") vs plain full text ("texte")
over the judged queries of benchmarks/data/search-judgements.csv (see
benchmarks/search_judgements.py for how they were judged), on the demo catalogue.

Run by hand; it builds its own database (as bench_search.py does), never the developer's:
    .venv/bin/python benchmarks/bench_search_quality.py --database sqlite
    .venv/bin/python benchmarks/bench_search_quality.py --database postgres
`--per-query` prints each query's figures too.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import PG_DATABASE, ROOT, _analyze, _prepare  # noqa: E402

JUDGEMENTS = ROOT / "benchmarks" / "data" / "search-judgements.csv"
K = 10


def load_judgements() -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    """query -> {slug: grade}, and query -> kind (mot, synonyme, sigle, faute)."""
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    kinds: dict[str, str] = {}
    with JUDGEMENTS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            grades[row["query"]][row["slug"]] = int(row["grade"])
            kinds[row["query"]] = row["kind"]
    return grades, kinds


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:K]))


def ndcg(found: list[str], judged: dict[str, int]) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True))
    return dcg([judged.get(slug, 0) for slug in found]) / ideal if ideal else 0.0


def evaluate(per_query: bool = False) -> dict:
    from django.contrib.auth.models import AnonymousUser

    from datasud.search.services import SearchQuery, search_datasets

    grades, kinds = load_judgements()
    scores: dict[str, dict[str, float]] = {"hybride": {}, "texte": {}}
    lines = []
    for query, judged in grades.items():
        for ranking in scores:
            result = search_datasets(
                AnonymousUser(), SearchQuery(q=query, page_size=K, ranking=ranking), facet_limit=0
            )
            scores[ranking][query] = ndcg([d.slug for d in result.datasets], judged)
        lines.append(
            f"| {query} | {kinds[query]} | {scores['texte'][query]:.3f} | "
            f"{scores['hybride'][query]:.3f} |"
        )
    summary = {"queries": len(grades)}
    for kind in [None, *sorted(set(kinds.values()))]:
        chosen = [q for q in grades if kind is None or kinds[q] == kind]
        text = statistics.mean(scores["texte"][q] for q in chosen)
        hybrid = statistics.mean(scores["hybride"][q] for q in chosen)
        summary[kind or "all"] = {
            "n": len(chosen),
            "texte": round(text, 3),
            "hybride": round(hybrid, 3),
            "gain_pct": round(100 * (hybrid - text) / text, 1),
        }
    if per_query:
        summary["per_query"] = lines
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-db", default=PG_DATABASE + "_quality")
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="keep the database between runs (see bench_search.py)",
    )
    parser.add_argument("--per-query", action="store_true")
    args = parser.parse_args()
    _prepare(args.database, args.postgres_db, args.reuse)
    from datasud.catalog.importers.catalog_csv import import_catalog_csv
    from datasud.catalog.models import Dataset
    from datasud.search import indexing
    from datasud.search.models import Term

    if not Dataset.objects.exists():
        import_catalog_csv(ROOT / "datasud" / "catalog" / "data" / "demo-datasets.csv.gz")
        _analyze()
    elif not Term.objects.exists():
        indexing.rebuild()  # a database indexed before the vocabulary existed
    summary = evaluate(args.per_query)
    lines = summary.pop("per_query", [])
    print(json.dumps({"database": args.database, **summary}, indent=1))
    if lines:
        print("| query | kind | texte | hybride |\n|---|---|---|---|")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
