"""The same sweep on a real Dask cluster (a scheduler and two workers on 127.0.0.1) is identical."""

from __future__ import annotations

import json

import pytest

from tests.dask_cluster import local_cluster
from tests.helpers import COPROD, coprod, table


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes; always terminated afterwards."""
    with local_cluster(tmp_path_factory.mktemp("dask"), workers=2) as address:
        yield address


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
