"""The posterior: weighted summaries of the last generation, and a scenario at its means.

pyabc's last generation is a weighted sample of the ABC posterior. Each parameter's
summary is its weighted mean, standard deviation and median, and the central 90 % and
95 % credible intervals (weighted quantiles 5-95 % and 2.5-97.5 %). ``ci90_share`` is the
90 % interval's width as a share of the prior's: how much the data narrowed what was
known (1: nothing learnt). With known true values (``truth:`` in the targets file, for
synthetic data) each row says whether the truth lies inside each interval.

Weighted quantiles use the midpoint rule: a particle of weight w at x holds the interval
of cumulative weight [W - w, W], and the quantile interpolates between particles'
midpoints, so equal weights give the usual sample quantiles and no particle's weight is
ignored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import yaml

from sim.calibration.targets import Targets
from sim.inputs.scenario import validate_scenario
from sim.primitives.errors import Origin

QUANTILES = {"q025": 0.025, "q05": 0.05, "median": 0.5, "q95": 0.95, "q975": 0.975}
COLUMNS = ("parameter", "prior", "mean", "sd", *QUANTILES, "ci90_share", "truth", "truth_in_90", "truth_in_95")


def weighted_quantile(values: Any, weights: Any, q: float) -> float:
    """The `q` quantile of `values` weighted by `weights` (midpoint rule, see the module)."""
    x, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    x, w = x[w > 0], w[w > 0]  # a particle of no weight is not in the posterior
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order] / w.sum()
    mid = np.cumsum(w) - w / 2
    return float(np.interp(q, mid, x))


def summarise(particles: Any, weights: Any, targets: Targets) -> list[dict[str, Any]]:
    """One summary row per fitted parameter (`COLUMNS`), in the targets file's order.

    Args:
        particles: pyabc's last population as a DataFrame (a column per parameter).
        weights: The particles' weights.
        targets: The targets (priors and known true values).
    """
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    rows = []
    for name, prior in targets.priors.items():
        x = particles[name].to_numpy(dtype=float)
        mean = float(np.sum(w * x))
        row: dict[str, Any] = {"parameter": name, "prior": prior.describe(), "mean": mean,
                               "sd": float(np.sqrt(np.sum(w * (x - mean) ** 2)))}
        row |= {key: weighted_quantile(x, w, q) for key, q in QUANTILES.items()}
        row["ci90_share"] = (row["q95"] - row["q05"]) / (prior.high - prior.low)
        truth = targets.truth.get(name)
        row["truth"] = truth
        row["truth_in_90"] = None if truth is None else bool(row["q05"] <= truth <= row["q95"])
        row["truth_in_95"] = None if truth is None else bool(row["q025"] <= truth <= row["q975"])
        rows.append(row)
    return rows


def posterior_scenario(targets: Targets, means: dict[str, float]) -> str:
    """A scenario file (YAML text) of the base scenario with the posterior means.

    It is validated like any scenario file before it is returned, so ``coprod run`` accepts
    it. The base's fixed values (``fixed:``) are kept; the steps are the base scenario's.
    """
    data = targets.scenario.model_dump(exclude_unset=True)
    for dotted, value in means.items():
        section, key = dotted.split(".")
        data[section] = {**(data.get(section) or {}), key: float(value)}
    lines = ", ".join(f"{k} = {v:.4g}" for k, v in means.items())
    data["name"] = f"{targets.name}_posterior"
    data["description"] = (f"{targets.scenario.name} at the posterior means of calibration {targets.name}.\n"
                           f"Fitted by `coprod calibrate {targets.label}`: {lines}. The other values are "
                           f"those of {targets.scenario.name}" + (" with the targets file's fixed values"
                                                                    if targets.fixed else "") + ".\n")
    ordered: dict[str, Any] = {k: data[k] for k in ("name", "description", "source") if k in data}
    ordered |= {k: v for k, v in data.items() if k not in ordered}
    text = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True)
    validate_scenario(yaml.safe_load(text), "posterior scenario", lambda loc: Origin("constructor", "posterior"))
    return text
