"""The play loop: steps in its thread, pauses before the next step, once at the horizon."""

from __future__ import annotations

import threading

from dashboards import player as play
from dashboards.runs import Run, scenario_events
from dashboards.settings import Settings
from sim.inputs.events import events_of
from sim.model.coproduction import CoProductionModel
from tests.helpers import wait_until


class Counter:
    """A stand-in for a model step that counts and can be held mid-step."""

    def __init__(self):
        self.steps = 0
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Event()

    def __call__(self) -> int:
        self.entered.set()
        self.hold.wait()
        self.steps += 1
        return self.steps


def test_pause_stops_before_the_next_step_and_play_continues():
    step, wake = Counter(), threading.Event()
    p = play.Player(step, horizon=10_000, wake=wake)
    p.speed = play.SPEED_MAX
    p.play()
    assert wait_until(lambda: step.steps >= 3, 30)
    step.hold.clear()  # the next step is under way and held
    step.entered.clear()
    assert wait_until(step.entered.is_set, 30)
    p.pause()  # returns at once, while a step is still running
    assert not p.playing
    step.hold.set()
    held = step.steps + 1  # the step under way finishes; no other starts
    assert wait_until(lambda: step.steps == held, 30)
    assert not wait_until(lambda: step.steps > held, 1.0)
    p.play()
    assert wait_until(lambda: step.steps > held + 2, 30)
    p.close()


def test_pause_can_wait_for_the_step_under_way_so_the_page_shows_where_it_stopped():
    step, wake = Counter(), threading.Event()
    p = play.Player(step, horizon=10_000, wake=wake)
    p.speed = play.SPEED_MAX
    p.play()
    assert wait_until(lambda: step.steps >= 2, 30)
    step.hold.clear()
    step.entered.clear()
    assert wait_until(step.entered.is_set, 30)
    assert p.pause(settle=0.05) is False  # the held step is still under way
    returned = []
    waiter = threading.Thread(target=lambda: returned.append((p.pause(settle=60), step.steps)))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive()  # waiting for the step, not returning at once
    before = step.steps
    step.hold.set()
    waiter.join(60)
    assert returned == [(True, before + 1)]  # back once the step finished: the month to show
    assert not wait_until(lambda: step.steps > before + 1, 1.0)
    assert p.pause(settle=60) is True  # nothing under way: at once
    p.close()


def test_play_pauses_once_at_the_horizon_then_goes_past_it():
    step, wake = Counter(), threading.Event()
    p = play.Player(step, horizon=5, wake=wake)
    p.speed = play.SPEED_MAX
    p.play()
    assert wait_until(lambda: not p.playing, 30)
    assert step.steps == 5 and p.reached_horizon
    p.play()
    assert wait_until(lambda: step.steps > 8, 30)
    assert p.playing
    p.close()


def test_an_error_in_a_step_pauses_and_is_reported():
    def broken() -> int:
        raise ValueError("boom")

    p = play.Player(broken, horizon=5, wake=threading.Event())
    p.play()
    assert wait_until(lambda: p.error is not None, 30)
    assert "boom" in p.error and not p.playing
    p.close()


def test_the_gate_holds_a_frame_until_the_browser_showed_the_last():
    gate = play.FrameGate()
    assert gate.ready()
    gate.sent("outcomes", 3)
    gate.sent("network", 3)
    assert not gate.ready()
    gate.shown("outcomes", 2)  # an older frame: still waiting
    gate.shown("outcomes", 3)
    assert not gate.ready()
    gate.forget("network")  # the image left the page
    assert gate.ready()


def test_levers_applied_during_a_run_match_set_levers_and_become_events():
    settings = Settings("consultative").with_value("citizens", 300)
    run = Run.start(settings)
    run.step(5)
    new = settings.with_value("responsiveness", 0.9)
    assert run.can_apply(new) and not run.can_apply(settings.with_value("citizens", 400))
    run.apply(new)
    run.step(5)
    assert run.events == [(5, "responsiveness 0.9")]
    model = CoProductionModel(**settings.model_kwargs())
    for _ in range(5):
        model.step()
    model.set_levers(responsiveness=0.9)
    for _ in range(5):
        model.step()
    assert run.frame()["participation"].tolist() == model.datacollector.model_vars["participation"]
    assert not run.pending(new)
    run.close()


def test_a_scenarios_events_are_marked_on_the_live_run():
    settings = Settings("austerity_turn").with_value("citizens", 200)
    expected = sorted(events_of(settings.loaded()))
    assert expected and scenario_events(settings.loaded()) == expected
    run = Run.start(settings)
    assert run.events == expected
    run.close()


def test_events_given_to_a_run_are_marked_on_its_timelines():
    settings = Settings("consultative").with_value("citizens", 200)
    plain, marked = Run.start(settings), Run.start(settings, events=[(4, "budget cut"), (2, "new rule")])
    assert plain.events == [] and marked.events == [(2, "new rule"), (4, "budget cut")]
    for run in (plain, marked):
        run.step(6)
    a, b = plain.draw(["outcomes"])["outcomes"], marked.draw(["outcomes"])["outcomes"]
    assert a != b  # the same run, with two dashed lines and their labels
    assert plain.frame().equals(marked.frame())
    plain.close()
    marked.close()
