"""An output folder of runs made in batches: what the policy tools run their runs through.

A `Campaign` is a sweep whose points are not all known in advance (an optimiser proposes
them as it goes): the same manifest check (``experiment.json``, refused on ``--resume``
if anything that decides the results changed), the same one-writer lock (`sim.sweep.lock`),
the same Parquet store (`sim.sweep.store`: atomic parts with checksums, verified by
`sim.sweep.verify.scan` before a run counts) and the same evaluators
(`sim.sweep.execute`: in process, a local pool, Dask). Run ids are ``point_id * stride +
replicate``, so a point's runs have the same ids however the campaign was interrupted;
`Campaign.run` runs only the runs of its points that are not in the store yet and returns
every run's steady-state and final measures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

import pandas as pd

from sim.policy.measures import record_steps, run_measures
from sim.primitives.errors import SetupError
from sim.sweep.coordinator import chunks, progress_bar, write_part
from sim.sweep.execute import Chunk, PointSpec, evaluator, schema_for
from sim.sweep.experiment import code_fingerprint, digest
from sim.sweep.lock import hold
from sim.sweep.store import Store, iter_parts, prepare
from sim.sweep.verify import Expected, scan

Progress = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class Point:
    """One parameter point of a campaign and the seeds of its replications.

    Attributes:
        point_id: Its id (run ids are ``point_id * stride + replicate``).
        kwargs: Keyword arguments of `sim.CoProductionModel`, every parameter resolved.
        labels: Label column -> value, written on every row of its runs.
        seeds: One seed per replication (common random numbers: the same for every point).
    """

    point_id: int
    kwargs: dict[str, Any]
    labels: dict[str, Any]
    seeds: tuple[int, ...]


class Campaign:
    """The runs of one policy command in one output folder (see the module docstring).

    Args:
        out: The output folder.
        canonical: Everything that decides the results (hashed; compared on resume).
        manifest: What else ``experiment.json`` holds (kind, name, the report's needs).
        labels: Label column -> type.
        outcomes: Outcomes recorded.
        steps: Steps per run.
        window: Steps recorded and averaged for the steady state (the last `window`).
        points: Largest number of points; stride: largest number of replications of one.
        resume: Continue a campaign started in `out` (else `out` must not hold one).
        workers: Local worker processes (1: in process); scheduler: a Dask address.
        pool: An evaluator to use instead (tests substitute chunk functions).
    """

    def __init__(self, out: str | Path, canonical: dict[str, Any], manifest: dict[str, Any], *,
                 labels: dict[str, type], outcomes: tuple[str, ...], steps: int, window: int,
                 points: int, stride: int, resume: bool = False, workers: int = 1,
                 scheduler: str | None = None, progress: Progress = "never",
                 stream: TextIO | None = None, pool: Any = None):
        canonical = {**canonical, "model_code": code_fingerprint()}
        self.out, self.hash, self.stride = Path(out), digest(canonical), stride
        self.outcomes, self.steps, self.record = outcomes, steps, record_steps(steps, window)
        self.progress, self.stream = progress, stream or sys.stderr
        self.schema = schema_for(labels, outcomes, self.hash)
        self.pool = pool if pool is not None else evaluator(workers, scheduler)  # before touching out
        self._lock = ExitStack()
        try:
            info = {"format": 1, **manifest, "hash": self.hash, "experiment": canonical}
            self.notes = list(self._lock.enter_context(hold(self.out, f"coprod {manifest.get('kind', '')} --out {out}")))
            try:
                self.notes += prepare(self.out, info, resume)
                found = scan(self.out, info, repair=True,
                             want=Expected.campaign(self.hash, points * stride, stride, self.record))
            except OSError as err:
                raise SetupError(f"--out {out}: cannot write to it ({err.strerror or err})") from None
            self.notes += found.notes
            self.store = Store(self.out)
        except BaseException:
            self.close(cancel=True)
            raise
        self._frames = [run_measures(t.to_pandas(), outcomes) for t in
                        iter_parts(self.out, ["run_id", "step", *outcomes], keep=found.keep)] if found.keep else []
        self._measures: pd.DataFrame | None = None
        self.ran = 0

    @property
    def measures(self) -> pd.DataFrame:
        """Every completed run's measures (``{outcome}/steady``, ``/final``), by run id."""
        if self._measures is None:
            empty = pd.DataFrame({f"{o}/{m}": pd.Series(dtype=float) for o in self.outcomes
                                  for m in ("steady", "final")}, index=pd.Index([], dtype="int64", name="run_id"))
            self._measures = pd.concat(self._frames).sort_index() if self._frames else empty
            self._frames = [self._measures]
        return self._measures

    def run(self, points: Sequence[Point], what: str = "runs") -> pd.DataFrame:
        """Run what is missing of `points`; every run's measures, with point, replicate and seed.

        Raises:
            KeyboardInterrupt: Finished chunks are saved; the evaluator is stopped first.
        """
        done = set(self.measures.index)
        table = [(p.point_id * self.stride + k, p.point_id, k, seed)
                 for p in points for k, seed in enumerate(p.seeds)]
        todo = [r for r in table if r[0] not in done]
        if todo:
            specs = {p.point_id: PointSpec(p.kwargs, self.steps, self.record, p.labels) for p in points}
            self._execute(todo, specs.__getitem__, what)
        return self._join(table)

    def lookup(self, point_ids: Sequence[int], replications: int) -> pd.DataFrame:
        """The recorded measures of the first `replications` runs of each point (no seeds)."""
        table = [(p * self.stride + k, p, k, -1) for p in point_ids for k in range(replications)]
        return self._join(table)

    def _join(self, table: list[tuple[int, int, int, int]]) -> pd.DataFrame:
        index = pd.DataFrame(table, columns=["run_id", "point_id", "replicate", "seed"]).set_index("run_id")
        return index.join(self.measures, how="left")

    def _execute(self, todo: list[tuple[int, int, int, int]], spec_of: Callable[[int], PointSpec],
                 what: str) -> None:
        bar = progress_bar(len(todo), 0, what, mode=self.progress, stream=self.stream)
        work: list[Chunk] = list(chunks(todo, len(todo), spec_of, outcomes=self.outcomes, schema=self.schema,
                                        workers=self.pool.workers))
        try:
            for chunk, table in self.pool.imap(iter(work)):
                write_part(self.store, table, self.out)
                self._frames.append(run_measures(table.to_pandas(), self.outcomes))
                self._measures = None
                self.ran += len(chunk.runs)
                bar.update(len(chunk.runs))
        except BaseException:
            self.close(cancel=True)
            raise
        finally:
            bar.close()

    def close(self, cancel: bool = False) -> None:
        """Release the evaluator (with `cancel`, stop its workers at once) and the folder."""
        if self.pool is not None:
            self.pool.close(cancel=cancel)
            self.pool = None
        self._lock.close()

    def __enter__(self) -> Campaign:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)

