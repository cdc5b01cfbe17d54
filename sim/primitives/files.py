"""Atomic file and folder writes: a reader sees the old content or the new, never a mix.

A file is written to a hidden temporary sibling, flushed and fsync'ed, then renamed into
place (`os.replace` is atomic on POSIX); a folder of outputs is written whole into a
temporary sibling folder and renamed into place, the old folder moved aside first and
removed after.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TEMP = ".tmp-"


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (a rename) to disk, where the platform allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, write: Callable[[Any], None]) -> None:
    """Write `path` through a temporary sibling, fsync it, and rename it into place."""
    tmp = path.with_name(f"{TEMP}{uuid.uuid4().hex[:8]}-{path.name}")
    try:
        with open(tmp, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically (`write_atomic`)."""
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces `path` as a whole.

    On any failure (a full disk, Ctrl-C) the temporary folder is removed and `path` is
    left as it was, so a failed write never leaves partial files beside old ones.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{TEMP}{uuid.uuid4().hex[:8]}-{path.name}")
    tmp.mkdir()
    try:
        yield tmp
        for child in tmp.iterdir():
            if child.is_file():
                with open(child, "rb") as handle:
                    os.fsync(handle.fileno())
        old = path.with_name(f"{TEMP}old-{uuid.uuid4().hex[:8]}-{path.name}")
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
