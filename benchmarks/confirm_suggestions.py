"""Tag suggestions confirmed end to end INSIDE the benchmark's training split (the 1,905
DataSud datasets of `bench_suggestions.py`; the held-out split is never read here).

    .venv/bin/python benchmarks/confirm_suggestions.py [--ranker-folds 4] [--seed 11]

`cv_suggestions.py` measures the ranker on evidence made exactly like the evidence it
learnt from (each fold's, by a model trained on the other folds): it cannot see what
changes when the shipped model, trained on every dataset, reads a new text. This script
does what the benchmark does, on folds of its own (another seed than the ranker's, so
that choices made on `cv_suggestions.py` are not confirmed by the same folds): for each
fold, `training.train` on the other folds (+ the national datasets that are not twins of
the fold's, `training.twin_key`), then the fold's tags ranked by `model.tag_scores`, the
producer given. Prints P@5, P@5 capped and R@5, and writes each dataset's hits to
`--cache` so that two runs can be compared dataset by dataset (`--compare`: the mean
paired difference and its standard error). `--drop group,...`: the ranker learns without
those evidence groups of `cv_suggestions.GROUPS` (columns set to 0 before fitting, so
that no tree splits on them); `--tree name=value,...`: other arguments of the trees;
`--no-far-ranker`: each fold ranked without its far ranker (`model.far_ranker`).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datasud.settings")

import django  # noqa: E402

django.setup()

from benchmarks.cv_suggestions import GROUPS  # noqa: E402
from datasud.intelligence import ranking, training, trees  # noqa: E402

OUTER_FOLDS = 4


def run(train, national, seed: int, ranker_folds: int, far_ranker: bool = True
        ) -> dict[str, int]:
    """Hits in the 5 best tags of each tagged dataset of the training split, by id.
    `far_ranker` False: each fold's model ranks without its far ranker (the thirteenth
    round's comparison: same training, same first ranker)."""
    hits: dict[str, int] = {}
    for part, held in enumerate(training.fold_parts(len(train), OUTER_FOLDS, seed)):
        started = time.perf_counter()
        held_set = set(held)
        fold = [train[i] for i in held]
        model = training.train([r for i, r in enumerate(train) if i not in held_set],
                               training.without_twins(national, fold), folds=ranker_folds)
        if not far_ranker:
            model.far_ranker = None
        for record in fold:
            if record.tags:
                ranked = [name for name, _ in model.tag_scores(
                    record.title, record.description, organisation=record.organisation)]
                hits[record.id] = len(set(ranked[:5]) & set(record.tags))
        print(f"fold {part + 1}/{OUTER_FOLDS}: {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)
    return hits


def report(name: str, hits: dict[str, int], truth: dict[str, int]) -> None:
    n = len(hits)
    p5 = sum(hits.values()) / 5 / n
    capped = sum(h / min(5, truth[i]) for i, h in hits.items()) / n
    r5 = sum(h / truth[i] for i, h in hits.items()) / n
    print(f"{name}: end-to-end CV ({OUTER_FOLDS} folds, {n} tagged datasets): P@5 {p5:.4f}, "
          f"P@5 capped {capped:.4f}, R@5 {r5:.4f}", flush=True)


def compare(first: dict[str, int], second: dict[str, int]) -> str:
    """Mean paired difference of P@5 (second - first) and its standard error."""
    common = sorted(set(first) & set(second))
    diffs = [(second[i] - first[i]) / 5 for i in common]
    mean = sum(diffs) / len(diffs)
    var = sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)
    return f"{mean:+.4f} ± {math.sqrt(var / len(diffs)):.4f} (paired, {len(diffs)} datasets)"


def ablate(dropped: list[str], tree_args: dict) -> None:
    """Make `training.train` fit its ranker without the evidence groups `dropped` and
    with `tree_args` (a change of this process only)."""
    columns = [ranking.COL[f] for group in dropped for f in GROUPS[group]]
    fit = trees.fit_trees

    def fit_without(x, y, groups, **kwargs):
        x = x.copy()
        x[:, columns] = 0.0
        return fit(x, y, groups, **{**kwargs, **tree_args})

    training.trees.fit_trees = fit_without


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/catalog"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/suggestions-confirm"))
    parser.add_argument("--seed", type=int, default=11, help="seed of this script's folds")
    parser.add_argument("--ranker-folds", type=int, default=training.RANKER_FOLDS)
    parser.add_argument("--drop", default="", help="evidence groups left out, comma-separated")
    parser.add_argument("--tree", default="", help="tree arguments: depth=5,trees=300")
    parser.add_argument("--no-far-ranker", action="store_true",
                        help="rank without the far ranker (texts without a near twin)")
    parser.add_argument("--name", default="", help="name of the run (default: from options)")
    parser.add_argument("--compare", nargs=2, metavar="RUN",
                        help="compare two runs already written to --cache, and stop")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.compare:
        missing = [name for name in args.compare if not (args.cache / f"{name}.json").exists()]
        if missing:
            parser.error(f"no run {', '.join(missing)} in {args.cache}")
        first, second = (json.loads((args.cache / f"{name}.json").read_text())
                         for name in args.compare)
        print(f"{args.compare[1]} - {args.compare[0]}: P@5 {compare(first, second)}")
        return
    dropped = [g for g in args.drop.split(",") if g]
    unknown = set(dropped) - set(GROUPS)
    if unknown:
        parser.error(f"unknown evidence groups {sorted(unknown)}: {', '.join(GROUPS)}")
    tree_args = {k: float(v) if "." in v else int(v) for k, _eq, v in
                 (pair.partition("=") for pair in args.tree.split(",") if pair)}
    if dropped or tree_args:
        ablate(dropped, tree_args)
    datasud = list(training.read_records(args.data / "datasud-datasets.csv"))
    train, _held_out = training.split_by_dataset(datasud)  # the held-out part stays unread
    del _held_out
    national = list(training.read_records(args.data / "datagouv-sample-60k.csv.gz"))
    name = args.name or "-".join([f"seed{args.seed}", f"rankerfolds{args.ranker_folds}",
                                  *(f"no{g}" for g in dropped),
                                  *(["nofar"] if args.no_far_ranker else []),
                                  *(f"{k}{v}" for k, v in tree_args.items())])
    hits = run(train, national, args.seed, args.ranker_folds, not args.no_far_ranker)
    (args.cache / f"{name}.json").write_text(json.dumps(hits))
    report(name, hits, {r.id: len(r.tags) for r in train if r.tags})


if __name__ == "__main__":
    main()
