"""The same sweep on a real Dask cluster (a scheduler and two workers on 127.0.0.1) is identical."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_sweep import COPROD, SMALL, coprod, sweep_local2, table, write

DASK = Path(sys.executable).parent / "dask"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("exp") / "small.yaml", SMALL)


@pytest.fixture(scope="module")
def local2(small, tmp_path_factory) -> Path:
    return sweep_local2(small, tmp_path_factory.mktemp("local2") / "out")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes; always terminated afterwards."""
    from distributed import Client  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    procs = []

    def start(*args: str) -> None:
        procs.append(subprocess.Popen([str(DASK), *args], cwd=folder, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(info))
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)  # the file is written in one go, but be safe
        address = json.loads(info.read_text())["address"]
        for i in range(2):
            start("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                  "--no-nanny", "--local-directory", str(folder / f"w{i}"))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):  # workers first (no nanny: one process each), then the scheduler
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
