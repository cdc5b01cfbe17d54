"""The checks of an experiment file that need the scenario schema: paths, values, scenarios.

After pydantic has checked the file's structure (`sim.inputs.experiment`), `check_fields`
checks what refers to scenarios: every varied and fixed dotted path is a declared
parameter, every value is one it accepts, ranges are ``[low, high]`` with low < high (a
categorical parameter in a sampled design: a list of its choices), the base scenario (or
``vary.scenario``) loads, and the recorded outcomes exist; the policy space and sections
are checked by `sim.inputs.experiment_space`. It collects every problem before raising one
`InputError`, and returns the file as plain values: an `ExperimentFile`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.inputs.experiment_check import Checker, Factor
from sim.inputs.experiment_space import (
    DiscoverSpec,
    OptimizeSpec,
    Space,
    check_discover,
    check_optimize,
    check_space,
)
from sim.inputs.scenario import ScenarioBase
from sim.inputs.yamlfile import Document
from sim.model.reporters import REPORTERS
from sim.primitives.errors import did_you_mean

__all__ = ["ExperimentFile", "Factor", "check_fields"]


@dataclass(frozen=True)
class ExperimentFile:
    """A validated experiment file, as plain values.

    Attributes:
        name: The experiment's name (the file name unless given).
        description: What it is.
        label: How the file is named in messages.
        design: ``grid``, ``lhs``, ``sobol``, ``morris`` or ``crossed``.
        factors: The varied parameters (``scenario`` first if varied).
        fixed: Dotted path -> value set at every design point.
        scenarios: The scenarios the design starts from, by name.
        base: The base scenario's name (``None`` when ``vary.scenario`` lists them).
        replications: Runs per design point.
        steps: Steps per run (``None``: each scenario's own).
        seed: Experiment seed.
        common_random_numbers: Whether replicate k shares a seed at every point.
        samples: Sampled designs' size parameter (``None`` for a grid).
        levels: Morris grid levels (``None`` otherwise).
        second_order: Sobol second-order indices (``None`` otherwise).
        outcomes: Reporters to record.
        every: Record every k steps.
        space: Levers, uncertainties, parameter constraints; a crossed design's policies
            and contexts.
        optimize: The ``optimize`` section (``None`` if absent).
        discover: The ``discover`` section (``None`` if absent).
    """

    name: str
    description: str
    label: str
    design: str
    factors: list[Factor]
    fixed: dict[str, Any]
    scenarios: dict[str, ScenarioBase]
    base: str | None
    replications: int
    steps: int | None
    seed: int
    common_random_numbers: bool
    samples: int | None
    levels: int | None
    second_order: bool | None
    outcomes: tuple[str, ...]
    every: int
    space: Space
    optimize: OptimizeSpec | None
    discover: DiscoverSpec | None


def check_fields(model: Any, doc: Document, path: Path) -> ExperimentFile:
    """Check what an experiment file refers to; the file as an `ExperimentFile`."""
    r, design = Checker(doc), model.design
    if design == "sobol" and not math.log2(model.samples).is_integer():
        r.bad(("samples",), "invalid", model.samples, "a power of 2 for a sobol design")
    if design == "morris" and model.levels % 2:
        r.bad(("levels",), "invalid", model.levels, "an even number")
    if design not in ("grid", "crossed") and not model.vary:
        r.bad(("vary",), "missing", allowed=f"at least one [low, high] range for a {design} design")
    refs = model.vary.get("scenario")
    factors: list[Factor | None] = []
    for key, spec in model.vary.items():
        if key != "scenario":
            factors.append(r.factor(key, spec, design != "grid"))
            continue
        factors.append(None)  # the scenarios' names, once they are loaded
        if design != "grid":
            r.bad(("vary", "scenario"), f"only a grid design can vary the scenario (design is {design})")
        elif not (isinstance(spec, list) and spec):
            r.bad(("vary", "scenario"), "invalid", spec, "a list of scenario names or files")
    fixed = {k: r.value(p, v, ("fixed", k)) for k, v in model.fixed.items() if (p := r.path(k, ("fixed",)))}
    space = check_space(r, model)
    optimize, discover = check_optimize(r, model, space), check_discover(r, model, space)
    refs = refs if isinstance(refs, list) and design == "grid" else []
    if refs and (optimize or discover):
        r.bad(("vary", "scenario"), "the optimize and discover sections start from one scenario",
              allowed="base: a scenario, without vary.scenario")
    if refs and model.base is not None:
        r.bad(("base",), "not used when vary.scenario lists the scenarios; remove one of them")
    elif not refs and model.base is None:
        r.bad(("base",), "missing", allowed="a scenario name or file, unless vary.scenario is given")
    where = [("vary", "scenario", i) for i in range(len(refs))] if refs else [("base",)]
    loaded = [r.scenario(ref, w, path.parent) for ref, w in zip(refs or [model.base], where, strict=True)]
    scenarios = {str(s.name): s for s in loaded if s is not None}
    if len(scenarios) < len([s for s in loaded if s is not None]):
        r.bad(("vary", "scenario"), "two of the scenarios have the same name")
    outcomes = REPORTERS if model.record.outcomes == "all" else tuple(dict.fromkeys(model.record.outcomes))
    for i, o in enumerate(outcomes):
        if o not in REPORTERS:
            r.bad(("record", "outcomes", i), f"unknown outcome {o!r}", allowed="all, or a list of: "
                  + ", ".join(REPORTERS), hint=did_you_mean(o, REPORTERS))
    if not outcomes:
        r.bad(("record", "outcomes"), "invalid", [], "all, or a non-empty list of outcomes")
    r.check()
    if refs:  # the scenario column holds scenario names, not the file references
        factors[list(model.vary).index("scenario")] = Factor("scenario", tuple(scenarios))
    return ExperimentFile(
        name=model.name or path.stem, description=model.description, label=doc.label, design=design,
        factors=[f for f in factors if f is not None], fixed=fixed, scenarios=scenarios,
        base=None if refs else next(iter(scenarios)), replications=model.replications,
        steps=model.steps, seed=model.seed, common_random_numbers=model.common_random_numbers,
        samples=getattr(model, "samples", None), levels=getattr(model, "levels", None),
        second_order=getattr(model, "second_order", None), outcomes=outcomes, every=model.record.every,
        space=space, optimize=optimize, discover=discover)
