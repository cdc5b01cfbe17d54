"""Sweeps on a real Dask cluster (a scheduler and workers on 127.0.0.1): identical to a local
run; a worker with other code refused per chunk and named, even one joining mid-sweep; a
cluster left without workers reported after a timeout, with the resume command."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from sim.sweep.store import RUNS
from tests.dask_cluster import local_cluster, processes
from tests.helpers import COPROD, ROOT, SMALL, coprod, table, wait_until, write

SLOW = SMALL.replace("steps: 12", "steps: 60").replace("replications: 3", "replications: 6")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes; always terminated afterwards."""
    with local_cluster(tmp_path_factory.mktemp("dask"), workers=2) as address:
        yield address


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    """A sweep long enough to interrupt (36 runs), and its rows run locally."""
    folder = tmp_path_factory.mktemp("slow")
    path = write(folder / "slow.yaml", SLOW)
    run_sweep(load_experiment(path), folder / "local", workers=1, progress="never")
    return path, table(folder / "local")


def test_dask_sweep_is_identical_to_the_local_run(cluster, small, local2, tmp_path):
    out = tmp_path / "dask"
    done = coprod("sweep", small, "--out", out, "--scheduler", cluster, "--chunk", "2", "--no-report")
    assert done.returncode == 0, done.stderr
    assert f"Dask cluster {cluster}" in done.stdout
    assert table(out).equals(table(local2))  # bit for bit, sorted by run and step
    assert json.loads((out / "experiment.json").read_text())["hash"] == \
        json.loads((local2 / "experiment.json").read_text())["hash"]


def test_unreachable_scheduler_is_a_clean_error(small, tmp_path):
    done = coprod("sweep", small, "--out", tmp_path / "x", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 2 and "cannot connect to a Dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr and COPROD.exists()
    assert not (tmp_path / "x").exists()  # nothing written: the command can simply be rerun


def _other_code(folder):
    """A copy of the `sim` package whose service adds 0.001 to quality (other model code)."""
    shutil.copytree(ROOT / "sim", folder / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    service = folder / "sim" / "model" / "service.py"
    text = service.read_text()
    if "def next_quality(" in text:
        text += "\n_next_quality = next_quality\n\n\ndef next_quality(*a, **k):\n    return _next_quality(*a, **k) + 0.001\n"
    service.write_text(text + "\n# a worker with other code\n")
    return folder


def _stopped_mid_sweep(path, out, dask, lost_timeout: str, then) -> str:
    """Start a sweep on `dask`; at its first part stop its only worker and call `then`; its stderr."""
    proc = subprocess.Popen([str(COPROD), "sweep", str(path), "--out", str(out), "--scheduler", dask.address,
                             "--chunk", "1", "--no-report", "--lost-timeout", lost_timeout], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_until(lambda: any((out / RUNS).glob("part-*.parquet")) or proc.poll() is not None, 120)
    assert proc.poll() is None, "finished before it could be interrupted"
    dask.stop(dask.workers[-1])
    then()
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 2 and "Traceback" not in stderr, stderr
    assert f"finish with: coprod sweep {path} --out {out} --resume" in stderr
    return stderr


def _resumed_on_a_good_worker(path, out, dask, expected) -> None:
    dask.stop(dask.workers[-1])
    dask.add_worker()
    done = coprod("sweep", path, "--out", out, "--scheduler", dask.address, "--resume", "--no-report")
    assert done.returncode == 0, done.stderr
    assert table(out).equals(expected)


def test_a_worker_with_other_code_joining_mid_sweep_is_refused_and_named(slow, tmp_path):
    path, expected = slow
    with processes(tmp_path / "dask", workers=1) as dask:
        out, other = tmp_path / "out", _other_code(tmp_path / "other")
        stderr = _stopped_mid_sweep(path, out, dask, "120", lambda: dask.add_worker(pythonpath=other))
        assert "Dask worker tcp://127.0.0.1:" in stderr and "runs coprod 0.1.0 (model code " in stderr
        assert "but this sweep needs" in stderr
        rows = table(out)  # only runs of the right code were written
        assert 0 < rows.run_id.nunique() < 36
        assert rows.equals(expected[expected.run_id.isin(rows.run_id)].reset_index(drop=True))
        _resumed_on_a_good_worker(path, out, dask, expected)


def test_a_cluster_without_workers_is_reported_after_the_timeout(slow, tmp_path):
    path, expected = slow
    with processes(tmp_path / "dask", workers=1) as dask:
        out = tmp_path / "out"
        stderr = _stopped_mid_sweep(path, out, dask, "3", lambda: None)
        assert f"--scheduler {dask.address}: the Dask cluster has had no worker for 3 s" in stderr
        dask.add_worker()
        _resumed_on_a_good_worker(path, out, dask, expected)


OPTIMIZE = """\
description: a small optimisation on the cluster
base: consultative
levers: {administration.production: [0.0, 0.3], governance.rewards: [none, recognition]}
fixed: {population.citizens: 120}
replications: 2
steps: 10
seed: 2
optimize: {objectives: {quality: maximize, admin_cost: minimize}, trials: 8, batch: 4, population: 4, reevaluate: 2}
"""


def test_dask_optimisation_is_identical_to_the_local_one(cluster, tmp_path):
    path = tmp_path / "opt.yaml"
    path.write_text(OPTIMIZE)
    runs = {}
    for name, where in (("dask", ("--scheduler", cluster)), ("local", ("--workers", "2"))):
        done = coprod("optimize", path, "--out", tmp_path / name, *where, "--no-report", timeout=300)
        assert done.returncode == 0, done.stderr
        runs[name] = table(tmp_path / name)
    assert runs["dask"].equals(runs["local"])
    assert (tmp_path / "dask" / "trials.csv").read_text() == (tmp_path / "local" / "trials.csv").read_text()
