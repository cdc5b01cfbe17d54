"""The sweep coordinator: plan the remaining runs, send chunks out, write parts as they return.

``run_sweep(load_experiment("governance_comparison"), "runs/gc", workers=2)`` writes
``experiment.json``, finds the runs already done (`sim.sweep.store.Store.scan`), groups the
others into chunks of about `TARGET_SECONDS` of work each, runs them with the evaluator for
``workers`` / ``scheduler`` (`sim.sweep.execute`) and writes one Parquet part per finished
chunk, showing a progress bar (runs done / total, ETA) on stderr. Only the coordinator
writes, and only whole chunks, so killing it (or a worker) at any moment loses at most the
chunks in flight; ``resume=True`` then redoes exactly the runs missing.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from sim.sweep.execute import Chunk, PointSpec, evaluator, schema_for
from sim.sweep.experiment import Experiment
from sim.sweep.store import Store, prepare

TARGET_SECONDS = 1.0  # work per chunk: long enough to hide the task overhead, short enough to balance
RUN_SECONDS = 0.005  # estimated fixed cost of one run (model construction) ...
CITIZEN_STEP_SECONDS = 1.5e-7  # ... plus this per citizen and step (measured ~1e-7 on 2 cores)


@dataclass
class SweepResult:
    """What a sweep did.

    Attributes:
        out: The output directory.
        total: Runs in the experiment.
        before: Runs already done when it started (``--resume``).
        ran: Runs done by this call.
        seconds: Wall-clock time of this call.
        notes: Problems found and repaired on resume (removed partial files).
    """

    out: Path
    total: int
    before: int
    ran: int
    seconds: float
    notes: list[str] = field(default_factory=list)


def default_workers() -> int:
    """Number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def manifest(exp: Experiment) -> dict[str, Any]:
    """The content of ``experiment.json``: the canonical experiment, its hash, and what the report needs."""
    factors = [{"name": f.name, "values": None if f.values is None else list(f.values),
                "low": f.low, "high": f.high, "integer": f.integer,
                "choices": None if f.choices is None else list(f.choices)} for f in exp.factors]
    return {
        "format": 1, "hash": exp.hash, "name": exp.name, "description": exp.description,
        "file": exp.label, "design": exp.design, "n_points": exp.n_points,
        "replications": exp.replications, "n_runs": exp.n_runs, "seed": exp.seed,
        "common_random_numbers": exp.common_random_numbers, "factors": factors,
        "varied": exp.varied, "outcomes": list(exp.outcomes), "levels": exp.levels,
        "second_order": exp.second_order, "sample": exp.sample, "experiment": exp.canonical(),
    }


def point_spec(exp: Experiment, point_id: int) -> PointSpec:
    """What a worker needs to run design point `point_id`."""
    labels = {"scenario": exp.scenario_of(point_id), **{n: exp.points[point_id][n] for n in exp.varied}}
    kwargs = exp.point_scenario(point_id).model_kwargs()
    return PointSpec(kwargs, exp.point_steps(point_id), tuple(exp.record_steps(point_id)), labels)


def plan(exp: Experiment, todo: list[int], schema, workers: int, size: int | None = None) -> Iterator[Chunk]:
    """Group the runs `todo` of `exp` into chunks, in run order (see `chunks`)."""
    specs: dict[int, PointSpec] = {}

    def spec_of(point_id: int) -> PointSpec:
        if point_id not in specs:
            specs.clear()  # runs come in point order: only the current point is needed
            specs[point_id] = point_spec(exp, point_id)
        return specs[point_id]

    runs = ((r, *exp.run(r)) for r in todo)
    return chunks(runs, len(todo), spec_of, outcomes=exp.outcomes, schema=schema, workers=workers, size=size)


def chunks(runs: Iterable[tuple[int, int, int, int]], total: int, spec_of: Callable[[int], PointSpec], *,
           outcomes: tuple[str, ...], schema, workers: int, size: int | None = None) -> Iterator[Chunk]:
    """Group `runs` (run id, point id, replicate, seed) into chunks, in order.

    A chunk holds `size` runs if given; otherwise runs worth about `TARGET_SECONDS` of
    estimated work, and at most a quarter of an even share of the `total` runs per
    worker, so the workers stay balanced to the end.
    """
    cap = size or max(1, math.ceil(total / (4 * max(1, workers))))
    batch: list[tuple[int, int, int, int]] = []
    points: dict[int, PointSpec] = {}
    work = 0.0
    for run in runs:
        spec = points.get(run[1]) or spec_of(run[1])
        points[run[1]] = spec
        batch.append(run)
        work += RUN_SECONDS + CITIZEN_STEP_SECONDS * spec.kwargs["citizens"] * spec.steps
        if len(batch) >= cap or (size is None and work >= TARGET_SECONDS):
            yield Chunk(tuple(batch), {p: points[p] for p in {r[1] for r in batch}}, outcomes, schema)
            points = {run[1]: spec}
            batch, work = [], 0.0
    if batch:
        yield Chunk(tuple(batch), {p: points[p] for p in {r[1] for r in batch}}, outcomes, schema)


def progress_bar(total: int, initial: int, name: str, *, mode: str, stream: TextIO, unit: str = "run"):
    """A tqdm bar on `stream`: ``auto`` (only on a terminal), ``always`` or ``never``."""
    from tqdm import tqdm  # noqa: PLC0415

    tty = getattr(stream, "isatty", lambda: False)()
    return tqdm(total=total, initial=initial, unit=unit, desc=name, file=stream, smoothing=0.1,
                disable=not (mode == "always" or (mode == "auto" and tty)), dynamic_ncols=True)


def run_sweep(
    exp: Experiment,
    out: str | Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Literal["auto", "always", "never"] = "auto",
    chunk_size: int | None = None,
    stream: TextIO | None = None,
) -> SweepResult:
    """Run (or finish, with `resume`) the sweep of `exp` into `out`.

    Args:
        exp: A resolved experiment (`sim.inputs.experiment.load_experiment`).
        out: Output directory.
        workers: Local worker processes (1: run in this process); ignored with `scheduler`.
        scheduler: Address of a Dask distributed scheduler (``tcp://host:port``).
        resume: Finish a sweep already started in `out` (refused if the experiment changed).
        progress: Progress bar on `stream`: ``auto`` (only on a terminal), ``always``, ``never``.
        chunk_size: Runs per task (default: sized to about a second of work).
        stream: Where the progress bar and notes go (default ``sys.stderr``).

    Raises:
        SetupError: `out` already holds a sweep (without `resume`), the experiment
            changed (with `resume`), or the scheduler cannot be used.
    """
    stream = stream or sys.stderr
    start, out = time.perf_counter(), Path(out)
    labels = exp.label_kinds()
    schema = schema_for(labels, exp.outcomes, exp.hash)
    pool = evaluator(workers, scheduler)  # a bad --scheduler fails before `out` is touched
    try:
        prepare(out, manifest(exp), resume)
        store = Store(out, exp.hash, lambda r: len(exp.record_steps(exp.run(r)[0])), exp.n_runs)
        done, notes = store.scan()
        for note in notes:
            print(f"coprod: {note}", file=stream)
        todo = [r for r in range(exp.n_runs) if r not in done]
        result = SweepResult(out, exp.n_runs, len(done), 0, 0.0, notes)
        bar = progress_bar(exp.n_runs, len(done), exp.name, mode=progress, stream=stream)
        try:
            for chunk, table in pool.imap(plan(exp, todo, schema, pool.workers, chunk_size)):
                store.write(table)
                result.ran += len(chunk.runs)
                bar.update(len(chunk.runs))
        finally:
            bar.close()
    except BaseException:
        pool.close(cancel=True)
        raise
    pool.close()
    result.seconds = time.perf_counter() - start
    return result
