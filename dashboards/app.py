"""The coprod browser dashboard: a Solara app on Mesa's SolaraViz conventions.

Serve it with ``coprod dashboard`` (or ``python -m dashboards``, ``make dashboard``); it
works offline (Solara's front-end assets come from the ``solara-assets`` package, charts
are matplotlib PNG/SVG drawn on the server, nothing is loaded from a CDN).

Like `mesa.visualization.SolaraViz`, the model lives in a reactive value, Reset rebuilds it
from the current parameters, and views re-render when Mesa's `update_counter` ticks
(`force_update`). Unlike SolaraViz, stepping and drawing are two loops (`dashboards.player`):
the player steps in its own thread and never draws; the frame pump (`FramePump`) draws the
views on the page and sends a frame only once the browser has shown the previous one, so
the page never queues frames and Pause acts at once whatever the load.

Layout: the sidebar holds the scenario, the run controls and the levers (plain words, idle
ones set aside; classroom mode shows a few in large type); the tabs show the live run, an
A/B comparison, the teaching sequence, the Info text and the results explorer.
"""

from __future__ import annotations

import html
import threading

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from dashboards import levers
from dashboards.ab_view import ABView
from dashboards.controls import SettingsEditor
from dashboards.info_view import InfoView
from dashboards.live_view import LiveView
from dashboards.player import SPEED_MAX
from dashboards.results_view import ResultsView
from dashboards.run_fields import MonthsField, SeedField
from dashboards.settings import Settings, scenarios, try_value
from dashboards.state import (
    ab_result,
    active_lesson,
    apply_levers,
    busy,
    classroom,
    current_run,
    field_errors,
    pause,
    play,
    playing,
    queued,
    run_error,
    set_speed,
    settings,
    speed,
    start_run,
    step_once,
    tab_index,
)
from dashboards.style_sheet import CSS
from dashboards.teaching_view import TeachingView
from sim.inputs.scenario import load_scenario
from sim.primitives.errors import InputError

#: Shortest time between two frames (the rest is left for stepping and for clicks).
MIN_FRAME_GAP = 0.04


def edit_sidebar(name: str, text: object) -> None:
    """Validate one edit of the sidebar's settings; keep the typed text and message if bad."""
    new, message = try_value(settings.value, name, text)
    errors = dict(field_errors.value)
    if message:
        errors[name] = (str(text), message)
    else:
        errors.pop(name, None)
        settings.set(new)
    field_errors.set(errors)


@solara.component
def SidebarSettings():
    """The sidebar's levers: all of them, or the classroom few."""
    current = settings.value
    values = solara.use_memo(current.values, [current])
    locked = solara.use_memo(current.locked, [current.scenario])
    only = tuple(levers.classroom(list(values))) if classroom.value else None
    SettingsEditor(values, field_errors.value, edit_sidebar, locked=locked, only=only)


def choose_scenario(name: str) -> None:
    """Switch to a named scenario (its own values; edits are dropped) and reset."""
    field_errors.set({})
    new = Settings(name)
    settings.set(new)
    ab_result.set(None)
    active_lesson.set(None)
    start_run(new)


@solara.component
def ScenarioPicker():
    """Select a named scenario and read its description."""
    options = solara.use_memo(scenarios, [])
    names = [name for name, _ in options]
    current = settings.value
    solara.Select("Scenario", values=names, value=current.scenario, on_value=choose_scenario,
                  classes=["coprod-scenario"])
    scenario = solara.use_memo(lambda: load_scenario(current.scenario), [current.scenario])
    first, _, rest = scenario.description.strip().partition("\n")
    body = " ".join(rest.split())
    solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(first)}</b> {html.escape(body)}",
                classes=["coprod-description"])
    if scenario.source:
        solara.Text(f"Source: {scenario.source}", style="font-size: 12px; color: #666")


@solara.component
def StepInfo():
    """The month reached and the planned months."""
    update_counter.get()
    run = current_run.value
    n = run.steps if run else 0
    horizon = run.horizon if run else 0
    with solara.Row(gap="6px", style="align-items: baseline"):
        solara.Text(f"Month {n}", classes=["coprod-step"], style="font-size: 18px; font-weight: 500")
        solara.Text(f"of {horizon} planned" + ("; playing on past it" if n > horizon else ""),
                    style="font-size: 13px; color: #666")


@solara.component
def FramePump():
    """The frame loop: draws the views on the page, then lets them re-render (one frame).

    A frame is drawn only when the run moved on and the browser has shown the last frame
    (`FrameGate`), so frames are dropped when the page is behind and never queued. It also
    carries the player's state (paused at the horizon, an error) to the page.
    """
    run = current_run.value

    def pump(cancel: threading.Event) -> None:
        if run is None:
            return
        shown = (-1, -1)
        while not cancel.is_set():
            run.wake.wait(0.5)
            run.wake.clear()
            if cancel.is_set():
                return
            if playing.value != run.player.playing:
                playing.set(run.player.playing)
            if run.player.error and run_error.value != run.player.error:
                run_error.set(run.player.error)
            now = (run.steps, len(run.events))
            if (now == shown and not run.stale()) or not run.gate.ready():
                continue
            run.draw(set(run.visible))
            shown = now
            force_update()
            cancel.wait(MIN_FRAME_GAP)

    # intrusive_cancel=False: Solara's default traces every line the thread runs (slow).
    solara.use_thread(pump, dependencies=[run], intrusive_cancel=False)


@solara.component
def PendingChanges():
    """What the sidebar changed against the running model; apply now or reset."""
    run = current_run.value
    current = settings.value
    if run is None or busy.value:
        return
    try:
        changes = run.pending(current)
        seed_changed = current.run_seed() != run.settings.run_seed()
    except InputError:
        return
    if not changes and not seed_changed and current.scenario == run.settings.scenario:
        return
    words = "; ".join(f"{levers.label(k).lower()} {levers.number(a)} → {levers.number(b)}"
                      for k, (a, b) in changes.items())
    with solara.Column(gap="4px", classes=["coprod-pending"]):
        solara.Warning(f"Changed: {words or 'the seed'}.", dense=True)
        with solara.Row(gap="6px"):
            if run.can_apply(current):
                solara.Button("Apply from next month", on_click=apply_levers, color="primary",
                              outlined=True, icon_name="mdi-timer-play", classes=["coprod-apply"],
                              small=True)
            solara.Button("Reset with them", on_click=start_run, color="primary", outlined=True,
                          icon_name="mdi-restore", small=True)


@solara.component
def RunControls():
    """Reset / Step / Play-Pause, busy indicator, speed, seed, planned months, pending edits."""
    with solara.Column(gap="6px", classes=["coprod-run-controls"]):
        RunControlsInner()


@solara.component
def RunControlsInner():
    """What `RunControls` holds."""
    FramePump()
    run = current_run.value
    waiting = queued.value
    is_playing = playing.value or waiting.play  # a Play pressed during a build shows Pause (to cancel it)
    working = busy.value is not None
    # During a build Step and Play stay pressable: they are queued for the new run (shown below).
    no_run = run is None and not working
    with solara.Row(gap="6px", style="align-items: center; flex-wrap: wrap"):
        solara.Button("Reset", on_click=start_run, color="primary", disabled=working,
                      classes=["coprod-reset"], icon_name="mdi-restore")
        solara.Button("Step", on_click=step_once, disabled=is_playing or no_run,
                      color="primary", classes=["coprod-step-button"], icon_name="mdi-skip-next")
        solara.Button("Pause" if is_playing else "Play", on_click=pause if is_playing else play,
                      disabled=no_run, color="primary", classes=["coprod-play"],
                      icon_name="mdi-pause" if is_playing else "mdi-play")
    if working:
        with solara.Column(gap="2px", classes=["coprod-busy"]):
            solara.ProgressLinear(True)
            solara.Text(busy.value or "", style="font-size: 13px")
            if waiting:
                solara.Text(waiting.text(), classes=["coprod-queued"], style="font-size: 13px")
    StepInfo()
    with solara.Div(classes=["coprod-speed"]):
        solara.Text(f"Speed: {speed.value} months per second", classes=["coprod-speed-value"])
        solara.SliderInt("", value=speed.value, on_value=set_speed, min=1, max=SPEED_MAX)
    with solara.Row(gap="8px"):
        SeedField()
        MonthsField()
    PendingChanges()
    if field_errors.value:
        solara.Error(f"{len(field_errors.value)} invalid value(s) not applied; see the "
                     "messages under the fields.", dense=True, classes=["coprod-invalid"])
    if run_error.value:
        solara.Error(run_error.value, dense=True, classes=["coprod-run-error"])


@solara.component
def Page():
    """The dashboard."""

    def first_run():
        if current_run.value is None and settings.value is not None:
            start_run()

    solara.use_effect(first_run, [])
    solara.Title("coprod dashboard")
    solara.Style(CSS)
    large = ["coprod-classroom"] if classroom.value else []
    with solara.AppBar():
        solara.AppBarTitle("coprod: co-production of public services")
        solara.Switch(label="Classroom mode", value=classroom, classes=["coprod-classroom-switch"])
    with solara.Sidebar(), solara.Column(classes=large):
        with solara.Card("Scenario", margin=0):
            ScenarioPicker()
        with solara.Card("Run", margin=0):
            RunControls()
        with solara.Card("Levers" if classroom.value else "Parameters", margin=0):
            SidebarSettings()
    with solara.Column(classes=large), solara.lab.Tabs(value=tab_index, lazy=True):
        with solara.lab.Tab("Live run", classes=["coprod-tab-live"]):
            LiveView()
        with solara.lab.Tab("A/B comparison", classes=["coprod-tab-ab"]):
            ABView()
        with solara.lab.Tab("Teaching", classes=["coprod-tab-teaching"]):
            TeachingView()
        with solara.lab.Tab("Info", classes=["coprod-tab-info"]):
            InfoView()
        with solara.lab.Tab("Results explorer", classes=["coprod-tab-results"]):
            ResultsView()
