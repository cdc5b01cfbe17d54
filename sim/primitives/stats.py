"""Intervals shared by sweeps, reports and validation (scipy.stats)."""

from __future__ import annotations

from typing import Any

import numpy as np


def t_interval(mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """95 % t-interval ``mean ± t(0.975, n-1) sd / sqrt(n)`` (NaN where n < 2)."""
    from scipy.stats import t  # noqa: PLC0415 (scipy.stats is slow to import)

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n > 1, t.ppf(0.975, np.maximum(n - 1, 1)) * np.asarray(sd) / np.sqrt(n), np.nan)
    return mean - half, mean + half




def mean_ci(values: Any) -> tuple[float, float, float]:
    """Mean and 95 % t-interval of `values` (a single value, or none that vary: zero width)."""
    x = np.asarray(values, dtype=float)
    m = float(x.mean())
    if x.size < 2 or float(x.std()) == 0.0:
        return m, m, m
    low, high = t_interval(m, float(x.std(ddof=1)), x.size)
    return m, float(low), float(high)


#: Drift allowed between the two halves of the final window: 0.01 absolute (a share of a
#: percentage point) or 2 % of the level, whichever is larger (our tolerance).
SETTLED_ABSOLUTE = 0.01
SETTLED_RELATIVE = 0.02


def drift(values: Any, window: int = 24) -> float:
    """Mean of the last half of the final `window` values minus the mean of its first half."""
    x = np.asarray(values, dtype=float)[-window:]
    half = x.shape[0] // 2
    if half == 0:
        return float("nan")
    return float(np.nanmean(x[half:]) - np.nanmean(x[:half]))


def settled(values: Any, window: int = 24) -> bool:
    """Whether a series has settled: its `drift` over the final window within the tolerance.

    The tolerance is the larger of `SETTLED_ABSOLUTE` and `SETTLED_RELATIVE` times the
    window's mean level; a series shorter than the window has not settled.
    """
    x = np.asarray(values, dtype=float)
    if x.shape[0] < window:
        return False
    level = abs(float(np.nanmean(x[-window:])))
    return abs(drift(x, window)) <= max(SETTLED_ABSOLUTE, SETTLED_RELATIVE * level)
