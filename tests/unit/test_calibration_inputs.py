"""Targets files and observed CSVs of `coprod calibrate`: every kind of bad input is a clear error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.calibration.distance import prior_scale, scaled_distance
from sim.calibration.observed import read_observed
from sim.calibration.posterior import weighted_quantile
from sim.calibration.simulate import run_seeds
from sim.calibration.statistics import series_statistics, window_bounds
from sim.calibration.targets import load_targets
from sim.inputs.schema import PATHS
from sim.primitives.errors import InputError
from tests.helpers import coprod, write

HEADER = "month,participation_individual,trust\n"
GOOD_CSV = HEADER + "".join(f"{m},0.{10 + m:02d},{'' if m % 3 else '0.5'}\n" for m in range(1, 25))
GOOD = """\
description: A small fit for the tests.
base: consultative
fixed: {population.citizens: 100}
parameters:
  population.trust_weight:
observed: {file: obs.csv, window: 12}
"""


def _error(tmp_path, text: str, csv: str = GOOD_CSV) -> str:
    write(tmp_path / "obs.csv", csv)
    with pytest.raises(InputError) as err:
        load_targets(write(tmp_path / "t.yaml", text))
    return str(err.value)


def test_a_good_file_resolves_priors_from_the_declared_ranges(tmp_path):
    write(tmp_path / "obs.csv", GOOD_CSV)
    t = load_targets(write(tmp_path / "t.yaml", GOOD))
    p = PATHS["population.trust_weight"]
    (prior,) = t.priors.values()
    assert (prior.kind, prior.low, prior.high) == ("uniform", p.low, p.high)
    assert t.steps == 24 and t.base_kwargs["citizens"] == 100
    assert np.isnan(t.observed.series["trust"][0]) and t.observed.series["trust"][2] == 0.5
    assert t.observed.weights == {"participation_individual": 1.0, "trust": 1.0}


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD + "populaton_size: 10\n", ("t.yaml, line 7, column 1: populaton_size: unknown key; allowed: a top-level "
     "key: name, description")),
    (GOOD + "populaton_size: 10\n", "(did you mean 'population_size'?)"),
    (GOOD.replace("trust_weight:", "trust_wieght:"), "parameters.population.trust_wieght: unknown parameter"),
    (GOOD.replace("trust_weight:", "trust_weight: {low: -1}"),
     ("line 5, column 29: parameters.population.trust_weight.low: value -1.0 is not valid; allowed: a bound "
     "within the declared range of population.trust_weight, [0, 5]")),
    (GOOD.replace("trust_weight:", "trust_weight: {high: 7}"), "trust_weight.high: value 7.0 is not valid"),
    (GOOD.replace("trust_weight:", "trust_weight: {low: 3, high: 2}"), "the range [3, 2] is empty"),
    (GOOD.replace("trust_weight:", "trust_weight: {prior: normal, mean: 1}"),
     "parameters.population.trust_weight.sd: missing"),
    (GOOD.replace("trust_weight:", "trust_weight: {prior: log-uniform}"),
     "low: value 0 is not valid; allowed: a number > 0 for a log-uniform prior"),
    (GOOD.replace("trust_weight:", "trust_weight: {prior: gaussian}"),
     ("parameters.population.trust_weight.prior: value 'gaussian' is not valid; allowed: one of: uniform, "
     "log-uniform, normal")),
    (GOOD.replace("trust_weight:", "trust_weight: {lo: 1}"),
     "parameters.population.trust_weight.lo: unknown key; allowed: a key of a prior: prior, low, high, mean, sd"),
    (GOOD.replace("trust_weight:", "trust_weight: {mean: 1}"), "mean: only used by a normal prior"),
    (GOOD.replace("population.trust_weight:", "population.citizens:"),
     "an integer parameter (an integer in [1, 5000000]) cannot be fitted"),
    (GOOD.replace("population.trust_weight:", "governance.sanctions:"), "a categorical parameter"),
    (GOOD.replace("citizens: 100", "citizens: -5"),
     "line 3, column 9: fixed.population.citizens: value -5 is not valid; allowed: an integer in [1, 5000000]"),
    (GOOD.replace("consultative", "consultatve"), "base: no such scenario file or named scenario"),
    (GOOD.replace("description: A small fit for the tests.\n", ""), "description: missing"),
    (GOOD.replace("observed: {file: obs.csv, window: 12}\n", ""), "observed: missing; required: observed"),
    (GOOD.replace("obs.csv", "nothing.csv"), "observed.file: value 'nothing.csv' is not valid"),
    (GOOD + "truth: {population.rewire: 0.2}\n", "truth.population.rewire: not a fitted parameter"),
    (GOOD + "population_size: 2\n", "population_size: value 2 is not valid; allowed: an integer in [10, 1000000]"),
    (GOOD + "patterns: [fixmystreet]\n", "allowed: a list of: repeat_reporting, participation_inequality"),
    (GOOD + "steps: 10\n", "steps: value 10 is not valid; allowed: at least burn_in + the observed months = 24"),
])
def test_targets_file_errors_name_file_field_and_what_is_allowed(tmp_path, text, expected):
    assert expected in _error(tmp_path, text)


@pytest.mark.parametrize(("csv", "expected"), [
    ("participation_individual,trust\n0.1,0.5\n", "obs.csv, line 1: month: missing"),
    (HEADER.replace("trust", "trsut") + "1,0.1,0.5\n", ("trsut: unknown outcome column; allowed: month, or an "
     "outcome: participation")),
    (HEADER.replace("trust", "trsut") + "1,0.1,0.5\n", "(did you mean 'trust'?)"),
    (GOOD_CSV.replace("4,0.14,", "4,abc,"), ("obs.csv, line 5: participation_individual: value 'abc' (a string) is not valid; "
     "allowed: a number (empty: not observed that month)")),
    (GOOD_CSV.replace("4,0.14,", "4,nan,"), "line 5: participation_individual: value 'nan' (a string) is not valid"),
    (GOOD_CSV.replace("4,0.14,", "4,1.4,"), ("line 5: participation_individual: value 1.4 is not valid; allowed: a "
     "share of citizens in [0, 1]")),
    (GOOD_CSV.replace("\n5,", "\n6,", 1), "line 6: month: value 6.0 is not valid; allowed: 5: months count"),
    (HEADER + "1,0.1,0.5\n2,0.1,0.5\n", "too few rows: 2 months; allowed: at least 24 (2 windows of 12 months)"),
    (GOOD_CSV.replace("4,0.14,", "4,0.14,0.5,9"), "line 5: the row has 4 values; allowed: 3"),
    (HEADER + "".join(f"{m},0.1,\n" for m in range(1, 25)), "trust: the column has no value"),
    ("", "obs.csv: the file is empty"),
    (HEADER.replace("trust", "month"), "month: the column appears twice"),
])
def test_observed_csv_errors_name_line_column_value_and_what_is_allowed(tmp_path, csv, expected):
    assert expected in _error(tmp_path, GOOD, csv)


def test_weights_must_name_columns_of_the_csv(tmp_path):
    text = GOOD.replace("window: 12}", "window: 12, weights: {efficacy: 2, trust: -1}}")
    message = _error(tmp_path, text)
    assert "observed.weights.efficacy: not a column of" in message
    assert "observed.weights.trust: value -1.0 is not valid; allowed: a number >= 0" in message


def test_bad_targets_exit_2_through_the_command_line(tmp_path):
    write(tmp_path / "obs.csv", GOOD_CSV.replace("4,0.14,", "4,x,"))
    done = coprod("calibrate", write(tmp_path / "t.yaml", GOOD), "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "line 5: participation_individual: value 'x' (a string) is not valid" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_window_means_average_the_observed_months_only(tmp_path):
    observed = read_observed(write(tmp_path / "obs.csv", GOOD_CSV), "obs.csv", 12, {})
    assert window_bounds(30, 12) == [(1, 12), (13, 30)]  # the remainder joins the last window
    spec, values = series_statistics(observed, 12, burn_in=2)
    assert list(values) == ["participation_individual@1-12", "participation_individual@13-24",
                            "trust@1-12", "trust@13-24"]
    assert values["participation_individual@1-12"] == pytest.approx(np.mean([0.10 + m / 100 for m in range(1, 13)]))
    run = {"participation_individual": [9, 9, *range(24)], "trust": [9, 9, *range(24)]}
    stats = spec.of_run(run)  # the same months of the run, after the burn-in
    assert stats["participation_individual@1-12"] == pytest.approx(5.5)
    assert stats["trust@1-12"] == pytest.approx(np.mean([2, 5, 8, 11]))


def test_distance_is_a_weighted_rms_of_standardised_differences():
    obs, weights = {"a": 1.0, "b": 0.0, "c": 5.0}, {"a": 1.0, "b": 3.0, "c": 1.0}
    scales = {"a": 0.5, "b": 0.1, "c": 0.0}  # c does not vary over the prior: left out
    d = scaled_distance({"a": 2.0, "b": 0.1, "c": 99.0}, obs, weights, scales)
    assert d == pytest.approx(math.sqrt((1 * 2.0**2 + 3 * 1.0**2) / 4))
    assert scaled_distance({"a": math.nan, "b": 0.0}, obs, weights, scales) == math.inf
    assert prior_scale([1.0, 2.0, 3.0, 100.0]) == pytest.approx(1.0)  # MAD, robust to the outlier
    assert prior_scale([2.0, 2.0, 2.0, 5.0]) > 0 and prior_scale([1.0, 1.0]) == 0.0


def test_weighted_quantiles_and_run_seeds():
    assert weighted_quantile([1, 2, 3, 4], [1, 1, 1, 1], 0.5) == pytest.approx(2.5)
    assert weighted_quantile([1, 2, 3], [0, 1, 0], 0.05) == 2.0
    assert weighted_quantile([1, 2, 3], [0, 1, 0], 0.95) == 2.0
    a, b = run_seeds(1, [0.5, 2.0], 2), run_seeds(1, [0.5, 2.0 + 1e-15], 2)
    assert a == run_seeds(1, [0.5, 2.0], 2) and a[0] != a[1] and a != b and all(0 <= s < 2**53 for s in a)

