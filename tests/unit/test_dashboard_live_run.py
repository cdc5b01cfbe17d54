"""The live run's actions: Step and Play pressed while a model is built, and the planned months.

The builds here are held at a gate (a deliberately slow build, released by the test), so
what is pressed meanwhile is pressed during the build for certain, with no clock.
"""

from __future__ import annotations

import threading

import pytest

from dashboards import state
from dashboards.runs import VIEWS, Run
from dashboards.settings import Settings
from sim.primitives.errors import InputError, Origin, Problem
from tests.helpers import wait_until

SMALL = Settings("consultative").with_overrides({"citizens": 150}).with_steps(24)


class SlowBuild:
    """`Run.start` held until `release` (or failing then, if `fail`); counts its builds."""

    def __init__(self):
        self.build = Run.start  # the real one (the test puts this object in its place)
        self.gate = threading.Event()
        self.started = threading.Event()
        self.fail = False

    def __call__(self, settings: Settings) -> Run:
        self.started.set()
        self.gate.wait()
        if self.fail:
            raise InputError(Problem("citizens", "refused by the test", origin=Origin("dashboard")))
        return self.build(settings)

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def slow(monkeypatch):
    """The dashboard's builds go through a `SlowBuild`; the session's state is fresh and closed after."""
    build = SlowBuild()
    monkeypatch.setattr(Run, "start", staticmethod(build))
    for reactive, fresh in ((state.current_run, None), (state.run_error, None), (state.busy, None),
                            (state.playing, False), (state.queued, state.Queued()), (state.settings, SMALL)):
        reactive.set(fresh)
    yield build
    build.release()
    assert wait_until(lambda: state.busy.value is None, 60)
    run = state.current_run.value
    if run is not None:
        run.close()
    state.current_run.set(None)


def _idle() -> bool:
    return state.busy.value is None


def _live_run(build: SlowBuild) -> Run:
    """A first run, built at once (the page's run before the one under test is built)."""
    build.release()
    state.start_run(SMALL)
    assert wait_until(_idle, 60)
    build.gate.clear()
    build.started.clear()
    run = state.current_run.value
    assert run is not None and run.steps == 0
    return run


def test_step_pressed_while_a_model_is_built_acts_on_the_new_run(slow):
    old = _live_run(slow)
    state.start_run(SMALL)  # "Load into the live run": a new model, built in the background
    assert wait_until(slow.started.is_set, 30)
    state.step_once()
    state.step_once()
    slow.release()
    assert wait_until(_idle, 60)
    new = state.current_run.value
    assert new is not None and new is not old
    assert new.steps == 2 and old.steps == 0  # both Steps reached the new run, none the old one
    assert state.run_error.value is None


def test_what_is_queued_is_shown_and_play_follows_the_steps(slow):
    state.start_run(SMALL)
    assert wait_until(slow.started.is_set, 30)
    state.step_once()
    state.play()
    assert state.queued.value == state.Queued(steps=1, play=True)
    assert state.queued.value.text() == "Then: 1 step and play."
    slow.release()
    assert wait_until(_idle, 60)
    run = state.current_run.value
    assert run is not None and run.steps >= 1 and run.player.playing and state.playing.value
    assert wait_until(lambda: run.steps >= 3, 60)  # it plays
    state.pause()
    assert not run.player.playing and not state.queued.value


def test_pause_during_a_build_cancels_a_queued_play(slow):
    state.start_run(SMALL, and_play=True)  # "Load and play"
    assert state.queued.value == state.Queued(play=True)
    state.pause()
    assert not state.queued.value
    slow.release()
    assert wait_until(_idle, 60)
    run = state.current_run.value
    assert run is not None and not run.player.playing and not state.playing.value and run.steps == 0


def test_a_failed_build_drops_what_was_pressed_and_says_why(slow):
    old = _live_run(slow)
    slow.fail = True
    state.start_run(SMALL)
    state.step_once()
    state.play()
    slow.release()
    assert wait_until(_idle, 60)
    assert "refused by the test" in (state.run_error.value or "")
    assert state.current_run.value is old and old.steps == 0 and not old.player.playing
    assert not state.queued.value


def test_changed_planned_months_redraw_the_timelines_on_the_new_axis():
    run = Run.start(SMALL)
    run.visible.update(VIEWS)
    run.draw(VIEWS)
    before = dict(run.frames)
    assert all(run.figures[v].months == 24 for v in run.figures)
    run.set_horizon(60)
    assert run.stale()  # the frame loop draws again, though the run did not move
    run.draw(VIEWS)
    for view, figure in run.figures.items():
        assert figure.months == 60 and all(ax.get_xlim() == (0, 60) for ax in figure.axes)
        assert run.frames[view] != before[view]
    assert run.frames["network"] == before["network"]  # not a timeline: not redrawn
    for _ in range(12):
        run.step()
    run.set_horizon(10)  # fewer months than the run has: the axis still shows them all
    run.draw(VIEWS)
    assert all(figure.months == 18 for figure in run.figures.values())
    run.close()
