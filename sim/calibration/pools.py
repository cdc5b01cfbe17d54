"""Where a fit's model runs execute: this process, local worker processes, or a Dask cluster.

Each pool offers the same three operations the sampler needs: ``submit(fn, *args)`` ->
future, ``first_done(futures)`` -> the finished ones (waiting for at least one), and
``close(cancel)``. Which pool ran a task never changes its result (`sim.calibration.sampler`).

- `InProcessPool` (``--workers 1``): runs each task at submission; no start-up cost.
- `ProcessPool`: reused local processes, started like a sweep's (`sim.sweep.execute`):
  forkserver with pyabc and the model preloaded (importing pyabc takes seconds), Ctrl-C
  left to the coordinator, and a watchdog that ends a worker whose coordinator was killed.
- `DaskPool` (``--scheduler``): an existing Dask distributed cluster, checked like a
  sweep's (same coprod version and model code on every worker), and also for pyabc.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from sim.primitives.errors import SetupError
from sim.sweep.cluster import DaskCluster
from sim.sweep.execute import interrupts_deferred, start_fork_server, worker_init

PRELOAD = ["pyabc", "sim.calibration.sampler", "sim.calibration.simulate", "sim.model.coproduction"]


class InProcessPool:
    """Run every task in this process, when it is submitted."""

    workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run `fn(*args)` now; a finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as err:
            future.set_exception(err)
        return future

    def first_done(self, futures: Iterable[Any]) -> list[Any]:
        """Every future is already done."""
        return list(futures)

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


class ProcessPool:
    """`workers` reused local processes (see the module docstring)."""

    def __init__(self, workers: int):
        """Start the pool; processes start on the first task."""
        context = start_fork_server(PRELOAD)
        self.workers = workers
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=worker_init,
                                         initargs=(os.getpid(),))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Queue `fn(*args)` on a worker."""
        with interrupts_deferred():
            return self._pool.submit(fn, *args)

    def first_done(self, futures: Iterable[Future]) -> list[Future]:
        """Wait until at least one of `futures` is done; the done ones."""
        return list(wait(list(futures), return_when=FIRST_COMPLETED).done)

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with `cancel`, stop running workers at once."""
        if cancel:
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=not cancel, cancel_futures=True)


def _pyabc_version() -> str:
    import pyabc  # noqa: PLC0415

    return str(pyabc.__version__)


class DaskPool:
    """An existing Dask distributed cluster at `address` (``tcp://host:port``)."""

    def __init__(self, address: str):
        """Connect and check the workers (coprod version, model code, pyabc).

        Raises:
            SetupError: Cannot connect, no worker, or workers that cannot run the fit.
        """
        self._cluster = DaskCluster(address)
        self.client, self.workers = self._cluster.client, self._cluster.workers
        try:
            versions = set(self.client.run(_pyabc_version).values())
        except Exception as err:
            self.close()
            raise SetupError(f"--scheduler {address}: the workers cannot import pyabc "
                             f"({type(err).__name__}: {err}); install coprod's dependencies there") from None
        if versions != {_pyabc_version()}:
            self.close()
            raise SetupError(f"--scheduler {address}: workers run pyabc {', '.join(sorted(versions))}, "
                             f"this is {_pyabc_version()}; results would not be identical")

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Queue `fn(*args)` on the cluster (never cached: every task is run)."""
        return self.client.submit(fn, *args, pure=False)

    def first_done(self, futures: Iterable[Any]) -> list[Any]:
        """Wait until at least one of `futures` is done; the done ones."""
        from distributed import wait as dask_wait  # noqa: PLC0415

        with self.client.as_current():  # `wait` finds its client there (this one is not the default)
            return list(dask_wait(list(futures), return_when="FIRST_COMPLETED").done)

    def close(self, cancel: bool = False) -> None:
        """Disconnect (the scheduler forgets this client's tasks)."""
        self._cluster.close(cancel)


def make_pool(workers: int, scheduler: str | None = None) -> InProcessPool | ProcessPool | DaskPool:
    """The pool for ``--workers`` / ``--scheduler``."""
    if scheduler:
        return DaskPool(scheduler)
    return InProcessPool() if workers <= 1 else ProcessPool(workers)
