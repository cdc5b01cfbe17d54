"""The checks of an experiment file that need the scenario schema: paths, values, scenarios.

After pydantic has checked the file's structure (`sim.inputs.experiment`), `check_fields`
checks what refers to scenarios: every varied and fixed dotted path is a declared
parameter, every value is one it accepts, ranges are ``[low, high]`` with low < high,
categorical parameters only in grids, the base scenario (or ``vary.scenario``) loads, and
the recorded outcomes exist. It collects every problem before raising one `InputError`,
and returns the file as plain values: an `ExperimentFile`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.inputs.locate import NoSuchFileError
from sim.inputs.scenario import ScenarioBase, load_scenario
from sim.inputs.schema import PATHS, SECTIONS
from sim.inputs.yamlfile import Document
from sim.model.reporters import REPORTERS
from sim.primitives.errors import InputError, Problem, did_you_mean
from sim.primitives.params import Param


@dataclass(frozen=True)
class Factor:
    """One varied parameter.

    Attributes:
        name: Dotted scenario path (``governance.monitoring``) or ``scenario``.
        values: The values of a grid design (``None`` for a sampled design).
        low: Lower bound of a sampled range.
        high: Upper bound of a sampled range.
        integer: Whether sampled values are rounded to integers.
    """

    name: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class ExperimentFile:
    """A validated experiment file, as plain values.

    Attributes:
        name: The experiment's name (the file name unless given).
        description: What it is.
        label: How the file is named in messages.
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
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


class _Checker:
    """Collects the problems of one file, each with its line."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def bad(self, loc: tuple, issue: str = "invalid", value: Any = None, allowed: str = "", hint: str = "") -> None:
        field = ".".join(str(x) for x in loc[:1]) + "".join(
            f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc[1:])
        self.problems.append(Problem(field, issue, value, allowed, hint, self.doc.origin(loc)))

    def value(self, p: Param, value: Any, loc: tuple) -> Any:
        try:
            return p.validate(value)
        except InputError:
            problem = p.problem(value)
            self.bad(loc, "invalid", value, problem.allowed, problem.hint)
            return None

    def path(self, key: str, where: str) -> Param | None:
        if key in PATHS:
            return PATHS[key]
        homes = {dotted.split(".")[1]: dotted for dotted in PATHS}
        hint = did_you_mean(key, PATHS) or (f" (did you mean {homes[key]!r}?)" if key in homes else "")
        self.bad((where, key), "unknown parameter", allowed="a dotted scenario path section.key "
                 f"with section one of {', '.join(SECTIONS)}", hint=hint)
        return None

    def factor(self, key: str, spec: Any, design: str) -> Factor | None:
        if (p := self.path(key, "vary")) is None:
            return None
        if design == "grid":
            if not isinstance(spec, list) or not spec:
                self.bad(("vary", key), "invalid", spec, f"a non-empty list of values, each {p.allowed()}")
                return None
            values = tuple(self.value(p, v, ("vary", key, i)) for i, v in enumerate(spec))
            if len(set(values)) < len(values):
                self.bad(("vary", key), f"value {spec!r} lists a value twice")
            return Factor(key, values)
        if p.choices is not None:
            self.bad(("vary", key), f"a categorical parameter ({p.allowed()}); a {design} design "
                     "varies numbers only: list its values in a grid design instead")
            return None
        if not (isinstance(spec, list) and len(spec) == 2):
            self.bad(("vary", key), "invalid", spec, f"a range [low, high], each {p.allowed()}")
            return None
        low, high = (self.value(p, v, ("vary", key, i)) for i, v in enumerate(spec))
        if low is not None and high is not None and not low < high:
            self.bad(("vary", key), f"range {spec!r} is not valid", allowed="[low, high] with low < high")
        return Factor(key, None, low, high, integer=p.kind is int)

    def scenario(self, ref: Any, loc: tuple, folder: Path) -> ScenarioBase | None:
        if not isinstance(ref, str):
            self.bad(loc, "invalid", ref, "a scenario name or file")
            return None
        local = folder / ref
        try:
            return load_scenario(local if local.is_file() else ref)
        except NoSuchFileError as err:  # this file's field is wrong: name it here
            (p,) = err.problems
            self.bad(loc, "no such scenario file or named scenario", allowed=p.allowed, hint=p.hint)
            return None
        except InputError as err:  # the scenario file itself is wrong: its own lines
            self.problems += err.problems
            return None

    def check(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def check_fields(model: Any, doc: Document, path: Path) -> ExperimentFile:
    """Check what an experiment file refers to; the file as an `ExperimentFile`."""
    r, design = _Checker(doc), model.design
    if design == "sobol" and not math.log2(model.samples).is_integer():
        r.bad(("samples",), "invalid", model.samples, "a power of 2 for a sobol design")
    if design == "morris" and model.levels % 2:
        r.bad(("levels",), "invalid", model.levels, "an even number")
    if design != "grid" and not model.vary:
        r.bad(("vary",), "missing", allowed=f"at least one [low, high] range for a {design} design")
    refs = model.vary.get("scenario")
    factors: list[Factor | None] = []
    for key, spec in model.vary.items():
        if key != "scenario":
            factors.append(r.factor(key, spec, design))
            continue
        factors.append(None)  # the scenarios' names, once they are loaded
        if design != "grid":
            r.bad(("vary", "scenario"), f"only a grid design can vary the scenario (design is {design})")
        elif not (isinstance(spec, list) and spec):
            r.bad(("vary", "scenario"), "invalid", spec, "a list of scenario names or files")
    fixed = {k: r.value(p, v, ("fixed", k)) for k, v in model.fixed.items() if (p := r.path(k, "fixed"))}
    refs = refs if isinstance(refs, list) and design == "grid" else []
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
        second_order=getattr(model, "second_order", None), outcomes=outcomes, every=model.record.every)
