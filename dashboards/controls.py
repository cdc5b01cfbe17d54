"""Parameter controls generated from `sim.model.parameters.MODEL_PARAMS` (no second list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from dashboards.settings import CONTROLS, SECTION_ORDER, SECTION_TITLES, controls, format_value


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
                control.label, values=list(control.param.choices or ()), value=value,
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
