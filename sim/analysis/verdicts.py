"""Which design point does best on each headline outcome, and is it beyond the uncertainty?"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.analysis.headline import HEADLINE, NOBODY
from sim.analysis.results import Results
from sim.primitives.stats import t_interval


def _paired(runs: pd.DataFrame, column: str, a: int, b: int) -> tuple[float, float, float, int]:
    """Mean and 95 % t-interval of point a minus point b over the replicates both have."""
    wide = runs.pivot_table(index="replicate", columns="point_id", values=column, aggfunc="first")
    diff = (wide[a] - wide[b]).dropna()
    n = len(diff)
    low, high = t_interval(diff.mean(), diff.std(), n)
    return float(diff.mean()), float(low), float(high), n



def verdicts(results: Results) -> list[dict[str, Any]]:
    """Best design point per headline outcome, and whether it is ahead beyond the uncertainty.

    With common random numbers, replicate k of every point shares a seed, so the best and the
    runner-up are compared by a paired t-interval of their difference; otherwise by whether
    their 95 % intervals overlap.
    """
    out, s = [], results.summary
    crn = results.manifest["common_random_numbers"]
    part = s[(s.outcome == "participation") & (s.measure == "final")].set_index("point_id")["mean"]
    for outcome, measure, better in HEADLINE:
        rows = s[(s.outcome == outcome) & (s.measure == measure)].dropna(subset=["mean"])
        excluded = []
        if outcome == "free_rider_share" and not part.empty:  # nobody taking part: nobody to free ride
            idle = rows.point_id.map(part).lt(NOBODY).to_numpy()
            excluded, rows = [results.labels[int(i)] for i in rows.point_id[idle]], rows[~idle]
        if len(rows) < 2:
            continue
        rows = rows.sort_values("mean", ascending=better == "lower", kind="stable")
        best, second = rows.iloc[0], rows.iloc[1]
        overlap = not (best.ci_low > second.ci_high or best.ci_high < second.ci_low)
        v = {"outcome": outcome, "measure": measure, "better": better,
             "best": results.labels[int(best.point_id)], "best_mean": best["mean"],
             "best_ci": (best.ci_low, best.ci_high), "second": results.labels[int(second.point_id)],
             "second_mean": second["mean"], "overlap": overlap, "paired": None, "excluded": excluded}
        if crn:
            v["paired"] = _paired(results.runs, f"{outcome}/{measure}", int(best.point_id), int(second.point_id))
            low, high = v["paired"][1:3]
            v["clear"] = bool(low > 0 or high < 0)
        else:
            v["clear"] = not overlap
        out.append(v)
    return out


