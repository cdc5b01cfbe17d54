"""The real `dask scheduler` and `dask worker` commands on 127.0.0.1, for the Dask test.

The test checks sweeps against the commands a user runs (the benchmark uses
``distributed.LocalCluster``). The processes are those commands of this environment
(``--no-nanny``: one process per worker, so stopping them is certain) and are always
terminated when the context ends, workers first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import wait_until

DASK = Path(sys.executable).parent / "dask"


@contextmanager
def local_cluster(folder: Path, workers: int = 2, timeout: float = 60.0) -> Iterator[str]:
    """Start the cluster with its files in `folder`; yield the scheduler's address.

    Args:
        folder: Working directory for the scheduler file and the workers' spill space.
        workers: Number of worker processes (one thread each).
        timeout: Seconds to wait for the scheduler and the workers to come up.
    """
    from distributed import Client  # noqa: PLC0415 - only when a cluster is wanted

    info, procs = folder / "scheduler.json", []

    def start(*args: str) -> None:
        procs.append(subprocess.Popen([str(DASK), *args], cwd=folder,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(info))
        wait_until(info.exists, timeout)
        time.sleep(0.1)  # the file is written in one go, but be safe
        address = json.loads(info.read_text())["address"]
        for i in range(workers):
            start("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                  "--no-nanny", "--local-directory", str(folder / f"w{i}"))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=timeout)
        yield address
    finally:
        for proc in reversed(procs):  # workers first, then the scheduler
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
