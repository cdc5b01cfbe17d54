"""Field-by-field validation of experiment files, with the scenario files' kind of message.

Every message names the file, the dotted field, the value given and what is allowed
(``exp.yaml: vary.governance.monitoring[1]: value 1.5 is not valid; allowed: a number in
[0, 1]``). `FileReader` collects every problem of a stage before raising one
`ScenarioError` with a line each. Numeric fields are declared as `Param`s (`FIELDS`), the
varied and fixed parameters are checked against the scenario schema's own declarations
(`PATHS`), so an experiment accepts exactly what a scenario file accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.inputs.scenario import SECTION_PARAMS, SECTIONS, ScenarioBase, load_scenario
from sim.inputs.yamlfile import ScenarioError
from sim.primitives.params import Param, ParameterError, did_you_mean
from sim.sweep import design as dz

#: Dotted scenario path -> declared parameter, for every key of every section.
PATHS: dict[str, Param] = {f"{s}.{n}": p for s in SECTIONS for n, p in SECTION_PARAMS[s].items()}
FIELDS: dict[str, Param] = {p.name: p for p in (
    Param("design", "grid", "How design points are generated.", "experiment", choices=dz.DESIGNS),
    Param("replications", 10, "Runs per design point, each with its own seed.", "experiment", 1, 1_000_000),
    Param("steps", 100, "Steps per run (default: each scenario's own).", "experiment", 1, 1_000_000),
    Param("seed", 0, "Experiment seed; run seeds and sampled designs derive from it.", "experiment", 0, 2**63 - 1),
    Param("samples", 8, "lhs: points; sobol: base sample (a power of 2); morris: trajectories.", "experiment", 1, 1_000_000),
    Param("levels", 4, "morris: levels of the sampling grid (an even number).", "experiment", 2, 64),
    Param("every", 1, "Record the outcomes every k steps (and always at the last step).", "record", 1, 1_000_000),
)}
FLAGS = {"common_random_numbers": True, "second_order": False}
TOP_KEYS = ("name", "description", "base", "design", "vary", "fixed", "replications", "steps",
            "seed", "common_random_numbers", "samples", "levels", "second_order", "record")
ONLY = {"samples": dz.SAMPLED, "levels": ("morris",), "second_order": ("sobol",)}


def given(value: Any) -> str:
    """``value 'x' (a string)``-style description of a value in a message."""
    kind = " (a string)" if isinstance(value, str) else " (a boolean)" if isinstance(value, bool) else ""
    return "no value" if value is None else f"value {value!r}{kind}"


class FileReader:
    """Validates one experiment file's fields, collecting every problem before raising.

    Args:
        label: How the file is named in messages.
        folder: Where relative scenario files are looked up first.
    """

    def __init__(self, label: str, folder: Path):
        self.label, self.folder, self.problems = label, folder, []

    def bad(self, where: str, message: str) -> None:
        """Record a problem with field `where`."""
        self.problems.append(f"{self.label}: {where}: {message}")

    def check(self) -> None:
        """Raise every problem recorded so far as one `ScenarioError`."""
        if self.problems:
            raise ScenarioError("\n".join(dict.fromkeys(self.problems)))

    def param(self, p: Param, value: Any, where: str) -> Any:
        """`value` validated against `p`, or ``None`` (a problem recorded)."""
        try:
            return p.validate(value)
        except ParameterError:
            hint = did_you_mean(str(value), p.choices) if p.choices else ""
            self.bad(where, f"{given(value)} is not valid; allowed: {p.allowed()}{hint}")
            return None

    def settings(self, data: dict[str, Any]) -> dict[str, Any]:
        """Top-level keys: unknown keys, text fields, numbers, flags, and design-specific keys."""
        for key in data:
            if key not in TOP_KEYS:
                self.bad(str(key), f"unknown key; valid top-level keys: {', '.join(TOP_KEYS)}"
                         f"{did_you_mean(str(key), TOP_KEYS)}")
        if not isinstance(data.get("description"), str):
            what = "missing" if "description" not in data else given(data["description"])
            self.bad("description", f"{what}; required: a string (its first line says what the experiment is)")
        if not isinstance(data.get("name", ""), str):
            self.bad("name", f"{given(data['name'])} is not valid; allowed: a string")
        v = {k: self.param(p, data.get(k, p.default), k) for k, p in FIELDS.items() if k != "every"}
        for flag, default in FLAGS.items():
            v[flag] = data.get(flag, default)
            if not isinstance(v[flag], bool):
                self.bad(flag, f"{given(v[flag])} is not valid; allowed: true or false")
        design = v["design"]
        for key, designs in ONLY.items():
            if key in data and design not in designs:
                self.bad(key, f"only used by {' and '.join(designs)} designs (design is {design})")
        if design in dz.SAMPLED and "samples" not in data:
            self.bad("samples", f"missing; required by a {design} design: {FIELDS['samples'].doc}")
        if design == "sobol" and v["samples"] and not dz.is_power_of_two(v["samples"]):
            self.bad("samples", f"value {v['samples']} is not valid; allowed: a power of 2 for a sobol design")
        if design == "morris" and v["levels"] and v["levels"] % 2:
            self.bad("levels", f"value {v['levels']} is not valid; allowed: an even number")
        v["steps"] = v["steps"] if "steps" in data else None
        return v

    def record(self, record: Any, reporters: tuple[str, ...]) -> tuple[tuple[str, ...], int]:
        """The ``record`` section: (outcomes, every)."""
        if not isinstance(record, dict):
            self.bad("record", f"{given(record)} is not valid; allowed: a mapping with outcomes and every")
            record = {}
        for key in record:
            if key not in ("outcomes", "every"):
                self.bad(f"record.{key}", "unknown key; valid keys in record: outcomes, every")
        every = self.param(FIELDS["every"], record.get("every", 1), "record.every")
        outcomes = record.get("outcomes", "all")
        if outcomes == "all":
            return reporters, every
        allowed = f"allowed: all, or a list of: {', '.join(reporters)}"
        if not isinstance(outcomes, list) or not outcomes:
            self.bad("record.outcomes", f"{given(outcomes)} is not valid; {allowed}")
            return (), every
        for o in outcomes:
            if o not in reporters:
                self.bad("record.outcomes", f"unknown outcome {o!r}{did_you_mean(str(o), reporters)}; {allowed}")
        return tuple(dict.fromkeys(outcomes)), every

    def path(self, key: Any, where: str) -> Param | None:
        """The declared parameter of dotted path `key`, or ``None`` (a problem recorded)."""
        if key in PATHS:
            return PATHS[key]
        homes = {dotted.split(".")[1]: dotted for dotted in PATHS}
        hint = did_you_mean(str(key), PATHS) or (f" (did you mean {homes[key]!r}?)" if key in homes else "")
        self.bad(f"{where}.{key}", "unknown parameter; allowed: a dotted scenario path "
                 f"section.key with section one of {', '.join(SECTIONS)}{hint}")
        return None

    def scenario(self, ref: Any, where: str) -> ScenarioBase | None:
        """Load scenario `ref`: a file next to the experiment, a file, or a named scenario."""
        if not isinstance(ref, str):
            self.bad(where, f"{given(ref)} is not valid; allowed: a scenario name or file")
            return None
        local = self.folder / ref
        try:
            return load_scenario(local if local.is_file() else ref)
        except ScenarioError as err:
            self.bad(where, err.message)
            return None

    def factor(self, name: str, spec: Any, design: str) -> dz.Factor | None:
        """One entry of ``vary``: a list of values (grid) or a ``[low, high]`` range."""
        if name == "scenario":
            return self._scenarios(spec, design)
        if (p := self.path(name, "vary")) is None:
            return None
        if design == "grid":
            return self._values(name, p, spec)
        if p.choices is not None:
            self.bad(f"vary.{name}", f"a categorical parameter ({p.allowed()}); a {design} design "
                     "varies numbers only: list its values in a grid design instead")
            return None
        return self._range(name, p, spec)

    def _scenarios(self, spec: Any, design: str) -> dz.Factor | None:
        if design != "grid":
            self.bad("vary.scenario", f"only a grid design can vary the scenario (design is {design})")
        elif isinstance(spec, list) and spec:
            return dz.Factor("scenario", tuple(spec))
        else:
            self.bad("vary.scenario", f"{given(spec)} is not valid; allowed: a list of scenario names or files")
        return None

    def _values(self, name: str, p: Param, spec: Any) -> dz.Factor | None:
        if not isinstance(spec, list) or not spec:
            self.bad(f"vary.{name}", f"{given(spec)} is not valid; allowed: a non-empty list of values, "
                     f"each {p.allowed()}")
            return None
        values = tuple(self.param(p, v, f"vary.{name}[{i}]") for i, v in enumerate(spec))
        if len(set(values)) < len(values):
            self.bad(f"vary.{name}", f"value {spec!r} lists a value twice")
        return dz.Factor(name, values)

    def _range(self, name: str, p: Param, spec: Any) -> dz.Factor | None:
        if not (isinstance(spec, list) and len(spec) == 2):
            self.bad(f"vary.{name}", f"{given(spec)} is not valid; allowed: a range [low, high], "
                     f"each {p.allowed()}")
            return None
        low, high = (self.param(p, v, f"vary.{name}[{i}]") for i, v in enumerate(spec))
        if low is not None and high is not None and not low < high:
            self.bad(f"vary.{name}", f"range {spec!r} is not valid; allowed: [low, high] with low < high")
        return dz.Factor(name, None, low, high, integer=p.kind is int)
