"""The sweep coordinator: plan the remaining runs, send chunks out, write parts as they return.

``run_sweep(load_experiment("governance_comparison"), "runs/gc", workers=2)`` takes the
output folder's lock (`sim.sweep.lock`: one writer per folder), writes
``experiment.json``, verifies the parts already there (`sim.sweep.verify.scan`: checksums,
the design, duplicates), groups the missing runs into chunks of about `TARGET_SECONDS` of
work each, runs them with the evaluator for ``workers`` / ``scheduler``
(`sim.sweep.execute`) and writes one Parquet part per finished chunk (`sim.sweep.store`),
showing a progress bar (runs done / total, ETA) on stderr. Only the coordinator writes,
and only whole chunks, so killing it (or a worker) at any moment loses at most the chunks
in flight; ``resume=True`` then redoes exactly the runs missing. `estimate` is what a
design will cost (runs, citizen-steps, time, disk), shown before it starts.
"""

from __future__ import annotations

import errno
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from sim.inputs.bounds import memory_problem, model_bytes, size
from sim.primitives.errors import InputError, Origin, SetupError
from sim.sweep.chunks import SweepStoppedError, code_version
from sim.sweep.execute import Chunk, PointSpec, evaluator, schema_for
from sim.sweep.experiment import Experiment
from sim.sweep.lock import hold
from sim.sweep.store import Store, prepare
from sim.sweep.verify import scan

TARGET_SECONDS = 1.0  # work per chunk: long enough to hide the task overhead, short enough to balance
# Estimated cost of one run: a fixed part (model construction), a per-step overhead and a
# per-citizen-step part (measured at 1k-50k citizens on 2 cores: ~0.5 ms/step + ~1e-7).
RUN_SECONDS = 0.01
STEP_SECONDS = 5e-4
CITIZEN_STEP_SECONDS = 1.5e-7
BYTES_PER_VALUE = 4.0  # on disk, per recorded value (zstd-compressed Parquet; measured ~2-4) ...
PART_BYTES = 2500  # ... plus this per part file (its schema and footer)


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
        "second_order": exp.second_order, "sample": exp.sample, "steps_of_points": exp.steps_of_points,
        "experiment": exp.canonical(),
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
    work, code = 0.0, code_version()
    for run in runs:
        spec = points.get(run[1]) or spec_of(run[1])
        points[run[1]] = spec
        batch.append(run)
        work += run_seconds(spec.kwargs["citizens"], spec.steps)
        if len(batch) >= cap or (size is None and work >= TARGET_SECONDS):
            yield Chunk(tuple(batch), {p: points[p] for p in {r[1] for r in batch}}, outcomes, schema, code)
            points = {run[1]: spec}
            batch, work = [], 0.0
    if batch:
        yield Chunk(tuple(batch), {p: points[p] for p in {r[1] for r in batch}}, outcomes, schema, code)


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
    lost_after: float = 60.0,
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
        lost_after: Seconds a Dask cluster may be without workers before the sweep stops.

    Raises:
        SetupError: Another process is writing `out`, `out` already holds a sweep
            (without `resume`), the experiment changed (with `resume`), or the scheduler
            cannot be used.
        SweepStoppedError: The sweep stopped part way (disk full, Dask cluster lost, a
            worker with other code, workers dying); the finished runs are saved.
    """
    stream = stream or sys.stderr
    start, out = time.perf_counter(), Path(out)
    labels = exp.label_kinds()
    schema = schema_for(labels, exp.outcomes, exp.hash)
    pool = evaluator(workers, scheduler, lost_after)  # a bad --scheduler fails before `out` is touched
    try:
        with hold(out, f"coprod sweep {exp.label} --out {out}") as taken:
            info, notes = manifest(exp), list(taken)
            try:
                notes += prepare(out, info, resume)
                found = scan(out, info, repair=True)
            except OSError as err:
                raise SetupError(f"--out {out}: cannot write to it ({err.strerror or err})") from None
            for note in notes + found.notes:
                print(f"coprod: {note}", file=stream)
            done = found.done
            todo = [r for r in range(exp.n_runs) if r not in done]
            result = SweepResult(out, exp.n_runs, len(done), 0, 0.0, notes + found.notes)
            store = Store(out)
            bar = progress_bar(exp.n_runs, len(done), exp.name, mode=progress, stream=stream)
            try:
                for chunk, table in pool.imap(plan(exp, todo, schema, pool.workers, chunk_size)):
                    write_part(store, table, out)
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


def write_part(store: Store, table: Any, out: Path) -> None:
    """Write one part; a full disk or an unwritable folder stops the sweep (runs so far are kept)."""
    try:
        store.write(table)
    except OSError as err:
        full = " (free some space first)" if err.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        raise SweepStoppedError(f"--out {out}: cannot write a part ({err.strerror or err}){full}") from None


@dataclass(frozen=True)
class Estimate:
    """What a sweep will cost, before it starts.

    Attributes:
        runs: Runs in the design.
        citizen_steps: Sum over runs of citizens x steps.
        seconds: Estimated wall-clock time on the given workers.
        bytes: Estimated size of the part files.
        workers: Workers the time is estimated for.
    """

    runs: int
    citizen_steps: float
    seconds: float
    bytes: float
    workers: int

    def __str__(self) -> str:
        return (f"{self.citizen_steps:.3g} citizen-steps, about {duration(self.seconds)} on "
                f"{self.workers} worker(s), about {size(self.bytes)} on disk")


def run_seconds(citizens: int, steps: int) -> float:
    """Estimated time of one run."""
    return RUN_SECONDS + (STEP_SECONDS + CITIZEN_STEP_SECONDS * citizens) * steps


def population(exp: Experiment, point_id: int) -> tuple[int, int]:
    """(citizens, degree) of design point `point_id`, without building its scenario."""
    point, base = exp.points[point_id], exp.scenarios[exp.scenario_of(point_id)].model_kwargs()
    values = [point.get(f"population.{k}", exp.fixed.get(f"population.{k}", base[k])) for k in ("citizens", "degree")]
    return int(values[0]), int(values[1])


def check_memory(exp: Experiment, workers: int) -> None:
    """Refuse a local sweep whose `workers` concurrent models would not fit in memory.

    Raises:
        InputError: The largest design point's model times the workers that run at once
            needs more than the memory available (`sim.inputs.bounds`).
    """
    citizens, degree = max((population(exp, i) for i in range(exp.n_points)),
                           key=lambda cd: model_bytes(*cd), default=(1, 2))
    problem = memory_problem(citizens, degree, models=min(workers, exp.n_runs),
                             origin=Origin("file", exp.label))
    if problem is not None:
        raise InputError(problem)


def estimate(exp: Experiment, workers: int) -> Estimate:
    """The runs, citizen-steps, time (on `workers`) and disk of `exp`'s sweep."""
    citizen_steps = seconds = values = 0.0
    for point_id in range(exp.n_points):
        citizens, steps = population(exp, point_id)[0], exp.point_steps(point_id)
        citizen_steps += exp.replications * citizens * steps
        seconds += exp.replications * run_seconds(citizens, steps)
        values += exp.replications * len(exp.record_steps(point_id)) * (6 + len(exp.varied) + len(exp.outcomes))
    workers, parts = max(1, workers), min(exp.n_runs, max(1.0, seconds / TARGET_SECONDS))
    return Estimate(exp.n_runs, citizen_steps, seconds / workers, values * BYTES_PER_VALUE + parts * PART_BYTES,
                    workers)


def duration(seconds: float) -> str:
    """``40 s``, ``12 min``, ``3.5 h``, ``2.1 days``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h" if seconds < 172_800 else f"{seconds / 86400:.1f} days"
