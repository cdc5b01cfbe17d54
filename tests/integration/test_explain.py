"""`coprod explain`: exact Shapley attributions of a real scenario pair, and in sweep reports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.inputs.scenario import apply_overrides, load_scenario
from sim.policy.explain import explain, levers_between
from sim.primitives.errors import InputError, Origin
from sim.sweep.design import spawn_seeds
from tests.helpers import SMALL, coprod, write

SMALL_RUN = {"population.citizens": 200}


def _scenario(name: str):
    return apply_overrides(load_scenario(name), SMALL_RUN, Origin("set"))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    out = tmp_path_factory.mktemp("explain") / "out"
    a, b = _scenario("co_delivery"), _scenario("ostrom_commons")
    seeds = spawn_seeds(3, 4)
    return a, b, seeds, explain(a, b, out, seeds=seeds, steps=20, outcomes=("participation", "quality", "trust")), out


def test_shapley_values_add_up_to_the_total_difference_exactly(pair):
    a, b, seeds, done, _ = pair
    assert [lev.name for lev in done.levers] == ["sanctions", "rewards", "interaction", "appeals", "monitoring", "fine",
                                                 "choice"]
    for outcome in ("participation", "quality", "trust"):
        rows = done.table[done.table.outcome == outcome]
        assert abs(rows.shapley.sum() - done.totals[outcome][0]) < 1e-12
        assert done.sums[outcome] < 1e-12  # replication by replication
        # the end points are A and B themselves, run on the same seeds
        direct = [sim.run_point({}, seed=s, steps=20, base=b).steady[outcome]
                  - sim.run_point({}, seed=s, steps=20, base=a).steady[outcome] for s in seeds]
        assert done.totals[outcome][0] == pytest.approx(float(np.mean(direct)), abs=1e-12)


def test_each_lever_gets_an_interval_and_a_sentence(pair):
    *_, done, out = pair
    t = done.table
    assert ((t["shapley/low"] <= t.shapley) & (t.shapley <= t["shapley/high"])).all()
    sentence = done.sentences["participation"]
    assert sentence.startswith("participation is ") and "accounts for" in sentence
    assert "in ostrom_commons than in co_delivery" in sentence
    saved = json.loads((out / "explain.json").read_text())
    assert saved["sentences"] == done.sentences and len(pd.read_csv(out / "explain.csv")) == 21


def test_tied_parameters_are_one_lever_and_too_many_are_grouped():
    a = load_scenario("traditional").model_kwargs()
    b = {**a, "share_conditional": 0.6, "share_hump": 0.1}
    assert [(lev.name, lev.params) for lev in levers_between(a, b)] == [
        ("type shares", ("share_conditional", "share_hump"))]
    wide = load_scenario("open_platform").model_kwargs()  # 11 parameters differ from traditional
    levers = levers_between(a, wide)
    assert len(levers) <= 8 and sum(len(lev.params) for lev in levers) == 11
    with pytest.raises(InputError, match="unknown parameter 'nope'"):
        levers_between(a, wide, {"x": ["nope"]})


def test_cli_explain_prints_a_sentence_per_outcome(tmp_path):
    done = coprod("explain", "consultative", "co_delivery", "--out", tmp_path / "out", "--replications", "3",
                  "--steps", "12", "--set", "population.citizens=150", "--workers", "1", timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n- ") == 3 and "accounts for" in done.stdout
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Why co_delivery differs from consultative" in page and "Shapley value" in page
    bad = coprod("explain", "consultative", "co_delivery", "--group", "x")
    assert bad.returncode == 2 and "is not NAME=P,Q" in bad.stderr


def test_a_sweep_report_explains_why_the_best_does_better(tmp_path):
    path = write(tmp_path / "small.yaml", SMALL)
    out = tmp_path / "out"
    done = coprod("sweep", path, "--out", out, "--workers", "1", "--explain-replications", "3", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "does better than" in done.stdout and "accounts for" in done.stdout
    assert "responsiveness=" in done.stdout  # the points are named by their labels
    folders = sorted(p.name for p in (out / "explain").iterdir())
    assert folders and all((out / "explain" / f / "explain.json").is_file() for f in folders)
    page = (out / "report.html").read_text()
    assert "Why the best does better" in page and "accounts for" in page
    again = coprod("report", out)  # the report reads the attributions back
    assert again.returncode == 0 and "accounts for" in again.stdout
