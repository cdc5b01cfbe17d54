"""The A/B tab: two governance settings on the same scenario and seed, on shared axes."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import solara

from dashboards.charts import CHARTS, ab_svg
from dashboards.controls import SettingsEditor
from dashboards.runs import Comparison, compare
from dashboards.settings import Settings, format_value, try_value
from dashboards.state import (
    ab_errors,
    ab_message,
    ab_overrides,
    ab_result,
    ab_steps,
    ab_svg_text,
    settings,
)
from sim.primitives.errors import InputError


def _side_settings(side: str) -> Settings:
    return settings.value.with_overrides(ab_overrides.value[side])


def edit_side(side: str) -> Callable[[str, Any], None]:
    """Validation handler for one side's governance editor."""

    def on_text(name: str, text: Any) -> None:
        try:
            base = _side_settings(side)
        except InputError as err:
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
    except InputError as err:
        ab_message.set(err.message)
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
    except InputError as err:
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
