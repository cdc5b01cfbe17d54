"""Running chunks on an existing Dask distributed cluster (``coprod sweep --scheduler``).

`DaskCluster` connects to a scheduler, checks before anything runs that its workers run
the same coprod and model code (`sim.sweep.chunks.code_version`), then keeps two chunks
per worker thread in flight (``client.submit``) and yields them as they finish. Every
chunk carries the coordinator's code version as well, so a worker that joins mid-sweep
with other code refuses its chunks and the sweep stops, naming it. A cluster left without
any worker (or without its scheduler) for `lost_after` seconds stops the sweep too,
instead of waiting forever; the finished runs are saved either way.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from sim.primitives.errors import InputError, Origin, Problem, SetupError
from sim.sweep.chunks import Chunk, SweepStoppedError, WrongCodeError, code_version, run_chunk

#: ``tcp://HOST:PORT`` (or another Dask protocol, or HOST:PORT).
ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+):\d{1,5}$")
POLL_SECONDS = 1.0  # how often a waiting coordinator checks the cluster still has workers


def check_address(address: str) -> str:
    """`address` if it has the form of a scheduler address, else an `InputError` for ``--scheduler``."""
    if not ADDRESS.match(address.strip()):
        raise InputError(Problem("", "invalid", address, "a scheduler address tcp://HOST:PORT, e.g. "
                                 "tcp://10.0.0.5:8786", origin=Origin("option", "--scheduler")))
    return address.strip()


class DaskCluster:
    """Run chunks on an existing Dask distributed cluster."""

    def __init__(self, address: str, timeout: float = 60, lost_after: float = 60):
        """Connect to the scheduler at `address` and check its workers can run coprod.

        Args:
            address: The scheduler, ``tcp://host:port``.
            timeout: Seconds to wait for a first worker.
            lost_after: Seconds without any worker (or scheduler) after which a running
                sweep stops.

        Raises:
            InputError: `address` is not a scheduler address.
            SetupError: Cannot connect, no worker within `timeout` seconds, or workers
                that cannot import `sim` or run another version of it.
        """
        from distributed import Client  # noqa: PLC0415 (distributed is slow to import)

        self.where, self.lost_after = f"--scheduler {address}", lost_after
        try:
            self.client = Client(check_address(address), timeout="5s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise SetupError(f"{self.where}: cannot connect to a Dask scheduler ({err})") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
            versions = self.client.run(code_version)
        except TimeoutError:
            self.close()
            raise SetupError(f"{self.where}: no Dask worker joined within {timeout:.0f} s") from None
        except Exception as err:
            self.close()
            raise SetupError(f"{self.where}: the workers cannot run coprod ({type(err).__name__}: {err}); "
                             "install coprod in the workers' environment") from None
        other = {w: v for w, v in versions.items() if v != code_version()}
        if other:
            self.close()
            named = "; ".join(f"{w} runs coprod {v}" for w, v in sorted(other.items()))
            raise SetupError(f"{self.where}: {named}; this is {code_version()}: results would not be "
                             "identical. Stop those workers, or install this coprod there")
        self.workers = sum(self.client.nthreads().values())
        self._alone_since: float | None = None

    def _check_cluster(self) -> None:
        """Stop the sweep if the cluster has had no worker (or no scheduler) for `lost_after` s."""
        try:
            alive = self.client.status == "running" and bool(self.client.nthreads())
        except (OSError, TimeoutError):
            alive = False
        if alive:
            self._alone_since = None
            return
        now = time.monotonic()
        self._alone_since = self._alone_since or now
        if now - self._alone_since >= self.lost_after:
            what = "worker" if self.client.status == "running" else "scheduler"
            raise SweepStoppedError(f"{self.where}: the Dask cluster has had no {what} for "
                                    f"{self.lost_after:.0f} s; restart its workers")

    def _result(self, future: Any) -> pa.Table:
        from distributed import KilledWorker  # noqa: PLC0415

        try:
            return future.result()
        except WrongCodeError as err:
            raise SweepStoppedError(f"{self.where}: {err}. Stop that worker, or install this "
                                    "coprod there") from None
        except KilledWorker as err:
            raise SweepStoppedError(f"{self.where}: a chunk killed its workers several times "
                                    f"(out of memory?): {err}") from None

    def imap(self, chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, pa.Table]]:
        """Yield (chunk, table) as chunks finish, two chunks per worker thread in flight."""
        chunks, pending, ready = iter(chunks), {}, threading.Event()

        def submit(chunk: Chunk | None) -> None:
            if chunk is None:
                return
            future = self.client.submit(run_chunk, chunk, pure=False,
                                        key=f"coprod-chunk-{chunk.runs[0][0]}-{uuid.uuid4().hex[:8]}")
            future.add_done_callback(lambda _: ready.set())
            pending[future] = chunk

        for _ in range(max(2, 2 * self.workers)):
            submit(next(chunks, None))
        while pending:
            ready.clear()
            done = [f for f in pending if f.done()]
            if not done:
                ready.wait(POLL_SECONDS)
                self._check_cluster()
                continue
            self._alone_since = None
            for future in done:
                chunk = pending.pop(future)
                table = self._result(future)
                future.release()
                yield chunk, table
                submit(next(chunks, None))

    def close(self, cancel: bool = False) -> None:
        """Disconnect (the scheduler forgets this client's pending tasks)."""
        with contextlib.suppress(OSError, TimeoutError):  # the scheduler is gone already
            self.client.close(timeout=10)
