"""Fourth round of the mobility ranker (issue 6): the referential features tried out of fold
and NOT shipped (docs/benchmarks.md, "Fourth round"). The 12 shipped ones are computed by
`datasud/employment/engine/referential_features.py`; `benchmarks/mobility_oof.py` gives
their figures (`--drop referentials` without them).

    .venv/bin/python benchmarks/mobility_referentials.py [--extra naf_rank,...] \\
        [--weights interests=0,contexts=0,naf_hiring=0,riasec_letters=0] [--seed-offset N]
    .venv/bin/python benchmarks/mobility_referentials.py --first-pass-scan

Appends the `--extra` features (default: all of `EXTRA_FEATURES` and `GRAPH_FEATURES`) to
`mobility_oof.py`'s cached sets, computed for their cached candidates (the graph ones with
the links each set was built with), and prints the out-of-fold figures of the shipped
features + those. `--weights` as in `mobility_oof.py` (the rows of the table were run with
the first pass shipped before, the four weights at 0, and before the source's own
`reverse_sim` and `paths_ts` were set to a constant: the figures move a little since).
`--first-pass-scan` prints the first pass's own figures on the training sources with each
referential signal added at a few weights (how the four shipped first-pass weights were
chosen).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import mobility_oof  # noqa: E402
from datasud.employment.engine import Engine, evaluation, mobility  # noqa: E402
from datasud.employment.engine.more_features import rank_score  # noqa: E402
from datasud.employment.engine.tables import read_from_files  # noqa: E402

# Link-independent: ranks of three shipped features, the source's salary, regulated job
# (target, source), same ecological / digital transition category (ROME fiche columns).
EXTRA_FEATURES = (
    "naf_rank",
    "interests_rank",
    "contexts_rank",
    "salary_s",
    "regulated_t",
    "regulated_s",
    "green_same",
    "digital_same",
)
# On the links: the first pass's collaborative filter over the fiches closest in skills +
# NAF hirings + interests + RIASEC, and how close the target is (NAF, interests) to the
# fiches that lead to the source.
GRAPH_FEATURES = ("neighbours_ref", "citing_naf", "citing_interests")
SHIPPED_FIRST_PASS = ("interests", "contexts", "naf_hiring", "riasec_letters")


def _ids(keys: list[str]) -> np.ndarray:
    seen: dict[str, int] = {"": -1}
    return np.array([seen.setdefault(k, len(seen)) for k in keys], np.int64)


class Extras:
    """The `EXTRA_FEATURES` and `GRAPH_FEATURES` of every fiche as a target of fiche i."""

    def __init__(self, engine: Engine, tables: dict):
        self.model = model = engine.mobility
        statuses = {r["code_rome"]: r for r in tables["fiches"]}
        self.regulated = np.array(
            [
                {"O": 1.0, "N": 0.0}.get(statuses[c].get("emploi_reglemente") or "", 0.5)
                for c in model.codes
            ],
            np.float32,
        )
        self.green = _ids([statuses[c].get("transition_eco") or "" for c in model.codes])
        self.digital = _ids([statuses[c].get("transition_num") or "" for c in model.codes])

    def rows(self, i: int) -> dict[str, np.ndarray]:
        ref = self.model.referentials
        rows = ref.rows(i)
        n = len(self.model.codes)
        return {
            "naf_rank": rank_score(rows["naf_hiring"]),
            "interests_rank": rank_score(rows["interests"]),
            "contexts_rank": rank_score(rows["contexts"]),
            "salary_s": np.full(n, ref.log_salary[i]),
            "regulated_t": self.regulated,
            "regulated_s": np.full(n, self.regulated[i]),
            "green_same": ((self.green == self.green[i]) & (self.green >= 0)).astype(np.float32),
            "digital_same": ((self.digital == self.digital[i]) & (self.digital >= 0)).astype(
                np.float32
            ),
        }

    def graph(self, i: int) -> dict[str, np.ndarray]:
        """Reads the links the model holds now (set them as the set was built)."""
        model, ref = self.model, self.model.referentials
        rows = ref.rows(i)
        citing = np.flatnonzero(model.matrix[:, i])
        close = (
            model.similarity[i]
            + 0.5 * rows["naf_hiring"]
            + 0.5 * rows["interests"]
            + 0.25 * rows["riasec_letters"]
        ) * model.has_out
        close[i] = 0.0
        nearest = np.argsort(-close, kind="stable")[: mobility.NEIGHBOURS]
        weights = close[nearest]
        n = len(model.codes)
        if len(citing):
            naf = (ref.naf[ref.family[citing]] @ ref.naf.T)[:, ref.family].mean(0)
            interests = np.mean([ref.interests[c] for c in citing], axis=0)
        else:
            naf, interests = np.zeros(n), np.zeros(n)
        return {
            "neighbours_ref": (weights / (weights.sum() or 1.0)) @ model.matrix[nearest],
            "citing_naf": naf,
            "citing_interests": interests,
        }


def with_extras(data: dict, names: list[str]) -> dict:
    """`data` (mobility_oof's sets) with the features `names` appended, for the cached
    candidates; the graph ones with the links each set was built with."""
    tables = read_from_files()
    engine = Engine(tables)
    extras, model = Extras(engine, tables), engine.mobility
    links = dict(engine.official_links)
    train, test = evaluation.split(links)
    base = evaluation.official_links_without(links, test)
    fold = data["fold"]

    def block(sources: list[str], candidates: np.ndarray) -> np.ndarray:
        out = np.zeros((*candidates.shape, len(names)), np.float32)
        for q, source in enumerate(sources):
            i = model.index[source]
            values = extras.rows(i)
            if any(name in GRAPH_FEATURES for name in names):
                values.update(extras.graph(i))
            out[q] = np.stack([values[f] for f in names], axis=1)[candidates[q]]
        return out

    data = dict(data)
    for k in range(data.get("folds", evaluation.FOLDS)):
        model.set_links(evaluation.official_links_without(base, [s for s in train if fold[s] == k]))
        sources = [s for s in train if fold[s] != k]
        data[f"x{k}"] = np.concatenate([data[f"x{k}"], block(sources, data[f"c{k}"])], axis=2)
    model.set_links(base)
    data["x_eval"] = np.concatenate([data["x_eval"], block(train, data["c_eval"])], axis=2)
    data["features"] = list(data["features"]) + names
    return data


def first_pass_scan() -> None:
    """First-pass Recall@10, MRR and recall of the 150 candidates of the training sources
    (each without its own links, test links hidden) from the first pass shipped before the
    fourth round, with each referential signal added at a few weights, the four at 0.1,
    then a coordinate ascent of MRR + Recall@10 over them."""
    engine = Engine.from_files()
    model = engine.mobility
    links = dict(engine.official_links)
    train, test = evaluation.split(links)
    model.set_links(evaluation.official_links_without(links, test))
    before = {k: w for k, w in mobility.DEFAULT_WEIGHTS.items() if k not in SHIPPED_FIRST_PASS}
    names = SHIPPED_FIRST_PASS + (
        "naf_division",
        "fap_family",
        "fap",
        "riasec_major",
        "interest_principal",
    )
    cache = []
    for source in train:
        signals = model.signals(source)
        base = model.first_pass(source, before, signals)
        rows = signals["_referentials"]
        relevant = np.array([model.index[t] for t in links[source]])
        cache.append((base, {k: rows[k].astype(np.float64) for k in names}, relevant))

    def figures(weights: dict) -> tuple[float, float, float]:
        recall = rr = pool = 0.0
        for base, rows, relevant in cache:
            score = base + sum(w * rows[k] for k, w in weights.items())
            position = np.empty(len(score), np.int64)
            position[np.argsort(-score, kind="stable")] = np.arange(len(score))
            found = position[relevant]
            recall += (found < 10).mean()
            rr += 1 / (found.min() + 1)
            pool += (found < mobility.CANDIDATES).mean()
        n = len(cache)
        return round(float(recall) / n, 4), round(float(rr) / n, 4), round(float(pool) / n, 4)

    print("first pass shipped before (R@10, MRR, pool recall):", figures({}))
    for name in names:
        for weight in (0.1, 0.3, 0.6):
            print(f"  + {weight} {name}: {figures({name: weight})}")
    weights = dict.fromkeys(SHIPPED_FIRST_PASS, 0.1)
    best = sum(figures(weights)[:2])
    print("four at 0.1 (shipped):", figures(weights))
    for _ in range(2):
        for name in names:
            for weight in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3):
                trial = dict(weights, **{name: weight})
                value = sum(figures(trial)[:2])
                if value > best + 1e-9:
                    best, weights = value, trial
    print("coordinate ascent:", {k: w for k, w in weights.items() if w}, figures(weights))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extra", default=",".join(EXTRA_FEATURES + GRAPH_FEATURES))
    parser.add_argument("--weights", default="", help="as mobility_oof.py --weights")
    parser.add_argument("--seed-offset", type=int, default=0)
    parser.add_argument("--first-pass-scan", action="store_true")
    args = parser.parse_args()
    if args.first_pass_scan:
        first_pass_scan()
        return
    if args.weights:
        mobility.DEFAULT_WEIGHTS.update(
            {k: float(v) for k, v in (w.split("=") for w in args.weights.split(","))}
        )
        mobility.FEATURES = tuple(mobility.DEFAULT_WEIGHTS)
    data = mobility_oof.load_or_build(mobility.CANDIDATES, False)
    names = [f for f in args.extra.split(",") if f]
    data = with_extras(data, names)
    options = {**evaluation.RANKER_OPTIONS, "lam": 5.0, "min_hess": 5.0, "subsample": 0.8}
    result = mobility_oof.out_of_fold(
        data, data["features"], seed_offset=args.seed_offset, **options
    )
    print(f"OOF + {names}: {result['engine']} features={len(data['features'])}")


if __name__ == "__main__":
    main()
