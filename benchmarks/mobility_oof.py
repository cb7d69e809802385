"""Choosing the mobility ranker on the training sources only (out of fold), never the test.

    .venv/bin/python benchmarks/mobility_oof.py [--rebuild] [--trees N] [--candidates N] ...

The test sources of `evaluation.split` are hidden from the model for the whole run (their
outgoing links are removed from the graph) and no figure about them is computed. The 872
training sources are cross-fitted as `evaluation.train_cross_fitted` does: ranker k is
trained on the training sources outside fold k while the links of fold k are hidden, then
ranks the sources of fold k (each without its own links). The script prints the
out-of-fold Recall@10 and MRR of the training sources, and the recall of the candidate
pool, so that features, candidate count and trees settings are chosen on them alone.

The defaults are the shipped settings (`mobility.RANKER_FEATURES`,
`evaluation.RANKER_OPTIONS`); `--drop more --trunc 10` gives the previous round's ranker.
Feature matrices are cached in /tmp (per candidate count and number of folds) so that
trying trees settings or feature subsets does not recompute them; they are rebuilt when
the feature names change, `--rebuild` after changing how a feature is computed.

Third round: `--blend w1,w2` also prints z(ranker score) + w · z(first-pass score) per
source; `--folds 10` cross-fits with 10 folds instead of `evaluation.FOLDS`;
`--seed-offset N` moves every seed, to see how much the figures move with the seeds alone.

Fourth round (shipped: `datasud/employment/engine/referential_features.py`): `--drop
referentials` leaves out the ranker features of the referential tables (RIASEC, interests,
work contexts, hirings by NAF sector, DARES families and salaries); `--weights name=w,...`
changes first-pass weights (its candidates change: the sets are rebuilt), e.g. the settings
shipped before the fourth round: `--weights interests=0,contexts=0,naf_hiring=0,
riasec_letters=0 --drop referentials`.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datasud.employment.engine import Engine, evaluation, mobility, ranker  # noqa: E402
from datasud.employment.engine.referential_features import REFERENTIAL_FEATURES  # noqa: E402

CACHE = Path("/tmp/mobility_oof")


def _query(model, source, truth, candidates_count):
    signals = model.signals(source)
    stage1 = model.first_pass(source, mobility.DEFAULT_WEIGHTS, signals)
    order = np.argsort(-stage1, kind="stable")
    order = order[np.isfinite(stage1[order])]
    candidates = order[:candidates_count]
    relevant = {model.index[t] for t in truth[source] if t in model.index}
    x = model.ranker_features(source, signals, stage1, candidates)
    y = np.array([1.0 if c in relevant else 0.0 for c in candidates])
    return x, y, candidates


def build(engine, candidates_count: int, folds: int = evaluation.FOLDS) -> dict:
    """Per fold k: training set (sources outside fold k, fold-k links hidden) and the
    evaluation set (fold-k sources, all training links but their own). Test links hidden."""
    model = engine.mobility
    mobility.CANDIDATES = candidates_count
    links = dict(engine.official_links)
    train, test = evaluation.split(links)
    base = evaluation.official_links_without(links, test)
    model.reference_links = sum(len(t) for t in links.values())
    fold = {s: ranker.fold_of(s, folds) for s in train}
    data = {"train": train, "fold": fold, "n_relevant": {s: len(set(links[s])) for s in train}}
    try:
        for k in range(folds):
            model.set_links(
                evaluation.official_links_without(base, [s for s in train if fold[s] == k])
            )
            rows = [_query(model, s, links, candidates_count) for s in train if fold[s] != k]
            data[f"x{k}"] = np.stack([r[0] for r in rows]).astype(np.float32)
            data[f"y{k}"] = np.stack([r[1] for r in rows])
            data[f"c{k}"] = np.stack([r[2] for r in rows])
        model.set_links(base)
        rows = [_query(model, s, links, candidates_count) for s in train]
        data["x_eval"] = np.stack([r[0] for r in rows]).astype(np.float32)
        data["y_eval"] = np.stack([r[1] for r in rows])
        data["c_eval"] = np.stack([r[2] for r in rows])
    finally:
        model.set_links(links)
    data["features"] = list(mobility.RANKER_FEATURES)
    data["weights"] = dict(mobility.DEFAULT_WEIGHTS)
    data["folds"] = folds
    return data


def load_or_build(candidates_count: int, rebuild: bool, folds: int = evaluation.FOLDS) -> dict:
    suffix = "" if folds == evaluation.FOLDS else f"_{folds}folds"  # the old name for 5
    path = CACHE / f"sets_{candidates_count}{suffix}.pickle"
    if path.exists() and not rebuild:
        data = pickle.loads(path.read_bytes())
        # a cache built with other features is stale (the features changed since)
        if data["features"] == list(mobility.RANKER_FEATURES) and data.get("weights") == dict(
            mobility.DEFAULT_WEIGHTS
        ):
            return data
    started = time.process_time()
    engine = Engine.from_files()
    data = build(engine, candidates_count, folds)
    CACHE.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"feature sets built in {time.process_time() - started:.0f} s CPU")
    return data


def metrics(scores: np.ndarray, labels: np.ndarray, n_relevant: np.ndarray) -> dict:
    """Recall@10 and MRR (first relevant within the top 100, as `evaluation.evaluate`)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    ranked = np.take_along_axis(labels, order, 1)
    recall = ranked[:, :10].sum(1) / n_relevant
    first = np.where(ranked[:, :100].any(1), ranked[:, :100].argmax(1) + 1, np.inf)
    return {
        "recall_at_10": round(float(recall.mean()), 4),
        "mrr": round(float((1 / first).mean()), 4),
        "pool_recall": round(float((labels.sum(1) / n_relevant).mean()), 4),
    }


def out_of_fold(
    data: dict, features: list[str], seeds: int = 1, seed_offset: int = 0, **options
) -> dict:
    columns = [data["features"].index(f) for f in features]
    train, fold = data["train"], data["fold"]
    folds = np.array([fold[s] for s in train])
    x_eval = data["x_eval"][:, :, columns]
    scores = np.zeros(data["y_eval"].shape)
    for k in range(data.get("folds", 5)):
        x = data[f"x{k}"][:, :, columns].astype(np.float64)
        trained = ranker.average(
            [
                ranker.train(x, data[f"y{k}"], features, seed=seed_offset + k + 100 * s, **options)
                for s in range(seeds)
            ]
        )
        here = folds == k
        q, c, f = x_eval[here].shape
        scores[here] = trained.predict(x_eval[here].reshape(q * c, f).astype(np.float64)).reshape(
            q, c
        )
    n_relevant = np.array([data["n_relevant"][s] for s in train], np.float64)
    first_pass = metrics(
        -np.arange(scores.shape[1])[None, :].repeat(len(train), 0), data["y_eval"], n_relevant
    )
    return {
        "engine": metrics(scores, data["y_eval"], n_relevant),
        "first_pass": first_pass,
        "scores": scores,
        "n_relevant": n_relevant,
    }


def per_source_z(values: np.ndarray) -> np.ndarray:
    """Each row (a source's candidates) centred and scaled to unit deviation."""
    spread = values.std(1, keepdims=True)
    return (values - values.mean(1, keepdims=True)) / np.maximum(spread, 1e-9)


def blend_table(data: dict, result: dict, weights: list[float]) -> list[str]:
    """Out-of-fold figures of z(ranker score) + w · z(first-pass score), per weight w:
    the trees cut the first-pass score into bins, a linear share of it may help."""
    stage1 = data["x_eval"][:, :, data["features"].index("stage1")].astype(np.float64)
    ranker_z, stage1_z = per_source_z(result["scores"]), per_source_z(stage1)
    return [
        f"  blend {w}: {metrics(ranker_z + w * stage1_z, data['y_eval'], result['n_relevant'])}"
        for w in weights
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--candidates", type=int, default=mobility.CANDIDATES)
    parser.add_argument("--trees", type=int, default=evaluation.RANKER_OPTIONS["trees"])
    parser.add_argument(
        "--learning-rate", type=float, default=evaluation.RANKER_OPTIONS["learning_rate"]
    )
    parser.add_argument("--depth", type=int, default=evaluation.RANKER_OPTIONS["depth"])
    parser.add_argument("--lam", type=float, default=5.0)
    parser.add_argument("--min-hess", type=float, default=5.0)
    parser.add_argument("--trunc", type=int, default=evaluation.RANKER_OPTIONS["trunc"])
    parser.add_argument("--subsample", type=float, default=0.8)
    parser.add_argument(
        "--seed-offset",
        type=int,
        default=0,
        help="added to every seed: how much the figures move from seed to seed alone",
    )
    parser.add_argument(
        "--folds", type=int, default=evaluation.FOLDS, help="cross-fitting folds (K rankers)"
    )
    parser.add_argument("--seeds", type=int, default=evaluation.SEEDS_PER_FOLD)
    parser.add_argument(
        "--drop",
        default="",
        help="comma-separated features left out (`--drop more` for the "
        "mobility.MORE_FEATURES of the second round)",
    )
    parser.add_argument("--only", default="", help="comma-separated features (all if empty)")
    parser.add_argument(
        "--blend",
        default="",
        help="comma-separated weights w: also print z(ranker) + w · z(first pass)",
    )
    parser.add_argument(
        "--weights",
        default="",
        help="first-pass weights changed or added, as name=weight,... (the candidates "
        "change: the sets are rebuilt)",
    )
    args = parser.parse_args()
    if args.weights:
        mobility.DEFAULT_WEIGHTS.update(
            {k: float(v) for k, v in (w.split("=") for w in args.weights.split(","))}
        )
        mobility.FEATURES = tuple(mobility.DEFAULT_WEIGHTS)
    data = load_or_build(args.candidates, args.rebuild, args.folds)
    features = args.only.split(",") if args.only else list(data["features"])
    dropped = set(args.drop.split(","))
    if "more" in dropped:
        dropped |= set(mobility.MORE_FEATURES)
    if "referentials" in dropped:
        dropped |= set(REFERENTIAL_FEATURES)
    features = [f for f in features if f not in dropped]
    options = dict(
        trees=args.trees,
        learning_rate=args.learning_rate,
        depth=args.depth,
        lam=args.lam,
        min_hess=args.min_hess,
        trunc=args.trunc,
        subsample=args.subsample,
    )
    started = time.process_time()
    result = out_of_fold(data, features, seeds=args.seeds, seed_offset=args.seed_offset, **options)
    figures = {key: result[key] for key in ("engine", "first_pass")}
    print(
        f"OOF (training sources only, {len(data['train'])}): {figures} "
        f"features={len(features)} {options} seeds={args.seeds} "
        f"cpu={time.process_time() - started:.0f}s"
    )
    if args.blend:
        print("\n".join(blend_table(data, result, [float(w) for w in args.blend.split(",")])))


if __name__ == "__main__":
    main()
