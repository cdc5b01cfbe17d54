"""The coprod browser dashboard: a Solara app on Mesa's SolaraViz conventions.

Serve it with ``coprod dashboard`` (or ``python -m dashboards``, ``make dashboard``); it
works offline (Solara's front-end assets come from the ``solara-assets`` package, charts
are matplotlib PNG/SVG drawn on the server, nothing is loaded from a CDN).

Like `mesa.visualization.SolaraViz`, the model lives in a reactive value, Reset rebuilds it
from the current parameters, Play steps it in a background task, and views are components
of the model that re-render when Mesa's `update_counter` ticks (`force_update`). Unlike
SolaraViz's `ModelCreator`, the parameters come from a named scenario edited through
controls generated from `sim.parameters.MODEL_PARAMS` and validated by
`sim.scenario.apply_overrides`, so a bad value shows a message next to its field.

Layout: the sidebar holds the scenario, the run controls and every parameter (governance
levers first); the tabs show the live run (charts, network, CSV), an A/B comparison of two
governance settings on one seed, and the teaching sequence.
"""

from __future__ import annotations

import html
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from dashboards import teaching
from dashboards.render import BEHAVIOUR_COLOURS, BEHAVIOURS, CHARTS, ab_svg
from dashboards.runs import Comparison, Run, RunError, compare, to_csv
from dashboards.settings import (
    CONTROLS,
    SECTION_ORDER,
    SECTION_TITLES,
    Settings,
    controls,
    format_value,
    scenarios,
    try_value,
)
from sim.model import REPORTERS
from sim.scenario import ScenarioError, load_scenario

DEFAULT_SCENARIO = "consultative"
#: While playing, the network is redrawn at most this often (seconds); charts every step.
NETWORK_MIN_INTERVAL = 0.1
SPEED_MAX = 30



def _default_settings() -> Settings:
    names = [name for name, _ in scenarios()]
    return Settings(DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])


# Per-session state (module-level reactives are scoped to one browser session in Solara).
settings = solara.reactive(_default_settings())  # Settings being edited in the sidebar
field_errors = solara.reactive({})  # parameter name -> (text typed, message)
current_run = solara.reactive(None)  # Run
run_error = solara.reactive(None)  # message of the last failed Reset / step
playing = solara.reactive(False)
speed = solara.reactive(10)  # steps per second while playing
ab_overrides = solara.reactive({"A": {}, "B": {}})  # governance overrides per side
ab_errors = solara.reactive({"A": {}, "B": {}})
ab_result = solara.reactive(None)  # Comparison
ab_svg_text = solara.reactive("")  # its chart, inline SVG
ab_message = solara.reactive(None)
ab_steps = solara.reactive("")
lesson_index = solara.reactive(0)
tab_index = solara.reactive(0)

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


def start_run(new_settings: Settings | None = None) -> None:
    """Reset: build a new model from the settings (errors become a message, not a crash)."""
    playing.set(False)
    chosen = new_settings or settings.value
    try:
        run = Run.start(chosen)
    except RunError as err:
        run_error.set(str(err))
        return
    except Exception as err:  # never a crash in front of a class
        traceback.print_exc()
        run_error.set(f"could not build the model: {type(err).__name__}: {err}")
        return
    run_error.set(None)
    current_run.set(run)
    force_update()


def step_once() -> None:
    """Advance the live run by one step."""
    run = current_run.value
    if run is None:
        return
    try:
        run.step()
    except Exception as err:
        traceback.print_exc()
        playing.set(False)
        run_error.set(f"error in step: {type(err).__name__}: {err}")
    force_update()


# --------------------------------------------------------------------------------------------
# Parameter controls, generated from MODEL_PARAMS


@solara.component
def ParamField(
    name: str, value: Any, error: tuple[str, str] | None, on_text: Callable[[str, Any], None],
    locked: str | None = None,
):
    """One generated control: a select for choices, a validated text field for numbers."""
    control = CONTROLS[name]
    message = error[1] if error else None
    with solara.Column(gap="0px", classes=["coprod-field", f"coprod-field-{name}"]):
        if locked:
            solara.InputText(control.label, value=format_value(value), disabled=True,
                             message=locked)
        elif control.widget == "select":
            solara.Select(
                control.label, values=list(control.param.choices), value=value,
                on_value=lambda v: on_text(name, v),
            )
            if message:
                solara.Text(message, classes=["coprod-field-error"])
        else:
            text = error[0] if error else format_value(value)
            solara.InputText(
                f"{control.label}  {control.range_hint}", value=text,
                on_value=lambda t: on_text(name, t), continuous_update=False,
                error=message or False,
            )


@solara.component
def SettingsEditor(
    values: dict[str, Any],
    errors: dict[str, tuple[str, str]],
    on_text: Callable[[str, Any], None],
    *,
    sections: tuple[str, ...] = SECTION_ORDER,
    expand: tuple[str, ...] = ("governance",),
    locked: dict[str, str] | None = None,
):
    """Every parameter of `sections`, grouped as in the scenario schema."""
    locked = locked or {}
    for section, section_controls in controls(sections).items():
        bad = sum(1 for c in section_controls if c.name in errors)
        summary = SECTION_TITLES.get(section, section) + (f" ({bad} invalid)" if bad else "")
        with solara.Details(summary=summary, expand=section in expand), solara.Column(gap="2px"):
            for control in section_controls:
                ParamField(control.name, values.get(control.name), errors.get(control.name),
                           on_text, locked.get(control.name))


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
    error, set_error = solara.use_state(None)
    current = settings.value

    def on_seed(text: str) -> None:
        try:
            settings.set(current.with_seed(text))
            set_error(None)
        except ScenarioError as err:
            set_error((text, err.message))

    value = error[0] if error else str(current.run_seed())
    solara.InputText("Seed", value=value, on_value=on_seed, continuous_update=False,
                     error=error[1] if error else False, dense=True)


# --------------------------------------------------------------------------------------------
# Live views (re-rendered at each tick of Mesa's update_counter)


@solara.component
def ChartsView():
    """Participation, quality, free riding and trust so far."""
    update_counter.get()
    run = current_run.value
    if run is None:
        return
    png = run.charts_png()
    solara.Image(png, classes=["coprod-img", "coprod-charts"])


@solara.component
def NetworkView():
    """The citizens' network coloured by behaviour, administration and firms."""
    update_counter.get()
    run = current_run.value
    if run is None:
        return
    png = run.network_png(NETWORK_MIN_INTERVAL if playing.value else 0.0)
    solara.Image(png, classes=["coprod-img", "coprod-network"])


@solara.component
def OutcomesTable():
    """Every reporter's value at the current step."""
    update_counter.get()
    run = current_run.value
    latest = run.latest() if run else {}
    step = run.steps if run else 0
    rows = f'<tr><th>step</th><td data-reporter="step">{step}</td></tr>' + "".join(
        f'<tr><th>{r.replace("_", " ")}</th><td data-reporter="{r}">'
        f'{latest[r]:.4f}</td></tr>' if r in latest else
        f'<tr><th>{r.replace("_", " ")}</th><td data-reporter="{r}">-</td></tr>'
        for r in REPORTERS
    )
    solara.HTML(tag="table", unsafe_innerHTML=rows, classes=["coprod-outcomes"])


@solara.component
def CsvDownload():
    """Download the current run's time series (step + every reporter) as CSV."""
    run = current_run.value
    if run is None:
        return

    def data() -> bytes:
        return to_csv(run.frame())

    name = f"coprod-{run.settings.scenario}-seed{run.kwargs['rng']}.csv"
    solara.FileDownload(data, filename=name, label="Download CSV", mime_type="text/csv",
                        icon_name="mdi-download")


@solara.component
def LiveView():
    """The live run: charts, network, current values, CSV."""
    with solara.Columns([1, 1]):
        with solara.Card("Outcomes", subtitle="participation: share of citizens contributing; free "
                         "riding: share of users who could contribute and did not", margin=0):
            ChartsView()
        with solara.Card("Citizens, administration and firms", margin=0):
            NetworkView()
    with solara.Row(style="align-items: flex-start; gap: 24px"):
        with solara.Card("Now", margin=0):
            OutcomesTable()
        with solara.Column():
            run = current_run.value
            if run is not None:
                solara.Text(f"{run.model.citizens.n:,} citizens, seed {run.kwargs['rng']}, "
                            f"scenario {run.settings.scenario}", classes=["coprod-population"])
            CsvDownload()
            keys = "".join(
                f'<span class="coprod-key" style="background:{c}"></span>{b}'
                for b, c in zip(BEHAVIOURS, BEHAVIOUR_COLOURS, strict=True)
            )
            solara.HTML(tag="div", unsafe_innerHTML=f"Citizens:{keys}", style="font-size: 13px")
            solara.Text(f"While playing, the network is redrawn at most every "
                        f"{NETWORK_MIN_INTERVAL * 1000:.0f} ms; charts at every step.",
                        style="font-size: 12px; color: #666")


# --------------------------------------------------------------------------------------------
# A/B comparison


def _side_settings(side: str) -> Settings:
    return settings.value.with_overrides(ab_overrides.value[side])


def edit_side(side: str) -> Callable[[str, Any], None]:
    """Validation handler for one side's governance editor."""

    def on_text(name: str, text: Any) -> None:
        try:
            base = _side_settings(side)
        except ScenarioError as err:
            ab_message.set(err.message)
            return
        new, message = try_value(base, name, text)
        errors = {**ab_errors.value, side: dict(ab_errors.value[side])}
        if message:
            errors[side][name] = (str(text), message)
        else:
            errors[side].pop(name, None)
            value = dict(new.overrides)[name]
            ab_overrides.set({**ab_overrides.value, side: {**ab_overrides.value[side], name: value}})
        ab_errors.set(errors)

    return on_text


def run_ab() -> None:
    """Run A and B on the sidebar's seed for the chosen number of steps."""
    ab_message.set(None)
    if any(ab_errors.value[s] for s in "AB"):
        ab_message.set("Fix the invalid values first.")
        return
    try:
        base = settings.value
        steps_text = ab_steps.value.strip() or str(base.loaded().run_steps)
        steps = int(steps_text) if steps_text.isdigit() else -1
        if not 1 <= steps <= 100_000:
            ab_message.set(f"steps: value {steps_text!r} is not valid; allowed: an integer in [1, 100000]")
            return
        result = compare(_side_settings("A"), _side_settings("B"), steps, base.run_seed())
    except (RunError, ScenarioError) as err:
        ab_message.set(getattr(err, "message", str(err)))
        return
    except Exception as err:
        traceback.print_exc()
        ab_message.set(f"could not run: {type(err).__name__}: {err}")
        return
    ab_svg_text.set(ab_svg(result.a, result.b))
    ab_result.set(result)


@solara.component
def ABSide(side: str):
    """Governance levers of one side (context and seed: the sidebar's)."""
    overrides = ab_overrides.value[side]
    base = settings.value
    try:
        values = base.with_overrides(overrides).values()
    except ScenarioError as err:
        solara.Error(err.message)
        values = base.values()
    with solara.Card(f"Setting {side}", margin=0, classes=[f"coprod-ab-{side}"]):
        changed = ", ".join(f"{k}={format_value(v)}" for k, v in overrides.items()) or "as in the sidebar"
        solara.Text(f"Governance: {changed}", style="font-size: 13px")
        SettingsEditor(values, ab_errors.value[side], edit_side(side), sections=("governance",))


def _ab_table(result: Comparison) -> str:
    head = "<tr><th>outcome</th><th>final A</th><th>final B</th><th>B - A</th><th>mean A</th><th>mean B</th></tr>"
    rows = "".join(
        f"<tr><td>{r['reporter'].replace('_', ' ')}</td><td>{r['final A']:.3f}</td>"
        f"<td>{r['final B']:.3f}</td><td>{r['B - A']:+.3f}</td><td>{r['mean A']:.3f}</td>"
        f"<td>{r['mean B']:.3f}</td></tr>"
        for r in result.summary(tuple(name for name, _, _ in CHARTS))
    )
    return head + rows


@solara.component
def ABView():
    """Two governance settings side by side on the same seed, on shared axes."""
    solara.Markdown(
        "Both runs use the sidebar's scenario, context and **seed**, so they start from the "
        "same citizens and the same network; only the governance levers set here differ."
    )
    with solara.Row(style="align-items: center; gap: 12px; flex-wrap: wrap"):
        solara.InputText("Steps", value=ab_steps.value or str(settings.value.loaded().run_steps),
                         on_value=ab_steps.set, continuous_update=False, dense=True,
                         style="max-width: 120px")
        solara.Button("Run A and B", on_click=run_ab, color="primary", classes=["coprod-ab-run"],
                      icon_name="mdi-compare")
        solara.Button("Clear A and B", on_click=lambda: (ab_overrides.set({"A": {}, "B": {}}),
                                                         ab_errors.set({"A": {}, "B": {}})),
                      text=True)
    if ab_message.value:
        solara.Error(ab_message.value, classes=["coprod-ab-error"])
    result = ab_result.value
    if result is not None:
        diff = "; ".join(f"{k}: A={format_value(a)}, B={format_value(b)}" for k, a, b in result.differences)
        solara.Text(f"Seed {result.seed}, {result.steps} steps. "
                    + (f"Differences: {diff}." if diff else "A and B have the same settings."),
                    style="font-size: 13px")
        solara.HTML(tag="div", unsafe_innerHTML=ab_svg_text.value, classes=["coprod-ab-svg"])
        solara.HTML(tag="table", unsafe_innerHTML=_ab_table(result), classes=["coprod-ab-table"])
    with solara.Columns([1, 1]):
        ABSide("A")
        ABSide("B")


# --------------------------------------------------------------------------------------------
# Teaching mode


def apply_lesson(index: int) -> None:
    """Load lesson `index`: its scenario and levers, reset, and show the live run."""
    lesson = teaching.LESSONS[index]
    lesson_index.set(index)
    try:
        new = Settings(lesson.scenario).with_overrides(lesson.overrides)
    except ScenarioError as err:
        run_error.set(err.message)
        return
    field_errors.set({})
    settings.set(new)
    start_run(new)


@solara.component
def TeachingView():
    """A short guided sequence of presets, one paragraph each."""
    index = lesson_index.value
    lesson = teaching.LESSONS[index]
    solara.Text(f"Lesson {index + 1} of {len(teaching.LESSONS)}", style="color: #666")
    with solara.Card(lesson.title, margin=0, classes=["coprod-lesson"]):
        levers = ", ".join(f"{k} = {format_value(v)}" for k, v in lesson.overrides.items())
        setting = f"Scenario: {lesson.scenario}" + (f"; {levers}" if levers else "")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<p style="font-size: 16px; line-height: 1.55">{html.escape(lesson.text)}</p>'
            f'<p style="font-size: 13px; color: #666">{html.escape(setting)}</p>',
        )
        with solara.Row(gap="8px"):
            solara.Button("Load this preset", color="primary", icon_name="mdi-school",
                          on_click=lambda: apply_lesson(index), classes=["coprod-lesson-apply"])
            solara.Button("Load and play", color="primary", outlined=True, icon_name="mdi-play",
                          on_click=lambda: (apply_lesson(index), tab_index.set(0), playing.set(True)))
    with solara.Row(gap="8px"):
        solara.Button("Previous", disabled=index == 0, on_click=lambda: lesson_index.set(index - 1),
                      icon_name="mdi-chevron-left")
        solara.Button("Next", disabled=index == len(teaching.LESSONS) - 1,
                      on_click=lambda: lesson_index.set(index + 1), icon_name="mdi-chevron-right",
                      classes=["coprod-lesson-next"])
    with solara.Column(gap="0px"):
        for i, other in enumerate(teaching.LESSONS):
            solara.Button(other.title, text=True, on_click=lambda i=i: lesson_index.set(i),
                          style="justify-content: flex-start; text-transform: none")


# --------------------------------------------------------------------------------------------
# Page


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
