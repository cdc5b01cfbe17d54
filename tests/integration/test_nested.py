"""Nested levels over seeds: local rules follow local conditions where neighbourhoods differ.

A grid of heterogeneity between neighbourhoods (``neighbourhood_contrast`` 0 / 1) x the level
the fine is chosen at (one city-wide vote / each neighbourhood its own), three seeds, 120
months, the polycentric_commons settings on 1,200 citizens (200 a neighbourhood: fewer, and chance swamps the fit).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from sim import CoProductionModel
from sim.inputs.scenario import load_scenario
from sim.model.population import FREE_RIDER

SEEDS = (1, 2, 3)
MONTHS = 120


@cache
def run(seed: int, contrast: float, level: str) -> tuple[dict[str, float], float]:
    """Steady-state outcomes, and how closely neighbourhoods' fines follow their free riders."""
    params = {**load_scenario("polycentric_commons").model_kwargs(), "citizens": 1200,
              "neighbourhood_contrast": contrast, "choice_level": level}
    model = CoProductionModel(rng=seed, **params)
    for _ in range(MONTHS):
        model.step()
    steady = model.datacollector.get_model_vars_dataframe().iloc[-24:].mean().to_dict()
    if level == "city":
        return steady, float("nan")
    table = model.datacollector.get_table_dataframe("neighbourhoods")
    fines = table[table.month > MONTHS // 2].groupby("neighbourhood")["value"].mean()
    free = np.bincount(model.choice.block, weights=model.citizens.ctype == FREE_RIDER) / model.choice.residents
    return steady, float(np.corrcoef(free[fines.index], fines.to_numpy())[0, 1])


def test_neighbourhoods_that_differ_choose_fines_that_follow_their_free_riders():
    fit = [run(s, 1.0, "neighbourhood")[1] for s in SEEDS]
    alike = [run(s, 0.0, "neighbourhood")[1] for s in SEEDS]
    assert min(fit) > 0.6  # more free riders, a stiffer fine: every seed
    assert np.mean(fit) > np.mean(alike) + 0.2  # alike, the local fines differ by chance only
    assert all(run(s, 1.0, "neighbourhood")[0]["local_rule_range"] > 0 for s in SEEDS)


def test_one_city_wide_choice_runs_one_rule_and_alike_neighbourhoods_gain_nothing_from_their_own():
    for s in SEEDS:
        assert run(s, 1.0, "city")[0]["local_rule_range"] == 0.0
    gain = [run(s, 0.0, "neighbourhood")[0]["participation"] - run(s, 0.0, "city")[0]["participation"]
            for s in SEEDS]
    assert abs(np.mean(gain)) < 0.01
