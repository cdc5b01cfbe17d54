"""The coprod browser dashboard: a Solara app on Mesa's SolaraViz conventions.

Serve it with ``coprod dashboard`` (or ``python -m dashboards``, ``make dashboard``); it
works offline (Solara's front-end assets come from the ``solara-assets`` package, charts
are matplotlib PNG/SVG drawn on the server, nothing is loaded from a CDN).

Like `mesa.visualization.SolaraViz`, the model lives in a reactive value, Reset rebuilds it
from the current parameters, Play steps it in a background task, and views are components
of the model that re-render when Mesa's `update_counter` ticks (`force_update`). Unlike
SolaraViz's `ModelCreator`, the parameters come from a named scenario edited through
controls generated from `sim.model.parameters.MODEL_PARAMS` and validated by
`sim.inputs.scenario.apply_overrides`, so a bad value shows a message next to its field.

Layout: the sidebar holds the scenario, the run controls and every parameter (governance
levers first); the tabs show the live run (charts, network, CSV), an A/B comparison of two
governance settings on one seed, and the teaching sequence.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any, cast

import solara
import solara.lab
from mesa.visualization.utils import update_counter

from dashboards.ab_view import ABView
from dashboards.controls import SettingsEditor
from dashboards.live_view import LiveView
from dashboards.settings import (
    Settings,
    scenarios,
    try_value,
)
from dashboards.state import (
    ab_result,
    current_run,
    field_errors,
    playing,
    run_error,
    settings,
    speed,
    start_run,
    step_once,
    tab_index,
)
from dashboards.teaching_view import TeachingView
from sim.inputs.scenario import load_scenario
from sim.primitives.errors import InputError

SPEED_MAX = 30

CSS = """
.coprod-field-error { color: #b00020; font-size: 12px; white-space: pre-wrap; }
.coprod-field { margin-bottom: 0px; }
.coprod-description { font-size: 13px; line-height: 1.45; margin-bottom: 6px; }
.coprod-outcomes td, .coprod-outcomes th { padding: 2px 10px; text-align: right; font-size: 13px; }
.coprod-outcomes th { text-align: left; font-weight: 500; }
.coprod-ab-table { width: auto; margin: 8px 0 16px 0; }
.coprod-ab-table td, .coprod-ab-table th { padding: 2px 10px; text-align: right; font-size: 13px; }
.coprod-ab-table th:first-child, .coprod-ab-table td:first-child { text-align: left; }
.coprod-img img, img.coprod-img { max-width: 100%; height: auto; }
.coprod-ab-svg svg { max-width: 100%; height: auto; }
.coprod-key { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 4px 0 10px; }
"""


# --------------------------------------------------------------------------------------------
# Parameter controls, generated from MODEL_PARAMS


def edit_sidebar(name: str, text: Any) -> None:
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
    """The sidebar's parameter editor."""
    current = settings.value
    values = solara.use_memo(current.values, [current])
    locked = solara.use_memo(current.locked, [current.scenario])
    SettingsEditor(values, field_errors.value, edit_sidebar, locked=locked)


# --------------------------------------------------------------------------------------------
# Scenario picker and run controls


def choose_scenario(name: str) -> None:
    """Switch to a named scenario (its own values; edits are dropped) and reset."""
    field_errors.set({})
    new = Settings(name)
    settings.set(new)
    ab_result.set(None)
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
    """The step counter and the planned number of steps."""
    update_counter.get()
    run = current_run.value
    n = run.steps if run else 0
    horizon = run.horizon if run else 0
    with solara.Row(gap="6px", style="align-items: baseline"):
        solara.Text(f"Step {n}", classes=["coprod-step"], style="font-size: 18px; font-weight: 500")
        solara.Text(f"of {horizon} planned", style="font-size: 13px; color: #666")


@solara.component
def Player():
    """Steps the live run while playing, at the chosen speed (Mesa's ModelController loop)."""

    def loop(cancel: threading.Event) -> None:
        if not playing.value:
            return
        next_at = time.perf_counter()
        while playing.value and not cancel.is_set():
            run = current_run.value
            if run is None:
                break
            step_once()
            if run.steps >= run.horizon and run.steps % run.horizon == 0:
                playing.set(False)  # pause at the planned end; Play continues
                break
            next_at += 1.0 / max(1, speed.value)
            delay = next_at - time.perf_counter()
            if delay > 0:
                cancel.wait(delay)
            else:
                next_at = time.perf_counter()

    # intrusive_cancel=False: Solara's default traces every line the thread runs (slow).
    solara.use_thread(loop, dependencies=[playing.value], intrusive_cancel=False)


@solara.component
def RunControls():
    """Reset / Step / Play-Pause, speed, seed, and the state of the settings."""
    Player()
    run = current_run.value
    is_playing = playing.value
    with solara.Row(gap="6px", style="align-items: center; flex-wrap: wrap"):
        solara.Button("Reset", on_click=start_run, color="primary",
                      classes=["coprod-reset"], icon_name="mdi-restore")
        solara.Button("Step", on_click=step_once, disabled=is_playing or run is None,
                      color="primary", classes=["coprod-step-button"], icon_name="mdi-skip-next")
        solara.Button("Pause" if is_playing else "Play", on_click=lambda: playing.set(not playing.value),
                      disabled=run is None, color="primary", classes=["coprod-play"],
                      icon_name="mdi-pause" if is_playing else "mdi-play")
    StepInfo()
    with solara.Div(classes=["coprod-speed"]):
        solara.SliderInt("Speed (steps per second)", value=speed, min=1, max=SPEED_MAX)
    SeedField()
    if run is not None and run.settings != settings.value:
        solara.Warning("Settings changed: press Reset to run with them.", dense=True,
                       classes=["coprod-pending"])
    if field_errors.value:
        solara.Error(f"{len(field_errors.value)} invalid value(s) not applied; see the "
                     "messages under the fields.", dense=True, classes=["coprod-invalid"])
    if run_error.value:
        solara.Error(run_error.value, dense=True, classes=["coprod-run-error"])


@solara.component
def SeedField():
    """The seed (same seed and settings give the same run)."""
    error, set_error = solara.use_state(cast(tuple[str, str] | None, None))
    current = settings.value

    def on_seed(text: str) -> None:
        try:
            settings.set(current.with_seed(text))
            set_error(None)
        except InputError as err:
            set_error((text, err.message))

    value = error[0] if error else str(current.run_seed())
    solara.InputText("Seed", value=value, on_value=on_seed, continuous_update=False,
                     error=error[1] if error else False, dense=True)


# --------------------------------------------------------------------------------------------
# Live views (re-rendered at each tick of Mesa's update_counter)


@solara.component
def Page():
    """The dashboard."""

    def first_run():
        if current_run.value is None and settings.value is not None:
            start_run()

    solara.use_effect(first_run, [])
    solara.Title("coprod dashboard")
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle("coprod: co-production of public services")
    with solara.Sidebar():
        with solara.Card("Scenario", margin=0):
            ScenarioPicker()
        with solara.Card("Run", margin=0):
            RunControls()
        with solara.Card("Parameters", margin=0):
            SidebarSettings()
    with solara.lab.Tabs(value=tab_index, lazy=True):
        with solara.lab.Tab("Live run", classes=["coprod-tab-live"]):
            LiveView()
        with solara.lab.Tab("A/B comparison", classes=["coprod-tab-ab"]):
            ABView()
        with solara.lab.Tab("Teaching mode", classes=["coprod-tab-teaching"]):
            TeachingView()
