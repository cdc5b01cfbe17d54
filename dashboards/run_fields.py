"""The Run card's two text fields: the seed and the planned months (invalid text stays, with its message)."""

from __future__ import annotations

from typing import cast

import solara
from mesa.visualization.utils import force_update

from dashboards.state import current_run, settings
from sim.primitives.errors import InputError


@solara.component
def SeedField():
    """The seed (same seed and settings give the same run)."""
    error, set_error = solara.use_state(cast(tuple[str, str] | None, None))
    current = settings.value

    def on_seed(text: str) -> None:
        try:
            settings.set(settings.value.with_seed(text))
            set_error(None)
        except InputError as err:
            set_error((text, err.message))

    value = error[0] if error else str(current.run_seed())
    solara.InputText("Seed", value=value, on_value=on_seed, continuous_update=False,
                     error=error[1] if error else False, dense=True, classes=["coprod-seed"])


@solara.component
def MonthsField():
    """The planned months: playing pauses there once; changes the current run at once."""
    error, set_error = solara.use_state(cast(tuple[str, str] | None, None))
    current = settings.value

    def on_months(text: str) -> None:
        try:
            new = settings.value.with_steps(text)
        except InputError as err:
            set_error((text, err.message))
            return
        set_error(None)
        settings.set(new)
        run = current_run.value
        if run is not None:
            run.set_horizon(new.horizon())
            force_update()

    value = error[0] if error else str(current.horizon())
    solara.InputText("Planned months", value=value, on_value=on_months, continuous_update=False,
                     error=error[1] if error else False, dense=True, classes=["coprod-months"])
