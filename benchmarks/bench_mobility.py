"""Quality and speed of the employment diagnostic engine (issue 6).

    .venv/bin/python benchmarks/bench_mobility.py [--tune] [--no-write]

- Mobility proposals vs the ROME's official links (unix_rubrique_mobilite): Recall@10 and
  MRR on the held-out test part of a split by source fiche, against the TF-IDF
  skill-overlap baseline. `--tune` re-runs the weight search on the training part only.
- Free-text understanding: top-1 / top-5 accuracy (fiche level) on noisy job titles drawn
  from the ROME appellations: accents removed, one typo, abbreviations, feminine forms.
- Latency of a full diagnostic (p50, p95) and the memory of the loaded engine.

Reads the shipped referentials (the same bytes `datasud load_employment` loads into the
datastore). Writes the section "mobility-benchmark" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run_all import write_section  # noqa: E402
from datasud.employment.engine import Engine, EngineError, evaluation, ranker  # noqa: E402
from datasud.employment.engine.mobility import DEFAULT_WEIGHTS  # noqa: E402
from datasud.employment.engine.text import appellation_forms, fold  # noqa: E402

SEED = 6
TITLES = 300
# How people shorten words, applied to the appellations (the inverse of the engine's list
# is not used: these come from job boards' usual abbreviations).
SHORTENINGS = {
    "developpeur": "dev",
    "developpeuse": "dev",
    "ressources humaines": "rh",
    "technicien": "tech",
    "technicienne": "tech",
    "responsable": "resp",
    "professeur": "prof",
    "professeure": "prof",
    "assistant": "assist",
    "assistante": "assist",
    "directeur": "dir",
    "directrice": "dir",
    "ingenieur": "ing",
    "ingenieure": "ing",
    "comptable": "compta",
    "commercial": "comm",
    "commerciale": "comm",
    "informatique": "info",
}


# How the current ranker was chosen (second round): on the training sources alone, out of
# fold, with the test sources' links hidden; the test figures were computed once afterwards.
# Figures from `benchmarks/mobility_oof.py` (its defaults are the shipped settings).
OOF_SELECTION = (
    "**How the ranker was chosen in the second round:** every choice (the 22 features of "
    "`mobility.MORE_FEATURES`, NDCG@20 instead of NDCG@10 gradients, 250 trees of depth 4, "
    "one seed per fold) was made on out-of-fold figures of the 872 training sources only, "
    "the test sources' links hidden from the model (`benchmarks/mobility_oof.py`); the test "
    "rows above come from a single run after that choice. Out of fold, before: Recall@10 "
    "0.426, MRR 0.748 (`mobility_oof.py --drop more --trunc 10`); after: Recall@10 0.434, "
    "MRR 0.747 (`mobility_oof.py`); NDCG@20 without the new features: 0.428, 0.743. Tried "
    "and left out on those figures: 150 trees (0.432), 500 trees (0.426 at NDCG@10), depth 5 "
    "(0.430), two seeds per fold (0.432, MRR 0.750). The 150 candidates of the first pass "
    "hold 86% of the true targets."
)


# Third round: tried out of fold as above, nothing beat the second round's ranker by more
# than noise, so it is still the shipped one (figures from `benchmarks/mobility_oof.py`).
THIRD_ROUND = (
    "",
    "**Third round (nothing kept).** Tried on the same out-of-fold figures (872 training "
    "sources, test links hidden, `benchmarks/mobility_oof.py`) to raise Recall@10 by 0.01 or "
    "more; nothing did, so the rankers shipped then stayed the second round's. Seed-to-seed "
    "spread of the shipped settings: Recall@10 0.4336 to 0.4345, MRR 0.742 to 0.751.",
    "",
    "| tried (out of fold, 872 training sources) | features | Recall@10 | MRR |",
    "|---|---|---|---|",
    "| shipped settings (seeds k; k + 1000; k + 2000) | 65 | 0.4336; 0.4345; 0.4340 | "
    "0.7473; 0.7511; 0.7419 |",
    "| z(ranker score) + w · z(first-pass score), w = 0.05; 0.1; 0.3; 0.5 | 65 | "
    "0.4344; 0.4348; 0.4342; 0.4281 | 0.7503; 0.7480; 0.7411; 0.7373 |",
    "| + 7 features: co-citation by resource allocation, share of the target's list citing "
    "the source's citers, fiches whose list is like the one predicted for the source, share "
    "of core skills held both ways, skills cosine smoothed to 64 eigenvectors and its rank "
    "| 72 | 0.4306 | 0.7456 |",
    "| + those 7 and a kernel ridge regression on skills, title words and ISCO groups "
    "(and its rank), each tree on a random half of the features | 74 | 0.4335 | 0.7554 |",
    "| each tree on a random half of the features | 65 | 0.4314 | 0.7558 |",
    "| 10 cross-fitting folds instead of 5 (rankers see 63 % of the links, not 56 %) | 65 | "
    "0.4348 | 0.7478 |",
    "| 10 folds, 74 features | 74 | 0.4360 | 0.7476 |",
    "| λ 20, minimum hessian 20 (instead of 5, 5) | 65 | 0.4323 | 0.7475 |",
    "| 400 trees, learning rate 0.03 | 65 | 0.4344 | 0.7458 |",
    "",
    "The best, 10 folds with 74 features, is 0.002 above the shipped settings, while its "
    "parts disagree (the first 7 of those features alone lose 0.003 with 5 folds) and it "
    "doubles the training time and the file: not kept. The first pass's 150 candidates "
    "hold 86 % of the true targets; the reordering, not the pool, is what falls short.",
)


# Fourth round: the referential tables the ranker never had, tried out of fold as above
# (figures from `benchmarks/mobility_oof.py`); the last row of the table was shipped.
FOURTH_ROUND = (
    "",
    "**Fourth round (shipped, under the bar set beforehand).** New signals from the "
    "referentials the engine reads but the ranker never had (now "
    "`engine/referential_features.py`), same out-of-fold figures; a set had to raise "
    "Recall@10 by 0.004 or more over the shipped settings with MRR ≥ 0.74. With a fourth "
    "seed offset the shipped settings spread from 0.4311 to 0.4345, so the best variant was "
    "also run at four seed offsets.",
    "",
    "| tried (out of fold, 872 training sources) | features | Recall@10 | MRR |",
    "|---|---|---|---|",
    "| settings shipped before (seeds k; k + 1000; k + 2000; k + 3000) | 65 | 0.4336; "
    "0.4345; 0.4340; 0.4311 (mean 0.4333) | 0.7473; 0.7511; 0.7419; 0.7473 |",
    "| + 12 features: RIASEC (same major, Jaccard of the letters, distance of the majors on "
    "Holland's hexagon), centres of interest (Jaccard, principal ones), work contexts "
    "(Jaccard), cosine of La Bonne Boîte's hirings by NAF sub-class and by NAF division, "
    "DARES FAP 225 and FAP 87 families in common, log of the median salary ratio "
    "target / source and of the target's (seeds k; k + 1000; k + 2000) | 77 | 0.4372; "
    "0.4375; 0.4338 | 0.7457; 0.7477; 0.7556 |",
    "| those 12 without RIASEC; interests; contexts; NAF; FAP and salaries | 74; 75; 76; 75; "
    "73 | 0.4347; 0.4333; 0.4367; 0.4337; 0.4323 | 0.7462; 0.7470; 0.7490; 0.7473; 0.7511 |",
    "| the 12 + ranks of the NAF cosine, interests and contexts | 80 | 0.4353 | 0.7414 |",
    "| the 12 + source's salary, regulated job (target, source), same ecological and "
    "digital transition category | 82 | 0.4353 | 0.7535 |",
    "| the 12 + collaborative filter over the fiches closest in skills + NAF + interests + "
    "RIASEC, NAF and interest similarity of the target to the fiches citing the source "
    "| 80 | 0.4345 | 0.7422 |",
    "| first pass + 0.1 × (interests, contexts, NAF cosine, RIASEC letters): alone 0.4096, "
    "MRR 0.7282, candidates holding 88.1 % of the targets instead of 86.4 %; 65 features "
    "| 65 | 0.4335 | 0.7432 |",
    "| **shipped now:** that first pass + the 12 features (seeds k; k + 1000; k + 2000; "
    "k + 3000) | 77 | 0.4384; 0.4355; 0.4366; 0.4366 (mean 0.4368) | 0.7528; 0.7478; "
    "0.7534; 0.7483 |",
    "",
    "The first-pass weights were chosen on the first pass's own figures on the training "
    "sources (each signal at 0.1, 0.3, 0.6, then the four at 0.1; a coordinate ascent of "
    "MRR + Recall@10 only moved contexts to 0.15: 0.4085, 0.7305). The last row beats the "
    "settings shipped before at each of the four seed offsets, by 0.0048, 0.0010, 0.0026 "
    "and 0.0055: 0.0035 on average (MRR +0.004), **under the 0.004 bar set beforehand**. It "
    "was shipped all the same, on the lead's decision, because the paired gain is positive "
    "at every seed offset; 12 more features are computed per query. The referentials carry "
    "some signal (each group left out loses 0.002 to 0.005 at one seed, except the work "
    "contexts) but little beyond the skills and the links. The shipped code "
    "(`mobility.DEFAULT_WEIGHTS`, `referential_features.REFERENTIAL_FEATURES` at the end of "
    "`mobility.RANKER_FEATURES`) first gave the experiment's figure, 0.4384 / 0.7528, with "
    "`mobility_oof.py --rebuild`; the settings shipped before are `mobility_oof.py --weights "
    "interests=0,contexts=0,naf_hiring=0,riasec_letters=0 --drop referentials`. The rows "
    "with features not shipped (ranks, statuses, collaborative filter over the referentials) "
    "came from an experiment wrapper, `benchmarks/mobility_referentials.py`, reduced since to "
    "those features.",
    "",
    "**Two held-out runs, said as it is.** The rankers retrained on those features gave, in "
    "one run of this benchmark, R@10 0.455, MRR 0.808 on the test sources. The engine's "
    "test that removing a fiche's own official links changes none of its proposals then "
    "failed (D1106): the source's own `reverse_sim` and `paths_ts` are computed from its own "
    "links and, although the source is never a candidate, moved the other fiches' ranks in "
    "`reverse_sim_rank` and `paths_rank` (a leak there since the second round, which the "
    "earlier rankers happened not to show). Fixed (a constant at the source), not chosen on "
    "any test figure. With the fix, out of fold at the four seed offsets: settings shipped "
    "before 0.4343; 0.4315; 0.4319; 0.4333 (mean 0.4328), MRR 0.7561; 0.7478; 0.7415; "
    "0.7423; shipped now 0.4388; 0.4365; 0.4361; 0.4356 (mean 0.4368), MRR 0.7522; 0.7462; "
    "0.7536; 0.7481: Recall@10 +0.0040 on average and higher at every seed offset, MRR "
    "+0.003 on average but lower at two of the four. The rankers were retrained with the "
    "fix and this benchmark run a second time: the test rows above.",
)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "swap", "double", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstn") + word[i + 1 :]


def noisy_titles(engine: Engine, n: int) -> list[tuple[str, str, str]]:
    """(noisy text, original appellation, expected fiche), reproducible."""
    rng = random.Random(SEED)
    rows = sorted(engine.appellations.values(), key=lambda r: r["code_ogr"])
    picked = rng.sample(rows, n)
    result = []
    for number, row in enumerate(picked):
        forms = appellation_forms(row["libelle_appellation_court"])
        text = fold(forms[number % len(forms)])  # accents removed, masculine or feminine
        noise = number % 3
        if noise == 0:
            words = text.split()
            longest = max(range(len(words)), key=lambda k: len(words[k]))
            words[longest] = typo(words[longest], rng)
            text = " ".join(words)
        elif noise == 1:
            for long, short in SHORTENINGS.items():
                text = text.replace(long, short)
        result.append((text, row["libelle_appellation_court"], row["code_rome"]))
    return result


def text_accuracy(engine: Engine) -> dict:
    cases = noisy_titles(engine, TITLES)
    top1 = top5 = refused = 0
    failures = []
    for text, original, expected in cases:
        try:
            fiches = [f["code_rome"] for f in engine.search(text, limit=5)["fiches"]]
        except EngineError:
            fiches = []
            refused += 1
        top1 += bool(fiches) and fiches[0] == expected
        top5 += expected in fiches
        if expected not in fiches and len(failures) < 8:
            failures.append(f"« {text} » ({original}, {expected}) → {fiches[:3]}")
    return {
        "n": len(cases),
        "top1": round(top1 / len(cases), 3),
        "top5": round(top5 / len(cases), 3),
        "refused": refused,
        "failures": failures,
    }


def mobility_quality(engine: Engine, tune: bool, train_ranker: bool) -> dict:
    links = dict(engine.official_links)
    train, test = evaluation.split(links)
    model = engine.mobility
    # Tuning and training never see the test fiches' outgoing links.
    model.set_links(evaluation.official_links_without(links, test))
    weights = None  # the shipped trees ranker over the first pass with DEFAULT_WEIGHTS
    tuned_on_train = None
    if tune:
        weights, tuned_on_train = evaluation.tune(model, train, links)
    if train_ranker:
        started = time.perf_counter()
        model.ranker = evaluation.train_cross_fitted(
            model,
            train,
            links,
            reference_links=sum(len(t) for t in links.values()),
            folds=evaluation.FOLDS,
        )
        model.ranker.save()
        print(
            f"{evaluation.FOLDS} cross-fitted rankers trained on {len(train)} sources in "
            f"{time.perf_counter() - started:.0f} s, saved to {ranker.MODEL_FILE}"
        )
    model.set_links(links)
    return {
        "train": len(train),
        "test": len(test),
        "weights": weights or DEFAULT_WEIGHTS,
        "tuned_on_train": tuned_on_train,
        "ranker": model.ranker is not None,
        "baseline": evaluation.baseline(model, test, links),
        "first_pass": evaluation.evaluate(model, test, links, weights or DEFAULT_WEIGHTS),
        "engine": evaluation.evaluate(model, test, links, weights),
        "train_out_of_fold": evaluation.evaluate(model, train, links, weights),
        "all_sources": evaluation.evaluate(model, train + test, links, weights),
    }


def latency(engine: Engine) -> dict:
    rng = random.Random(SEED)
    codes = sorted(engine.fiches)
    timings = []
    for _ in range(200):
        current, target = rng.sample(codes, 2)
        started = time.perf_counter()
        engine.diagnostic(current, target)
        timings.append((time.perf_counter() - started) * 1000)
    search = []
    for text, _original, _code in noisy_titles(engine, 100):
        started = time.perf_counter()
        try:
            engine.search(text)
        except EngineError:
            pass
        search.append((time.perf_counter() - started) * 1000)
    timings.sort()
    search.sort()
    return {
        "diagnostic_p50_ms": round(statistics.median(timings), 1),
        "diagnostic_p95_ms": round(timings[int(len(timings) * 0.95)], 1),
        "search_p50_ms": round(statistics.median(search), 1),
        "search_p95_ms": round(search[int(len(search) * 0.95)], 1),
    }


def ranker_description(model) -> str:
    if isinstance(model, ranker.CrossFitted):
        return (
            f"{len(model.rankers)} cross-fitted rankers of "
            f"{len(model.rankers[0].feature)} trees over {len(model.features)} features "
            f"({model.meta})"
        )
    return f"{len(model.feature)} trees over {len(model.features)} features ({model.meta})"


def report(results: dict) -> str:
    m, t, s, lat = (results["mobility"], results["text"], results["memory"], results["latency"])
    lines = [
        "### Mobility proposals vs the official ROME links",
        "",
        f"Split by source fiche: {m['train']} training sources, {m['test']} held-out test "
        "sources (stable hash of the code). Test sources are ranked without their own "
        "outgoing links; the first-pass weights were tuned and the trees rankers trained on "
        "the training part only, while the model saw no test source's links. The rankers "
        "are cross-fitted: ranker k is trained on the training sources outside fold k "
        "while the links of fold k are hidden too; a test source is ranked by the mean of "
        "the K rankers, a training source of fold k by ranker k alone.",
        "",
        "| ranking | sources | Recall@10 | MRR |",
        "|---|---|---|---|",
        f"| baseline: TF-IDF skill overlap (test) | {m['baseline']['sources']} | "
        f"{m['baseline']['recall_at_10']} | {m['baseline']['mrr']} |",
        f"| first pass alone: weighted sum of the signals (test) | "
        f"{m['first_pass']['sources']} | {m['first_pass']['recall_at_10']} | "
        f"{m['first_pass']['mrr']} |",
        f"| engine: first pass + trees ranker (test) | {m['engine']['sources']} | "
        f"{m['engine']['recall_at_10']} | {m['engine']['mrr']} |",
        f"| engine (training sources, each ranked by the ranker of its fold: out of fold) | "
        f"{m['train_out_of_fold']['sources']} | {m['train_out_of_fold']['recall_at_10']} | "
        f"{m['train_out_of_fold']['mrr']} |",
        f"| engine (all sources, each without its own links; a training source ranked by "
        f"the ranker of its fold, which never saw its links) | "
        f"{m['all_sources']['sources']} | {m['all_sources']['recall_at_10']} | "
        f"{m['all_sources']['mrr']} |",
        "",
        "Goal of the issue: Recall@10 ≥ 0.45, MRR ≥ 0.75.",
        "",
        OOF_SELECTION,
        f"First-pass weights: `{m['weights']}`. Trees ranker (trained by `--train-ranker`): "
        + (
            f"{ranker_description(engine_ranker)}."
            if (engine_ranker := results.get("ranker"))
            else "none."
        ),
        *THIRD_ROUND,
        *FOURTH_ROUND,
        "",
        "Latencies below were measured while other jobs loaded the machine (load average "
        f"{results['load']}), and are pessimistic.",
        "",
        "### Free-text understanding",
        "",
        f"{t['n']} ROME appellations (seeded sample), accents removed, masculine or feminine "
        "form, one in three with a typo in its longest word, one in three with job-board "
        "abbreviations (dev, tech, resp, rh...). Expected answer: the appellation's fiche.",
        "",
        "| titles | top-1 | top-5 | refused (no match) |",
        "|---|---|---|---|",
        f"| {t['n']} | {t['top1']} | {t['top5']} | {t['refused']} |",
        "",
        "### Latency and memory",
        "",
        "| measure | p50 (ms) | p95 (ms) |",
        "|---|---|---|",
        f"| full diagnostic (profile, 10 proposals, gap, salaries, tension, areas and sectors) | "
        f"{lat['diagnostic_p50_ms']} | {lat['diagnostic_p95_ms']} |",
        f"| free-text search | {lat['search_p50_ms']} | {lat['search_p95_ms']} |",
        "",
        f"Engine built in {s['construction_s']} s; resident memory added by the loaded "
        f"engine: {s['memoire_mo']} MB ({s['fiches']} fiches, {s['appellations']} "
        f"appellations, {s['libelles_indexes']} indexed labels).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--tune", action="store_true", help="re-run the weight search on the training part"
    )
    parser.add_argument(
        "--train-ranker",
        action="store_true",
        help="re-train the trees ranker on the training part and save it",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only, do not write docs/benchmarks.md"
    )
    args = parser.parse_args()
    engine = Engine.from_files()
    results = {
        "memory": engine.memory_report(),
        "load": ", ".join(f"{v:.1f}" for v in os.getloadavg()),
    }
    # Mobility first: with --train-ranker, the latency is then that of the new ranker.
    results["mobility"] = mobility_quality(engine, args.tune, args.train_ranker)
    results["ranker"] = engine.mobility.ranker
    results["text"] = text_accuracy(engine)
    results["latency"] = latency(engine)
    body = report(results)
    print(body)
    print("\nText failures (sample):\n  " + "\n  ".join(results["text"]["failures"]))
    if results["mobility"]["tuned_on_train"]:
        print(f"\nTuned on train: {results['mobility']['tuned_on_train']}")
    if not args.no_write:
        command = (
            ".venv/bin/python benchmarks/bench_mobility.py"
            + (" --tune" if args.tune else "")
            + (" --train-ranker" if args.train_ranker else "")
        )
        write_section(
            "mobility-benchmark", "Employment engine: mobility, free text, latency", command, body
        )


if __name__ == "__main__":
    main()
