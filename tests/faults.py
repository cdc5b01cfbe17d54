"""Run the ``coprod`` command line with one fault injected at a chosen moment.

``python -m tests.faults FAULT N sweep EXPERIMENT --out DIR ...`` (from the repository root)
runs `sim.cli.entry` in this process with FAULT injected at the N-th part the coordinator
writes (1-based), through the real code path up to that moment:

- ``mid-checksum``: half of the part's ``_checksums.jsonl`` line is written, then SIGKILL;
- ``mid-write``: half of the part's bytes are in its temporary file, then SIGKILL;
- ``before-rename``: the whole part is in its temporary file, fsync'ed, then SIGKILL;
- ``after-rename``: the part is in place, then SIGKILL (before the directory fsync);
- ``enospc``: writing the part fails with "No space left on device" (the sweep stops
  cleanly, exit 2);
- ``hang``: the coordinator stops before writing the part and waits, holding the output
  folder's lock, until it is killed (a writer that stays alive, for the lock tests); it
  creates the file ``$COPROD_FAULT_READY`` names once it waits.

``none`` runs the command unchanged. The fault-injection tests use it; a real ``kill -9``
at a random moment is sent from outside.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
import time
from pathlib import Path

FAULTS = ("none", "mid-checksum", "mid-write", "before-rename", "after-rename", "enospc", "hang")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install(fault: str, nth: int) -> None:
    """Patch the part-writing path so `fault` happens at the `nth` part written."""
    from sim.primitives.files import TEMP  # noqa: PLC0415
    from sim.sweep import store  # noqa: PLC0415

    count = {"parts": 0}
    real_write_atomic, real_append = store.write_atomic, store.Store._append_checksum

    def append(self, line: str) -> None:
        count["parts"] += 1
        if fault == "hang" and count["parts"] == nth:
            Path(os.environ.get("COPROD_FAULT_READY", os.devnull)).touch()
            while True:
                time.sleep(0.1)
        if fault == "mid-checksum" and count["parts"] == nth:
            with open(self.dir / store.CHECKSUMS, "ab") as handle:
                handle.write(line.encode()[: len(line) // 2])
                handle.flush()
                os.fsync(handle.fileno())
            _die()
        real_append(self, line)

    def write_atomic(path: Path, write) -> None:
        hit = path.name.startswith("part-") and count["parts"] == nth
        if hit and fault == "enospc":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        if hit and fault in ("mid-write", "before-rename"):
            buffer = io.BytesIO()
            write(buffer)
            data = buffer.getvalue()
            with open(path.with_name(f"{TEMP}fault-{path.name}"), "wb") as handle:
                handle.write(data[: len(data) // 2] if fault == "mid-write" else data)
                handle.flush()
                os.fsync(handle.fileno())
            _die()
        real_write_atomic(path, write)
        if hit and fault == "after-rename":
            _die()

    store.Store._append_checksum = append  # type: ignore[method-assign]
    store.write_atomic = write_atomic


def main() -> int:
    """``FAULT N COPROD-ARGS...``."""
    fault, nth, *args = sys.argv[1:]
    if fault not in FAULTS:
        raise SystemExit(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
    if fault != "none":
        install(fault, int(nth))
    from sim.cli import entry  # noqa: PLC0415

    sys.argv = ["coprod", *args]
    return entry()


if __name__ == "__main__":
    sys.exit(main())
