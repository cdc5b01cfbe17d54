"""`run_point`: one run of a parameter point, its steady-state and final outcomes.

The entry point other tools call (``sim.run_point``): EMA Workbench's model function,
a SALib loop, an Optuna objective, a notebook. Parameters are given by dotted scenario
path (``governance.monitoring``) or by flat model name (``monitoring``) and validated like
a scenario file's values; unset ones come from `base` (a named scenario or file) or the
model's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.inputs.constraints import MODEL_CONSTRAINTS
from sim.inputs.scenario import ScenarioBase, apply_overrides, load_scenario, validate_scenario
from sim.inputs.schema import DOTTED, RUN_PARAMS
from sim.model.reporters import REPORTERS
from sim.policy.measures import window_of
from sim.primitives.errors import Origin
from sim.sweep.chunks import simulate
from sim.sweep.constrain import repair as repair_point

ORIGIN = Origin("constructor", "sim.run_point")


@dataclass(frozen=True)
class PointOutcomes:
    """What `run_point` returns.

    Attributes:
        steady: Outcome -> mean over the last `window` steps (the steady state).
        final: Outcome -> value at the last step.
        window: Steps averaged for `steady`.
        steps: Steps run.
        seed: The run's seed.
        params: Every model parameter of the run (flat names), resolved.
    """

    steady: dict[str, float]
    final: dict[str, float]
    window: int
    steps: int
    seed: int
    params: dict[str, Any]


def point_scenario(params: Mapping[str, Any], base: str | ScenarioBase | None = None) -> ScenarioBase:
    """The scenario of a parameter point: `base` (default: the model's defaults) with `params`."""
    if base is None:
        scenario = validate_scenario({"name": "defaults", "description": "The model's defaults."},
                                     "sim.run_point", lambda loc: ORIGIN)
    else:
        scenario = base if isinstance(base, ScenarioBase) else load_scenario(base)
    dotted = {DOTTED.get(k, k): v for k, v in params.items()}
    return apply_overrides(scenario, dotted, ORIGIN)


def run_point(params: Mapping[str, Any], seed: int, steps: int | None = None, *, base: str | ScenarioBase | None = None,
              window: int | None = None, repair: bool = False) -> PointOutcomes:
    """Run the model once at a parameter point.

    Args:
        params: Dotted path or flat name -> value (NumPy scalars accepted).
        seed: Seed of the run; same point and seed, same outcomes, bit for bit.
        steps: Steps (months) to run; default the scenario's own (240 months unless it says).
        base: Scenario the point starts from (a name, a file or a scenario).
        window: Steps averaged for the steady state (default: the final 24 months, as sweep
            reports; the whole run if shorter).
        repair: Meet the model's parameter constraints (the type shares sum to at most 1)
            by scaling the given terms down, as a sampled design does, instead of refusing
            the point (for samplers that know nothing of them: EMA Workbench, SALib).

    Raises:
        InputError: An unknown parameter or a value it does not allow, naming it.
    """
    if repair:
        start = base if isinstance(base, ScenarioBase) or base is None else load_scenario(base)
        given = {DOTTED.get(k, k): v for k, v in params.items()}
        fixed = repair_point(given, MODEL_CONSTRAINTS, start or point_scenario({}), {}, set(given))
        params = fixed if fixed is not None else given
    scenario = point_scenario(params, base)
    steps = scenario.run_steps if steps is None else RUN_PARAMS["steps"].validate(steps)
    seed = RUN_PARAMS["seed"].validate(seed)
    kwargs = scenario.model_kwargs()
    values = simulate(kwargs, seed, steps)
    w = window_of(steps, window)
    steady = {o: float(sum(values[o][-w:]) / w) for o in REPORTERS}
    final = {o: float(values[o][-1]) for o in REPORTERS}
    return PointOutcomes(steady, final, w, steps, seed, kwargs)
