"""Loading a targets file into a `Targets` value: what to fit, to which data, and how.

`load_targets` parses the YAML safely (`sim.inputs.yamlfile`, so problems carry the file
and line), validates its structure (`sim.calibration.schema`), then checks what refers to
the rest of the project: the base scenario loads and the ``fixed`` values are ones it
accepts; every fitted parameter is a declared number parameter and its prior lies within
its declared range (`sim.calibration.priors`); the observed CSV reads
(`sim.calibration.observed`); the run is long enough for the data. Every problem is
collected before one `InputError` is raised.

`Targets.canonical` is everything that decides the stored generations of a fit; its
SHA-256 is the hash ``--resume`` compares. The stopping rules (``generations``,
``min_epsilon``, ``max_runs``) and ``predictive_draws`` are left out on purpose: a stored
generation does not depend on them, so raising ``generations`` and resuming continues the
same fit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import sim
from sim.calibration.observed import Observed, read_observed
from sim.calibration.priors import Prior, check_prior
from sim.calibration.schema import TOP_KEYS, TargetsFile, problem_of
from sim.inputs.locate import NoSuchFileError, locate, read_text
from sim.inputs.scenario import ScenarioBase, apply_overrides, load_scenario
from sim.inputs.schema import PATHS, SECTIONS
from sim.inputs.yamlfile import Document, parse_yaml
from sim.primitives.errors import InputError, Origin, Problem, did_you_mean

CALIBRATION_DIR = Path(__file__).resolve().parents[2] / "experiments" / "calibration"
#: Settings that do not change a stored generation (left out of the hash).
STOPPING = ("generations", "min_epsilon", "max_runs", "predictive_draws")


@dataclass(frozen=True)
class Targets:
    """A validated targets file, as plain values.

    Attributes:
        name: The fit's name (the file name unless given).
        description: What is fitted, to which data.
        label: How the file is named in messages.
        scenario: The base scenario with the ``fixed`` values applied.
        fixed: Dotted path -> value set on the base scenario.
        priors: Dotted path -> prior of each fitted parameter, in file order.
        observed: The observed series (``None`` if only patterns are targets).
        window: Months per window of the series' statistics.
        patterns: Built-in calibration patterns used as targets.
        truth: Known values of fitted parameters (synthetic data), reported beside the fit.
        steps: Months per model run.
        burn_in: Months simulated before observed month 1.
        seed: The fit's seed.
        population_size: Particles per generation.
        generations: Largest number of generations.
        min_epsilon: Stop once the threshold is at or below this.
        max_runs: Largest number of model runs.
        replications: Model runs per particle.
        predictive_draws: Posterior draws for the predictive check.
    """

    name: str
    description: str
    label: str
    scenario: ScenarioBase
    fixed: dict[str, Any]
    priors: dict[str, Prior]
    observed: Observed | None
    window: int
    patterns: tuple[str, ...]
    truth: dict[str, float]
    steps: int
    burn_in: int
    seed: int
    population_size: int
    generations: int
    min_epsilon: float
    max_runs: int
    replications: int
    predictive_draws: int

    @property
    def base_kwargs(self) -> dict[str, Any]:
        """Model keyword arguments of the base scenario (fixed values applied)."""
        return self.scenario.model_kwargs()

    def canonical(self) -> dict[str, Any]:
        """Everything that decides the stored generations, as plain JSON data (hashed)."""
        from sim.sweep.experiment import code_fingerprint  # noqa: PLC0415

        return {
            "base": {"name": self.scenario.name, "parameters": self.base_kwargs},
            "parameters": {n: p.as_dict() for n, p in self.priors.items()},
            "observed": None if self.observed is None else self.observed.canonical(),
            "window": self.window, "patterns": list(self.patterns), "steps": self.steps,
            "burn_in": self.burn_in, "seed": self.seed, "population_size": self.population_size,
            "replications": self.replications, "package_version": sim.__version__,
            "model_code": code_fingerprint(),
        }

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON of `canonical`."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()


class _Checker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def bad(self, loc: tuple, issue: str, value: Any = None, allowed: str = "", hint: str = "") -> None:
        self.problems.append(Problem(".".join(str(x) for x in loc), issue, value, allowed, hint,
                                     self.doc.origin(loc)))

    def path(self, key: str, section: str) -> bool:
        if key in PATHS:
            return True
        homes = {dotted.split(".")[1]: dotted for dotted in PATHS}
        hint = did_you_mean(key, PATHS) or (f" (did you mean {homes[key]!r}?)" if key in homes else "")
        self.bad((section, key), "unknown parameter", allowed="a dotted scenario path section.key with "
                 f"section one of {', '.join(SECTIONS)}", hint=hint)
        return False

    def scenario(self, ref: str, folder: Path) -> ScenarioBase | None:
        local = folder / ref
        try:
            return load_scenario(local if local.is_file() else ref)
        except NoSuchFileError as err:
            (p,) = err.problems
            self.bad(("base",), "no such scenario file or named scenario", allowed=p.allowed, hint=p.hint)
        except InputError as err:
            self.problems += err.problems
        return None


def _observed(r: _Checker, model: TargetsFile, folder: Path) -> Observed | None:
    spec = model.observed
    if spec is None:
        return None
    path = folder / spec.file if not Path(spec.file).is_absolute() else Path(spec.file)
    if not path.is_file():
        r.bad(("observed", "file"), "invalid", spec.file, f"an existing CSV file (a path relative to {folder})")
        return None
    full, here = path.resolve(), Path.cwd()
    label = str(full.relative_to(here)) if full.is_relative_to(here) else str(full)
    try:
        return read_observed(path, label, spec.window, dict(spec.weights), r.doc.origin(("observed", "weights")))
    except InputError as err:
        r.problems += err.problems
        return None


def _steps(r: _Checker, model: TargetsFile, scenario: ScenarioBase, observed: Observed | None) -> int:
    if observed is None:
        return model.steps or scenario.run_steps
    need = model.burn_in + observed.months
    if model.steps is not None and model.steps < need:
        r.bad(("steps",), "invalid", model.steps, f"at least burn_in + the observed months = {need}")
    return model.steps or need


def load_targets(path_or_name: str | Path) -> Targets:
    """Load and validate a targets file (or a name from ``experiments/calibration/``).

    Raises:
        InputError: Bad YAML, unknown key, bad value, unknown parameter, a prior outside
            the parameter's range, an unreadable or bad CSV; each problem names the file
            (and line, CSV column) and what is allowed.
    """
    path, label = locate(path_or_name, CALIBRATION_DIR, "targets")
    doc = parse_yaml(read_text(path, label), label)
    if not isinstance(doc.data, dict):
        raise InputError(Problem("", "a targets file must be a mapping of keys", allowed=", ".join(TOP_KEYS),
                                 origin=doc.origin(())))
    try:
        model = TargetsFile.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(problem_of(e, doc) for e in err.errors()) from None
    r = _Checker(doc)
    fixed = {k: v for k, v in model.fixed.items() if r.path(k, "fixed")}
    scenario = r.scenario(model.base, path.parent)
    if scenario is not None and fixed:
        try:
            scenario = apply_overrides(scenario, fixed, doc.origin(("fixed",)))
        except InputError as err:
            r.problems += err.map(lambda p: p if p.field not in fixed else Problem(
                f"fixed.{p.field}", p.issue, p.value, p.allowed, p.hint, doc.origin(("fixed", p.field)))).problems
            scenario = None
    priors: dict[str, Prior] = {}
    if not model.parameters:
        r.bad(("parameters",), "missing", allowed="at least one dotted parameter path to fit")
    for key, spec in model.parameters.items():
        if r.path(key, "parameters"):
            def where(sub: str, key: str = key) -> Origin:
                return doc.origin(("parameters", key, sub) if sub else ("parameters", key))

            prior, problems = check_prior(key, PATHS[key], spec, where)
            r.problems += problems
            if prior is not None:
                priors[key] = prior
            if key in fixed:
                r.bad(("fixed", key), "is also fitted", allowed="a parameter either fixed or fitted")
    for key in model.truth:
        if key not in model.parameters:
            r.bad(("truth", key), "not a fitted parameter", allowed="one of: " + ", ".join(model.parameters))
    observed = _observed(r, model, path.parent)
    if model.observed is None and not model.patterns:
        r.bad(("observed",), "missing", allowed="observed (a CSV of monthly series) or patterns (built-in "
              "calibration patterns), or both")
    steps = _steps(r, model, scenario, observed) if scenario is not None else 0
    if r.problems:
        raise InputError(r.problems)
    assert scenario is not None
    return Targets(
        name=model.name or path.stem, description=model.description, label=label, scenario=scenario,
        fixed=fixed, priors=priors, observed=observed,
        window=model.observed.window if model.observed else 0, patterns=tuple(dict.fromkeys(model.patterns)),
        truth=dict(model.truth), steps=steps, burn_in=model.burn_in, seed=model.seed,
        population_size=model.population_size, generations=model.generations,
        min_epsilon=model.min_epsilon, max_runs=model.max_runs, replications=model.replications,
        predictive_draws=model.predictive_draws)

