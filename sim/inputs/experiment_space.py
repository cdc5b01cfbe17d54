"""The checks of an experiment file's policy space and of its policy sections.

Levers, uncertainties, parameter constraints, a crossed design's policies and contexts, and
the ``optimize`` and ``discover`` sections.

Levers and uncertainties are written like a sampled design's ``vary``: ``[low, high]`` for
a number (an integer parameter is sampled as integers), a list of choices for a
categorical parameter. The checks return plain values (`Space`, `OptimizeSpec`,
`DiscoverSpec`) and record every problem with its line in the `Checker`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.inputs.constraints import (
    MODEL_CONSTRAINTS,
    OutcomeBound,
    SumConstraint,
    parse_bound,
    parse_sum,
)
from sim.inputs.experiment_check import Checker, Factor
from sim.model.reporters import REPORTERS
from sim.primitives.errors import Problem, did_you_mean


@dataclass(frozen=True)
class OptimizeSpec:
    """The ``optimize`` section as plain values (see docs/policy.md)."""

    objectives: dict[str, str]
    subject_to: tuple[OutcomeBound, ...]
    trials: int
    batch: int
    measure: str
    window: int | None
    contexts: int
    robustness: str
    quantile: float
    reevaluate: int
    sampler: str
    population: int


@dataclass(frozen=True)
class DiscoverSpec:
    """The ``discover`` section as plain values (see docs/policy.md)."""

    policy: dict[str, Any]
    outcome: str
    threshold: float
    below: bool
    contexts: int
    measure: str
    window: int | None
    peel_alpha: float
    mass_min: float
    boxes: int


@dataclass(frozen=True)
class Space:
    """Levers, uncertainties and the constraints that bind them (the model's own included).

    Attributes:
        levers: What a policy designer chooses.
        uncertainties: The context, sampled around a policy.
        constraints: Parameter constraints, the model's first.
        policies: A crossed design's policies: a count sampled from the levers, or named
            policies (name -> dotted path -> value); ``None`` for other designs.
        contexts: A crossed design's number of sampled contexts.
    """

    levers: list[Factor] = field(default_factory=list)
    uncertainties: list[Factor] = field(default_factory=list)
    constraints: tuple[SumConstraint, ...] = MODEL_CONSTRAINTS
    policies: int | dict[str, dict[str, Any]] | None = None
    contexts: int | None = None


def check_space(r: Checker, model: Any) -> Space:
    """Check levers, uncertainties, constraints, and a crossed design's policies."""
    levers = [f for k, v in model.levers.items() if (f := r.factor(k, v, True, ("levers",)))]
    uncertain = [f for k, v in model.uncertainties.items() if (f := r.factor(k, v, True, ("uncertainties",)))]
    for key in model.uncertainties:
        if key in model.levers:
            r.bad(("uncertainties", key), "is also a lever", allowed="each parameter a lever or an "
                  "uncertainty, not both")
    for key in (*model.levers, *model.uncertainties):
        if key in model.fixed or key in model.vary:
            r.bad(("fixed" if key in model.fixed else "vary", key), "is also a lever or an uncertainty",
                  allowed="each parameter in one of vary, fixed, levers, uncertainties")
    constraints = list(MODEL_CONSTRAINTS)
    for i, text in enumerate(model.constraints):
        parsed = parse_sum(text)
        if isinstance(parsed, Problem):
            r.add(parsed, ("constraints", i))
        else:
            constraints.append(parsed)
    space = Space(levers, uncertain, tuple(constraints))
    if model.design != "crossed":
        return space
    if model.vary:
        r.bad(("vary",), "not used by a crossed design", allowed="levers and uncertainties instead")
    policies = model.policies
    if isinstance(policies, int) and (policies < 1 or not levers):
        r.bad(("policies",), "invalid", policies, "at least 1 policy sampled from at least one lever")
    elif isinstance(policies, dict):
        if not policies:
            r.bad(("policies",), "invalid", policies, "at least one named policy")
        for name, values in policies.items():
            for key, value in values.items():
                if (p := r.path(key, ("policies", name))) is not None:
                    r.value(p, value, ("policies", name, key))
    if model.contexts < 1 or not uncertain:
        r.bad(("contexts",), "invalid", model.contexts, "at least 1 context sampled from at least one uncertainty")
    return Space(levers, uncertain, tuple(constraints), policies, model.contexts)


def _outcome(r: Checker, name: str, loc: tuple) -> None:
    if name not in REPORTERS:
        r.bad(loc, f"unknown outcome {name!r}", allowed=", ".join(REPORTERS), hint=did_you_mean(name, REPORTERS))


def check_optimize(r: Checker, model: Any, space: Space) -> OptimizeSpec | None:
    """Check the ``optimize`` section against the levers and uncertainties."""
    o = model.optimize
    if o is None:
        return None
    if not space.levers:
        r.bad(("levers",), "missing", allowed="at least one lever for the optimize section to search",
              at=("optimize",))
    if not o.objectives:
        r.bad(("optimize", "objectives"), "invalid", {}, "at least one outcome: maximize or minimize")
    for name in o.objectives:
        _outcome(r, name, ("optimize", "objectives", name))
    bounds = []
    for i, text in enumerate(o.subject_to):
        parsed = parse_bound(text)
        if isinstance(parsed, Problem):
            r.add(parsed, ("optimize", "subject_to", i))
        else:
            bounds.append(parsed)
    if o.contexts and not space.uncertainties:
        r.bad(("optimize", "contexts"), f"value {o.contexts} needs uncertainties to sample",
              allowed="0, or declare uncertainties")
    if o.robustness != "mean" and o.contexts < 2:
        r.bad(("optimize", "robustness"), f"value {o.robustness!r} needs contexts",
              allowed="optimize.contexts of at least 2 (or robustness: mean)")
    if o.sampler == "tpe" and len(o.objectives) > 1:
        r.bad(("optimize", "sampler"), "value 'tpe' is for one objective", allowed="nsga2 or auto")
    return OptimizeSpec(**{**o.model_dump(), "subject_to": tuple(bounds)})


def check_discover(r: Checker, model: Any, space: Space) -> DiscoverSpec | None:
    """Check the ``discover`` section against the uncertainties."""
    d = model.discover
    if d is None:
        return None
    if not space.uncertainties:
        r.bad(("uncertainties",), "missing", allowed="at least one uncertainty for the discover section to sample",
              at=("discover",))
    _outcome(r, d.outcome, ("discover", "outcome"))
    if (d.below is None) == (d.above is None):
        r.bad(("discover",), "needs a threshold", allowed="exactly one of below: number or above: number")
    policy = {k: r.value(p, v, ("discover", "policy", k)) for k, v in d.policy.items()
              if (p := r.path(k, ("discover", "policy")))}
    if d.contexts < 2:
        r.bad(("discover", "contexts"), "invalid", d.contexts, "an integer in [2, 1000000]")
    values = d.model_dump()
    threshold = float(d.below if d.below is not None else d.above or 0.0)
    return DiscoverSpec(policy=policy, outcome=d.outcome, threshold=threshold, below=d.below is not None,
                        **{k: values[k] for k in ("contexts", "measure", "window", "peel_alpha",
                                                   "mass_min", "boxes")})
