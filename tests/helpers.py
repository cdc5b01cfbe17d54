"""Helpers shared by several test modules (test modules never import each other)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim import CoProductionModel
from sim.governance import StepContext

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[1]
#: The installed ``coprod`` console script of this environment.
COPROD = Path(sys.executable).parent / "coprod"
#: A small sweep experiment: 3 scenarios x 2 responsiveness values x 3 replications.
SMALL = """\
description: A small sweep for the tests.
vary:
  scenario: [traditional, consultative, ostrom_commons]
  administration.responsiveness: [0.3, 0.9]
fixed:
  population.citizens: 150
replications: 3
steps: 12
seed: 11
record:
  outcomes: [participation, quality, quality_growth, free_rider_share]
  every: 5
"""
SMALL_ROWS = 3 * 2 * 3 * 3  # points x replications x recorded steps (5, 10, 12)


def coprod(*args, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the ``coprod`` command; its output is captured as text."""
    return subprocess.run([str(COPROD), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, check=False, cwd=cwd)


def write(path: Path, text: str) -> Path:
    """Write `text` to `path` and return the path."""
    path.write_text(text)
    return path


def table(out: Path) -> pd.DataFrame:
    """Every row of a sweep, sorted by run and step."""
    frames = [pq.read_table(p).to_pandas() for p in sorted((out / "runs").glob("part-*.parquet"))]
    return pd.concat(frames).sort_values(["run_id", "step"]).reset_index(drop=True)


def stop(proc: subprocess.Popen, timeout: float = 5) -> None:
    """Stop a process for certain: terminate, then kill if it has not exited within `timeout` s."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until(condition: Callable[[], bool], seconds: float, poll: float = 0.05) -> bool:
    """Poll `condition` until it holds or about `seconds` have passed (no clock read)."""
    for _ in range(max(1, int(seconds / poll))):
        if condition():
            return True
        time.sleep(poll)
    return condition()


def small_context(seed: int = 3, n: int = 200, **params) -> StepContext:
    """A step context over a freshly drawn population with a few steps of history."""
    params.setdefault("degree", 2 if n < 10 else 6)
    model = CoProductionModel(rng=seed, citizens=n, **params)
    for _ in range(3):
        model.step()
    c = model.citizens
    return StepContext(c, np.full(n, 0.4), np.full(n, 0.5))


def planted_box(kwargs: dict, seed: int) -> dict[str, float]:
    """``participation`` 0.1 in the box ``trust < 0.3 and share_free_rider > 0.4``, else 0.8."""
    inside = kwargs["trust"] < 0.3 and kwargs["share_free_rider"] > 0.4
    return {"participation": (0.1 if inside else 0.8) + (seed % 1000) / 1e5}


def synthetic_chunk(chunk, formula=planted_box):
    """A chunk function with outcomes from `formula(kwargs, seed)` instead of the model.

    Outcomes the formula does not give are 0; a run's rows follow `chunk.schema` like
    `sim.sweep.execute.run_chunk`'s (every recorded step has the formula's value).
    """
    import pyarrow as pa  # noqa: PLC0415

    columns: dict[str, list] = {name: [] for name in chunk.schema.names}
    for run_id, point_id, replicate, seed in chunk.runs:
        point = chunk.points[point_id]
        values = formula(point.kwargs, seed)
        n = len(point.record)
        for name, v in (("run_id", run_id), ("point_id", point_id), ("replicate", replicate),
                        ("seed", seed), *point.labels.items()):
            columns[name] += [v] * n
        columns["step"] += point.record
        for outcome in chunk.outcomes:
            columns[outcome] += [values.get(outcome, 0.0)] * n
    return pa.table(columns, schema=chunk.schema)


class SyntheticPool:
    """An evaluator (like `sim.sweep.execute.InProcess`) whose runs are `formula`'s values."""

    workers = 1

    def __init__(self, formula=planted_box):
        self.formula = formula

    def imap(self, chunks):
        for chunk in chunks:
            yield chunk, synthetic_chunk(chunk, self.formula)

    def close(self, cancel: bool = False) -> None:
        pass
