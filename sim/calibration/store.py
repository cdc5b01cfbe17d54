"""A fit's output folder: its manifest, its one writer, and pyabc's history in it.

Layout (docs/calibration.md)::

    DIR/calibration.json    the resolved targets and their hash (written first)
    DIR/history.db          pyabc's SQLite history: every stored generation
    DIR/statistics.json     each statistic's observed value, weight and scale
    DIR/posterior.csv ...   the outputs (`sim.calibration.outputs`), rewritten at the end

pyabc commits each generation to the SQLite file in one transaction, so a fit killed at
any moment (even SIGKILL) leaves whole generations; ``--resume`` continues from them,
refusing if the targets changed (the hash, with the list of what changed). One process
writes a folder at a time: it holds an exclusive lock on ``DIR/.lock`` (released by the
system when the process ends, however it ends).
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path
from typing import IO, Any

from sim.calibration.targets import STOPPING, Targets
from sim.primitives.errors import SetupError
from sim.primitives.files import write_atomic
from sim.sweep.store import diff

MANIFEST, HISTORY, LOCK = "calibration.json", "history.db", ".lock"


def manifest(targets: Targets) -> dict[str, Any]:
    """The content of ``calibration.json``."""
    return {"format": 1, "hash": targets.hash, "name": targets.name, "file": targets.label,
            "description": targets.description, "targets": targets.canonical(),
            "stopping": {k: getattr(targets, k) for k in STOPPING}}


def history_url(out: Path) -> str:
    """The SQLAlchemy address of the fit's history."""
    return f"sqlite:///{(Path(out) / HISTORY).resolve()}"


def hold(out: Path) -> IO[bytes]:
    """Create `out` if needed and lock it for this process (keep the returned file open).

    Raises:
        SetupError: Another process is writing to `out`, or it cannot be created.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(out / LOCK, "ab")  # noqa: SIM115 (held open for the whole fit)
    except OSError as err:
        raise SetupError(f"--out {out}: cannot write there ({err.strerror or err})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise SetupError(f"--out {out}: another coprod calibrate is writing to it; wait for it to end "
                         "or choose another directory") from None
    return handle


def prepare(out: Path, content: dict[str, Any], resume: bool) -> bool:
    """Check `out` before a fit; write ``calibration.json`` for a new one.

    Returns:
        Whether a history to continue exists.

    Raises:
        SetupError: `out` holds a fit and `resume` is not set; or `resume` is set and the
            targets changed since (the message lists what changed).
    """
    path, history = out / MANIFEST, out / HISTORY
    old = None
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise SetupError(f"{path}: cannot read it ({err}); remove the directory to start again") from None
    if old is not None or history.exists():
        if not resume:
            raise SetupError(f"--out {out}: already holds a calibration; add --resume to continue it, or "
                             "choose another directory (or remove this one) to start again")
        if old is None:
            raise SetupError(f"--out {out}: has a history.db but no {MANIFEST}, so it cannot be checked; "
                             "remove the directory to start again")
        if old.get("hash") != content["hash"]:
            changes = diff(old.get("targets", {}), content["targets"]) or ["its hash"]
            changes = [f"{c} (the sim package's code was edited or upgraded)" if c.startswith("model_code")
                       else c for c in changes]
            more = f"; and {len(changes) - 6} more" if len(changes) > 6 else ""
            raise SetupError(f"--resume {out}: the targets changed since this fit started "
                             f"({'; '.join(changes[:6])}{more}); refusing to continue it with other "
                             "targets. Use another --out, or undo the change")
        _write(path, content)  # the stopping rules may have changed: record the current ones
        return history.exists()
    _write(path, content)
    return False


def _write(path: Path, content: dict[str, Any]) -> None:
    text = json.dumps(content, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(path, lambda h: h.write(text.encode()))
