"""Ctrl-C and SIGTERM on the command line: both stop a command cleanly with status 130.

`install` makes both raise `KeyboardInterrupt` (SIGTERM as its subclass `TerminatedError`)
and records that they arrived (one that lands in a finalizer or weakref callback, where
Python would print "Exception ignored" and drop it, is raised again a moment later): some libraries turn an interrupt during their import into
an ``ImportError`` of their own, and `stopped_by` still tells that the user stopped the
command. `ignore` is for the last moments of the process, when it exits anyway.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

RECEIVED: list[int] = []


class TerminatedError(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the same clean stop, the same resume hint."""


def _in_finalizer(frame: FrameType | None) -> bool:
    """Whether `frame` runs a finalizer or weakref callback, where Python ignores exceptions."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or code.co_qualname.endswith("Ref.remove") or \
                code.co_filename.endswith(("weakref.py", "_weakrefset.py")):
            return True
        frame = frame.f_back
    return False


def _stop(signum: int, frame: FrameType | None) -> None:
    if _in_finalizer(frame):  # raising here would print "Exception ignored" and lose it: a bit later
        threading.Timer(0.01, signal.raise_signal, (signum,)).start()
        return
    RECEIVED.append(signum)
    raise TerminatedError if signum == signal.SIGTERM else KeyboardInterrupt


def install() -> None:
    """Ctrl-C and SIGTERM raise (and are recorded) from now on."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def ignore() -> None:
    """Ctrl-C and SIGTERM are ignored from now on (the process is exiting)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def stopped_by(err: BaseException | None = None) -> str | None:
    """``interrupted`` or ``terminated`` if the command was stopped (by `err`, or a signal), else ``None``."""
    if isinstance(err, TerminatedError) or (err is None and signal.SIGTERM in RECEIVED):
        return "terminated"
    if isinstance(err, KeyboardInterrupt) or (err is None and RECEIVED):
        return "interrupted"
    return None
