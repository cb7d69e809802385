"""Measures of the tag suggestions on held-out datasets (used by the benchmark and by
`training.tune`).

For one dataset with true tags T (|T| >= 1; datasets without tags are left out) and the five
best suggestions S:
- P@5 (standard): |S ∩ T| / 5. A dataset with 2 tags can score at most 0.4;
- P@5 (variant, "R-capped"): |S ∩ T| / min(5, |T|): a dataset with fewer than 5 tags is not
  penalised for the slots it could never fill;
- R@5: |S ∩ T| / |T|.
Each is averaged over the datasets.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class TagScores:
    p5: float
    p5_capped: float
    r5: float
    datasets: int

    def row(self, name: str) -> str:
        return (f"| {name} | {self.p5:.3f} | {self.p5_capped:.3f} | {self.r5:.3f} "
                f"| {self.datasets} |")


def tag_metrics(records, rank: Callable[[object], list[str]], k: int = 5) -> TagScores:
    """`rank(record)` gives the suggested tag names, best first."""
    p = pc = r = 0.0
    n = 0
    for record in records:
        truth = set(record.tags)
        if not truth:
            continue
        hits = len(set(rank(record)[:k]) & truth)
        p += hits / k
        pc += hits / min(k, len(truth))
        r += hits / len(truth)
        n += 1
    n = n or 1
    return TagScores(p / n, pc / n, r / n, n)
