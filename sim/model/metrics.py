"""Outcome measures over the citizens' arrays (pure functions, exact, O(n) or O(n log n))."""

from __future__ import annotations

import functools

import numpy as np

from sim.primitives.numeric import Scratch


@functools.lru_cache(maxsize=8)
def _gini_weights(n: int) -> np.ndarray:
    weights = np.arange(1 - n, n, 2, dtype=np.float64)  # 2i - n - 1 for i = 1..n
    weights.flags.writeable = False
    return weights


def share(mask: np.ndarray, within: np.ndarray | None = None) -> float:
    """Share of True in `mask` (optionally among `within`); 0.0 for an empty base."""
    if within is None:
        return float(np.count_nonzero(mask)) / mask.shape[0] if mask.shape[0] else 0.0
    base = np.count_nonzero(within)
    return float(np.count_nonzero(mask & within)) / base if base else 0.0


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, (n-1)/n = one holds all).

    Uses the sorted-rank formula G = sum((2i - n - 1) x_i) / (n sum x) with i = 1..n.
    """
    return concentration(values, 0.01)[0]


def top_share(values: np.ndarray, fraction: float = 0.01) -> float:
    """Share of the total held by the top `fraction` of holders (at least one holder).

    The top holders are summed in ascending order, from a sort: ``np.partition`` leaves
    them in an order that depends on the CPU's SIMD instructions (NumPy partitions with
    x86-simd-sort where it can), which would make the sum differ between machines in its
    last bits.
    """
    return concentration(values, fraction)[1]


def concentration(values: np.ndarray, fraction: float = 0.01, positive: np.ndarray | None = None,
                  work: Scratch | None = None) -> tuple[float, float]:
    """(`gini`, `top_share` of the top `fraction`) of non-negative values, from one sort.

    `positive`, if given, holds the positive values in order (``np.compress(values > 0,
    values)``, in a work array it may sort in place); `work` gives the sorted layout's arrays.
    """
    n = values.shape[0]
    total = float(values.sum())
    if n == 0 or total <= 0.0:
        return 0.0, 0.0
    # Sorted, the values are their zeros then their sorted positive values: only those are
    # sorted (most citizens give nothing in a month), into an array of the same layout, so
    # the sums below see the same numbers in the same places.
    if positive is None:
        positive = np.compress(values > 0.0, values)
    positive.sort()
    ordered = np.zeros(n) if work is None else work("ordered_values")
    ordered[: n - positive.shape[0]] = 0.0
    ordered[n - positive.shape[0] :] = positive
    k = max(1, int(np.ceil(fraction * n)))
    product = np.multiply(_gini_weights(n), ordered, out=None if work is None else work("gini_terms"))
    return float(product.sum()) / (n * total), float(ordered[n - k :].sum()) / total


def group_gap(active: np.ndarray, group: np.ndarray, groups: int) -> float:
    """Largest minus smallest participation rate across socio-economic groups."""
    counts = np.bincount(group, minlength=groups)
    hits = np.bincount(group, weights=active, minlength=groups)
    present = counts > 0
    if present.sum() < 2:
        return 0.0
    rates = hits[present] / counts[present]
    return float(rates.max() - rates.min())
