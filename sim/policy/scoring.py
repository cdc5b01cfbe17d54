"""Scores of candidate policies: robustness across contexts, Pareto fronts, dominance.

A candidate is run in each context (or only the base) with the same replications. Its
value in a context is the mean over the replications; its **score** across contexts is
the stated robustness measure:

- ``mean``: the mean over contexts;
- ``quantile``: the ``q``-quantile over contexts on the bad side (a low quantile of an
  outcome to maximise, a high one of an outcome to minimise): what it reaches in all but
  the worst ``q`` of contexts;
- ``regret``: the largest shortfall over contexts from the best value any candidate
  evaluated so far reached in that context (Savage's minimax regret), always minimised.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BETTER = {"maximize": 1.0, "minimize": -1.0}


def robust(values: np.ndarray, direction: str, how: str, q: float,
           best: np.ndarray | None = None) -> float:
    """The score of one candidate from its values per context (see the module docstring).

    Args:
        values: The candidate's value in each context.
        direction: ``maximize`` or ``minimize``: which way is better.
        how: ``mean``, ``quantile`` or ``regret``.
        q: The quantile of ``quantile``.
        best: Per context, the best value any candidate reached (``regret`` only).
    """
    values = np.asarray(values, dtype=float)
    if how == "mean":
        return float(values.mean())
    if how == "quantile":
        return float(np.quantile(values, q if direction == "maximize" else 1 - q))
    sign = BETTER[direction]
    assert best is not None, "regret needs the best value per context"
    return float(np.max(sign * (np.asarray(best, dtype=float) - values)))


def score_direction(direction: str, how: str) -> str:
    """Which way the score is better: regret is always minimised."""
    return "minimize" if how == "regret" else direction


def best_per_context(table: np.ndarray, direction: str) -> np.ndarray:
    """Per context (column), the best value over candidates (rows)."""
    return table.max(axis=0) if direction == "maximize" else table.min(axis=0)


def dominates(a: Sequence[float], b: Sequence[float], directions: Sequence[str]) -> bool:
    """Whether scores `a` are at least as good as `b` on every objective and better on one."""
    signed = [(BETTER[d] * x, BETTER[d] * y) for x, y, d in zip(a, b, directions, strict=True)]
    return all(x >= y for x, y in signed) and any(x > y for x, y in signed)


def pareto_front(scores: Sequence[Sequence[float]], directions: Sequence[str],
                 violation: Sequence[float] | None = None) -> list[int]:
    """Indices of the non-dominated candidates among the feasible ones (all if none is).

    Args:
        scores: One row of objective scores per candidate.
        directions: ``maximize`` or ``minimize`` per objective.
        violation: Per candidate, how far it breaks its constraints (<= 0: feasible).
    """
    ids = list(range(len(scores)))
    if violation is not None:
        feasible = [i for i in ids if violation[i] <= 0]
        if not feasible and ids:  # nobody feasible: the least infeasible
            least = min(violation)
            feasible = [i for i in ids if violation[i] == least]
        ids = feasible
    return [i for i in ids if not any(dominates(scores[j], scores[i], directions) for j in ids if j != i)]


def beyond(a_low: float, a_high: float, b_low: float, b_high: float, direction: str) -> bool:
    """Whether interval a is better than interval b with no overlap."""
    return a_low > b_high if direction == "maximize" else a_high < b_low


def dominated_beyond_intervals(lows: Sequence[Sequence[float]], highs: Sequence[Sequence[float]],
                               directions: Sequence[str]) -> list[bool]:
    """Per candidate: is another better on every objective, beyond both intervals?"""
    n, k = len(lows), len(directions)
    return [any(all(beyond(lows[j][m], highs[j][m], lows[i][m], highs[i][m], directions[m]) for m in range(k))
                for j in range(n) if j != i) for i in range(n)]
