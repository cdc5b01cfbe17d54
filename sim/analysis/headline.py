"""What a sweep report compares: the headline outcomes, their measures and which is better."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.results import Results
from sim.primitives.stats import STEADY_WINDOW

__all__ = ["HEADLINE", "STEADY_WINDOW", "headline_table"]

#: (outcome, measure, better): the three headline outcomes and how each is compared, at
#: their steady state (the mean over the final `STEADY_WINDOW` months of each run).
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("participation", "steady", "higher"),
    ("quality", "steady", "higher"),
    ("free_rider_share", "steady", "lower"),
)
TRAJECTORY = ("participation", "quality", "quality_growth", "free_rider_share")
MEASURES = ("final", "run_mean", "steady")
MEASURE_NAMES = {"final": "final", "run_mean": "mean over run", "steady": "steady state"}
MAX_LINES = 12  # more design points than this: trajectories are drawn per scenario
IDS = ["run_id", "point_id", "replicate", "scenario"]
NOBODY = 0.01  # final participation below this: free riding is not compared (nobody to free ride)


def headline_table(results: Results) -> pd.DataFrame:
    """Per design point: mean [95 % CI] of each headline outcome (the printed table)."""
    s = results.summary
    table = {}
    for outcome, measure, _ in HEADLINE:
        rows = s[(s.outcome == outcome) & (s.measure == measure)].set_index("point_id")
        if rows.empty:
            continue
        name = f"{outcome} ({MEASURE_NAMES[measure]})"
        table[name] = {results.labels[int(str(i))]: _ci_text(r["mean"], r.ci_low, r.ci_high, outcome)
                       for i, r in rows.iterrows()}
    frame = pd.DataFrame(table)
    frame.index.name = "design point"
    return frame


def _ci_text(mean: float, low: float, high: float, outcome: str) -> str:
    digits = 4 if outcome == "quality_growth" else 3
    if math.isnan(low):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"
