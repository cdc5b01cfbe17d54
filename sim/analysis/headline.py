"""What a sweep report compares: the headline outcomes, their measures and which is better."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.results import Results

#: (outcome, measure, better): the three headline outcomes and how each is compared.
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("participation", "final", "higher"),
    ("quality_growth", "run_mean", "higher"),
    ("free_rider_share", "final", "lower"),
)
TRAJECTORY = ("participation", "quality", "quality_growth", "free_rider_share")
MEASURES = ("final", "run_mean")
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
        name = f"{outcome} ({'final' if measure == 'final' else 'mean over run'})"
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
