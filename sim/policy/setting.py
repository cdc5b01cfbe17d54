"""What ``optimize`` and ``discover`` share: the base scenario, steps, window and points.

A point of a policy command is the base scenario with the experiment's fixed values, then
a policy's lever values and a context's uncertainty values, its parameter constraints met
by scaling the sampled terms (`sim.sweep.constrain.repair`). The label columns of its rows
are the scenario, the trial or policy, the context and every lever and uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.inputs.events import path_kind
from sim.inputs.experiment_fields import ExperimentFile
from sim.inputs.scenario import ScenarioBase, apply_overrides
from sim.policy.measures import window_of
from sim.primitives.errors import Origin
from sim.sweep.constrain import base_value, repair


@dataclass(frozen=True)
class Setting:
    """The base of every point of one policy command.

    Attributes:
        spec: The experiment file.
        base: The base scenario (fixed values not yet applied).
        steps: Steps per run.
        window: Steps of the steady state.
        outcomes: Outcomes recorded.
        columns: The lever and uncertainty columns, in order.
    """

    spec: ExperimentFile
    base: ScenarioBase
    steps: int
    window: int
    outcomes: tuple[str, ...]
    columns: tuple[str, ...]

    def values(self, point: dict[str, Any]) -> dict[str, Any]:
        """`point`'s values, constraints met by scaling them, every column filled in."""
        fixed = repair(point, self.spec.space.constraints, self.base, self.spec.fixed, set(point))
        values = point if fixed is None else fixed  # unrepairable: the model names the fields
        return {c: values[c] if c in values else self.spec.fixed.get(c, base_value(self.base, c))
                for c in self.columns} | values

    def kwargs(self, values: dict[str, Any], what: str) -> dict[str, Any]:
        """Model keyword arguments of a point (`values` from `values`).

        Raises:
            InputError: The model rejects the point; the origin names `what` it is.
        """
        origin = Origin("file", self.spec.label, detail=what)
        return apply_overrides(self.base, {**self.spec.fixed, **values}, origin).model_kwargs()

    def labels(self, *extra: tuple[str, type]) -> dict[str, type]:
        """Label columns and types: scenario, `extra`, then the levers and uncertainties."""
        return {"scenario": str, **dict(extra), **{c: path_kind(c) for c in self.columns}}


def setting(spec: ExperimentFile, window: int | None, outcomes: tuple[str, ...] = ()) -> Setting:
    """The setting of `spec`'s optimize or discover section (`window`: the section's)."""
    base = spec.scenarios[str(spec.base)]
    steps = spec.steps or base.run_steps
    columns = tuple(f.name for f in (*spec.space.levers, *spec.space.uncertainties))
    extra = (spec.discover.policy if spec.discover else {})
    columns += tuple(k for k in extra if k not in columns)
    return Setting(spec, base, steps, window_of(steps, window), tuple(dict.fromkeys([*outcomes, *spec.outcomes])),
                   columns)
