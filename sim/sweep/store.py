"""Sweep results on disk: ``experiment.json``, Parquet parts and their checksums, safe to kill.

Layout of an output directory::

    DIR/.coprod.lock            who is writing it (`sim.sweep.lock`; only while a sweep runs)
    DIR/experiment.json         the resolved experiment and its hash (written first)
    DIR/runs/part-*.parquet     one file per finished chunk of runs (long format)
    DIR/runs/_checksums.jsonl    one line per part: its SHA-256, size, runs and rows
    DIR/rejected/               parts that failed verification, moved aside (never read)
    DIR/summary.csv, *.png, report.html     the report (`sim.analysis.report`)

A part is serialised in memory, its checksum appended to ``_checksums.jsonl`` (fsync'ed),
then the part is written to a hidden temporary name (``runs/.tmp-*``), fsync'ed and
renamed into place (`os.replace`, atomic), and the directory fsync'ed. So every part in
place has its checksum recorded before it appears, and a part file either holds whole
chunks of runs or does not exist. `sim.sweep.verify` checks every part against its
checksum and against the design before a run counts as done (on ``--resume`` and in the
report); nothing else records progress, so nothing can disagree.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.primitives.errors import SetupError
from sim.primitives.files import fsync_dir, write_atomic

HASH_KEY = b"coprod.experiment_hash"
RUNS = "runs"
CHECKSUMS = "_checksums.jsonl"
REJECTED = "rejected"
DERIVED = ("points", "seeds")  # follow from the other keys: named only if nothing else changed


class CorruptManifestError(SetupError):
    """``experiment.json`` exists but cannot be read (the runs beside it may be intact)."""


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
    """The content of ``DIR/experiment.json``, or ``None`` if there is none.

    Raises:
        CorruptManifestError: The file exists but is not a valid ``experiment.json``; the
            message says how to rewrite it without touching the finished runs.
    """
    path = Path(out) / "experiment.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        why = "" if isinstance(data, dict) and isinstance(data.get("hash"), str) else "it has no experiment hash"
    except (UnicodeDecodeError, ValueError) as err:
        why = f"not valid JSON: {err}"
    except OSError as err:
        raise SetupError(f"{path}: cannot read it ({err.strerror or err})") from None
    if why:
        raise CorruptManifestError(
            f"{path}: is damaged ({why}). The finished runs in {Path(out) / RUNS} are not affected: "
            f"`coprod sweep EXPERIMENT --out {out} --resume`, with the experiment file this sweep "
            "was started from, rewrites it after checking the runs carry that experiment's hash")
    return data


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(out / "experiment.json", lambda h: h.write(text.encode()))


def _part_hashes(out: Path) -> set[str]:
    hashes = set()
    for path in sorted((out / RUNS).glob("part-*.parquet")):
        try:
            hashes.add((pq.read_schema(path).metadata or {}).get(HASH_KEY, b"").decode())
        except (OSError, pa.ArrowException, ValueError):
            continue  # unreadable: verification moves it aside later
    return hashes


def prepare(out: Path, manifest: dict[str, Any], resume: bool) -> list[str]:
    """Create or check the output directory before a sweep starts (the caller holds its lock).

    Without `resume`, `out` must not hold a sweep yet; ``experiment.json`` is written. With
    `resume`, an existing ``experiment.json`` must have the same hash as `manifest`; a
    damaged one is rewritten when the parts carry `manifest`'s hash.

    Returns:
        Notes for the user (a rewritten ``experiment.json``).

    Raises:
        SetupError: `out` already holds a sweep (no `resume`), or the experiment changed
            since it started (the message lists what changed).
    """
    out = Path(out)
    parts = any((out / RUNS).glob("*.parquet")) if (out / RUNS).is_dir() else False
    try:
        old = read_manifest(out)
    except CorruptManifestError:
        if not resume:
            raise
        foreign = _part_hashes(out) - {manifest["hash"]}
        if foreign:
            raise SetupError(f"--resume {out}: experiment.json is damaged and the runs were made by "
                             "another experiment (their hash differs); run it with another --out") from None
        _write_manifest(out, manifest)
        return ["rewrote the damaged experiment.json from the experiment file (the runs carry its hash)"]
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
        return []
    (out / RUNS).mkdir(parents=True, exist_ok=True)
    _write_manifest(out, manifest)
    return []


def checksum_entry(name: str, data: bytes, table: pa.Table) -> dict[str, Any]:
    """The ``_checksums.jsonl`` line of a part: name, SHA-256, size, runs and rows."""
    runs = pc.count_distinct(table.column("run_id")).as_py()
    return {"part": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "runs": runs, "rows": table.num_rows}


def read_checksums(out: Path) -> dict[str, dict[str, Any]]:
    """Part name -> its checksum entry (the last one of each name; a torn last line is skipped)."""
    path = Path(out) / RUNS / CHECKSUMS
    entries: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return entries
    for line in lines:
        try:
            entry = json.loads(line)
            entries[str(entry["part"])] = entry
        except (ValueError, KeyError, TypeError):
            continue  # a line cut by a kill mid-write: its part never reached its final name
    return entries


def rewrite_checksums(out: Path, entries: list[dict[str, Any]]) -> None:
    """Replace ``_checksums.jsonl`` with `entries` (atomically; drops torn and stale lines)."""
    text = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
    write_atomic(Path(out) / RUNS / CHECKSUMS, lambda h: h.write(text.encode()))


class Store:
    """Writes the part files of one sweep, each with its checksum recorded first."""

    def __init__(self, out: Path):
        """Write into ``out/runs`` (created by `prepare`)."""
        self.dir = Path(out) / RUNS

    def write(self, table: pa.Table) -> Path:
        """Write one chunk's table as a part file, atomically; returns its path."""
        runs = table.column("run_id")
        first, last = pc.min(runs).as_py(), pc.max(runs).as_py()
        path = self.dir / f"part-{first:09d}-{last:09d}.parquet"
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd", write_page_checksum=True)
        data = sink.getvalue().to_pybytes()
        self._append_checksum(json.dumps(checksum_entry(path.name, data, table), sort_keys=True) + "\n")
        write_atomic(path, lambda handle: handle.write(data))
        return path

    def _append_checksum(self, line: str) -> None:
        """Append one line to ``_checksums.jsonl`` and fsync it (before its part is renamed in)."""
        fd = os.open(self.dir / CHECKSUMS, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)


def move_aside(out: Path, path: Path) -> Path:
    """Move a part that failed verification to ``DIR/rejected/`` (kept, never read); its new path."""
    folder = Path(out) / REJECTED
    folder.mkdir(exist_ok=True)
    target, n = folder / path.name, 1
    while target.exists():
        target, n = folder / f"{path.stem}.{n}{path.suffix}", n + 1
    os.replace(path, target)
    fsync_dir(path.parent)
    return target


def iter_parts(out: Path, columns: list[str] | None = None,
               keep: dict[Path, set[int]] | None = None) -> Iterator[pa.Table]:
    """Read the part files of `out` one at a time, only the given `columns`.

    Args:
        out: The output directory.
        columns: Columns to read (default all).
        keep: Verified parts and the runs to read from each (`sim.sweep.verify.Scan.keep`);
            default every part file, every row.
    """
    paths = sorted(keep) if keep is not None else sorted((Path(out) / RUNS).glob("part-*.parquet"))
    for path in paths:
        table = pq.read_table(path, columns=columns, page_checksum_verification=True)
        if keep is not None and "run_id" in table.column_names:
            wanted = keep[path]
            if len(wanted) < len(pc.unique(table.column("run_id"))):
                table = table.filter(pc.is_in(table.column("run_id"), pa.array(sorted(wanted), pa.int64())))
        yield table
