"""From a targets file to what the fit computes: the run plan and the statistics.

`statistics_of` lists the statistics in a fixed order (the observed series' window
means, outcome by outcome, then the patterns'), with each one's observed value, its
weight in the distance and its scale: a pattern's tolerance, or ``None`` for a series
statistic, whose scale is estimated from the prior sample (`sim.calibration.distance`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.calibration.patterns import PATTERNS
from sim.calibration.simulate import RunPlan
from sim.calibration.statistics import series_statistics
from sim.calibration.targets import Targets
from sim.inputs.schema import PATHS


@dataclass
class FitStatistics:
    """The fit's statistics: the plan workers run, observed values, weights and given scales."""

    plan: RunPlan
    observed: dict[str, float]
    weights: dict[str, float]
    scales: dict[str, float | None]
    given: dict[str, str]


def statistics_of(targets: Targets) -> FitStatistics:
    """The statistics of `targets` (series window means, then pattern statistics)."""
    observed: dict[str, float] = {}
    weights: dict[str, float] = {}
    scales: dict[str, float | None] = {}
    given: dict[str, str] = {}
    series = None
    if targets.observed is not None:
        series, values = series_statistics(targets.observed, targets.window, targets.burn_in)
        for w in series.windows:
            observed[w.name], weights[w.name], scales[w.name] = values[w.name], targets.observed.weights[w.outcome], None
    for pid in targets.patterns:
        for name, (value, tolerance) in PATTERNS[pid].targets.items():
            observed[name], weights[name], scales[name] = value, 1.0, tolerance
            given[name] = f"tolerance of pattern {pid} ({PATTERNS[pid].note})"
    flat = {dotted: PATHS[dotted].name for dotted in targets.priors}
    plan = RunPlan(targets.base_kwargs, flat, targets.steps, targets.replications, targets.seed, series,
                   targets.patterns)
    return FitStatistics(plan, observed, weights, scales, given)
