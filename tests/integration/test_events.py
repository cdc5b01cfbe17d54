"""Timed policy changes end to end: ``coprod run``, sweeps, and their direction over seeds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim import CoProductionModel
from sim.inputs.scenario import load_scenario
from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from tests.helpers import coprod, table, write

SEEDS = range(4)

BAD = """\
description: bad events
steps: 60
events:
  - month: 0
    set: {governance.fine: 0.0}
  - month: 70
    set: {governance.fien: 0.0}
  - month: 5
    set: {governance.fine: 12.0}
  - month: 6
    set: {population.citizens: 10}
  - {month: 7, set: {governance.fine: 0}, sett: 1}
"""


def test_coprod_run_exits_2_naming_each_bad_event(tmp_path):
    done = coprod("run", write(tmp_path / "bad.yaml", BAD), "--out", tmp_path / "out")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for expected in ("line 4, column 5: events[0].month: value 0 is not valid",
                     "line 6, column 5: events[1].month: is after the run's last month (60)",
                     "line 7, column 11: events[1].set.governance.fien: unknown key",
                     "line 9, column 11: events[2].set.governance.fine: value 12.0 is not valid; allowed: a number in [0, 10]",
                     "line 11, column 11: events[3].set.population.citizens: cannot change during a run",
                     "line 12, column 43: events[4].sett: unknown key"):
        assert any(expected in line for line in lines), expected
    set_bad = coprod("run", "fine_removed", "--set", "events.0.month=300", "--out", tmp_path / "o2")
    assert set_bad.returncode == 2 and "--set events[0].month: is after the run's last month (240)" in set_bad.stderr


def test_coprod_run_applies_and_records_the_events(tmp_path):
    done = coprod("run", "fine_removed", "--steps", "30", "--set", "population.citizens=300", "--out", tmp_path / "o")
    assert done.returncode == 0, done.stderr
    assert "Timed policy changes: month 13: fine removed" in done.stdout
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["events"] == [{"month": 13, "label": "fine removed"}]
    assert summary["parameters"]["events"] == [{"month": 13, "set": {"fine": 0.0}, "label": "fine removed"}]


SWEEP = """\
description: The fine's removal month and what it is lowered to.
base: fine_removed
vary:
  events.0.month: [6, 18]
  events.0.set.governance.fine: [0.0, 0.25]
fixed:
  population.citizens: 150
replications: 2
steps: 24
seed: 5
record: {outcomes: [participation, free_rider_share], every: 24}
"""


def test_a_sweep_varies_values_inside_an_event(tmp_path):
    exp = load_experiment(write(tmp_path / "e.yaml", SWEEP))
    assert exp.label_kinds() == {"scenario": str, "events.0.month": int, "events.0.set.governance.fine": float}
    point = exp.point_scenario(3).model_kwargs()
    assert point["events"] == [{"month": 18, "set": {"fine": 0.25}, "label": "fine removed"}]
    run_sweep(exp, tmp_path / "out", workers=1, progress="never")
    rows = table(tmp_path / "out")
    assert len(rows) == 8 and set(rows["events.0.month"]) == {6, 18}
    first = rows.iloc[0]  # a row's seed and labels reproduce the run
    model = CoProductionModel(rng=int(first["seed"]), **exp.point_scenario(int(first["point_id"])).model_kwargs())
    for _ in range(24):
        model.step()
    assert model.datacollector.get_model_vars_dataframe()["participation"].iloc[-1] == first["participation"]
    bad = write(tmp_path / "b.yaml", SWEEP.replace("events.0.month: [6, 18]", "events.0.month: [6, 30]"))
    done = coprod("sweep", bad, "--out", tmp_path / "b")
    assert done.returncode == 2 and "events[0].month: is after the run's last month (24)" in done.stderr


def tail_mean(outcome: str, events: list, months: slice, seed: int, **params) -> float:
    model = CoProductionModel(rng=seed, events=events, **{"citizens": 400, **params})
    for _ in range(months.stop):
        model.step()
    return float(model.datacollector.get_model_vars_dataframe()[outcome].iloc[months].mean())


@pytest.mark.parametrize("monitoring", [0.3, 0.6])
@pytest.mark.parametrize("interaction", ["co_delivery", "consultation"])
def test_removing_the_fine_lowers_participation_in_every_seed(monitoring, interaction):
    lever = {"sanctions": "admin", "fine": 0.5, "monitoring": monitoring, "interaction": interaction,
             "access": "registered"}
    after = slice(36, 60)  # the second and third years after the removal
    kept = [tail_mean("participation", [], after, s, **lever) for s in SEEDS]
    removed = [tail_mean("participation", [{"month": 13, "set": {"fine": 0.0}}], after, s, **lever) for s in SEEDS]
    first_year = [tail_mean("participation", [{"month": 13, "set": {"fine": 0.0}}], slice(0, 12), s, **lever)
                  for s in SEEDS]
    assert all(r < k for r, k in zip(removed, kept, strict=True)) and np.mean(removed) < 0.8 * np.mean(kept)
    assert first_year == [tail_mean("participation", [], slice(0, 12), s, **lever) for s in SEEDS]


@pytest.mark.parametrize("responsiveness", [0.4, 0.8])
def test_austerity_from_month_24_lowers_trust_in_every_seed(responsiveness):
    base = load_scenario("austerity_turn")
    params = {**base.model_kwargs(), "citizens": 400, "responsiveness": responsiveness}
    events = params.pop("events")
    after = slice(48, 72)
    cut = [tail_mean("trust", events, after, s, **params) for s in SEEDS]
    none = [tail_mean("trust", [], after, s, **params) for s in SEEDS]
    assert all(c < n for c, n in zip(cut, none, strict=True)) and np.mean(cut) < 0.9 * np.mean(none)
