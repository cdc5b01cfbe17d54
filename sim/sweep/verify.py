"""Verifying a sweep's parts before any run counts: checksums, the design, duplicates.

`scan(DIR, manifest, repair)` is the one place that decides which runs are done, for
``--resume`` and for the report alike. Each part must:

- have its checksum in ``runs/_checksums.jsonl`` and match it (size and SHA-256), so a
  flipped byte anywhere in the file is caught, not only in the columns read;
- carry this experiment's hash;
- hold only runs of the design: run ids in range, each row's design point, replicate and
  seed those the design gives the run, and exactly the recorded steps of its point.

A part that fails is moved to ``DIR/rejected/`` (kept for inspection, never read) and
named in a note; its runs count as missing, so ``--resume`` redoes them. A run found in
two parts is counted once; with `repair` (``--resume``) the later part is moved aside so
the folder holds every run exactly once again. Leftover temporary files are removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.primitives.files import TEMP
from sim.sweep.design import record_steps
from sim.sweep.store import HASH_KEY, RUNS, move_aside, read_checksums, rewrite_checksums

IDS = ["run_id", "point_id", "replicate", "seed", "step"]


@dataclass(frozen=True)
class Expected:
    """What the design says each run is, from ``experiment.json``.

    Attributes:
        hash: The experiment hash every part carries.
        n_runs: Runs in the design (ids ``0 .. n_runs - 1``).
        replications: Runs per design point (a campaign: its stride).
        seeds: The seed table (per replicate with common random numbers, else per run);
            ``None``: not known in advance (a campaign), not checked.
        common: Whether seeds are per replicate (common random numbers).
        steps: Steps of each design point's runs (``None``: not recorded, not checked).
        every: Record every k-th step (and the last).
        record: The steps every run records, if the same for all (a campaign).
    """

    hash: str
    n_runs: int
    replications: int
    seeds: np.ndarray | None
    common: bool
    steps: list[int] | None
    every: int
    record: tuple[int, ...] | None = None

    @classmethod
    def of(cls, manifest: dict[str, Any]) -> Expected:
        """The expectations stated by an ``experiment.json`` content."""
        canonical = manifest["experiment"]
        return cls(manifest["hash"], int(manifest["n_runs"]), int(manifest["replications"]),
                   np.asarray(canonical["seeds"], dtype=np.int64), bool(manifest["common_random_numbers"]),
                   manifest.get("steps_of_points"), int(canonical["record"]["every"]))

    @classmethod
    def campaign(cls, experiment_hash: str, n_runs: int, stride: int, record: Sequence[int]) -> Expected:
        """A campaign's expectations: run ids below `n_runs`, every run recording `record`."""
        return cls(experiment_hash, n_runs, stride, None, True, None, 1, tuple(record))


@dataclass
class Scan:
    """The verified state of a sweep's parts.

    Attributes:
        keep: Each verified part and the runs it contributes (a run in two parts: the first).
        notes: One line per repair or problem found, for the user.
        duplicated: Runs found in more than one part (each counted once).
    """

    keep: dict[Path, set[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    duplicated: set[int] = field(default_factory=set)

    @property
    def done(self) -> set[int]:
        """Every run held, verified, by a part."""
        return set().union(*self.keep.values()) if self.keep else set()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _against_design(table: pa.Table, want: Expected) -> str:
    """Why the id columns of a part contradict the design ('' if they do not)."""
    cols = {name: table.column(name).to_numpy() for name in IDS}
    order = np.lexsort((cols["step"], cols["run_id"]))
    run, point, rep, seed, step = (cols[name][order] for name in IDS)
    if len(run) and (run.min() < 0 or run.max() >= want.n_runs):
        bad = run[(run < 0) | (run >= want.n_runs)][0]
        return f"run id {bad} is outside the experiment (0 to {want.n_runs - 1})"
    wrong = (point != run // want.replications) | (rep != run % want.replications)
    if want.seeds is not None:
        wrong |= seed != want.seeds[run % want.replications if want.common else run]
    if wrong.any():
        return f"run {run[wrong][0]} does not match the design (its point, replicate or seed)"
    if want.steps is None and want.record is None:
        return ""

    def recorded(r: int) -> Sequence[int]:
        if want.record is not None:
            return want.record
        assert want.steps is not None
        return record_steps(want.steps[r // want.replications], want.every)

    runs, first = np.unique(run, return_index=True)
    expected = np.concatenate([recorded(r) for r in runs]) if len(runs) else np.array([], dtype=np.int64)
    if len(expected) != len(step) or (expected != step).any():
        counts = np.diff(np.append(first, len(run)))
        for r, n in zip(runs, counts, strict=True):
            need = len(recorded(r))
            if n != need:
                return f"run {r} has {n} rows, expected {need}"
        return "its recorded steps are not those of the design"
    return ""


def check_part(path: Path, entry: dict[str, Any] | None, want: Expected) -> tuple[set[int] | None, str]:
    """The runs of one part if it verifies, else ``None`` and why not."""
    if entry is None:
        return None, "no checksum recorded for it"
    try:
        if path.stat().st_size != entry.get("bytes") or _sha256(path) != entry.get("sha256"):
            return None, "its checksum does not match: the file changed after it was written"
        pf = pq.ParquetFile(path)
        if (pf.schema_arrow.metadata or {}).get(HASH_KEY, b"").decode() != want.hash:
            return None, "it belongs to another experiment"
        table = pf.read(columns=IDS)
    except (OSError, pa.ArrowException, ValueError) as err:
        return None, f"unreadable ({type(err).__name__})"
    why = _against_design(table, want)
    return (None, why) if why else (set(np.unique(table.column("run_id").to_numpy()).tolist()), "")


def ranges(ids: set[int] | list[int], most: int = 6) -> str:
    """``3-7, 12, 40-41`` (at most `most` ranges, then ``and N more``)."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    text = [f"{a}-{b}" if b > a else str(a) for a, b in out[:most]]
    more = sum(b - a + 1 for a, b in out[most:])
    return ", ".join(text) + (f" and {more} more" if more else "")


def scan(out: str | Path, manifest: dict[str, Any], repair: bool, want: Expected | None = None) -> Scan:
    """Verify every part of `out` (the caller holds the folder's lock); see the module docstring.

    Args:
        out: The output directory.
        manifest: The content of its ``experiment.json``.
        repair: Also move aside parts that only repeat runs of others, and rewrite
            ``_checksums.jsonl`` to the verified parts (``--resume``).
        want: What the parts must hold (default: the sweep `manifest` describes).
    """
    out, want, result = Path(out), want or Expected.of(manifest), Scan()
    folder = out / RUNS
    if not folder.is_dir():
        return result
    for tmp in sorted(folder.glob(f"{TEMP}*")):
        tmp.unlink(missing_ok=True)
        result.notes.append(f"removed {tmp.name}: a part whose writing was interrupted")
    entries = read_checksums(out)
    done: set[int] = set()
    for path in sorted(folder.glob("part-*.parquet")):
        runs, why = check_part(path, entries.get(path.name), want)
        if runs is None:
            moved = move_aside(out, path)
            result.notes.append(f"moved {RUNS}/{path.name} to {moved.parent.name}/: {why}; "
                                "its runs count as missing and --resume redoes them")
            continue
        if twice := runs & done:
            result.duplicated |= twice
            if repair:
                moved = move_aside(out, path)
                result.notes.append(f"moved {RUNS}/{path.name} to {moved.parent.name}/: runs {ranges(twice)} "
                                    "are also in another part (written twice); its other runs are redone")
                continue
        result.keep[path] = runs - done
        done |= runs
    if result.duplicated and not repair:
        result.notes.append(f"{len(result.duplicated)} runs are in more than one part (runs "
                            f"{ranges(result.duplicated)}); each is counted once")
    if repair:
        rewrite_checksums(out, [entries[p.name] for p in result.keep])
    return result
