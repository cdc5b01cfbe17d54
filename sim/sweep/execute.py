"""Running chunks of runs: the function a worker executes, and where it executes.

A `Chunk` is a few runs (each: run id, design point, replicate, seed) plus everything a
worker needs to run them: the model keyword arguments of their design points, the steps,
the recorded steps and the output schema. `run_chunk` runs them and returns one
`pyarrow.Table` in long format. A run is fully determined by (keyword arguments, seed,
steps), never by which worker ran it, so every evaluator gives identical rows:

- `InProcess`: one worker, the coordinating process itself (no start-up cost).
- `LocalPool`: a `ProcessPoolExecutor` of reused workers (forkserver start method, with the
  model preloaded, where available; spawn elsewhere). A pool broken by a dying worker is
  restarted and its chunks resubmitted, up to `MAX_RESTARTS` times.
- `DaskCluster`: an existing Dask distributed cluster (``client.submit`` + ``as_completed``).

Each evaluator keeps only a few chunks in flight (two per worker thread), so memory stays
flat however many runs a sweep has.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyarrow as pa

import sim
from sim.primitives.errors import SetupError

MAX_RESTARTS = 3
ARROW_TYPES = {int: pa.int64(), float: pa.float64(), str: pa.string()}


@dataclass(frozen=True)
class PointSpec:
    """What a worker needs to run one design point.

    Attributes:
        kwargs: Keyword arguments of `sim.CoProductionModel` (every parameter resolved).
        steps: Steps per run.
        record: The steps whose outcomes are kept.
        labels: Column name -> value: the scenario and each varied parameter.
    """

    kwargs: dict[str, Any]
    steps: int
    record: tuple[int, ...]
    labels: dict[str, Any]


@dataclass(frozen=True)
class Chunk:
    """A few runs sent to one worker as one task.

    Attributes:
        runs: (run_id, point_id, replicate, seed) of each run.
        points: The design points the runs belong to.
        outcomes: Reporters to record.
        schema: Arrow schema of the returned table.
    """

    runs: tuple[tuple[int, int, int, int], ...]
    points: dict[int, PointSpec]
    outcomes: tuple[str, ...]
    schema: pa.Schema


def simulate(kwargs: dict[str, Any], seed: int, steps: int) -> dict[str, list]:
    """Run the model once; every reporter's value after each step (index 0 = step 1)."""
    from sim.model.coproduction import CoProductionModel  # noqa: PLC0415

    model = CoProductionModel(rng=seed, **kwargs)
    for _ in range(steps):
        model.step()
    values = model.datacollector.model_vars
    assert all(len(v) == steps for v in values.values()), "one collected row per step"
    return values


def run_chunk(chunk: Chunk) -> pa.Table:
    """Run every run of `chunk` and return its rows in long format (`chunk.schema`)."""
    columns: dict[str, list] = {name: [] for name in chunk.schema.names}
    for run_id, point_id, replicate, seed in chunk.runs:
        point = chunk.points[point_id]
        values = simulate(point.kwargs, seed, point.steps)
        n = len(point.record)
        for name, value in (("run_id", run_id), ("point_id", point_id), ("replicate", replicate),
                            ("seed", seed), *point.labels.items()):
            columns[name] += [value] * n
        columns["step"] += point.record
        for outcome in chunk.outcomes:
            series = values[outcome]
            columns[outcome] += [float(series[s - 1]) for s in point.record]
    return pa.table(columns, schema=chunk.schema)


def schema_for(labels: dict[str, type], outcomes: tuple[str, ...], experiment_hash: str) -> pa.Schema:
    """The long-format schema: ids, seed, `labels` columns, step, then `outcomes`."""
    fields = [pa.field(n, pa.int64()) for n in ("run_id", "point_id", "replicate", "seed")]
    fields += [pa.field(n, ARROW_TYPES[kind]) for n, kind in labels.items()]
    fields += [pa.field("step", pa.int64())] + [pa.field(o, pa.float64()) for o in outcomes]
    return pa.schema(fields, metadata={"coprod.experiment_hash": experiment_hash})


def worker_init(coordinator: int) -> None:
    """Workers leave Ctrl-C to the coordinator, and exit if the coordinator is killed.

    A worker's parent is the fork server, not the coordinator, and a killed coordinator
    (SIGKILL) cannot stop it; so a daemon thread checks every second that the coordinator
    still exists.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(coordinator, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process
                os._exit(1)

    threading.Thread(target=watch, name="coprod-watchdog", daemon=True).start()


def _worker_version() -> str:
    from sim.sweep.experiment import code_fingerprint  # noqa: PLC0415

    return f"{sim.__version__} (model code {code_fingerprint()})"


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
        """Start the pool (workers start lazily, on the first submitted chunk).

        Args:
            workers: Worker processes.
            fn: The function run on each chunk (`run_chunk`; tests substitute others).
        """
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self._ctx = mp.get_context(method)
        if method == "forkserver":  # workers fork from a server that already imported the model
            self._ctx.set_forkserver_preload(["sim.sweep.execute", "sim.model.coproduction"])
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
            raise RuntimeError(f"worker processes died {restarts + 1} times; finished runs are "
                               "saved, run again with --resume to finish the sweep")
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


class DaskCluster:
    """Run chunks on an existing Dask distributed cluster."""

    def __init__(self, address: str, timeout: float = 60):
        """Connect to the scheduler at `address` and check its workers can run coprod.

        Raises:
            SetupError: Cannot connect, no worker within `timeout` seconds, or workers
                that cannot import `sim` or run another version of it.
        """
        from distributed import Client  # noqa: PLC0415 (distributed is slow to import)

        where = f"--scheduler {address}"
        try:
            self.client = Client(address, timeout="5s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise SetupError(f"{where}: cannot connect to a Dask scheduler ({err})") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
            versions = self.client.run(_worker_version)
        except TimeoutError:
            self.close()
            raise SetupError(f"{where}: no Dask worker joined within {timeout:.0f} s") from None
        except Exception as err:
            self.close()
            raise SetupError(f"{where}: the workers cannot run coprod ({type(err).__name__}: {err}); "
                                "install coprod in the workers' environment") from None
        other = sorted({v for v in versions.values() if v != _worker_version()})
        if other:
            self.close()
            raise SetupError(f"{where}: workers run coprod {', '.join(other)}, this is "
                                f"{_worker_version()}; results would not be identical")
        self.workers = sum(self.client.nthreads().values())

    def imap(self, chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, pa.Table]]:
        """Yield (chunk, table) as chunks finish, two chunks per worker thread in flight."""
        from distributed import as_completed  # noqa: PLC0415

        chunks, tasks = iter(chunks), {}

        def submit(chunk: Chunk):
            future = self.client.submit(run_chunk, chunk, pure=False,
                                         key=f"coprod-chunk-{chunk.runs[0][0]}-{uuid.uuid4().hex[:8]}")
            tasks[future.key] = chunk
            return future

        window = max(2, 2 * self.workers)
        queue = as_completed([submit(c) for c in islice(chunks, window)], loop=self.client.loop)
        for future in queue:
            table = future.result()
            chunk = tasks.pop(future.key)
            future.release()
            yield chunk, table
            if (chunk_next := next(chunks, None)) is not None:
                queue.add(submit(chunk_next))

    def close(self, cancel: bool = False) -> None:
        """Disconnect (the scheduler forgets this client's pending tasks)."""
        self.client.close()


def evaluator(workers: int, scheduler: str | None = None) -> InProcess | LocalPool | DaskCluster:
    """The evaluator for ``--workers`` / ``--scheduler``."""
    if scheduler:
        return DaskCluster(scheduler)
    return InProcess() if workers <= 1 else LocalPool(workers)
