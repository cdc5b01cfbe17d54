"""Summary statistics of monthly series: the mean of each outcome over windows of months.

Why window means: a month's value of a model run of a few thousand citizens carries
sampling noise of about a percentage point, and a real city's monthly figures carry
measurement noise too; the mean over a window of ``window`` months (default 12: yearly
means) averages most of it out while keeping the shape of the series: the first window
is the start-up transient, the sequence of windows is the trend, and the last window is
the level the series settles at (the steady state, when the data are long enough). Few
statistics also keep ABC's acceptance rate workable: every extra statistic that carries
mostly noise lowers it (the curse of dimensionality of ABC, Beaumont, Zhang & Balding
2002; Fearnhead & Prangle 2012).

Windows are consecutive from month 1; a remainder shorter than a window joins the last
window. A statistic averages only the months that were observed (empty cells), and the
simulated statistic averages the *same* months of the run, so a yearly survey is compared
with the model in the months it was taken. A window with no observed month of an outcome
has no statistic.

Statistic names are ``outcome@first-last`` in observed months (``trust@1-12``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calibration.observed import Observed


@dataclass(frozen=True)
class WindowMean:
    """One statistic: the mean of `outcome` over the observed months `months` (0-based)."""

    name: str
    outcome: str
    months: tuple[int, ...]


@dataclass(frozen=True)
class SeriesStatistics:
    """The statistics of observed series, and how to compute them from a model run.

    Attributes:
        outcomes: The observed outcomes.
        months: Number of observed months.
        burn_in: Model months before observed month 1.
        windows: The statistics, in order.
    """

    outcomes: tuple[str, ...]
    months: int
    burn_in: int
    windows: tuple[WindowMean, ...]

    def of_run(self, series: dict[str, list[float]]) -> dict[str, float]:
        """The statistics of a model run (its reporters' values by month, from month 1)."""
        out = {}
        for w in self.windows:
            values = np.asarray(series[w.outcome], dtype=float)[self.burn_in : self.burn_in + self.months]
            out[w.name] = float(values[list(w.months)].mean())
        return out

    def compared(self, series: dict[str, list[float]]) -> dict[str, np.ndarray]:
        """The observed outcomes' model values in the observed months (for predictive checks)."""
        return {o: np.asarray(series[o], dtype=float)[self.burn_in : self.burn_in + self.months]
                for o in self.outcomes}


def window_bounds(months: int, window: int) -> list[tuple[int, int]]:
    """(first, last) observed month, 1-based inclusive, of each window."""
    count = max(1, months // window)
    bounds = [(1 + k * window, (k + 1) * window) for k in range(count)]
    first, _ = bounds[-1]
    bounds[-1] = (first, months)  # the remainder joins the last window
    return bounds


def series_statistics(observed: Observed, window: int, burn_in: int) -> tuple[SeriesStatistics, dict[str, float]]:
    """The statistics of `observed` and their observed values.

    Returns:
        The `SeriesStatistics` (what a worker computes from a run) and the observed value of
        each statistic.
    """
    windows, values = [], {}
    for outcome, series in observed.series.items():
        for first, last in window_bounds(observed.months, window):
            months = tuple(m - 1 for m in range(first, last + 1) if not np.isnan(series[m - 1]))
            if not months:
                continue
            name = f"{outcome}@{first}-{last}"
            windows.append(WindowMean(name, outcome, months))
            values[name] = float(series[list(months)].mean())
    spec = SeriesStatistics(tuple(observed.series), observed.months, burn_in, tuple(windows))
    return spec, values
