"""The A/B tab: two settings of the levers on the same scenario and seed, on shared axes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from dashboards.ab import Comparison, compare
from dashboards.charts import OUTCOMES, ab_svg
from dashboards.controls import SettingsEditor
from dashboards.levers import label, number
from dashboards.settings import Settings, try_value
from dashboards.state import (
    ab_busy,
    ab_errors,
    ab_message,
    ab_overrides,
    ab_result,
    ab_steps,
    ab_svg_text,
    in_background,
    settings,
)
from sim.analysis import style
from sim.primitives.errors import InputError

#: The sections whose levers A and B may set (the context stays the sidebar's).
AB_SECTIONS = ("governance", "administration", "service", "firms")


def _side_settings(side: str) -> Settings:
    return settings.value.with_overrides(ab_overrides.value[side])


def edit_side(side: str) -> Callable[[str, Any], None]:
    """Validation handler for one side's editor."""

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
    """Run A and B on the sidebar's seed for the chosen number of months (in the background)."""
    ab_message.set(None)
    if any(ab_errors.value[s] for s in "AB"):
        ab_message.set("Fix the invalid values first.")
        return
    try:
        base = settings.value
        steps_text = ab_steps.value.strip() or str(base.horizon())
        steps = int(steps_text) if steps_text.isdigit() else -1
        if not 1 <= steps <= 100_000:
            ab_message.set(f"months: value {steps_text!r} is not valid; allowed: an integer in [1, 100000]")
            return
        a, b, seed = _side_settings("A"), _side_settings("B"), base.run_seed()
    except InputError as err:
        ab_message.set(err.message)
        return

    def done(result: Comparison | None, error: str | None) -> None:
        if result is not None:
            ab_svg_text.set(ab_svg(result.a, result.b))
            ab_result.set(result)
        ab_message.set(error)
        ab_busy.set(None)

    ab_busy.set(f"Running A and B for {steps:,} months on seed {seed}…")
    in_background(lambda: compare(a, b, steps, seed), done, "run A and B")


@solara.component
def ABSide(side: str):
    """The levers of one side (context and seed: the sidebar's)."""
    overrides = ab_overrides.value[side]
    base = settings.value
    try:
        values = base.with_overrides(overrides).values()
    except InputError as err:
        solara.Error(err.message)
        values = base.values()
    with solara.Card(f"Setting {side}", margin=0, classes=[f"coprod-ab-{side}"]):
        changed = ", ".join(f"{label(k).lower()} {number(v)}" for k, v in overrides.items()) or "as in the sidebar"
        solara.Text(f"Changed: {changed}", style="font-size: 13px")
        SettingsEditor(values, ab_errors.value[side], edit_side(side), sections=AB_SECTIONS)


def _ab_table(result: Comparison) -> str:
    rows = result.summary(tuple(p.reporters[0] for p in OUTCOMES))
    window = rows[0]["window"] if rows else 0
    head = (f"<tr><th>outcome</th><th>A</th><th>B</th><th>B - A</th></tr>"
            f"<tr><td colspan=4 style='color:#666'>mean of the final {window} months</td></tr>")
    body = "".join(
        f"<tr><td>{style.outcome_axis(r['reporter']).title}</td>"
        f"<td>{style.format_value(r['reporter'], r['steady A'])}</td>"
        f"<td>{style.format_value(r['reporter'], r['steady B'])}</td>"
        f"<td data-reporter=\"{r['reporter']}\">{_signed(r['reporter'], r['B - A'])}</td></tr>"
        for r in rows
    )
    return head + body


def _signed(name: str, value: float) -> str:
    text = style.format_value(name, abs(value))
    if style.outcome_axis(name).percent:
        return ("+" if value > 0 else "-" if value < 0 else "") + text.replace(" %", " pts")
    return f"{value:+.3g}"


@solara.component
def ABView():
    """Two settings side by side on the same seed, on shared axes."""
    solara.HTML(tag="p", unsafe_innerHTML=(
        "Both runs use the sidebar's scenario, context and <b>seed</b>, so they start from the "
        "same citizens and the same network; only the levers set here differ."))
    with solara.Row(style="align-items: center; gap: 12px; flex-wrap: wrap"):
        solara.InputText("Months", value=ab_steps.value or str(settings.value.horizon()),
                         on_value=ab_steps.set, continuous_update=False, dense=True,
                         style="max-width: 120px", classes=["coprod-ab-months"])
        solara.Button("Run A and B", on_click=run_ab, color="primary", classes=["coprod-ab-run"],
                      icon_name="mdi-compare", disabled=ab_busy.value is not None)
        solara.Button("Clear A and B", on_click=lambda: (ab_overrides.set({"A": {}, "B": {}}),
                                                         ab_errors.set({"A": {}, "B": {}})),
                      text=True)
    if ab_busy.value:
        solara.ProgressLinear(True)
        solara.Text(ab_busy.value, classes=["coprod-ab-busy"])
    if ab_message.value:
        solara.Error(ab_message.value, classes=["coprod-ab-error"])
    result = ab_result.value
    if result is not None:
        diff = "; ".join(f"{k}: A={number(a)}, B={number(b)}" for k, a, b in result.differences)
        solara.Text(f"Seed {result.seed}, {result.steps} months. "
                    + (f"Differences: {diff}." if diff else "A and B have the same settings."),
                    style="font-size: 13px", classes=["coprod-ab-differences"])
        with solara.Row(style="align-items: flex-start; flex-wrap: wrap"):
            solara.HTML(tag="div", unsafe_innerHTML=ab_svg_text.value, classes=["coprod-ab-svg"])
            solara.HTML(tag="table", unsafe_innerHTML=_ab_table(result), classes=["coprod-ab-table"])
    with solara.Columns([1, 1]):
        ABSide("A")
        ABSide("B")
