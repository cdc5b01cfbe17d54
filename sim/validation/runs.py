"""Running named scenarios for the checks: their model, their frame, their steady state."""

from __future__ import annotations

from typing import Any

from sim.inputs.scenario import apply_overrides, load_scenario, scenario_names
from sim.model.coproduction import CoProductionModel
from sim.primitives.errors import Origin

#: Months at the end of a run whose mean is the steady state.
WINDOW = 24
#: The named field scenarios (every one but the lab games).
FIELD = tuple(n for n in scenario_names() if not n.startswith("lab_"))


def model_of(name: str, seed: int, values: dict[str, Any] | None = None) -> tuple[CoProductionModel, int]:
    """A scenario's model (dotted overrides applied) and its default horizon."""
    scenario = apply_overrides(load_scenario(name), values or {}, Origin("option", "regime check"))
    return CoProductionModel(rng=seed, **scenario.model_kwargs()), scenario.run_steps


def frame(name: str, seed: int, values: dict[str, Any] | None = None, steps: int | None = None):
    """The outcome frame of a scenario run (its default horizon unless `steps`)."""
    model, horizon = model_of(name, seed, values)
    for _ in range(steps or horizon):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def steady(name: str, seed: int, values: dict[str, Any] | None = None, steps: int | None = None) -> dict[str, float]:
    """Mean of every outcome over the final `WINDOW` months."""
    return frame(name, seed, values, steps).iloc[-WINDOW:].mean().to_dict()
