"""`Results`: everything a sweep's report shows, as one value (built by `sim.analysis.reading`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Results:
    """Everything the report shows, computed from one output directory.

    Attributes:
        manifest: The content of ``experiment.json``.
        runs: One row per completed run: ids, labels and ``{outcome}/{measure}`` scalars.
        summary: The content of ``summary.csv``.
        trajectories: Per group and step: ``{outcome}/mean``, ``/ci_low``, ``/ci_high`` (per
            design point: 95 % interval, bounded for shares; per scenario: the 2.5-97.5 %
            quantiles of its runs).
        group_by: ``point_id`` or ``scenario``: what a trajectory line is.
        labels: Display label of each design point.
        verdicts: One dict per headline outcome (see `verdicts`).
        sensitivity: SALib indices (tidy), or ``None``.
        notes: Caveats to show (incomplete sweep, skipped analyses).
        explanations: Why the best design points beat the runners-up (one per pair: ``a``,
            ``b``, ``sentences``), from ``DIR/explain/`` (`sim.analysis.attribution`).
    """

    manifest: dict[str, Any]
    runs: pd.DataFrame
    summary: pd.DataFrame
    trajectories: pd.DataFrame
    group_by: str
    labels: dict[int, str]
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    sensitivity: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    explanations: list[dict[str, Any]] = field(default_factory=list)
