"""One writer per output folder: a lock file naming the writer (pid, host, command, start).

``with hold(out, "coprod sweep gc.yaml --resume") as notes:`` makes this process the only
writer of `out` until the block ends. The lock is ``DIR/.coprod.lock``: an exclusive,
non-blocking `fcntl.flock` on it is the lock itself (the kernel releases it when the
process dies, however it dies), and its content says who holds it, so a refused second
writer can name the first. A lock file whose content names a writer but that nobody
holds is a stale lock left by a killed process: it is taken over, and `notes` says so.

`process_alive` (a pid that exists and is not a zombie) serves the few places that must
know whether another process still runs: file systems without `flock` (the lock then
falls back to checking the pid named in the file) and the workers' watchdog.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.primitives.errors import SetupError

LOCK = ".coprod.lock"
#: Locks this process holds: path -> (file descriptor, depth), so `hold` nests.
_HELD: dict[Path, list[int]] = {}


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (an exited, unreaped process)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        pass
    if not Path("/proc/self/stat").exists():  # not Linux: no state to read
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # it exited just now
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def describe(holder: dict[str, Any]) -> str:
    """``pid 4242 on host lab-3 since 2026-05-01 10:00 UTC (coprod sweep ...)``."""
    since = f" since {holder['since']}" if holder.get("since") else ""
    what = f" ({holder['command']})" if holder.get("command") else ""
    return f"pid {holder.get('pid', '?')} on host {holder.get('host', '?')}{since}{what}"


def _read(fd: int) -> dict[str, Any] | None:
    data = os.pread(fd, 4096, 0)
    try:
        holder = json.loads(data.decode())
    except (UnicodeDecodeError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _refuse(folder: Path, holder: dict[str, Any] | None) -> SetupError:
    who = describe(holder) if holder else "another process"
    return SetupError(
        f"--out {folder}: {who} is writing to it; only one sweep or report may write an "
        "output folder at a time. Wait for it to finish (or stop it), then run this again")


def _acquire(folder: Path, command: str) -> tuple[int, list[str]]:
    path = folder / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl_lock(fd)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise _refuse(folder, holder) from None
        except OSError as err:
            if err.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                os.close(fd)
                raise
            holder = _read(fd)  # no flock here: trust the pid the file names, if on this host
            if holder and (holder.get("host") != socket.gethostname() or process_alive(int(holder.get("pid", 0)))):
                os.close(fd)
                raise _refuse(folder, holder) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:  # released (and removed) between our open and our lock
            same = False
        if same:
            break
        os.close(fd)
    notes = []
    if (old := _read(fd)) is not None:
        notes.append(f"took over the lock of {describe(old)}: that process no longer holds it")
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
              "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
    data = json.dumps(holder).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)
    return fd, notes


def fcntl_lock(fd: int) -> None:
    """An exclusive, non-blocking lock on `fd` (BlockingIOError if another process holds it)."""
    if sys.platform == "win32":  # pragma: no cover - no flock: fall back to the pid check
        raise OSError(errno.ENOSYS, "no flock")
    import fcntl  # noqa: PLC0415 (POSIX only)

    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextmanager
def hold(folder: str | Path, command: str = "") -> Iterator[list[str]]:
    """Be the only writer of `folder` (created if needed) for the duration of the block.

    Args:
        folder: The output folder.
        command: What this process is doing, for the message a refused writer shows.

    Yields:
        Notes to show the user (a stale lock taken over).

    A folder this call created is removed again if nothing was written into it.

    Raises:
        SetupError: Another live process holds the lock (the message names it), or the
            folder cannot be created.
    """
    folder = Path(folder)
    key = folder.resolve()
    if key in _HELD:  # this process already holds it (a sweep then its report)
        _HELD[key][1] += 1
        try:
            yield []
        finally:
            _HELD[key][1] -= 1
        return
    if folder.exists() and not folder.is_dir():
        raise SetupError(f"--out {folder}: is a file, not a folder; choose a folder")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, notes = _acquire(folder, command)
    except OSError as err:
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise SetupError(f"--out {folder}: cannot write to it ({err.strerror or err})") from None
    _HELD[key] = [fd, 1]
    try:
        yield notes
    finally:
        del _HELD[key]
        try:
            (folder / LOCK).unlink(missing_ok=True)  # while still holding it: see _acquire
            if created and not any(folder.iterdir()):  # nothing was written: leave no trace
                folder.rmdir()
        except OSError:
            pass
        os.close(fd)
