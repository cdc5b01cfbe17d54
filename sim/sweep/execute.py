"""Where chunks run: in this process, or on a pool of reused local worker processes.

- `InProcess`: one worker, the coordinating process itself (no start-up cost).
- `LocalPool`: a `ProcessPoolExecutor` of reused workers (forkserver start method, with the
  model preloaded, where available; spawn elsewhere). A pool broken by a dying worker is
  restarted and its chunks resubmitted, up to `MAX_RESTARTS` times.
- `sim.sweep.cluster.DaskCluster`: an existing Dask distributed cluster.

Each evaluator keeps only a few chunks in flight (two per worker), so memory stays flat
however many runs a sweep has. The chunks and the function workers run are in
`sim.sweep.chunks` (re-exported here).

Workers never outlive the coordinator: they ignore Ctrl-C (the coordinator stops them),
the fork server is started with SIGINT blocked (workers fork from it) so a Ctrl-C during
start-up cannot print its traceback, and each worker exits when the coordinator is gone: the kernel kills it
when its parent (the fork server, which exits with the coordinator) dies
(``PR_SET_PDEATHSIG`` on Linux), and a watchdog thread checks that its parent is unchanged
and that the coordinator is neither gone nor a zombie (an exited process its own parent
has not reaped still answers ``kill(pid, 0)``).
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from typing import Any

import pyarrow as pa

from sim.sweep.chunks import Chunk, PointSpec, SweepStoppedError, run_chunk, schema_for
from sim.sweep.lock import process_alive

__all__ = ["Chunk", "InProcess", "LocalPool", "PointSpec", "evaluator", "run_chunk", "schema_for"]
MAX_RESTARTS = 3
WATCH_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent exits (Linux only)."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _worker_init(coordinator: int) -> None:
    """Workers leave Ctrl-C to the coordinator, and exit as soon as the coordinator is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    _die_with_parent()

    def watch() -> None:
        while os.getppid() == parent and process_alive(coordinator):
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="coprod-watchdog", daemon=True).start()


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back while starting helper processes.

    They inherit the blocked signal, so never see Ctrl-C; this process gets it (deferred,
    not lost) when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class InProcess:
    """Run chunks one after the other in this process."""

    workers = 1

    def imap(self, chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, pa.Table]]:
        """Yield (chunk, table) for every chunk."""
        for chunk in chunks:
            yield chunk, run_chunk(chunk)

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


class LocalPool:
    """Run chunks on `workers` reused local worker processes."""

    def __init__(self, workers: int, fn: Callable[[Chunk], pa.Table] = run_chunk):
        """Start the pool (the fork server now, workers on the first submitted chunk).

        Args:
            workers: Worker processes.
            fn: The function run on each chunk (`run_chunk`; tests substitute others).
        """
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self._ctx = mp.get_context(method)
        if method == "forkserver":  # workers fork from a server that already imported the model
            from multiprocessing import forkserver  # noqa: PLC0415

            self._ctx.set_forkserver_preload(["sim.sweep.chunks", "sim.sweep.execute", "sim.model.coproduction"])
            with _interrupts_held():
                forkserver.ensure_running()
        self.workers, self.fn = workers, fn
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=_worker_init,
                                   initargs=(os.getpid(),))

    def imap(self, chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, pa.Table]]:
        """Yield (chunk, table) as chunks finish, keeping two chunks per worker in flight."""
        chunks, restarts = iter(chunks), 0
        pending: dict[Any, Chunk] = {}
        backlog: list[Chunk] = []

        def refill() -> None:
            while len(pending) < 2 * self.workers:
                chunk = backlog.pop() if backlog else next(chunks, None)
                if chunk is None:
                    return
                try:
                    pending[self._pool.submit(self.fn, chunk)] = chunk
                except BrokenProcessPool:
                    backlog.append(chunk)
                    raise

        while True:
            try:
                refill()
            except BrokenProcessPool:
                restarts = self._restart(pending, backlog, restarts)
                continue
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                chunk = pending.pop(future)
                try:
                    table = future.result()
                except BrokenProcessPool:
                    backlog.append(chunk)
                    broken = True
                    continue
                yield chunk, table
            if broken:
                restarts = self._restart(pending, backlog, restarts)

    def _restart(self, pending: dict, backlog: list[Chunk], restarts: int) -> int:
        """A worker died: start a new pool; every chunk in flight goes back to the backlog."""
        if restarts >= MAX_RESTARTS:
            raise SweepStoppedError(f"worker processes died {restarts + 1} times (out of memory, or "
                                    "killed by another program?)")
        backlog += pending.values()
        pending.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()
        return restarts + 1

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with `cancel`, stop running workers at once."""
        if cancel:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=not cancel, cancel_futures=True)


def evaluator(workers: int, scheduler: str | None = None, lost_after: float = 60):
    """The evaluator for ``--workers`` / ``--scheduler`` (`lost_after`: see `DaskCluster`)."""
    if scheduler:
        from sim.sweep.cluster import DaskCluster  # noqa: PLC0415 (distributed is slow to import)

        return DaskCluster(scheduler, lost_after=lost_after)
    return InProcess() if workers <= 1 else LocalPool(workers)
