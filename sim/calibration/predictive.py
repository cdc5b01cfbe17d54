"""The posterior predictive check: runs at posterior draws, against the data.

``predictive_draws`` particles are drawn from the last generation with probability equal
to their weights (a generator seeded from the fit's seed), and the model is run once at
each (`sim.calibration.simulate.predictive_run`, seeds on a stream of their own). For
every observed outcome and month the runs give a 90 % predictive band (5 % and 95 %
quantiles) and the median; for every statistic, its 90 % predictive interval. The check
reports the share of observed months inside the band and of statistics inside their
interval: a fitted model should put about 90 % of them inside. Far fewer says the model
cannot reproduce the data at any fitted value (or the fit is not finished); all of them
with very wide bands says the data constrain little.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.calibration.simulate import RunPlan, predictive_chunk

LOW, HIGH = 0.05, 0.95


def draws(particles: Any, weights: Any, count: int, seed: int) -> list[tuple[int, dict[str, float]]]:
    """`count` (draw number, parameter values) resampled from the weighted last generation."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    w = np.asarray(weights, dtype=float)
    rows = rng.choice(len(w), size=count, p=w / w.sum())
    names = list(particles.columns)
    return [(k, {n: float(particles[n].iloc[i]) for n in names}) for k, i in enumerate(rows)]


def run_predictive(plan: RunPlan, chosen: list[tuple[int, dict[str, float]]], pool: Any,
                   chunk: int = 4) -> list[dict[str, Any]]:
    """Run every draw on `pool`, `chunk` draws per task; results in draw order."""
    futures = [pool.submit(predictive_chunk, plan, chosen[i : i + chunk]) for i in range(0, len(chosen), chunk)]
    results: list[dict[str, Any]] = []
    for future in futures:
        results += future.result()
    return sorted(results, key=lambda r: r["draw"])


def check(results: list[dict[str, Any]], observed: dict[str, float], scales: dict[str, float],
          series: dict[str, np.ndarray] | None) -> dict[str, Any]:
    """The numbers of the check (see the module docstring), as plain JSON values.

    Args:
        results: The predictive runs (`run_predictive`).
        observed: Observed value of each statistic.
        scales: Scale of each statistic (to show them on one axis).
        series: The observed series by outcome (``None`` if only patterns are targets).
    """
    ran = [r for r in results if r["statistics"]]
    stats = {}
    for name, value in observed.items():
        sim = np.array([r["statistics"][name] for r in ran], dtype=float)
        sim = sim[np.isfinite(sim)]
        low, mid, high = (float(np.quantile(sim, q)) if sim.size else float("nan") for q in (LOW, 0.5, HIGH))
        stats[name] = {"observed": value, "p05": low, "p50": mid, "p95": high, "scale": scales.get(name),
                       "inside": bool(low <= value <= high)}
    out: dict[str, Any] = {"draws": len(results), "runs": len(ran), "statistics": stats,
                           "statistics_inside": float(np.mean([s["inside"] for s in stats.values()]))}
    if series:
        bands, inside = {}, []
        for outcome, values in series.items():
            runs = np.array([r["series"][outcome] for r in ran], dtype=float)
            low, mid, high = (np.quantile(runs, q, axis=0) for q in (LOW, 0.5, HIGH))
            seen = ~np.isnan(values)
            hits = (values >= low) & (values <= high)
            inside += hits[seen].tolist()
            bands[outcome] = {"observed": [None if np.isnan(v) else float(v) for v in values],
                              "p05": low.tolist(), "p50": mid.tolist(), "p95": high.tolist(),
                              "inside_share": float(hits[seen].mean())}
        out["series"] = bands
        out["months_inside"] = float(np.mean(inside))
    return out
