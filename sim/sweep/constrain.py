"""Parameter constraints applied to design points: repaired when sampled, left out in a grid.

A sampled point (lhs, sobol, morris, the contexts and sampled policies of a crossed design,
an optimisation trial) whose sampled terms break a `SumConstraint` has those terms scaled
down by one common factor until the sum equals the bound, so no run fails on it and the
design keeps every point (the unrepaired sample is kept for SALib: indices then describe
the model through the repair). A grid combination that breaks one is left out of the
design. A constraint that the fixed and base values break on their own is left to the
model's own check, which names the fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sim.inputs.constraints import SumConstraint
from sim.inputs.events import event_path, event_value
from sim.inputs.experiment_fields import ExperimentFile
from sim.inputs.scenario import ScenarioBase
from sim.inputs.schema import PATHS


def base_value(scenario: ScenarioBase, dotted: str) -> Any:
    """The value `scenario` gives a dotted path (its resolved model parameter, or its field)."""
    if event_path(dotted) is not None:
        return event_value(scenario, dotted)
    p = PATHS[dotted]
    kwargs = scenario.model_kwargs()
    if p.name in kwargs:
        return kwargs[p.name]
    section = getattr(scenario, p.section, None)
    return p.default if section is None else getattr(section, p.name)


def repair(point: dict[str, Any], constraints: Iterable[SumConstraint], scenario: ScenarioBase,
           fixed: dict[str, Any], sampled: set[str]) -> dict[str, Any] | None:
    """`point` with every constraint met by scaling its `sampled` terms; ``None`` to drop it.

    Args:
        point: Dotted path -> value (label keys such as ``policy`` are kept as they are).
        constraints: The constraints to meet.
        scenario: The point's base scenario (values of the terms the point does not set).
        fixed: The experiment's fixed values (applied before the point's).
        sampled: The paths that were sampled (may be scaled); other varied paths are grid
            values (the point is dropped instead).
    """
    out = dict(point)
    for c in constraints:
        values = {t: out[t] if t in out else fixed[t] if t in fixed else base_value(scenario, t)
                  for t in c.terms}
        if c.total(values) <= c.bound + 1e-12:
            continue
        moving = {t for t in c.terms if t in out and t in sampled}
        if moving:
            fixed_up = c.repair(values, moving)
            if fixed_up is not None:
                out.update({t: fixed_up[t] for t in moving})
                continue
        if any(t in out and t not in sampled for t in c.terms):
            return None  # a grid combination that breaks the constraint
    return out


def constrain(spec: ExperimentFile, points: list[dict[str, Any]], sampled: set[str]) -> tuple[list[dict[str, Any]], int]:
    """The design points with every constraint met, and how many grid points were left out."""
    out = []
    for point in points:
        scenario = spec.scenarios[str(point.get("scenario", spec.base))]
        kept = repair(point, spec.space.constraints, scenario, spec.fixed, sampled)
        if kept is not None:
            out.append(kept)
    return out, len(points) - len(out)
