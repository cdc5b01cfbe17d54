"""The real `dask scheduler` and `dask worker` commands on 127.0.0.1, for the Dask tests.

The tests check sweeps against the commands a user runs (the benchmark uses
``distributed.LocalCluster``). The processes are those commands of this environment
(``--no-nanny``: one process per worker, so stopping them is certain) and are always
terminated when the context ends, workers first. `processes` also lets a test add
workers (with other code on their ``PYTHONPATH``) and stop them mid-sweep.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import stop, wait_until

DASK = Path(sys.executable).parent / "dask"


class Cluster:
    """A scheduler and its worker processes; `address` is the scheduler's."""

    def __init__(self, folder: Path, timeout: float):
        """Start the scheduler with its files in `folder`."""
        self.folder, self.timeout, self.workers = folder, timeout, []
        folder.mkdir(parents=True, exist_ok=True)
        info = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(info))
        wait_until(info.exists, timeout)
        time.sleep(0.1)  # the file is written in one go, but be safe
        self.address = json.loads(info.read_text())["address"]

    def _start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        return subprocess.Popen([str(DASK), *args], cwd=self.folder, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def add_worker(self, pythonpath: Path | None = None) -> subprocess.Popen:
        """Start one worker (one thread), optionally importing `sim` from `pythonpath` first."""
        env = {**os.environ, "PYTHONPATH": str(pythonpath)} if pythonpath else None
        proc = self._start("worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                           "--no-nanny", "--local-directory", str(self.folder / f"w{len(self.workers)}"), env=env)
        self.workers.append(proc)
        return proc

    def wait_for(self, n: int) -> None:
        """Wait until the scheduler has exactly `n` workers."""
        from distributed import Client  # noqa: PLC0415 - only when a cluster is wanted

        with Client(self.address, timeout="30s") as client:
            assert wait_until(lambda: len(client.scheduler_info(n_workers=-1)["workers"]) == n, self.timeout)

    def stop(self, proc: subprocess.Popen) -> None:
        """Stop one process for certain."""
        stop(proc)


@contextmanager
def processes(folder: Path, workers: int = 2, timeout: float = 60.0) -> Iterator[Cluster]:
    """A `Cluster` of `workers` workers with its files in `folder`; everything stopped after."""
    cluster = Cluster(folder, timeout)
    try:
        for _ in range(workers):
            cluster.add_worker()
        cluster.wait_for(workers)
        yield cluster
    finally:
        for proc in [*reversed(cluster.workers), cluster.scheduler]:  # workers first
            cluster.stop(proc)


@contextmanager
def local_cluster(folder: Path, workers: int = 2, timeout: float = 60.0) -> Iterator[str]:
    """A scheduler and `workers` workers (one thread each); yields the scheduler's address."""
    with processes(folder, workers, timeout) as cluster:
        yield cluster.address
