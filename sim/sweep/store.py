"""Sweep results on disk: ``experiment.json`` and Parquet part files, safe to kill at any time.

Layout of an output directory::

    DIR/experiment.json        the resolved experiment and its hash (written first)
    DIR/runs/part-*.parquet    one file per finished chunk of runs (long format)
    DIR/summary.csv, *.png, report.html     the report (`sim.analysis.report`)

A part is written to a hidden temporary name (``runs/.tmp-*``), flushed and fsync'ed, then
renamed into place with `os.replace` (atomic), and the directory is fsync'ed. So a part
file either holds whole chunks of runs or does not exist. The set of completed runs is
derived from the part files themselves: `Store.scan` reads the ``run_id`` column of every
part, checks each run has its expected number of rows, and removes (reporting it) any
leftover temporary file, unreadable part, part of another experiment or overlapping part,
so their runs are redone. Nothing else records progress, so nothing can disagree.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.primitives.errors import SetupError
from sim.primitives.files import TEMP, write_atomic

HASH_KEY = b"coprod.experiment_hash"
RUNS = "runs"
DERIVED = ("points", "seeds")  # follow from the other keys: named only if nothing else changed


def diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Human-readable differences between two JSON values (``replications changed 10 → 12``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(f"{sub} removed")
            elif key not in old:
                out.append(f"{sub} added")
            else:
                out += diff(old[key], new[key], sub)
        return out
    if old == new:
        return []
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) and len(old) > 8:
        first = next(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
        return diff(old[first], new[first], f"{path}[{first}]")

    def short(value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:57] + "..."

    return [f"{path} changed {short(old)} → {short(new)}"]


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The content of ``DIR/experiment.json``, or ``None`` if there is none."""
    path = Path(out) / "experiment.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SetupError(f"{path}: cannot read it ({err}); remove the directory to start again") from None


def prepare(out: Path, manifest: dict[str, Any], resume: bool) -> None:
    """Create or check the output directory before a sweep starts.

    Without `resume`, `out` must not hold a sweep yet; ``experiment.json`` is written. With
    `resume`, an existing ``experiment.json`` must have the same hash as `manifest`.

    Raises:
        SetupError: `out` already holds a sweep (no `resume`), or the experiment changed
            since it started (the message lists what changed).
    """
    out = Path(out)
    old = read_manifest(out)
    parts = any((out / RUNS).glob("*.parquet")) if (out / RUNS).is_dir() else False
    if old is not None or parts:
        if not resume:
            raise SetupError(
                f"--out {out}: already holds a sweep; add --resume to finish it, or choose "
                "another directory (or remove this one) to start again")
        if old is None:
            raise SetupError(f"--out {out}: has result files but no experiment.json, so they "
                                "cannot be checked; remove the directory to start again")
        if old.get("hash") != manifest["hash"]:
            changes = diff(old.get("experiment", {}), manifest["experiment"]) or ["its hash"]
            changes = [c for c in changes if not c.startswith(DERIVED)] or changes
            changes = [f"{c} (the sim package's code was edited or upgraded)" if c.startswith("model_code")
                       else c for c in changes]
            more = f"; and {len(changes) - 6} more" if len(changes) > 6 else ""
            raise SetupError(
                f"--resume {out}: the experiment changed since this sweep started ("
                f"{'; '.join(changes[:6])}{more}); refusing to mix results. Run it with "
                "another --out, or undo the change to finish the old sweep")
        return
    (out / RUNS).mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(out / "experiment.json", lambda h: h.write(text.encode()))


class Store:
    """The part files of one sweep.

    Args:
        out: The output directory.
        experiment_hash: Hash every part must carry in its schema metadata.
        rows_per_run: Expected number of rows of run ``run_id`` (its recorded steps).
        n_runs: Number of runs in the experiment (run ids are ``0 .. n_runs - 1``).
    """

    def __init__(self, out: Path, experiment_hash: str, rows_per_run: Callable[[int], int], n_runs: int):
        self.dir = Path(out) / RUNS
        self.hash, self.rows_per_run, self.n_runs = experiment_hash, rows_per_run, n_runs

    def parts(self) -> list[Path]:
        """Complete part files, sorted by name."""
        return sorted(self.dir.glob("part-*.parquet"))

    def _check_part(self, path: Path, done: set[int]) -> tuple[set[int] | None, str]:
        try:
            pf = pq.ParquetFile(path)
            meta = pf.schema_arrow.metadata or {}
            if meta.get(HASH_KEY, b"").decode() != self.hash:
                return None, "it belongs to another experiment"
            counts = Counter(pf.read(columns=["run_id"]).column("run_id").to_pylist())
        except (OSError, pa.ArrowException, ValueError) as err:
            return None, f"unreadable ({type(err).__name__})"
        for run, count in counts.items():
            if not 0 <= run < self.n_runs:
                return None, f"run id {run} is outside the experiment"
            if count != self.rows_per_run(run):
                return None, f"run {run} has {count} rows, expected {self.rows_per_run(run)}"
            if run in done:
                return None, f"run {run} is also in another part"
        return set(counts), ""

    def scan(self) -> tuple[set[int], list[str]]:
        """Find completed runs; remove temporary, unreadable and foreign parts.

        Returns:
            The completed run ids, and one message per removed file.
        """
        done: set[int] = set()
        notes: list[str] = []
        if not self.dir.is_dir():
            return done, notes
        for tmp in sorted(self.dir.glob(f"{TEMP}*")):
            tmp.unlink(missing_ok=True)
            notes.append(f"removed {tmp.name}: a part whose writing was interrupted")
        for path in self.parts():
            runs, why = self._check_part(path, done)
            if runs is None:
                path.unlink(missing_ok=True)
                notes.append(f"removed {path.name}: {why}; its runs will be redone")
            else:
                done |= runs
        return done, notes

    def write(self, table: pa.Table) -> Path:
        """Write one chunk's table as a part file, atomically; returns its path."""
        runs = table.column("run_id")
        first, last = pc.min(runs).as_py(), pc.max(runs).as_py()
        path = self.dir / f"part-{first:09d}-{last:09d}.parquet"
        write_atomic(path, lambda handle: pq.write_table(table, handle, compression="zstd"))
        return path


def iter_parts(out: Path, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """Read the complete part files of `out` one at a time, only the given `columns`."""
    for path in sorted((Path(out) / RUNS).glob("part-*.parquet")):
        yield pq.read_table(path, columns=columns)
