"""`coprod optimize` finds known optima, keeps its front on fresh seeds, and resumes exactly.

The known optima. (1) On the model: the administration's own production adds to service
quality, so steady-state quality rises with production; the test establishes the optimum
independently, by running every rewards rule at five production levels on the
optimisation's own seeds (the best is at the upper bound, and which rule wins there), and
the search must find it. (2) On a synthetic objective (the runs' outcomes computed by a
formula through the same campaign, store and seeds: `tests.helpers.SyntheticPool`):
quality ``= 10 p + noise`` and cost ``= p + 0.05 [recognition]``, so the cheapest policy
with quality at least 2 is exactly ``p* = 0.2`` without recognition, an interior point
only a constrained search finds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess

import numpy as np
import pandas as pd
import pytest

import sim
from sim.inputs.experiment import load_experiment_file
from sim.policy.optimize import optimize
from sim.sweep.design import spawn_seeds
from tests.helpers import COPROD, SyntheticPool, coprod, table, wait_until, write

CITIZENS, STEPS, SEED = 200, 30, 5


def _file(tmp_path, name: str, levers: str, section: str, replications: int = 2) -> object:
    return load_experiment_file(write(tmp_path / f"{name}.yaml", f"""\
description: {name}
base: consultative
levers:
{levers}
fixed: {{population.citizens: {CITIZENS}}}
replications: {replications}
steps: {STEPS}
seed: {SEED}
optimize:
{section}
"""))


def _quality(production: float, rewards: str = "none", replications: int = 2) -> float:
    seeds = spawn_seeds(SEED, replications)  # the optimisation's own seeds (common random numbers)
    return float(np.mean([sim.run_point({"administration.production": production, "governance.rewards": rewards,
                                         "population.citizens": CITIZENS}, seed=s, steps=STEPS,
                                        base="consultative").steady["quality"] for s in seeds]))


def test_maximum_at_the_bound_with_the_best_rule(tmp_path):
    spec = _file(tmp_path, "max", "  administration.production: [0.0, 0.3]\n  governance.rewards: [none, recognition]",
                 "  objectives: {quality: maximize}\n  trials: 24\n  batch: 6\n  reevaluate: 4")
    grid = {(p, r): _quality(p, r) for p in (0.0, 0.075, 0.15, 0.225, 0.3) for r in ("none", "recognition")}
    (at, best_rule), optimum = max(grid.items(), key=lambda kv: kv[1])
    assert at == 0.3, "the optimum is at the upper bound of production"
    done = optimize(spec, tmp_path / "out")
    best = done.trials.loc[done.trials.quality.idxmax()]
    assert best["governance.rewards"] == best_rule
    assert best["administration.production"] > 0.28 and best.quality > optimum - 0.03 * (optimum - _quality(0.0))
    front = done.front.iloc[0]  # the best, run again on 4 fresh seeds
    assert front["quality/low"] <= front["quality/fresh"] <= front["quality/high"]
    assert not done.front.dominated_beyond_intervals.any()


def _costly(kwargs: dict, seed: int) -> dict[str, float]:
    p, recognition = kwargs["production"], kwargs["rewards"] == "recognition"
    return {"quality": 10 * p + (seed % 97) / 1e4, "admin_cost": p + 0.05 * recognition}


def test_cheapest_policy_meeting_a_quality_floor_is_the_analytic_point(tmp_path):
    spec = _file(tmp_path, "floor", "  administration.production: [0.0, 0.3]\n  governance.rewards: [none, recognition]",
                 "  objectives: {admin_cost: minimize}\n  subject_to: ['quality >= 2']\n"
                 "  trials: 40\n  batch: 4\n  reevaluate: 3")
    noise = float(np.mean([(s % 97) / 1e4 for s in spawn_seeds(SEED, 2)]))
    optimum = (2 - noise) / 10  # quality 10 p + noise >= 2
    done = optimize(spec, tmp_path / "out", pool=SyntheticPool(_costly))
    feasible = done.trials[done.trials.violation <= 0]
    best = feasible.loc[feasible.admin_cost.idxmin()]
    assert best["governance.rewards"] == "none"
    assert optimum - 1e-12 <= best["administration.production"] < optimum + 0.003  # 1 % of the range
    assert (done.trials[done.trials["administration.production"] < optimum - 1e-12].violation > 0).all()
    assert done.front.trial.tolist() == [best.trial] and not done.front.dominated_beyond_intervals.any()


def test_two_objectives_front_stays_non_dominated_on_fresh_seeds(tmp_path):
    spec = _file(tmp_path, "front", "  administration.production: [0.0, 0.3]\n  governance.rewards: [none, recognition]",
                 "  objectives: {quality: maximize, admin_cost: minimize}\n  trials: 24\n  batch: 8\n"
                 "  population: 8\n  reevaluate: 4")
    done = optimize(spec, tmp_path / "out")
    front = done.front
    assert len(front) >= 3 and not front.dominated_beyond_intervals.any()
    assert front["administration.production"].max() - front["administration.production"].min() > 0.1
    files = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"experiment.json", "runs", "optuna.journal", "trials.csv", "front.csv", "optimize.json"} <= files
    rows = table(tmp_path / "out")
    assert rows.groupby("run_id").size().eq(24).all()  # the steady-state window: the final 24 of 30 steps


KILL = """\
description: killed half way and resumed
base: consultative
levers:
  administration.production: [0.0, 0.3]
  governance.rewards: [none, recognition]
  governance.monitoring: [0.0, 1.0]
fixed: {population.citizens: 600}
replications: 2
steps: 40
seed: 9
optimize:
  objectives: {quality: maximize, admin_cost: minimize}
  trials: 32
  batch: 4
  population: 8
  reevaluate: 2
"""


def test_killed_and_resumed_loses_no_trial_and_repeats_none(tmp_path):
    path = write(tmp_path / "kill.yaml", KILL)
    out, whole = tmp_path / "killed", tmp_path / "whole"
    proc = subprocess.Popen([str(COPROD), "optimize", str(path), "--out", str(out), "--workers", "2",
                             "--no-report"], start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_until(lambda: len(list((out / "runs").glob("part-*.parquet"))) >= 6, 120, poll=0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its workers, mid-run
    proc.wait(timeout=10)
    before = table(out).run_id.nunique()
    told = sum('"state":1' in line for line in (out / "optuna.journal").read_text().splitlines())
    assert 0 < before < 32 * 2 and told < 32, "killed before the end"
    done = coprod("optimize", path, "--out", out, "--workers", "2", "--resume", "--no-report", timeout=300)
    assert done.returncode == 0, done.stderr
    assert coprod("optimize", path, "--out", whole, "--workers", "1", "--no-report", timeout=300).returncode == 0
    trials, reference = pd.read_csv(out / "trials.csv"), pd.read_csv(whole / "trials.csv")
    assert list(trials.trial) == list(range(32)) and (trials.state == "complete").all()
    assert trials.equals(reference)  # the same trials an uninterrupted run asks, the same scores
    rows, ref_rows = table(out), table(whole)
    assert rows.groupby("run_id").size().eq(24).all() and rows.equals(ref_rows)  # no run twice, none lost
    ran = int(done.stdout.split("coprod: ")[-1].split(" runs")[0])
    assert ran == ref_rows.run_id.nunique() - before  # only the missing runs were made
    assert json.loads((out / "experiment.json").read_text())["hash"] == \
        json.loads((whole / "experiment.json").read_text())["hash"]


def test_resume_refuses_a_changed_file_and_a_second_start(tmp_path):
    path = write(tmp_path / "small.yaml", KILL.replace("trials: 32", "trials: 4").replace("600", "100"))
    out = tmp_path / "out"
    assert coprod("optimize", path, "--out", out, "--workers", "1", "--no-report").returncode == 0
    again = coprod("optimize", path, "--out", out, "--workers", "1")
    assert again.returncode == 2 and "already holds" in again.stderr
    write(path, path.read_text().replace("seed: 9", "seed: 10"))
    changed = coprod("optimize", path, "--out", out, "--resume")
    assert changed.returncode == 2 and "the experiment changed" in changed.stderr and "Traceback" not in changed.stderr


def test_cli_prints_the_front_and_writes_the_report(tmp_path):
    path = write(tmp_path / "small.yaml", KILL.replace("trials: 32", "trials: 8").replace("600", "100"))
    done = coprod("optimize", path, "--out", tmp_path / "out", "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "front: trial" in done.stdout and "fresh seeds: quality" in done.stdout
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Pareto front" in page and "data:image/png;base64," in page and "<script" not in page
    missing = coprod("optimize", write(tmp_path / "none.yaml", "description: x\nbase: consultative\n"),
                     "--out", tmp_path / "x")
    assert missing.returncode == 2 and "optimize: missing; required: an optimize section" in missing.stderr


@pytest.mark.slow
def test_full_size_robust_optimisation(tmp_path):
    """100 trials x 5 replications at 1,000 citizens, in 4 contexts (the figures: bench_policy.py)."""
    spec = load_experiment_file(write(tmp_path / "robust.yaml", KILL.replace("600", "1000").replace(
        "trials: 32", "trials: 100\n  contexts: 4\n  robustness: quantile").replace("replications: 2", "replications: 5")
        + "uncertainties: {population.trust: [0.2, 0.8]}\n"))
    done = optimize(spec, tmp_path / "out", workers=2)
    assert (done.trials.state == "complete").sum() == 100 and not done.front.dominated_beyond_intervals.any()
