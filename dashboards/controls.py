"""Parameter controls generated from `sim.model.parameters.MODEL_PARAMS`, in plain words.

Each control shows its name in words, its current value with its unit, what it is (the
declaration's doc, or what the selected rule does), where its default comes from, and its
allowed range. A lever that does nothing under the current rules and settings
(`dashboards.levers.idle`) is shown greyed out with the reason, under "not in use now".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from dashboards import levers
from dashboards.settings import CONTROLS, SECTION_ORDER, SECTION_TITLES, controls, format_value

OnText = Callable[[str, Any], None]


def _rounded(value: float, step: float) -> float:
    """A slider's value on its step grid (no 0.30000000000000004)."""
    decimals = max(0, -int(f"{step:e}".split("e")[1]))
    return round(round(value / step) * step, decimals)


@solara.component
def ParamField(name: str, value: Any, error: tuple[str, str] | None, on_text: OnText, *,
               locked: str | None = None, idle: str | None = None):
    """One generated control: label and value, the widget, what it is, its source."""
    control = CONTROLS[name]
    param = control.param
    message = error[1] if error else None
    classes = ["coprod-field", f"coprod-field-{name}"] + (["coprod-idle"] if idle else [])
    with solara.Column(gap="0px", classes=classes):
        with solara.Row(gap="6px", style="align-items: baseline; justify-content: space-between"):
            solara.Text(levers.label(name), classes=["coprod-field-label"])
            solara.Text(levers.value_text(param, value), classes=["coprod-field-value"])
        slider = levers.slider_range(param)
        if idle:
            solara.Text(f"Not in use: {idle}.", classes=["coprod-field-why"])
        elif locked:
            solara.InputText(control.label, value=format_value(value), disabled=True, message=locked)
        elif control.widget == "select":
            solara.Select("", values=list(param.choices or ()), value=value,
                          on_value=lambda v: on_text(name, v), dense=True)
        elif slider is not None and not error:
            low, high, step = slider

            def moved(v: float) -> None:
                # The slider snaps an off-grid value (0.05 on a 0.1 grid: up to half a step
                # away) and reports it: that is not a move. A hand moves it by a step or more.
                if abs(float(v) - float(value)) > step / 2 + 1e-9:
                    on_text(name, int(v) if control.widget == "int" else _rounded(v, step))

            if control.widget == "int":
                solara.SliderInt("", value=int(value), min=int(low), max=int(high), step=int(step),
                                 on_value=moved, thumb_label=True)
            else:
                solara.SliderFloat("", value=float(value), min=low, max=high, step=step,
                                   on_value=moved, thumb_label=True)
        else:
            text = error[0] if error else format_value(value)
            solara.InputText(f"{control.label}  {control.range_hint}", value=text,
                             on_value=lambda t: on_text(name, t), continuous_update=False,
                             error=message or False, dense=True)
        if message and (control.widget == "select" or slider is not None):
            solara.Text(message, classes=["coprod-field-error"])
        if not idle:
            solara.Text(levers.description(param, value), classes=["coprod-field-doc"])
            allowed = f"Allowed: {param.allowed()}"
            solara.Text(f"{levers.source_text(param)} · {allowed}", classes=["coprod-field-source"])


@solara.component
def SectionBlock(section: str, section_controls: list, values: dict[str, Any], *,
                 errors: dict[str, tuple[str, str]], on_text: OnText, locked: dict[str, str],
                 idle: dict[str, str], expand: bool):
    """One section's levers, drawn only while it is open (the page stays light)."""
    is_open, set_open = solara.use_state(expand)
    bad = sum(1 for c in section_controls if c.name in errors)
    in_use = [c for c in section_controls if c.name not in idle or c.name in errors]
    unused = [c for c in section_controls if c not in in_use]
    summary = SECTION_TITLES.get(section, section) + (f" ({bad} invalid)" if bad else "")
    with solara.Column(gap="6px", classes=["coprod-section", f"coprod-section-{section}"]):
        solara.Button(summary, text=True, on_click=lambda: set_open(not is_open),
                      icon_name="mdi-chevron-down" if is_open else "mdi-chevron-right",
                      classes=["coprod-section-toggle"], style="justify-content: flex-start")
        if not is_open:
            return
        for control in in_use:
            ParamField(control.name, values.get(control.name), errors.get(control.name),
                       on_text, locked=locked.get(control.name))
        if unused:
            UnusedBlock(section, [c.name for c in unused], values, idle)


@solara.component
def UnusedBlock(section: str, names: list[str], values: dict[str, Any], idle: dict[str, str]):
    """The levers of a section that do nothing now, each with the reason (drawn when opened)."""
    is_open, set_open = solara.use_state(False)
    solara.Button(f"Not in use now ({len(names)})", text=True, small=True,
                  on_click=lambda: set_open(not is_open), classes=[f"coprod-unused-toggle-{section}"],
                  icon_name="mdi-chevron-down" if is_open else "mdi-chevron-right")
    if is_open:
        with solara.Column(gap="4px", classes=[f"coprod-unused-{section}"]):
            for name in names:
                ParamField(name, values.get(name), None, lambda *_: None, idle=idle[name])


@solara.component
def SettingsEditor(
    values: dict[str, Any],
    errors: dict[str, tuple[str, str]],
    on_text: OnText,
    *,
    sections: tuple[str, ...] = SECTION_ORDER,
    expand: tuple[str, ...] = ("governance",),
    locked: dict[str, str] | None = None,
    only: tuple[str, ...] | None = None,
):
    """Every parameter of `sections`, grouped as in the scenario schema; idle ones last.

    With `only`, just those parameters (classroom mode), in that order, without groups.
    """
    locked = locked or {}
    idle = levers.idle(values)
    if only is not None:
        with solara.Column(gap="10px", classes=["coprod-classroom-levers"]):
            for name in only:
                if name not in idle:
                    ParamField(name, values.get(name), errors.get(name), on_text, locked=locked.get(name))
        return
    for section, section_controls in controls(sections).items():
        SectionBlock(section, section_controls, values, errors=errors, on_text=on_text,
                     locked=locked, idle=idle, expand=section in expand)
