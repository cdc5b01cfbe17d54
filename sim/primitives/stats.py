"""Intervals shared by sweeps, reports, policy tools and validation (scipy.stats).

`t_interval` is the usual 95 % interval of a mean. For a mean of *shares* (values in
[0, 1], such as participation) it can leave [0, 1] near the bounds ("0.996 [0.983,
1.009]"); `share_interval` is the Wilson score interval computed with the effective sample
size the replications' spread implies, which always stays inside [0, 1].
"""

from __future__ import annotations

from typing import Any

import numpy as np


def t_quantile(n: Any) -> Any:
    """``t(0.975, n - 1)``: the two-sided 95 % quantile for `n` values (n >= 2)."""
    from scipy.stats import t  # noqa: PLC0415 (scipy.stats is slow to import)

    return t.ppf(0.975, np.maximum(np.asarray(n, dtype=float) - 1, 1))


def t_interval(mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """95 % t-interval ``mean ± t(0.975, n-1) sd / sqrt(n)`` (NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n > 1, t_quantile(n) * np.asarray(sd) / np.sqrt(n), np.nan)
    return mean - half, mean + half


def share_interval(mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """95 % interval of a mean of shares that stays in [0, 1] (NaN where n < 2).

    The Wilson score interval with the *effective sample size* ``n_eff = m (1 - m) /
    (sd^2 / n)``: the number of independent yes/no answers whose proportion would vary as
    much as the mean of the `n` replications does (as for survey proportions under a
    design effect: Kish 1965; Korn & Graubard 1998), with the t quantile of `n` - 1
    degrees of freedom in place of 1.96, so it matches `t_interval` away from the bounds.
    Like every score interval it contains the mean and lies in [0, 1]; where the
    replications do not vary (``sd == 0``) it is the mean itself.

    Args:
        mean: Mean of the replications' shares (each in [0, 1]).
        sd: Their standard deviation (ddof 1).
        n: Number of replications.
    """
    m = np.clip(np.asarray(mean, dtype=float), 0.0, 1.0)
    sd, n = np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = sd**2 / n
        n_eff = np.where(var > 0, m * (1 - m) / var, np.inf)
        z = t_quantile(n)
        z2 = z * z / n_eff
        centre = (m + z2 / 2) / (1 + z2)
        half = z / (1 + z2) * np.sqrt(m * (1 - m) / n_eff + z2 / (4 * n_eff))
        low = np.where(var > 0, np.clip(centre - half, 0.0, m), m)
        high = np.where(var > 0, np.clip(centre + half, m, 1.0), m)
    bad = ~(n > 1) | ~np.isfinite(sd)
    low, high = np.where(bad, np.nan, low), np.where(bad, np.nan, high)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def mean_ci(values: Any, bounded: bool = False) -> tuple[float, float, float]:
    """Mean and 95 % interval of `values` (a single value, or none that vary: zero width).

    Args:
        values: The replications' values.
        bounded: The values are shares in [0, 1]: use `share_interval`, else `t_interval`.
    """
    x = np.asarray(values, dtype=float)
    m = float(x.mean())
    if x.size < 2 or float(x.std()) == 0.0:
        return m, m, m
    interval = share_interval if bounded else t_interval
    low, high = interval(m, float(x.std(ddof=1)), x.size)
    return m, float(low), float(high)


#: Months (steps) at the end of each run whose mean is its steady state: the sweep reports'
#: and the policy tools' one definition.
STEADY_WINDOW = 24
#: Drift allowed between the two halves of the final window: 0.01 absolute (a share of a
#: percentage point) or 2 % of the level, whichever is larger (our tolerance).
SETTLED_ABSOLUTE = 0.01
SETTLED_RELATIVE = 0.02


def drift(values: Any, window: int = STEADY_WINDOW) -> float:
    """Mean of the last half of the final `window` values minus the mean of its first half."""
    x = np.asarray(values, dtype=float)[-window:]
    half = x.shape[0] // 2
    if half == 0:
        return float("nan")
    return float(np.nanmean(x[half:]) - np.nanmean(x[:half]))


def settled(values: Any, window: int = STEADY_WINDOW) -> bool:
    """Whether a series has settled: its `drift` over the final window within the tolerance.

    The tolerance is the larger of `SETTLED_ABSOLUTE` and `SETTLED_RELATIVE` times the
    window's mean level; a series shorter than the window has not settled.
    """
    x = np.asarray(values, dtype=float)
    if x.shape[0] < window:
        return False
    return abs(drift(x, window)) <= _tolerance(x, window)


def _tolerance(x: np.ndarray, window: int) -> float:
    """The change a settled series may still show: `SETTLED_ABSOLUTE`, or `SETTLED_RELATIVE` of its final level."""
    return max(SETTLED_ABSOLUTE, SETTLED_RELATIVE * abs(float(np.nanmean(x[-window:]))))


def steady_shift(values: Any, window: int = STEADY_WINDOW) -> float:
    """Mean of the final `window` values minus the mean of the `window` before them.

    How far the steady-state estimate moved in its last window. Unlike `drift`, a cycle
    whose period divides the window (a rule voted on every year that alternates) does not
    show as a trend, and a steady trend shows twice as large.
    """
    x = np.asarray(values, dtype=float)
    if x.shape[0] < 2 * window:
        return float("nan")
    return float(np.nanmean(x[-window:]) - np.nanmean(x[-2 * window:-window]))


def stationary(values: Any, window: int = STEADY_WINDOW) -> bool:
    """Whether the steady-state estimate has stopped moving: `steady_shift` within the tolerance.

    The tolerance is `settled`'s; a series shorter than two windows is not stationary.
    """
    x = np.asarray(values, dtype=float)
    shift = steady_shift(x, window)
    return bool(np.isfinite(shift)) and abs(shift) <= _tolerance(x, window)
