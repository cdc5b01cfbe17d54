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
