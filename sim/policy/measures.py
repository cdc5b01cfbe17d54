"""What the policy tools measure of a run, and the intervals they report.

A run's **steady state** on an outcome is its mean over the last `window` steps (default:
the sweep reports' `STEADY_WINDOW`, the final 24 months, or the whole run if shorter),
which averages out the month-to-month noise of a run that has settled; its **final** value is the value at the last step. Only the
window's steps are recorded. Outcomes that are shares (the model declares which:
`sim.model.reporters.SHARES`) get intervals that stay in [0, 1]
(`sim.primitives.stats.share_interval`); others a t-interval.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.model.reporters import SHARES
from sim.primitives.stats import STEADY_WINDOW, mean_ci, share_interval, t_interval

MEASURES = ("steady", "final")


def is_share(outcome: str) -> bool:
    """Whether `outcome`'s values lie in [0, 1] (the model's own list: `sim.model.reporters.SHARES`)."""
    return outcome in SHARES


def window_of(steps: int, window: int | None = None) -> int:
    """Steps averaged for the steady state: `window`, else `STEADY_WINDOW` (at most `steps`)."""
    return min(window or STEADY_WINDOW, steps)


def record_steps(steps: int, window: int) -> tuple[int, ...]:
    """The recorded steps: the last `window` of `steps` (1-based)."""
    return tuple(range(steps - window + 1, steps + 1))


def run_measures(frame: pd.DataFrame, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """Per run (index ``run_id``): ``{outcome}/steady`` and ``{outcome}/final``.

    Args:
        frame: Long-format rows (``run_id``, ``step``, outcomes) of the window's steps.
        outcomes: The outcomes to measure.
    """
    rows = frame.sort_values(["run_id", "step"], kind="stable")
    groups = rows.groupby("run_id")
    out = pd.DataFrame(index=groups.size().index)
    steady, final = groups[list(outcomes)].mean(), groups[list(outcomes)].last()
    for o in outcomes:
        out[f"{o}/steady"], out[f"{o}/final"] = steady[o], final[o]
    return out


def interval(outcome: str, values: Any) -> tuple[float, float, float]:
    """Mean and 95 % interval of replications' values of `outcome` (shares stay in [0, 1])."""
    return mean_ci(values, bounded=is_share(outcome))


def intervals(outcome: str, mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """Vectorised `interval` from means, standard deviations and counts."""
    return (share_interval if is_share(outcome) else t_interval)(mean, sd, n)
