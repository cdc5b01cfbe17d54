"""Chunks of runs: what a worker receives, the function it runs, and the code check.

A `Chunk` is a few runs (each: run id, design point, replicate, seed) plus everything a
worker needs to run them: the model keyword arguments of their design points, the steps,
the recorded steps, the output schema, and the coordinator's code version. `run_chunk`
first compares that version with its own (package version and model-code fingerprint),
and refuses the chunk with a `WrongCodeError` naming the worker if they differ, so a
worker with other code can never contribute rows, even one that joins mid-sweep; then it
runs the runs and returns one `pyarrow.Table` in long format. A run is fully determined by
(keyword arguments, seed, steps), never by which worker ran it.
"""

from __future__ import annotations

import functools
import os
import socket
import sys
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

import sim
from sim.primitives.errors import SetupError

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
        code: The coordinator's `code_version`; a worker with another refuses the chunk.
    """

    runs: tuple[tuple[int, int, int, int], ...]
    points: dict[int, PointSpec]
    outcomes: tuple[str, ...]
    schema: pa.Schema
    code: str = ""


class WrongCodeError(RuntimeError):
    """A worker runs other code than the coordinator (its results would differ)."""


class SweepStoppedError(SetupError):
    """A sweep stopped part way for a reason the user can fix (disk, cluster, workers).

    The finished runs are saved; the command line adds how to resume.
    """


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """This process's coprod version and model-code fingerprint (computed once)."""
    from sim.sweep.experiment import code_fingerprint  # noqa: PLC0415

    return f"{sim.__version__} (model code {code_fingerprint()})"


def worker_name() -> str:
    """How messages name this worker: its Dask address, or its pid and host."""
    if "distributed" in sys.modules:
        try:
            return f"Dask worker {sys.modules['distributed'].get_worker().address}"
        except ValueError:  # not inside a Dask task
            pass
    return f"worker pid {os.getpid()} on host {socket.gethostname()}"


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
    """Run every run of `chunk` and return its rows in long format (`chunk.schema`).

    Raises:
        WrongCodeError: This worker's `code_version` is not the chunk's.
    """
    if chunk.code and chunk.code != code_version():
        raise WrongCodeError(f"{worker_name()} runs coprod {code_version()}, but this sweep "
                             f"needs {chunk.code}; it refused runs {chunk.runs[0][0]}-{chunk.runs[-1][0]}")
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
