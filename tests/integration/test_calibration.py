"""`coprod calibrate` end to end on tiny fits: determinism, resume (also after SIGKILL), Dask, outputs.

One reference fit (in process) is compared bit for bit with the same fit on two local
worker processes, on a real Dask cluster, and killed half way then resumed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from contextlib import closing

import pytest

from sim.calibration.fit import run_calibration
from sim.calibration.outputs import FILES
from sim.calibration.pools import DaskPool, InProcessPool, ProcessPool
from sim.calibration.simulate import ParticleModel, RunPlan
from sim.calibration.targets import load_targets
from sim.inputs.scenario import load_scenario
from sim.primitives.errors import SetupError
from tests.dask_cluster import local_cluster
from tests.helpers import COPROD, ROOT, coprod, synthetic_observed, wait_until, write

TRUE = {"population.efficacy_weight": 1.2, "population.report_propensity": 0.5}
TINY = """\
description: A tiny fit for the tests.
base: consultative
fixed: {population.citizens: 150}
parameters:
  population.efficacy_weight:
  population.report_propensity: {prior: uniform, low: 0.1, high: 0.9}
observed: {file: observed.csv, window: 12}
truth: {population.efficacy_weight: 1.2, population.report_propensity: 0.5}
population_size: 12
generations: 2
predictive_draws: 10
seed: 4
"""


def history_rows(out) -> list[tuple]:
    """Every stored particle of a fit: generation, weight, parameters (bit for bit)."""
    with closing(sqlite3.connect(f"file:{out / 'history.db'}?mode=ro", uri=True)) as db:
        return db.execute(
            "SELECT populations.t, particles.w, parameters.name, parameters.value FROM parameters "
            "JOIN particles ON parameters.particle_id = particles.id JOIN models ON particles.model_id = models.id "
            "JOIN populations ON models.population_id = populations.id ORDER BY populations.t, particles.id, "
            "parameters.name").fetchall()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny targets file and its data (24 months)."""
    folder = tmp_path_factory.mktemp("tiny")
    synthetic_observed(folder / "observed.csv", "consultative", {"population.citizens": 150, **TRUE}, 24, seed=99)
    return write(folder / "tiny.yaml", TINY)


@pytest.fixture(scope="module")
def reference(tiny, tmp_path_factory):
    """The tiny fit, in process."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = run_calibration(load_targets(tiny), out, pool=InProcessPool(), progress="never")
    return out, result


def test_the_fit_runs_and_writes_every_output(reference, tmp_path):
    out, result = reference
    assert result.generations == 2 and result.stopped.startswith("2 generations")
    assert all((out / name).stat().st_size > 0 for name in FILES)
    rows = result.summary["rows"]
    assert [r["parameter"] for r in rows] == list(TRUE)
    assert all(r["q025"] <= r["q05"] <= r["median"] <= r["q95"] <= r["q975"] for r in rows)
    assert result.summary["predictive"]["runs"] == 10
    done = coprod("run", out / "posterior_scenario.yaml", "--steps", "3", "--out", tmp_path / "run", "--quiet")
    assert done.returncode == 0, done.stderr
    text = (out / "posterior_scenario.yaml").read_text()
    assert f"efficacy_weight: {rows[0]['mean']!r}" in text and "citizens: 150" in text


def test_same_seed_same_posterior_on_two_workers_and_not_with_another_seed(reference, tiny, tmp_path):
    out, _ = reference
    pool = ProcessPool(2)
    try:
        run_calibration(load_targets(tiny), tmp_path / "two", pool=pool, progress="never")
    finally:
        pool.close()
    assert history_rows(tmp_path / "two") == history_rows(out)
    assert (tmp_path / "two" / "posterior.csv").read_bytes() == (out / "posterior.csv").read_bytes()
    other = write(tiny.parent / "other.yaml", TINY.replace("seed: 4", "seed: 5"))
    run_calibration(load_targets(other), tmp_path / "other", pool=InProcessPool(), progress="never")
    assert history_rows(tmp_path / "other") != history_rows(out)


def test_resume_continues_the_stored_generations_to_the_same_posterior(reference, tiny, tmp_path):
    out, _ = reference
    one = write(tiny.parent / "one.yaml", TINY.replace("generations: 2", "generations: 1"))
    first = run_calibration(load_targets(one), tmp_path / "out", pool=InProcessPool(), progress="never")
    assert first.generations == 1
    with pytest.raises(SetupError, match="already holds a calibration; add --resume"):
        run_calibration(load_targets(tiny), tmp_path / "out", pool=InProcessPool(), progress="never")
    done = run_calibration(load_targets(tiny), tmp_path / "out", pool=InProcessPool(), progress="never",
                           resume=True)
    assert (done.before, done.generations) == (1, 2)  # raising `generations` continues the same fit
    assert history_rows(tmp_path / "out") == history_rows(out)
    changed = write(tiny.parent / "changed.yaml", TINY.replace("population_size: 12", "population_size: 13"))
    with pytest.raises(SetupError, match="the targets changed since this fit started \\(population_size changed "
                                         "12 → 13\\)"):
        run_calibration(load_targets(changed), tmp_path / "out", pool=InProcessPool(), resume=True)


def test_sigkill_mid_fit_then_resume_finishes_from_the_stored_generations(reference, tiny, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([str(COPROD), "calibrate", str(tiny), "--out", str(out), "--workers", "2"],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stored() -> int:
        try:
            with closing(sqlite3.connect(f"file:{out / 'history.db'}?mode=ro", uri=True)) as db:
                return db.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0]
        except sqlite3.Error:
            return 0

    assert wait_until(lambda: stored() >= 1, 240, poll=0.02), "generation 0 was never stored"
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its worker processes
    proc.wait(timeout=10)
    assert stored() == 1, "killed mid-way"
    done = coprod("calibrate", tiny, "--out", out, "--workers", "2", "--resume", timeout=600)
    assert done.returncode == 0, done.stderr
    assert "2 generations (1 were already stored)" in done.stdout
    assert "generation 1: epsilon" in done.stderr and "generation 0:" not in done.stderr
    assert history_rows(out) == history_rows(reference[0])


def test_dask_cluster_gives_the_same_posterior(reference, tiny, tmp_path):
    (tmp_path / "dask").mkdir()
    with local_cluster(tmp_path / "dask", workers=2) as address:
        pool = DaskPool(address)
        try:
            run_calibration(load_targets(tiny), tmp_path / "out", pool=pool, progress="never")
        finally:
            pool.close()
    assert history_rows(tmp_path / "out") == history_rows(reference[0])


def test_unreachable_scheduler_is_a_clean_error(tiny, tmp_path):
    done = coprod("calibrate", tiny, "--out", tmp_path / "x", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 2 and "cannot connect to a Dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x").exists()


def test_built_in_patterns_are_statistics_of_a_run():
    kwargs = load_scenario("open_platform").model_kwargs() | {"citizens": 400}
    plan = RunPlan(kwargs, {"population.efficacy_weight": "efficacy_weight"}, 48, 1, 0, None,
                   ("repeat_reporting", "participation_inequality"))
    stats = ParticleModel(plan)({"population.efficacy_weight": 2.0})
    assert set(stats) == {"repeat_report_ratio", "top_0.1%_share", "top_1%_share", "top_10%_share"}
    assert stats["repeat_report_ratio"] > 1  # acted-on reporters report again more often
    assert 0 < stats["top_0.1%_share"] < stats["top_1%_share"] < stats["top_10%_share"] < 1


def test_example_targets_file_loads_and_matches_its_data():
    targets = load_targets("synthetic_city")
    assert targets.label.endswith("synthetic_city.yaml") and len(targets.priors) == 3
    assert set(targets.truth) == set(targets.priors) and targets.observed.months == targets.steps == 48
    assert (ROOT / "experiments" / "calibration" / "make_observed.py").is_file()
