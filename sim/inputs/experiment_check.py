"""What every check of an experiment file shares: `Factor` and `Checker`.

A `Factor` is one varied parameter (grid values, a sampled range, or sampled choices); the
`Checker` collects the problems of one file, each with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.inputs.events import path_param
from sim.inputs.locate import NoSuchFileError
from sim.inputs.scenario import ScenarioBase, load_scenario
from sim.inputs.schema import PATHS, SECTIONS
from sim.inputs.yamlfile import Document
from sim.primitives.errors import InputError, Problem, did_you_mean
from sim.primitives.params import Param


@dataclass(frozen=True)
class Factor:
    """One varied parameter.

    Attributes:
        name: Dotted scenario path (``governance.monitoring``) or ``scenario``.
        values: The values of a grid design (``None`` for a sampled design).
        low: Lower bound of a sampled range (a categorical factor: 0).
        high: Upper bound of a sampled range (a categorical factor: its number of choices).
        integer: Whether sampled values are rounded to integers.
        choices: A sampled categorical factor's values: a sample ``x`` in ``[0, k)`` is
            ``choices[floor(x)]``.
    """

    name: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False
    choices: tuple[str, ...] | None = None

    def value(self, x: float) -> Any:
        """The parameter value of a sampled coordinate `x` (rounded, or a choice)."""
        if self.choices is not None:
            return self.choices[min(max(int(x), 0), len(self.choices) - 1)]
        return round(float(x)) if self.integer else float(x)

    def spec(self) -> list[Any]:
        """How the file wrote it: the grid values, the choices, or ``[low, high]``."""
        if self.values is not None:
            return list(self.values)
        return list(self.choices) if self.choices is not None else [self.low, self.high]


def loc_name(loc: tuple) -> str:
    """The dotted field of a location (``vary.governance.fine[1]``)."""
    return ".".join(str(x) for x in loc[:1]) + "".join(
        f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc[1:])


class Checker:
    """Collects the problems of one file, each with its line."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def bad(self, loc: tuple, issue: str = "invalid", value: Any = None, allowed: str = "", hint: str = "",
            *, at: tuple | None = None) -> None:
        """Record a problem at `loc` (its line: `at`'s, for a field missing from the file)."""
        origin = self.doc.origin(loc if at is None else at)
        self.problems.append(Problem(loc_name(loc), issue, value, allowed, hint, origin))

    def add(self, problem: Problem, loc: tuple) -> None:
        """Record a problem built elsewhere (its field and origin are `loc`'s)."""
        self.bad(loc, problem.issue, problem.value, problem.allowed, problem.hint)

    def value(self, p: Param, value: Any, loc: tuple) -> Any:
        """`value` validated by `p`, or ``None`` with the problem recorded."""
        try:
            return p.validate(value)
        except InputError:
            problem = p.problem(value)
            self.bad(loc, "invalid", value, problem.allowed, problem.hint)
            return None

    def path(self, key: str, where: tuple) -> Param | None:
        """The parameter of a dotted path, or ``None`` with the problem recorded."""
        if (p := path_param(key)) is not None:  # a scenario path, or one inside an event
            return p
        homes = {dotted.split(".")[1]: dotted for dotted in PATHS}
        hint = did_you_mean(key, PATHS) or (f" (did you mean {homes[key]!r}?)" if key in homes else "")
        self.bad((*where, key), "unknown parameter", allowed="a dotted scenario path section.key "
                 f"with section one of {', '.join(SECTIONS)}, or a path inside one of the base scenario's "
                 "events (events.0.month, events.0.set.governance.fine)", hint=hint)
        return None

    def factor(self, key: str, spec: Any, sampled: bool, where: tuple = ("vary",)) -> Factor | None:
        """A varied parameter: a list of values (grid), or a range or list of choices (sampled)."""
        if (p := self.path(key, where)) is None:
            return None
        loc = (*where, key)
        if not sampled or p.choices is not None:
            if not isinstance(spec, list) or not spec:
                what = f"a non-empty list of values, each {p.allowed()}"
                self.bad(loc, "invalid", spec, what if not sampled else f"a non-empty list of {p.allowed()}")
                return None
            values = tuple(self.value(p, v, (*loc, i)) for i, v in enumerate(spec))
            if len(set(values)) < len(values):
                self.bad(loc, f"value {spec!r} lists a value twice")
            if sampled:
                return Factor(key, None, 0.0, float(len(values)), choices=values)
            return Factor(key, values)
        if not (isinstance(spec, list) and len(spec) == 2):
            self.bad(loc, "invalid", spec, f"a range [low, high], each {p.allowed()}")
            return None
        low, high = (self.value(p, v, (*loc, i)) for i, v in enumerate(spec))
        if low is not None and high is not None and not low < high:
            self.bad(loc, f"range {spec!r} is not valid", allowed="[low, high] with low < high")
        return Factor(key, None, low, high, integer=p.kind is int)

    def scenario(self, ref: Any, loc: tuple, folder: Path) -> ScenarioBase | None:
        """The scenario a field names (looked up next to the file first)."""
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
        """Raise every recorded problem at once."""
        if self.problems:
            raise InputError(self.problems)
