"""The declared parameters as other tools' search spaces: SALib, EMA Workbench, Optuna, Mesa.

A *space* is a list of `Factor`s, built by `space` from dotted scenario paths (each over its
declared range or choices) or from a mapping of path to ``[low, high]`` or a list of choices
(as an experiment file's levers and uncertainties are written), and validated against the
declarations. Every exporter reads the same declarations, so no range is written twice:

>>> from sim.policy.export import space, salib_problem, ema_parameters, optuna_space
>>> s = space({"governance.monitoring": [0, 1], "governance.sanctions": ["none", "peer"]})
>>> salib_problem(s)["bounds"]
[[0.0, 1.0], [0.0, 2.0]]

A categorical parameter is a range ``[0, k)`` for SALib (decoded by `decode`: choice
``floor(x)``), a `CategoricalParameter` for EMA Workbench and a `CategoricalDistribution`
for Optuna. `solara_model_params` gives Mesa's SolaraViz its ``model_params`` from the
model's flat keyword parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sim.inputs.experiment_check import Factor
from sim.inputs.schema import DOTTED, PATHS
from sim.model.parameters import MODEL_PARAMS
from sim.primitives.errors import InputError, Origin, Problem, did_you_mean
from sim.sweep.design import salib_problem as _salib_problem

ORIGIN = Origin("constructor", "sim.policy.export.space")


def _factor(path: str, spec: Any) -> Factor:
    p = PATHS.get(path)
    if p is None:
        raise InputError(Problem(path, "unknown parameter", allowed="a dotted scenario path",
                                 hint=did_you_mean(path, PATHS), origin=ORIGIN))
    if p.choices is not None:
        choices = tuple(p.validate(c) for c in (spec if spec is not None else p.choices))
        return Factor(path, None, 0.0, float(len(choices)), choices=choices)
    low, high = spec if spec is not None else (p.low, p.high)
    if low is None or high is None:
        raise InputError(Problem(path, "has no declared bound on one side", allowed=f"give a range "
                                 f"[low, high] within {p.allowed()}", origin=ORIGIN))
    low, high = p.validate(low), p.validate(high)
    if not low < high:
        raise InputError(Problem(path, f"range [{low}, {high}] is not valid", allowed="low < high",
                                 origin=ORIGIN))
    return Factor(path, None, low, high, integer=p.kind is int)


def space(spec: Iterable[str] | Mapping[str, Any] | Sequence[Factor]) -> list[Factor]:
    """Factors from dotted paths (declared ranges), a mapping path -> range or choices, or factors.

    Raises:
        InputError: An unknown path, a value outside the declared range or choices, or an
            unbounded declared range without an explicit one.
    """
    if isinstance(spec, Mapping):
        return [_factor(DOTTED.get(k, k), v) for k, v in spec.items()]
    out = []
    for item in spec:
        out.append(item if isinstance(item, Factor) else _factor(DOTTED.get(str(item), str(item)), None))
    return out


def decode(factors: Sequence[Factor], row: Sequence[float]) -> dict[str, Any]:
    """A sampled row (SALib's order) as parameter values: integers rounded, choices decoded."""
    return {f.name: f.value(x) for f, x in zip(factors, row, strict=True)}


def salib_problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """SALib's problem dictionary (``num_vars``, ``names``, ``bounds``; categorical: ``[0, k]``)."""
    return _salib_problem(list(factors))


def ema_parameters(factors: Sequence[Factor]) -> list[Any]:
    """EMA Workbench parameters (Real, Integer, Categorical), for uncertainties or levers.

    EMA Workbench wants Python identifiers, so a model parameter is named by its flat name
    (``monitoring``), which `sim.run_point` accepts as well as the dotted path.
    """
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter  # noqa: PLC0415

    out: list[Any] = []
    for f in factors:
        name = PATHS[f.name].name if DOTTED.get(PATHS[f.name].name) == f.name else f.name
        if f.choices is not None:
            out.append(CategoricalParameter(name, list(f.choices)))
        elif f.integer:
            out.append(IntegerParameter(name, int(f.low or 0), int(f.high or 0)))
        else:
            out.append(RealParameter(name, float(f.low or 0.0), float(f.high or 0.0)))
    return out


def optuna_space(factors: Sequence[Factor]) -> dict[str, Any]:
    """An Optuna search space: name -> Float, Int or Categorical distribution."""
    from optuna.distributions import (  # noqa: PLC0415 (optuna is slow to import)
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    out: dict[str, Any] = {}
    for f in factors:
        if f.choices is not None:
            out[f.name] = CategoricalDistribution(list(f.choices))
        elif f.integer:
            out[f.name] = IntDistribution(int(f.low or 0), int(f.high or 0))
        else:
            out[f.name] = FloatDistribution(float(f.low or 0.0), float(f.high or 0.0))
    return out


def solara_model_params(names: Iterable[str] | None = None, steps: int = 100) -> dict[str, Any]:
    """Mesa SolaraViz ``model_params`` for `sim.CoProductionModel` from the declarations.

    Args:
        names: Flat model parameter names or dotted paths (default: every model parameter).
        steps: Slider resolution for a number: its range in this many steps.

    Returns:
        Flat name -> a ``Select`` (choices), ``SliderInt`` or ``SliderFloat`` control over
        the declared range, with the declared default as its value and the doc sentence as
        its label; a number without a declared bound is passed as its fixed default (no
        control), as SolaraViz takes fixed values.
    """
    chosen = [PATHS[n].name if n in PATHS else n for n in (names or MODEL_PARAMS)]
    out: dict[str, Any] = {}
    for name in chosen:
        p = MODEL_PARAMS.get(name)
        if p is None:
            raise InputError(Problem(name, "unknown", allowed="a model parameter",
                                     hint=did_you_mean(name, MODEL_PARAMS), origin=ORIGIN))
        label = f"{name}: {p.doc.rstrip('.')}"
        if p.choices is not None:
            out[name] = {"type": "Select", "value": p.default, "values": list(p.choices), "label": label}
        elif p.low is not None and p.high is not None:
            kind = "SliderInt" if p.kind is int else "SliderFloat"
            step = 1 if p.kind is int else (p.high - p.low) / steps
            out[name] = {"type": kind, "value": p.default, "min": p.low, "max": p.high, "step": step,
                         "label": label}
        else:
            out[name] = p.default
    return out
