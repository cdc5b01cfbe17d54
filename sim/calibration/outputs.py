"""The outputs of a fit, written into its folder one file at a time, each atomically.

=========================== ========================================================
``posterior.csv``, ``.json`` per parameter: prior, mean, sd, median, 90 % and 95 %
                            credible intervals, interval width / prior width, truth
``particles.csv``           the last generation: parameters, weight, distance
``generations.csv``         per generation: epsilon, proposals, accepted, rate, runs
``pairs.png``               the posterior pairs plot
``epsilon.png``             the threshold and acceptance rate per generation
``predictive.png``, ``.json`` the posterior predictive check (`sim.calibration.predictive`)
``posterior_scenario.yaml`` the base scenario at the posterior means (``coprod run``)
=========================== ========================================================

They are derived from the history alone (and the predictive runs, seeded), so rewriting
them (``--resume`` of a finished fit) gives the same files.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration import plots
from sim.calibration.plan import FitStatistics
from sim.calibration.posterior import COLUMNS, posterior_scenario, summarise
from sim.calibration.predictive import check, draws, run_predictive
from sim.calibration.targets import Targets
from sim.primitives.files import write_atomic

FILES = ("posterior.csv", "posterior.json", "particles.csv", "generations.csv", "pairs.png", "epsilon.png",
         "predictive.png", "predictive.json", "posterior_scenario.yaml")


def _text(path: Path, text: str) -> Path:
    write_atomic(path, lambda h: h.write(text.encode()))
    return path


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return _text(path, buffer.getvalue())


def _figure(path: Path, draw: Any, *args: Any) -> Path:
    write_atomic(path, lambda h: draw(*args, h))
    return path


def _plain(value: Any) -> Any:
    """`value` with NaN and infinities as ``None`` (JSON has neither)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def generations_table(history: Any, replications: int) -> list[dict[str, Any]]:
    """One row per stored generation: threshold, proposals, accepted, rate, cumulative runs."""
    table = history.get_all_populations()
    rows, runs = [], 0
    for _, p in table.iterrows():
        runs += int(p["samples"]) * replications
        if p["t"] >= 0:
            rows.append({"generation": int(p["t"]), "epsilon": float(p["epsilon"]), "proposals": int(p["samples"]),
                         "accepted": int(p["particles"]), "acceptance_rate": float(p["particles"] / p["samples"]),
                         "runs": runs})
    return rows


def write_outputs(targets: Targets, out: Path, history: Any, stats: FitStatistics, *, scales: dict[str, float],
                  pool: Any) -> dict[str, Any]:
    """Write every output of the fit in `out`; the summary rows and the predictive check.

    Args:
        targets: The targets.
        out: The fit's folder.
        history: pyabc's history (at least one generation stored).
        stats: The fit's statistics (`sim.calibration.fit.statistics_of`).
        scales: The scale of each statistic.
        pool: Where the predictive runs execute.
    """
    particles, weights = history.get_distribution(m=0, t=history.max_t)
    particles = particles[list(targets.priors)]
    rows = summarise(particles, weights, targets)
    _csv(out / "posterior.csv", list(COLUMNS), [[r[c] for c in COLUMNS] for r in rows])
    _text(out / "posterior.json", json.dumps(_plain({"generation": int(history.max_t), "parameters": rows}),
                                             indent=1, allow_nan=False) + "\n")
    distances = history.get_weighted_distances(t=history.max_t)["distance"].to_numpy()
    _csv(out / "particles.csv", [*targets.priors, "weight", "distance"],
         [[*map(float, particles.iloc[i]), float(weights[i]), float(distances[i])] for i in range(len(weights))])
    gens = generations_table(history, targets.replications)
    _csv(out / "generations.csv", list(gens[0]), [list(g.values()) for g in gens])
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0]
    _figure(out / "pairs.png", plots.pairs, particles, weights, targets, rows)
    _figure(out / "epsilon.png", plots.epsilon, populations)
    chosen = draws(particles, weights, targets.predictive_draws, targets.seed)
    results = run_predictive(stats.plan, chosen, pool)
    series = targets.observed.series if targets.observed is not None else None
    result = check(results, stats.observed, scales, series)
    result = _plain(result)
    _text(out / "predictive.json", json.dumps(result, indent=1, allow_nan=False) + "\n")
    _figure(out / "predictive.png", plots.predictive, result)
    means = {r["parameter"]: r["mean"] for r in rows}
    _text(out / "posterior_scenario.yaml", posterior_scenario(targets, means))
    return {"rows": rows, "predictive": result, "generations": gens,
            "distance": float(np.average(distances, weights=weights))}
