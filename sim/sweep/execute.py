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
the fork server is started with SIGINT ignored (workers fork from it) so a Ctrl-C during
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

__all__ = ["Chunk", "InProcess", "LocalPool", "PointSpec", "evaluator", "interrupts_deferred", "run_chunk",
           "schema_for", "start_fork_server", "worker_init"]
MAX_RESTARTS = 3
WATCH_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent exits (Linux only)."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def worker_init(coordinator: int) -> None:
    """Workers leave Ctrl-C to the coordinator, and exit as soon as the coordinator is gone.

    Public: calibration's process pool (`sim.calibration.pools`) starts its workers the same way.
    """
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
    """Hold Ctrl-C back while starting a helper process (the fork server: ~10 ms).

    SIGINT is ignored, because an ignored disposition survives `exec` (a blocked mask does
    not: the fork server starts with an empty mask) and Python leaves an ignored SIGINT
    ignored at start-up, so the server cannot be interrupted while it imports the model.
    It is blocked in this thread too, so a Ctrl-C stays pending for the restored handler
    (Linux keeps a blocked signal pending) unless a native thread that does not block it
    (pyarrow's, BLAS's) takes it first: then a Ctrl-C in those milliseconds is dropped and
    the sweep carries on until the next one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    old_handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends, then arrive as usual.

    Around a submission that may start a worker: stopped half-way, the worker would exist
    without the pool knowing it (so `close` could not stop it) and, once this process has
    gone, print a traceback of its own failed start. Public: calibration's pool submits
    the same way.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    old = {sig: signal.signal(sig, lambda signum, _frame: arrived.append(signum))
           for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for signum in arrived[:1]:
            signal.raise_signal(signum)


def start_fork_server(preload: list[str]) -> mp.context.BaseContext:
    """A process context whose workers fork from a server that has already imported `preload`.

    Forkserver where the platform has it (started now, deaf to Ctrl-C, see
    `_interrupts_held`); spawn elsewhere. Public: calibration's pool starts the same way.
    """
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    from multiprocessing import forkserver  # noqa: PLC0415

    context = mp.get_context("forkserver")
    context.set_forkserver_preload(preload)
    with _interrupts_held():
        forkserver.ensure_running()
    return context


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
        self._ctx = start_fork_server(["sim.sweep.chunks", "sim.sweep.execute", "sim.model.coproduction"])
        self.workers, self.fn = workers, fn
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=worker_init,
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
                    with interrupts_deferred():
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
