"""Sensitivity indices of a morris or sobol sweep, computed with SALib.

Each headline outcome is reduced to one scalar per run (its headline measure: the steady
state, the mean over the final 24 months), averaged over the replications of
each design point, and analysed in design order against the unrounded sample stored in
``experiment.json``:

- morris: `SALib.analyze.morris` — ``mu`` (mean elementary effect), ``mu_star`` (mean
  absolute effect: overall influence), ``sigma`` (spread: non-linearity or interactions)
  and ``mu_star_conf`` (95 % bootstrap half-width).
- sobol: `SALib.analyze.sobol` — ``S1`` (first-order share of variance), ``ST`` (total,
  interactions included) and their 95 % confidence half-widths.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINE
from sim.sweep.design import Factor, salib_problem

COLUMNS = {"morris": ("mu", "mu_star", "sigma", "mu_star_conf"), "sobol": ("S1", "S1_conf", "ST", "ST_conf")}


def _factors(manifest: dict[str, Any]) -> list[Factor]:
    return [Factor(f["name"], None, f["low"], f["high"], f["integer"],
                   None if f.get("choices") is None else tuple(f["choices"])) for f in manifest["factors"]]


def indices(manifest: dict[str, Any], runs: pd.DataFrame) -> tuple[pd.DataFrame | None, list[str]]:
    """Sensitivity indices of the headline outcomes (tidy), and notes on what was skipped.

    Args:
        manifest: The content of ``experiment.json`` (a morris or sobol design).
        runs: Per-run scalars (`sim.analysis.report.Results.runs`).
    """
    design, n_points = manifest["design"], manifest["n_points"]
    problem = salib_problem(_factors(manifest))
    present = runs.groupby("point_id").size()
    if len(present) < n_points:
        return None, [(f"Sensitivity indices need every design point; {n_points - len(present)} "
                      "have no completed run yet.")]
    rows, notes = [], []
    for outcome, measure, _ in HEADLINE:
        column = f"{outcome}/{measure}"
        if column not in runs:
            continue
        y = runs.groupby("point_id")[column].mean().reindex(range(n_points)).to_numpy(dtype=float)
        if not np.isfinite(y).all():
            notes.append(f"No sensitivity indices for {outcome}: some runs have no value.")
            continue
        result = _analyse(design, problem, manifest, y)
        for i, name in enumerate(problem["names"]):
            row = {"outcome": outcome, "measure": measure, "parameter": name}
            row.update({c: float(np.asarray(result[c])[i]) for c in COLUMNS[design]})
            rows.append(row)
    return (pd.DataFrame(rows) if rows else None), notes


def _analyse(design: str, problem: dict[str, Any], manifest: dict[str, Any], y: np.ndarray) -> dict:
    seed = manifest["seed"] % 2**32
    if design == "morris":
        from SALib.analyze import morris  # noqa: PLC0415

        x = np.asarray(manifest["sample"], dtype=float)
        return morris.analyze(problem, x, y, num_levels=manifest["levels"], conf_level=0.95, seed=seed)
    from SALib.analyze import sobol  # noqa: PLC0415

    return sobol.analyze(problem, y, calc_second_order=bool(manifest["second_order"]),
                         conf_level=0.95, seed=seed)
