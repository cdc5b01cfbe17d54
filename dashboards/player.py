"""The play loop: steps in its own thread, never waits for drawing; frames wait for the browser.

Two loops, decoupled so that the page stays responsive whatever the machine's load:

- `Player` steps the model at the chosen speed in a plain thread. It never draws and never
  touches the page; after each step it sets `wake`. When it falls behind (a step took
  longer than its slot) it does not try to catch up, it just carries on: steps are never
  queued. `pause` takes effect before the next step (the thread checks a flag, so Pause
  never waits for a drawing or for the page). It pauses by itself once, when the run
  reaches its planned horizon; Play then continues past it.
- `FrameGate` is the frame side's back-pressure: a frame is sent to the browser only once
  the browser has shown the previous one (each image reports its ``load``), or after
  `ACK_TIMEOUT`. Frames that would be behind are never drawn: the next frame shows the
  newest step. So the browser never receives a backlog of frames, and a click (Pause)
  is never stuck behind one.

Both are plain Python (no Solara), tested without a browser.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: Seconds a frame waits for the browser to show the previous one before it is sent anyway.
ACK_TIMEOUT = 1.0
SPEED_MAX = 60


class Player:
    """Steps a run in a background thread at `speed` steps per second until paused.

    Args:
        step: Advances the model one step and returns the steps taken so far.
        horizon: Planned steps; playing pauses by itself the first time the run reaches them.
        wake: Set after every step and every change of state (the frame loop waits on it).
    """

    def __init__(self, step: Callable[[], int], horizon: int, wake: threading.Event):
        """Prepare a player; the thread starts at the first `play`."""
        self._step = step
        self.horizon = horizon
        self.wake = wake
        self.speed = 10
        self.error: str | None = None
        self.reached_horizon = False
        self._playing = threading.Event()
        self._tick = threading.Event()
        self._idle = threading.Event()  # clear while a step is under way
        self._idle.set()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def playing(self) -> bool:
        """Whether the player is stepping."""
        return self._playing.is_set()

    def play(self) -> None:
        """Start (or continue) stepping, past the horizon if it was reached."""
        with self._lock:
            if self._closed:
                return
            self.error = None
            self._playing.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="coprod-player", daemon=True)
                self._thread.start()
        self._tick.set()
        self.wake.set()

    def pause(self, settle: float = 0.0) -> bool:
        """Stop before the next step; wait up to `settle` seconds for the step under way.

        Waiting lets the page show the month the run stopped at in the same update as the
        Play label (a step that takes longer finishes later and is shown then). Returns
        whether no step is under way any more.
        """
        self._playing.clear()
        self._tick.set()
        self.wake.set()
        return self._idle.wait(settle) if settle > 0 else self._idle.is_set()

    def close(self) -> None:
        """Stop for good (the run is replaced or the page closed)."""
        with self._lock:
            self._closed = True
        self.pause()

    def mark_steps(self, steps: int) -> None:
        """Note steps taken outside the player (Step): past the horizon, no more auto-pause."""
        if steps >= self.horizon:
            self.reached_horizon = True

    def _loop(self) -> None:
        next_at = time.monotonic()
        while not self._closed:
            if not self._playing.is_set():
                self._tick.wait()
                self._tick.clear()
                next_at = time.monotonic()
                continue
            self._idle.clear()
            if not self._playing.is_set():  # paused meanwhile: Pause saw no step under way
                self._idle.set()
                continue
            try:
                steps = self._step()
            except Exception as err:  # shown on the page; the player stops
                self.error = f"error in step: {type(err).__name__}: {err}"
                self._playing.clear()
                self.wake.set()
                continue
            finally:
                self._idle.set()
            if steps >= self.horizon and not self.reached_horizon:
                self.reached_horizon = True
                self._playing.clear()  # the planned end: pause once; Play continues
            self.wake.set()
            next_at += 1.0 / max(1, min(self.speed, SPEED_MAX))
            delay = next_at - time.monotonic()
            if delay > 0:
                self._tick.wait(delay)
                self._tick.clear()
            else:
                next_at = time.monotonic()  # behind: carry on, never queue steps


class FrameGate:
    """Back-pressure for frames: the next frame waits until the browser showed the last one.

    Each image sent with a frame is `sent` under its name; the browser reports it `shown`
    when its ``load`` event fires. `ready` holds when every image of the last frame was shown
    (or `ACK_TIMEOUT` passed, in case an image never loads, e.g. its tab was closed).
    """

    def __init__(self, wake: threading.Event | None = None):
        """An open gate; `wake` is set when the browser reports a frame shown."""
        self._lock = threading.Lock()
        self._pending: dict[str, int] = {}
        self._since = 0.0
        self.wake = wake

    def sent(self, name: str, frame: int) -> None:
        """Image `name` of frame `frame` was handed to the page."""
        with self._lock:
            self._pending[name] = frame
            self._since = time.monotonic()

    def shown(self, name: str, frame: int) -> None:
        """The browser showed image `name` of frame `frame` (or a later one)."""
        with self._lock:
            if name in self._pending and frame >= self._pending[name]:
                del self._pending[name]
        if self.wake is not None:
            self.wake.set()

    def forget(self, name: str) -> None:
        """Image `name` left the page: do not wait for it."""
        with self._lock:
            self._pending.pop(name, None)

    def ready(self) -> bool:
        """Whether the next frame may be sent."""
        with self._lock:
            return not self._pending or time.monotonic() - self._since > ACK_TIMEOUT
