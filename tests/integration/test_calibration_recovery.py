"""Parameter recovery: fits to synthetic data from known parameters find them again.

The reduced form runs in ``make test``: two free parameters, three years of data, 40
particles and 4 generations (about 500 model runs). The full example
(experiments/calibration/synthetic_city.yaml: three parameters, four years of data, 100
particles, 6 generations, about 2,900 runs) is marked ``slow`` (``pytest -m slow``). Both
are deterministic (the fit's seed), and both can fail: every true value must lie inside
its 90 % credible interval *and* the data must have narrowed the prior, so a fit that
learnt nothing (a posterior as wide as the prior contains any truth) does not pass.
"""

from __future__ import annotations

import csv
import json

import pytest

from sim.calibration.fit import run_calibration
from sim.calibration.pools import ProcessPool
from sim.calibration.targets import load_targets
from tests.helpers import coprod, synthetic_observed, write

TRUE = {"population.efficacy_weight": 1.0, "population.report_propensity": 0.45}
REDUCED = """\
description: Reduced parameter recovery (two parameters, three years of data).
base: co_delivery
fixed: {population.citizens: 1000}
parameters:
  population.efficacy_weight:
  population.report_propensity:
observed: {file: observed.csv, window: 12}
truth: {population.efficacy_weight: 1.0, population.report_propensity: 0.45}
population_size: 40
generations: 4
predictive_draws: 20
seed: 11
"""


def test_reduced_recovery_puts_both_true_values_in_narrowed_90_percent_intervals(tmp_path):
    synthetic_observed(tmp_path / "observed.csv", "co_delivery", {"population.citizens": 1000, **TRUE}, 36, 2024)
    pool = ProcessPool(2)
    try:
        done = run_calibration(load_targets(write(tmp_path / "t.yaml", REDUCED)), tmp_path / "out", pool=pool,
                               progress="never")
    finally:
        pool.close()
    assert done.generations == 4
    rows = {r["parameter"]: r for r in done.summary["rows"]}
    for name, value in TRUE.items():
        assert rows[name]["truth_in_90"], (name, value, rows[name]["q05"], rows[name]["q95"])
        assert rows[name]["ci90_share"] < 0.6, f"{name}: the data hardly narrowed the prior"
    assert done.summary["predictive"]["months_inside"] >= 0.8


@pytest.mark.slow
def test_the_example_recovers_all_three_true_values(tmp_path):
    out = tmp_path / "out"
    done = coprod("calibrate", "synthetic_city", "--out", out, "--workers", "2", timeout=3600)
    assert done.returncode == 0, done.stderr
    with open(out / "posterior.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and all(r["truth_in_90"] == "True" for r in rows), rows
    assert all(float(r["ci90_share"]) < 0.7 for r in rows), rows
    assert json.loads((out / "predictive.json").read_text())["months_inside"] >= 0.8
