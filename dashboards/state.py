"""Per-session state of the dashboard and the actions that change the live run.

Module-level reactives are scoped to one browser session in Solara; every view module
reads and sets them here, so the views stay free of each other.
"""

from __future__ import annotations

import traceback
from typing import Any, cast

import solara
from mesa.visualization.utils import force_update

from dashboards.runs import Comparison, Run
from dashboards.settings import Settings, scenarios
from sim.primitives.errors import InputError

DEFAULT_SCENARIO = "consultative"


def _default_settings() -> Settings:
    names = [name for name, _ in scenarios()]
    return Settings(DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])


settings = solara.reactive(_default_settings())  # Settings being edited in the sidebar
field_errors = solara.reactive(cast(dict[str, tuple[str, str]], {}))  # parameter name -> (text typed, message)
current_run = solara.reactive(cast("Run | None", None))  # Run
run_error = solara.reactive(cast("str | None", None))  # message of the last failed Reset / step
playing = solara.reactive(False)
speed = solara.reactive(10)  # steps per second while playing
ab_overrides = solara.reactive(cast(dict[str, dict[str, Any]], {"A": {}, "B": {}}))  # governance overrides per side
ab_errors = solara.reactive(cast(dict[str, dict[str, tuple[str, str]]], {"A": {}, "B": {}}))
ab_result = solara.reactive(cast("Comparison | None", None))  # Comparison
ab_svg_text = solara.reactive("")  # its chart, inline SVG
ab_message = solara.reactive(cast("str | None", None))
ab_steps = solara.reactive("")
lesson_index = solara.reactive(0)
tab_index = solara.reactive(0)


def start_run(new_settings: Settings | None = None) -> None:
    """Reset: build a new model from the settings (errors become a message, not a crash)."""
    playing.set(False)
    chosen = new_settings or settings.value
    try:
        run = Run.start(chosen)
    except InputError as err:
        run_error.set(err.message)
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
