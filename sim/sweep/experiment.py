"""An experiment resolved for running: design points, their scenarios, run seeds and a hash.

`load_experiment` validates an experiment file (`sim.inputs.experiment`), generates its
design points (`sim.sweep.design`), applies the parameter constraints (`sim.sweep.constrain`:
a sampled point is repaired, a grid combination that breaks one is left out), builds each
point's scenario once by applying the fixed and varied values to its base scenario
(values, not text), and derives the run seeds. `Experiment.canonical` is everything that determines the results; its SHA-256 is
the experiment hash ``--resume`` compares and every part file carries.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import sim
from sim.inputs.events import path_kind
from sim.inputs.experiment import load_experiment_file
from sim.inputs.experiment_fields import ExperimentFile
from sim.inputs.scenario import ScenarioBase, apply_overrides
from sim.primitives.errors import InputError, Origin, Problem
from sim.sweep import design as dz
from sim.sweep.constrain import base_value, constrain
from sim.sweep.design import LABELS as CROSSED_LABELS

#: Largest design, in design points and in runs (points x replications), of one experiment.
MAX_POINTS = 100_000
MAX_RUNS = 1_000_000
#: The packages whose code decides a run's results (the model and what it is built from).
MODEL_PACKAGES: tuple[str, ...] = ("primitives", "governance", "model")


def code_fingerprint() -> str:
    """SHA-256 (16 hex digits) of the model's source: every ``.py`` file of `MODEL_PACKAGES`.

    Part of the experiment hash, so a sweep is never resumed (or run on Dask workers) with
    different model code, even at the same package version.
    """
    root = Path(sim.__file__).resolve().parent
    digest = hashlib.sha256()
    for package in MODEL_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Experiment(ExperimentFile):
    """A resolved experiment: the file's values, design points, seeds and steps per point.

    Run ``r`` is replicate ``r % replications`` of design point ``r // replications``.
    """

    points: list[dict[str, Any]] = field(default_factory=list)
    sample: list[list[float]] | None = None
    seeds: list[int] = field(default_factory=list)
    steps_of_points: list[int] = field(default_factory=list)
    dropped: int = 0
    _cache: dict[int, ScenarioBase] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return len(self.points)

    @property
    def n_runs(self) -> int:
        """Number of runs: points x replications."""
        return len(self.points) * self.replications

    @property
    def varied(self) -> list[str]:
        """Label columns beside ``scenario``: the varied parameters.

        A crossed design's are policy, context, then the levers and uncertainties.
        """
        if self.design == "crossed":
            return [*CROSSED_LABELS, *crossed_paths(self)]
        return [f.name for f in self.factors if f.name != "scenario"]

    def label_kinds(self) -> dict[str, type]:
        """Every label column and its Python type (for the Parquet schema)."""
        return {"scenario": str, **{n: CROSSED_LABELS.get(n) or path_kind(n) for n in self.varied}}

    def run(self, run_id: int) -> tuple[int, int, int]:
        """(point_id, replicate, seed) of run `run_id`."""
        point, rep = divmod(run_id, self.replications)
        return point, rep, dz.seed_of(self.seeds, run_id, self.replications, self.common_random_numbers)

    def scenario_of(self, point_id: int) -> str:
        """Name of the scenario design point `point_id` starts from."""
        return str(self.points[point_id].get("scenario", self.base))

    def point_scenario(self, point_id: int) -> ScenarioBase:
        """The scenario of design point `point_id`: fixed and varied values applied.

        Built on demand (a few are cached): a large design need not hold every scenario.
        """
        if point_id not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[point_id] = point_scenario(self, self.points[point_id], point_id)
        return self._cache[point_id]

    def point_steps(self, point_id: int) -> int:
        """Steps of each run of design point `point_id`."""
        return self.steps_of_points[point_id]

    def record_steps(self, point_id: int) -> list[int]:
        """Steps recorded for design point `point_id`: every k-th and the last."""
        return dz.record_steps(self.point_steps(point_id), self.every)

    def canonical(self) -> dict[str, Any]:
        """Everything that determines the results, as plain JSON data (hashed for --resume)."""
        vary = {f.name: f.spec() for f in self.factors}
        space = self.space
        return {
            "design": self.design, "vary": vary, "fixed": self.fixed, "samples": self.samples,
            "levers": {f.name: f.spec() for f in space.levers},
            "uncertainties": {f.name: f.spec() for f in space.uncertainties},
            "constraints": [c.text for c in space.constraints], "policies": space.policies,
            "contexts": space.contexts,
            "levels": self.levels, "second_order": self.second_order,
            "replications": self.replications, "steps": self.steps, "seed": self.seed,
            "common_random_numbers": self.common_random_numbers,
            "record": {"outcomes": list(self.outcomes), "every": self.every},
            "scenarios": {n: {"steps": s.run_steps, "parameters": s.model_kwargs()}
                          for n, s in self.scenarios.items()},
            "package_version": sim.__version__, "model_code": code_fingerprint(),
            "points": self.points, "seeds": self.seeds,
        }

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON of `canonical`."""
        return digest(self.canonical())


def digest(canonical: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of plain JSON data."""
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


NOT_PATHS = ("scenario", *CROSSED_LABELS)


def crossed_paths(spec: ExperimentFile) -> list[str]:
    """The parameter columns of a crossed design: levers, uncertainties, named policies' keys."""
    named = spec.space.policies if isinstance(spec.space.policies, dict) else {}
    paths = [f.name for f in (*spec.space.levers, *spec.space.uncertainties)]
    return list(dict.fromkeys([*paths, *(k for values in named.values() for k in values)]))


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def point_scenario(spec: ExperimentFile, point: dict[str, Any], point_id: int) -> ScenarioBase:
    """The scenario of one design point: its base scenario with the fixed and varied values."""
    values = {**spec.fixed, **{k: v for k, v in point.items() if k not in NOT_PATHS}}
    what = ", ".join(f"{k}={_short(v)}" for k, v in point.items()) or "base scenario"
    origin = Origin("file", spec.label, detail=f"point {point_id} ({what})")
    return apply_overrides(spec.scenarios[str(point.get("scenario", spec.base))], values, origin)


def design_bounds(spec: ExperimentFile) -> tuple[int, int]:
    """(design points, runs) of `spec`, computed without generating the design.

    Raises:
        InputError: More than `MAX_POINTS` points or `MAX_RUNS` runs.
    """
    if spec.design == "grid":
        n_points = math.prod(len(f.values or ()) for f in spec.factors)
    elif spec.design == "crossed":
        policies = spec.space.policies
        n_points = (policies if isinstance(policies, int) else len(policies or {})) * (spec.space.contexts or 0)
    else:
        n_points = dz.design_size(spec.design, len(spec.factors), spec.samples or 0, bool(spec.second_order))
    n_runs = n_points * spec.replications
    if n_points > MAX_POINTS or n_runs > MAX_RUNS:
        size = {"grid": "vary", "crossed": "contexts"}.get(spec.design, "samples")
        raise InputError(Problem(
            size if n_points > MAX_POINTS else "replications",
            f"the design has {n_points:,} design points x {spec.replications:,} replications = {n_runs:,} runs",
            allowed=f"at most {MAX_POINTS:,} design points and {MAX_RUNS:,} runs in one experiment; "
                    "split it into several experiments, each with its own --out",
            origin=Origin("file", spec.label)))
    return n_points, n_runs


def _point_steps(spec: ExperimentFile, points: list[dict[str, Any]],
                 progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Validate every design point's scenario once; the steps of each (problems: at most five)."""
    out: list[int] = []
    problems: list[Problem] = []
    timed = any(s.events for s in spec.scenarios.values())  # events must fall within `steps`
    for i, point in enumerate(points):
        if progress is not None and i % 1000 == 0:
            progress(i, len(points))
        try:
            if spec.steps and not timed:
                out.append(spec.steps)
                continue
            scenario = point_scenario(spec, point, i)
            out.append(spec.steps or scenario.run_steps)
            problems += [Problem(f"events[{k}].month", f"is after the run's last month ({out[-1]})", month,
                                 allowed=f"a month in [1, {out[-1]}], or more steps", origin=Origin(
                                     "file", spec.label, detail=f"point {i}"))
                         for k, month in enumerate(e["month"] for e in scenario.events or []) if month > out[-1]]
        except InputError as err:
            problems += err.problems
        if len(problems) >= 5:
            break
    if problems:
        raise InputError(problems)
    return out


def load_experiment(path_or_name: str | Path,
                    progress: Callable[[int, int], None] | None = None) -> Experiment:
    """Load, validate and resolve an experiment file (or a name from ``experiments/``).

    Args:
        path_or_name: A file, or the name of one in ``experiments/``.
        progress: Called with (points checked, points) while the design points are
            checked (about a millisecond each), every thousand points.

    Raises:
        InputError: Bad YAML, unknown key, bad value, bad range, unknown scenario, a
            design larger than `MAX_POINTS` points or `MAX_RUNS` runs (refused before it
            is generated), or a design point the model rejects; each problem names the
            file and the field.
    """
    spec = load_experiment_file(path_or_name)
    design_bounds(spec)
    space = spec.space
    if spec.design == "crossed":
        design = dz.crossed(space.policies or 0, space.levers, space.contexts or 0,
                            space.uncertainties, spec.seed)
        sampled = {f.name for f in (*space.levers, *space.uncertainties)}
        base = spec.scenarios[str(spec.base)]  # a named policy's unset levers: the base's values
        design.points[:] = [{**{k: base_value(base, k) for k in crossed_paths(spec)}, **p}
                            for p in design.points]
    else:
        design = dz.generate(spec.design, spec.factors, samples=spec.samples, levels=spec.levels or 4,
                             second_order=bool(spec.second_order), seed=spec.seed)
        sampled = {f.name for f in spec.factors} if spec.design != "grid" else set()
    points, dropped = constrain(spec, design.points, sampled)
    steps = _point_steps(spec, points, progress)
    seeds = dz.run_seeds(spec.seed, len(points), spec.replications, spec.common_random_numbers)
    fields = {k: getattr(spec, k) for k in ExperimentFile.__dataclass_fields__}
    return Experiment(**fields, points=points, sample=design.sample, seeds=seeds, steps_of_points=steps,
                      dropped=dropped)
