"""Experiment files: which scenarios to run, what to vary, how often, and what to record.

An experiment file (``experiments/*.yaml``) is read with the same strict YAML loader as
scenario files and its errors name the file, the dotted field, the value and what is
allowed. Parameters are scenario dotted paths (``governance.monitoring``) applied with
`sim.inputs.scenario.apply_overrides`, so every value is validated exactly like a scenario value;
``scenario`` itself may be varied in a grid. `load_experiment` resolves the file into an
`Experiment`: design points, run seeds and a canonical description whose SHA-256 is the
experiment hash ``--resume`` compares. The format is documented in docs/sweeps.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

import sim
from sim.inputs.experiment_fields import TOP_KEYS, FileReader, given
from sim.inputs.scenario import ScenarioBase, apply_overrides
from sim.inputs.yamlfile import ScenarioError, parse_yaml
from sim.primitives.params import did_you_mean
from sim.sweep import design as dz

#: The packages whose code decides a run's results (the model and what it is built from).
MODEL_PACKAGES: tuple[str, ...] = ("primitives", "governance", "model")
EXPERIMENT_DIR = Path(__file__).resolve().parents[2] / "experiments"


def _outcomes() -> tuple[str, ...]:
    from sim.model.coproduction import REPORTERS  # noqa: PLC0415 (imports Mesa)

    return REPORTERS


def code_fingerprint() -> str:
    """SHA-256 (16 hex digits) of the model's source: every ``.py`` file of `MODEL_PACKAGES`.

    Part of the experiment hash, so a sweep is never resumed (or run on Dask workers) with
    different model code, even at the same package version.
    """
    root = Path(sim.__file__).resolve().parent
    digest = hashlib.sha256()
    for package in MODEL_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def yaml_text(value: Any) -> str:
    """`value` as the YAML text `apply_overrides` reads back to the same value."""
    return yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").strip()


@dataclass
class Experiment:
    """A resolved experiment: design points, seeds and record settings.

    Run ``r`` is replicate ``r % replications`` of design point ``r // replications``.
    """

    name: str
    description: str
    label: str
    design: str
    factors: list[dz.Factor]
    fixed: dict[str, Any]
    scenarios: dict[str, ScenarioBase]
    base: str | None
    points: list[dict[str, Any]]
    sample: list[list[float]] | None
    replications: int
    steps: int | None
    seed: int
    common_random_numbers: bool
    samples: int | None
    levels: int | None
    second_order: bool | None
    outcomes: tuple[str, ...]
    every: int
    seeds: list[int] = field(default_factory=list)
    point_steps: list[int] = field(default_factory=list)
    _cache: dict[int, ScenarioBase] = field(default_factory=dict, repr=False)

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
        """Column names of the varied parameters other than ``scenario``."""
        return [f.name for f in self.factors if f.name != "scenario"]

    def run(self, run_id: int) -> tuple[int, int, int]:
        """(point_id, replicate, seed) of run `run_id`."""
        point, rep = divmod(run_id, self.replications)
        return point, rep, dz.seed_of(self.seeds, run_id, self.replications, self.common_random_numbers)

    def scenario_of(self, point_id: int) -> str:
        """Name of the scenario design point `point_id` starts from."""
        return self.points[point_id].get("scenario", self.base)

    def point_scenario(self, point_id: int) -> ScenarioBase:
        """The scenario of design point `point_id`: fixed and varied values applied."""
        if point_id not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            values = {k: v for k, v in self.points[point_id].items() if k != "scenario"}
            sets = [f"{k}={yaml_text(v)}" for k, v in {**self.fixed, **values}.items()]
            self._cache[point_id] = apply_overrides(self.scenarios[self.scenario_of(point_id)], sets)
        return self._cache[point_id]

    def record_steps(self, point_id: int) -> list[int]:
        """Steps recorded for design point `point_id`: every k-th and the last."""
        steps = self.point_steps[point_id]
        return [*range(self.every, steps + 1, self.every)] + ([steps] if steps % self.every else [])

    def canonical(self) -> dict[str, Any]:
        """Everything that determines the results, as plain JSON data (hashed for --resume)."""
        vary = {f.name: list(f.values) if f.values is not None else [f.low, f.high] for f in self.factors}
        return {
            "design": self.design, "vary": vary, "fixed": self.fixed, "samples": self.samples,
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
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _locate(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.is_file():
        return path
    named = EXPERIMENT_DIR / f"{path_or_name}.yaml"
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1 or not named.is_file():
        names = sorted(p.stem for p in EXPERIMENT_DIR.glob("*.yaml"))
        raise ScenarioError(f"{path_or_name}: no such experiment file or named experiment"
                            f"{did_you_mean(str(path_or_name), names)}; available: {', '.join(names)}")
    return named


def load_experiment(path_or_name: str | Path) -> Experiment:
    """Load, validate and resolve an experiment file (or a name from ``experiments/``).

    Raises:
        ScenarioError: Bad YAML, unknown key, bad value, bad range, unknown scenario, or a
            design point the model rejects; the message names the file and the field.
    """
    path = _locate(path_or_name)
    short = path.is_absolute() and path.is_relative_to(Path.cwd())
    label = str(path.relative_to(Path.cwd()) if short else path)
    data = parse_yaml(path.read_text(encoding="utf-8"), label)
    if not isinstance(data, dict):
        raise ScenarioError(f"{label}: an experiment must be a mapping of keys ({', '.join(TOP_KEYS)})")
    r = FileReader(label, path.parent)
    v = r.settings(data)
    outcomes, every = r.record(data.get("record") or {}, _outcomes())
    vary, fixed = data.get("vary") or {}, data.get("fixed") or {}
    for key, value in (("vary", vary), ("fixed", fixed)):
        if not isinstance(value, dict):
            r.bad(key, f"{given(value)} is not valid; allowed: a mapping of dotted parameter paths")
    if v["design"] is None or not isinstance(vary, dict) or not isinstance(fixed, dict):
        r.check()
    if v["design"] in dz.SAMPLED and not vary:
        r.bad("vary", f"missing; a {v['design']} design needs at least one [low, high] range")
    factors = [f for n, spec in vary.items() if (f := r.factor(str(n), spec, v["design"]))]
    fixed = {k: r.param(p, val, f"fixed.{k}") for k, val in fixed.items() if (p := r.path(k, "fixed"))}
    refs = vary["scenario"] if isinstance(vary.get("scenario"), list) else []
    if refs and "base" in data:
        r.bad("base", "not used when vary.scenario lists the scenarios; remove one of them")
    elif not refs and "base" not in data:
        r.bad("base", "missing; required (a scenario name or file) unless vary.scenario is given")
    where = [f"vary.scenario[{i}]" for i in range(len(refs))] if refs else ["base"]
    loaded = [r.scenario(ref, w) for ref, w in zip(refs or [data.get("base")], where, strict=True)]
    scenarios = {s.name: s for s in loaded if s is not None}
    if len(scenarios) < len([s for s in loaded if s]):
        r.bad("vary.scenario", "two of the scenarios have the same name")
    r.check()
    if refs:  # the scenario column holds scenario names, not the file references
        factors = [dz.Factor(f.name, tuple(s.name for s in loaded)) if f.name == "scenario" else f
                   for f in factors]
    design = dz.generate(v["design"], factors, samples=v["samples"], levels=v["levels"],
                         second_order=v["second_order"], seed=v["seed"])
    kind = v["design"]
    exp = Experiment(
        name=data.get("name", path.stem), description=data["description"], label=label, design=kind,
        factors=factors, fixed=fixed, scenarios=scenarios, base=None if refs else loaded[0].name,
        points=design.points, sample=design.sample, replications=v["replications"], steps=v["steps"],
        seed=v["seed"], common_random_numbers=v["common_random_numbers"],
        samples=v["samples"] if kind in dz.SAMPLED else None,
        levels=v["levels"] if kind == "morris" else None,
        second_order=v["second_order"] if kind == "sobol" else None, outcomes=outcomes, every=every)
    _resolve_points(exp, r)
    exp.seeds = dz.run_seeds(exp.seed, exp.n_points, exp.replications, exp.common_random_numbers)
    return exp


def _resolve_points(exp: Experiment, r: FileReader) -> None:
    """Build every design point's scenario once (validation) and record its steps."""
    for i, point in enumerate(exp.points):
        try:
            scenario = exp.point_scenario(i)
        except ScenarioError as err:
            what = ", ".join(f"{k}={v}" for k, v in point.items()) or "base scenario"
            r.problems += [f"{r.label}: point {i} ({what}): "
                           + line.removeprefix("--set ").split(" with --set: ", 1)[-1]
                           for line in err.message.splitlines()]
            if len(r.problems) >= 5:
                break
            continue
        exp.point_steps.append(exp.steps or scenario.run_steps)
    r.check()
