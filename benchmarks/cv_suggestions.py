"""Tag suggestions measured by cross-validation INSIDE the benchmark's training split only
(the 1,905 DataSud datasets of `bench_suggestions.py`); the held-out split is never read
into a metric here, so that model choices made on these figures do not leak it.

    .venv/bin/python benchmarks/cv_suggestions.py [--cache /tmp/suggestions-cv]

Four folds of the ranker's partition (`training.fold_parts`, `CV_FOLDS`): each fold's
evidence comes from a model trained without that fold nor the national twins of its
datasets (cached in `--cache`: the slow part), then, for each fold k in turn, a ranker
is fitted on the rows of the OTHER folds and ranks the candidates of k. The rows the
ranker of k learns from are made by models trained without k either (`pair_rows`: one
model per pair of folds), as in the shipped model, whose ranker never learnt from
evidence drawn from the text it ranks; `--leaky` gives the former protocol (rows made by
the model without their own fold only: 0.02 too optimistic, see `pair_rows`). Prints P@5
(standard), P@5 capped and R@5 over the folds. `confirm_suggestions.py` checks a choice
end to end.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datasud.settings")

import django  # noqa: E402

django.setup()

from datasud.catalog.importers.themes import default_matcher  # noqa: E402
from datasud.intelligence import ranking, tagnet, training, trees  # noqa: E402
from datasud.intelligence.model import SuggestionModel  # noqa: E402

# The folds of this CV (the ranker's own partition at 4 folds, its seed: the cached fold
# and pair models are those of earlier rounds; `training.RANKER_FOLDS` may differ).
CV_FOLDS = 4
# The evidence groups that also bring candidates (`GROUPS`).
SOURCES = ("producer", "template", "national", "ridge")


def cached_model(train, held: list[int], national, path: Path, _analysed: dict
                 ) -> SuggestionModel:
    """The model trained without the datasets `held` (nor their national twins), from
    `path` when there, else trained and saved there. `_analysed`: holds the national
    records' analysis once a model had to be trained (shared between calls)."""
    if not path.exists():
        if "national" not in _analysed:
            _analysed["national"] = [training._analyse(r) for r in national]
        started = time.process_time()
        inner = training.fold_model(train, held, national, _analysed["national"], None,
                                    default_matcher(), tagnet.EPOCHS)
        inner.save(path)
        print(f"{path.stem}: trained in {time.process_time() - started:.0f} s CPU",
              file=sys.stderr, flush=True)
    inner = SuggestionModel.load(path)
    # A model cached before the tenth round has no DataSud-only network: its rows would
    # say 0 in that network's columns, and the CV would measure a model never shipped.
    if inner.own_net_emb is None:
        raise SystemExit(f"{path}: modèle d'avant le second réseau de mots-clés ; "
                         "choisissez un autre --cache")
    held_set = set(held)  # the catalogue facts are not saved with a model
    training.index_catalogue_facts(inner, [r for i, r in enumerate(train)
                                           if i not in held_set])
    return inner


def fold_models(train, national, cache: Path) -> list[tuple[list[int], SuggestionModel]]:
    """(held indices, model trained without them) per fold, from `cache` when there."""
    cache.mkdir(parents=True, exist_ok=True)
    analysed: dict = {}
    return [(held, cached_model(train, held, national, cache / f"fold{part}.npz", analysed))
            for part, held in enumerate(training.fold_parts(len(train), CV_FOLDS))]


def fold_rows(train, models, cache: Path, anonymous: bool = False
              ) -> list[dict[str, np.ndarray]]:
    """Per fold: the evidence rows of its tagged records (every candidate source on), their
    labels, the candidate tags' names (for error analysis), the number of rows and of
    true tags of each record; cached in `cache` under
    a fingerprint of the evidence list (delete it after changing how evidence is made).
    `anonymous`: the rows as if the producer were not given (`training.fold_evidence`)."""
    path = cache / f"evidence-{len(ranking.FEATURES)}{'-anonymous' if anonymous else ''}.npz"
    if path.exists():
        with np.load(path) as data:
            return [{key: data[f"{k}_{key}"] for key in FOLD_ARRAYS}
                    for k in range(len(models))]
    folds = [_evidence(train, held, inner, anonymous) for held, inner in models]
    np.savez(path, **{f"{k}_{key}": value for k, fold in enumerate(folds)
                      for key, value in fold.items()})
    return folds


FOLD_ARRAYS = ("x", "y", "groups", "truth", "names")


def pair_rows(train, national, cache: Path) -> dict[tuple[int, int], dict]:
    """For each pair of folds {a, b}: a model trained without both (nor their national
    twins), and the rows of each (`fold_rows`' arrays, with and without the producer) it
    gives; cached in `cache`. The ranker that ranks fold k learns from the rows of each
    other fold j made by the model without j AND k: a model that had k's datasets in its
    index would give j's rows evidence drawn from k's tags, and the ranker, fitted on
    them, would recognise k's near-duplicates (the same title series of one producer)
    with their answers: measured, 0.790 against 0.767 (docs/benchmarks.md)."""
    parts = training.fold_parts(len(train), CV_FOLDS)
    analysed, out = {}, {}
    for a, b in itertools.combinations(range(len(parts)), 2):
        path = cache / f"pair{a}{b}-{len(ranking.FEATURES)}.npz"
        if not path.exists():
            # The pair's model is kept too: new evidence is then computed without
            # training the 6 models again.
            inner = cached_model(train, sorted(parts[a] + parts[b]), national,
                                 cache / f"pair{a}{b}-model.npz", analysed)
            rows = {f"{fold}{'a' if hidden else ''}_{key}": value
                    for fold in (a, b) for hidden in (False, True)
                    for key, value in _evidence(train, parts[fold], inner, hidden).items()}
            np.savez(path, **rows)
            print(f"pair {a}{b}: done", file=sys.stderr, flush=True)
        with np.load(path) as data:
            for fold in (a, b):
                out[(fold, b if fold == a else a)] = tuple(
                    {key: data[f"{fold}{suffix}_{key}"] for key in FOLD_ARRAYS}
                    for suffix in ("", "a"))
    return out


def _evidence(train, held: list[int], inner: SuggestionModel, anonymous: bool) -> dict:
    records = [train[i] for i in held if train[i].tags
               and (train[i].organisation or not anonymous)]
    rows, labels, names = training.fold_evidence(inner, records, anonymous)
    return {"x": np.concatenate(rows), "y": np.concatenate(labels),
            "names": np.concatenate(names).astype(str),
            "groups": np.array([row.shape[0] for row in rows]),
            "truth": np.array([len(r.tags) for r in records])}


def _proposed(x: np.ndarray, sources: tuple[str, ...]) -> np.ndarray:
    """Rows that the neighbours, the associations or the tag words propose (the candidates
    of the previous model), or one of the new `sources` ("producer", "template",
    "national": the nearest national datasets' tags)."""
    col = ranking.COL
    keep = (x[:, col["knn"]] > 0) | (x[:, col["assoc"]] > 0) | (x[:, col["match"]] > 0)
    for source in sources:
        if source == "ridge":  # among the ridge regression's best tags
            keep |= x[:, col["ridge_rank"]] >= 1.0 / ranking.RIDGE_CANDIDATES
            continue
        column = "nat_knn" if source == "national" else f"{source}_share"
        keep |= x[:, col[column]] > 0
    return keep


def _prepared(fold: dict, zero: list[int], sources: tuple[str, ...]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fold's kept candidate rows (x, y, dataset of each row), the `zero` columns set
    to 0."""
    x = fold["x"].copy()
    x[:, zero] = 0.0
    keep = _proposed(fold["x"], sources)
    group_of = np.repeat(np.arange(fold["groups"].size), fold["groups"])
    return x[keep], fold["y"][keep], group_of[keep]


def cv_scores(folds, ranker_rows, dropped: tuple[str, ...] = (),
              new_sources: tuple[str, ...] = SOURCES,
              listwise: float = 0.0, ranker: str = "mlp", anonymous: bool = False,
              **fit) -> dict:
    """Nested cross-validation of the ranker: for each fold k, a ranker fitted on the rows
    of the other folds ranks k's candidates (`folds[k]`, made by the model without k).
    `ranker_rows(k, j)`: the rows of fold j (and the same without the producer) that the
    ranker of k learns from (`pair_rows`: made by the model without j and k).
    `dropped`: evidence columns set to 0 (an ablation); `new_sources`: the new candidate
    sources kept ("producer", "template"...); `listwise`: the weight of the network
    ranker's listwise term; `fit`: more arguments of `ranking.fit_ranker`; `ranker`: "mlp"
    (`ranking.fit_ranker`) or a loss of the boosted trees ("logistic", "lambdarank":
    `trees.fit_trees`, `fit` its arguments then). `anonymous`: the ranker also learns from
    the rows without the producer (as `training._train_ranker` does); the measure stays on
    the rows with the producer. P@5, P@5 capped, R@5 over the folds."""
    zero = [ranking.COL[name] for name in dropped]
    p = pc = r = 0.0
    n = 0
    # Per dataset: its P@5, its best possible P@5, the similarity of its nearest neighbour.
    each, best, nearest = [], [], []
    for k, fold in enumerate(folds):
        inside = [j for j in range(len(folds)) if j != k]
        fit_parts = []
        for j in inside:
            for part in ranker_rows(k, j)[:2 if anonymous else 1]:
                x, y, group_of = _prepared(part, zero, new_sources)
                fit_parts.append((x, y, np.bincount(group_of,
                                                    minlength=part["groups"].size)))
        x_fit, y_fit, groups_fit = (np.concatenate([e[i] for e in fit_parts])
                                    for i in range(3))
        if ranker == "mlp":
            fitted = ranking.fit_ranker(x_fit, y_fit, groups=groups_fit, listwise=listwise,
                                        **fit)
        else:
            fitted = trees.fit_trees(x_fit, y_fit, groups_fit, objective=ranker, **fit)
        x_k, y_k, group_of_k = _prepared(fold, zero, new_sources)
        truth = fold["truth"]
        scores = fitted.probabilities(x_k)
        # Best first within each record: by record, then by decreasing score.
        order = np.lexsort((-scores, group_of_k))
        ranked_group = group_of_k[order]
        start = np.searchsorted(ranked_group, ranked_group, side="left")
        top = (np.arange(order.size) - start) < 5
        hits = np.bincount(ranked_group[top], weights=y_k[order][top], minlength=truth.size)
        p += float((hits / 5).sum())
        pc += float((hits / np.minimum(5, truth)).sum())
        r += float((hits / truth).sum())
        n += truth.size
        each.append(hits / 5)
        best.append(np.minimum(5, truth) / 5)
        sim1 = np.zeros(truth.size)
        np.maximum.at(sim1, group_of_k, x_k[:, ranking.COL["max_sim"]])
        nearest.append(sim1)
    return {"p5": p / n, "p5_capped": pc / n, "r5": r / n, "datasets": n,
            "p5_each": np.concatenate(each), "p5_best": np.concatenate(best),
            "sim1": np.concatenate(nearest)}


SIMILARITY_BANDS = (0.0, 0.3, 0.5, 0.7, 0.9, 1.01)


def by_similarity(scores: dict) -> str:
    """P@5 by the similarity of a dataset's nearest indexed neighbour, next to the best
    possible P@5 (min(5, true tags) / 5), and each band's share of the gap between the two
    over all datasets: where the ranking falls short (docs/benchmarks.md, ninth round)."""
    each, best, sim1 = scores["p5_each"], scores["p5_best"], scores["sim1"]
    lines = ["| nearest neighbour's similarity | datasets | P@5 | ceiling | share of the gap |",
             "|---|---|---|---|---|"]
    gap = float((best - each).sum()) or 1.0
    for low, high in itertools.pairwise(SIMILARITY_BANDS):
        band = (sim1 >= low) & (sim1 < high)
        if band.any():
            lines.append(f"| {low:.1f} to {min(high, 1.0):.1f} | {int(band.sum())} | "
                         f"{each[band].mean():.3f} | {best[band].mean():.3f} | "
                         f"{(best[band] - each[band]).sum() / gap:.0%} |")
    return "\n".join(lines)


# The evidence added this round, by idea (`ranking.FEATURES`).
GROUPS = {
    "producer": ("producer_share", "producer_rank", "producer_known", "producer_knn"),
    "template": ("template_share", "template_n"),
    "ranks": ("knn_rank", "expected_tags"),
    "cooc": ("cooc_net_top", "cooc_knn_top"),
    # This round (with the boosted trees):
    "sets": ("set_top", "set_max", "set_top_n", "first_rank", "carriers", "net_rel"),
    # The fourth round: the national catalogue's nearest datasets.
    "national": ("nat_knn", "nat_max_sim", "nat_top1", "nat_carriers", "nat_sim1"),
    # The fifth round: kernel ridge regression of the tags (`ridge.py`).
    "ridge": ("ridge", "ridge_rank", "ridge_rel"),
    # The tenth round: the network learnt on DataSud alone, beside the one that also read
    # national datasets (`training._train_net`).
    "own_net": ("own_net", "own_net_rank", "own_net_rel"),
}


def variant(name: str) -> dict:
    """Keyword arguments of `cv_scores` for a variant: "before" (the evidence of the
    previous model), "all", "+group" (before + one group), "-group" (all but one group);
    suffixes "@0.5" give the listwise weight, "/32" the ranker's hidden units, "*600" its
    epochs, "~1" its random seed, in that order ("all@0.5/32*600~1"); a last suffix
    "%logistic" or "%lambdarank" ranks with boosted trees (`trees.fit_trees`) of that
    loss, ":name=value" its arguments ("all%lambdarank:trees=300:depth=5"); "&anonymous"
    at the very end: the ranker also learns from the rows without the producer."""
    fit = {}
    name, anonymous, _rest = name.partition("&anonymous")
    if anonymous:
        fit["anonymous"] = True
    name, _sep, tree_args = name.partition("%")
    if tree_args:  # "%logistic:trees=300:depth=5": the boosted trees and their arguments
        objective, *pairs = tree_args.split(":")
        fit["ranker"] = objective
        for pair in pairs:
            key, _eq, value = pair.partition("=")
            fit[key] = float(value) if "." in value else int(value)
    for mark, key, kind in (("~", "seed", int), ("*", "epochs", int), ("/", "hidden", int)):
        name, _sep, value = name.partition(mark)
        if value:
            fit[key] = kind(value)
    name, _sep, listwise = name.partition("@")
    if name == "before":
        used = set()
    elif name == "all":
        used = set(GROUPS)
    elif name[:1] == "+":
        used = {name[1:]}
    elif name[:1] == "-":  # "-national-sets": all but these groups
        used = set(GROUPS) - set(name[1:].split("-"))
    else:
        raise SystemExit(f"variante inconnue : {name}")
    dropped = tuple(f for group in GROUPS if group not in used for f in GROUPS[group])
    return {"dropped": dropped, "new_sources": tuple(sorted(used & set(SOURCES))),
            "listwise": float(listwise or 0.0), **fit}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/catalog"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/suggestions-cv"))
    parser.add_argument("--variants", default="before,all",
                        help="comma-separated: before, all, +group, -group (groups: "
                             f"{', '.join(GROUPS)}), each with an optional @listwise weight")
    parser.add_argument("--leaky", action="store_true",
                        help="the ranker of a fold learns from rows made by models that "
                             "had that fold in their index (the protocol before "
                             "2026-11-30, 0.02 too optimistic)")
    parser.add_argument("--by-similarity", action="store_true",
                        help="also P@5 by the similarity of each dataset's nearest "
                             "neighbour (where the loss is)")
    args = parser.parse_args()
    datasud = list(training.read_records(args.data / "datasud-datasets.csv"))
    train, _held_out = training.split_by_dataset(datasud)  # the held-out part stays unread
    del _held_out
    national = list(training.read_records(args.data / "datagouv-sample-60k.csv.gz"))
    models = fold_models(train, national, args.cache)
    folds = fold_rows(train, models, args.cache)
    if args.leaky:  # the protocol before 2026-11-30 (see `pair_rows`)
        anonymous = fold_rows(train, models, args.cache, anonymous=True)

        def ranker_rows(_k, j):
            return folds[j], anonymous[j]
    else:
        pairs = pair_rows(train, national, args.cache)

        def ranker_rows(k, j):
            return pairs[(j, k)]
    for name in args.variants.split(","):
        started = time.process_time()
        scores = cv_scores(folds, ranker_rows, **variant(name))
        print(f"{name}: training-split CV ({len(folds)} folds, {scores['datasets']} tagged "
              f"datasets{', leaky' if args.leaky else ''}): P@5 {scores['p5']:.4f}, "
              f"P@5 capped {scores['p5_capped']:.4f}, R@5 {scores['r5']:.4f} "
              f"({time.process_time() - started:.0f} s CPU)", flush=True)
        if args.by_similarity:
            print(by_similarity(scores), flush=True)


if __name__ == "__main__":
    main()
