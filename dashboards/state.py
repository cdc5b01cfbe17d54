"""Per-session state of the dashboard and the actions that change the live run.

Module-level reactives are scoped to one browser session in Solara; every view module
reads and sets them here, so the views stay free of each other. Anything that can take
more than half a second (building a model, running A and B, a lesson's baseline) runs in
a thread while `busy` (or the view's own busy value) says what is going on; the page
never waits for it.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

import solara
from mesa.visualization.utils import force_update

from dashboards.ab import Comparison
from dashboards.results import Policy
from dashboards.runs import Run
from dashboards.settings import Settings, scenarios
from sim.primitives.errors import InputError

DEFAULT_SCENARIO = "consultative"
#: Seconds Pause waits for the step under way, so the page shows where the run stopped at once.
PAUSE_SETTLE = 0.25


def _default_settings() -> Settings:
    names = [name for name, _ in scenarios()]
    return Settings(DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])


settings = solara.reactive(_default_settings())  # Settings being edited in the sidebar
field_errors = solara.reactive(cast(dict[str, tuple[str, str]], {}))  # parameter name -> (text typed, message)
current_run = solara.reactive(cast("Run | None", None))
run_error = solara.reactive(cast("str | None", None))  # message of the last failed Reset / step
busy = solara.reactive(cast("str | None", None))  # what the live run is waiting for (Reset)
playing = solara.reactive(False)
speed = solara.reactive(10)  # steps per second while playing
classroom = solara.reactive(False)  # few levers, large type
tab_index = solara.reactive(0)
ab_overrides = solara.reactive(cast(dict[str, dict[str, Any]], {"A": {}, "B": {}}))  # governance overrides per side
ab_errors = solara.reactive(cast(dict[str, dict[str, tuple[str, str]]], {"A": {}, "B": {}}))
ab_result = solara.reactive(cast("Comparison | None", None))
ab_svg_text = solara.reactive("")  # its chart, inline SVG
ab_message = solara.reactive(cast("str | None", None))
ab_busy = solara.reactive(cast("str | None", None))
ab_steps = solara.reactive("")
lesson_index = solara.reactive(0)  # the lesson shown in the teaching tab
active_lesson = solara.reactive(cast("int | None", None))  # the lesson loaded into the live run
results_folder = solara.reactive("runs")  # where the results explorer looks
results_chosen = solara.reactive(cast("str | None", None))  # the output folder shown
results_pick = solara.reactive(cast("str | None", None))  # the policy picked in it
_request = solara.reactive(cast(object, None))  # the latest Reset asked for (older ones are dropped)


@dataclass(frozen=True)
class Queued:
    """Step and Play pressed while a model is being built: taken by the new model once it is ready.

    Attributes:
        steps: Steps pressed (taken at once, in one go).
        play: Play pressed (and not paused since): the new run plays after its steps.
    """

    steps: int = 0
    play: bool = False

    def __bool__(self) -> bool:
        return bool(self.steps or self.play)

    def text(self) -> str:
        """What the new run will do first, in words (shown under the busy indicator)."""
        parts = [f"{self.steps} step{'s' if self.steps > 1 else ''}"] if self.steps else []
        return "Then: " + " and ".join(parts + (["play"] if self.play else [])) + "."


queued = solara.reactive(Queued())
# A press (the page's thread) and the end of a build (its own thread) take turns on `queued`
# and `busy`, so a Step pressed just as a build ends is either queued and taken, or run.
_queue_lock = threading.Lock()


def _message(err: Exception, doing: str) -> str:
    if isinstance(err, InputError):
        return err.message
    traceback.print_exc()
    return f"could not {doing}: {type(err).__name__}: {err}"


def in_background(work: Callable[[], Any], done: Callable[[Any, str | None], None], doing: str) -> None:
    """Run `work` in a thread; then `done(result, None)` or `done(None, message)`.

    The thread carries the session's context (Solara's threads do), so `done` may set
    reactives. Errors become messages, never a crash in front of a class.
    """

    def target() -> None:
        try:
            result = work()
        except Exception as err:
            done(None, _message(err, doing))
            return
        done(result, None)

    threading.Thread(target=target, name="coprod-busy", daemon=True).start()


def start_run(new_settings: Settings | None = None, and_play: bool = False) -> None:
    """Reset: build a new model from the settings in the background (busy meanwhile).

    Step and Play pressed meanwhile are queued (`queued`) and act on the new run once it is
    live; `and_play` queues a Play ("Load and play"). If the build fails, they are dropped
    and the error is shown.
    """
    chosen = new_settings or settings.value
    old = current_run.value
    if old is not None:
        old.player.pause()
    playing.set(False)
    request = object()
    _request.set(request)
    try:
        citizens = chosen.values()["citizens"]
        busy.set(f"Building the model: {citizens:,} citizens and their network…")
    except InputError as err:
        run_error.set(err.message)
        with _queue_lock:
            busy.set(None)
            queued.set(Queued())
        return
    if and_play:
        with _queue_lock:
            queued.set(replace(queued.value, play=True))

    def done(run: Run | None, error: str | None) -> None:
        if _request.value is not request:  # a newer Reset was asked for meanwhile
            if run is not None:
                run.close()
            return
        if run is not None:
            if old is not None:
                old.close()
            run.player.speed = speed.value
            latest = settings.value  # planned months typed while the model was being built
            if (latest.scenario, latest.overrides) == (chosen.scenario, chosen.overrides) \
                    and latest.horizon() != run.horizon:
                run.set_horizon(latest.horizon())
            current_run.set(run)
        run_error.set(error)
        _take_queued(run)

    in_background(lambda: Run.start(chosen), done, "build the model")


def _take_queued(run: Run | None) -> None:
    """The build ended: the Steps pressed meanwhile (and during them), then Play; busy off.

    Without a run (the build failed) what was pressed is dropped: the error is shown.
    """
    while True:
        with _queue_lock:
            waiting = queued.value
            if run is None or not waiting.steps:
                queued.set(Queued())
                if run is not None and waiting.play:
                    _play(run)
                busy.set(None)
                break
            queued.set(replace(waiting, steps=0))
            busy.set(f"Taking the {waiting.steps} step{'s' if waiting.steps > 1 else ''} "
                     "pressed while the model was built…")
        if not _advance(run, waiting.steps):
            with _queue_lock:
                queued.set(Queued())
                busy.set(None)
            break
    force_update()


def _advance(run: Run, steps: int) -> bool:
    """Step `run` `steps` times; an error stops the run and is shown (returns False)."""
    try:
        run.step(steps)
    except Exception as err:
        playing.set(False)
        run_error.set(_message(err, "step"))
        return False
    return True


def step_once() -> None:
    """Advance the live run by one step (the frame loop shows it); queued during a build."""
    with _queue_lock:
        if busy.value:
            queued.set(replace(queued.value, steps=queued.value.steps + 1))
            return
    run = current_run.value
    if run is not None:
        _advance(run, 1)


def play() -> None:
    """Start or continue playing (past the planned horizon too); queued during a build."""
    with _queue_lock:
        if busy.value:
            queued.set(replace(queued.value, play=True))
            return
    run = current_run.value
    if run is not None:
        _play(run)


def _play(run: Run) -> None:
    run.player.speed = speed.value
    run.player.play()
    playing.set(True)


def pause() -> None:
    """Pause: the player stops before its next step, at once; the page follows (a queued Play is dropped)."""
    with _queue_lock:
        if queued.value.play:
            queued.set(replace(queued.value, play=False))
    run = current_run.value
    if run is not None:
        run.player.pause(settle=PAUSE_SETTLE)
    playing.set(False)
    force_update()  # the month and values the run stopped at, now; the images follow


def set_speed(value: int) -> None:
    """Steps per second while playing (takes effect at the next step)."""
    speed.set(int(value))
    run = current_run.value
    if run is not None:
        run.player.speed = int(value)


def apply_levers() -> None:
    """Apply the sidebar's changed levers to the running model from the next month on."""
    run = current_run.value
    if run is None:
        return
    try:
        run.apply(settings.value)
    except InputError as err:
        run_error.set(err.message)
        return
    run_error.set(None)
    force_update()


#: The tabs, in the order `app.Page` shows them (`tab_index`).
TABS = ("live", "ab", "teaching", "info", "results")


def load_policy(policy: Policy) -> None:
    """The results explorer's "Load into the live run": its settings in the sidebar, reset, Live tab."""
    try:
        new = policy.settings()
    except InputError as err:
        run_error.set(err.message)
        return
    field_errors.set({})
    active_lesson.set(None)
    settings.set(new)
    tab_index.set(TABS.index("live"))
    start_run(new)


def policy_to_ab(policy: Policy, side: str) -> None:
    """The results explorer's "Set as A / B": its levers on that side, its base in the sidebar."""
    try:
        base = policy.base_settings()
    except InputError as err:
        ab_message.set(err.message)
        return
    current = settings.value
    if (current.scenario, dict(current.overrides)) != (base.scenario, dict(base.overrides)):
        field_errors.set({})
        active_lesson.set(None)
        settings.set(base)
        ab_overrides.set({"A": {}, "B": {}})
        start_run(base)
    ab_overrides.set({**ab_overrides.value, side: policy.overrides()})
    ab_errors.set({**ab_errors.value, side: {}})
    ab_result.set(None)
    if policy.steps:
        ab_steps.set(str(policy.steps))
    tab_index.set(TABS.index("ab"))
