"""Declared parameters: one `Param` per model input, with default, range and source.

Every parameter of the model (and of every governance rule) is declared exactly once as a
`Param`. The model constructor, the governance registry, the scenario and experiment
schemas, the dashboard's controls and the docs all read these declarations, so a
parameter's default, allowed range and citation live in one place (starsim's habit:
unknown keys are rejected with the list of valid ones).

`Param.annotation` is the one pydantic type a declaration generates. It is used in lax
mode everywhere: NumPy and Python scalars of the right kind are accepted (``np.int64(3)``,
``np.float64(0.5)``, ``3.0`` for an integer), while booleans and strings for numbers,
non-integral floats for integers, NaN and out-of-range values are refused.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, ConfigDict, Field, ValidationError, create_model

from sim.primitives.errors import InputError, Origin, Problem, did_you_mean


@dataclass(frozen=True)
class Param:
    """One declared model parameter.

    Attributes:
        name: Flat keyword name, unique across the model (e.g. ``"monitoring"``).
        default: Value used when the caller gives none.
        doc: One sentence saying what the parameter is.
        section: Scenario-file section it belongs to (population, service, ...).
        low: Smallest allowed value (numbers only).
        high: Largest allowed value (numbers only).
        choices: Allowed values for a categorical parameter.
        source: Where the default comes from (citation or "design choice").
        unit: Unit of a number, in words (``hours per month``, ``share of citizens``).
        kind: The Python type of the value (from the default).
    """

    name: str
    default: Any
    doc: str
    section: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    source: str = "design choice"
    unit: str = ""
    kind: type = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "kind", type(self.default))

    def allowed(self) -> str:
        """Human description of the allowed values, used in error messages."""
        if self.choices is not None:
            return "one of: " + ", ".join(self.choices)
        lo = "-inf" if self.low is None else _number(self.low)
        hi = "inf" if self.high is None else _number(self.high)
        what = "an integer" if self.kind is int else "a number"
        return f"{what} in [{lo}, {hi}]"

    @property
    def annotation(self) -> Any:
        """The pydantic type of this parameter's values (see the module docstring)."""
        if self.choices is not None:
            return Literal[self.choices]
        bounds: dict[str, Any] = {"ge": self.low, "le": self.high}
        if self.kind is float:
            bounds["allow_inf_nan"] = False
        return Annotated[self.kind, Field(**bounds), BeforeValidator(number_only)]

    def field(self) -> tuple[Any, Any]:
        """``(annotation, FieldInfo)`` for `pydantic.create_model`, default and doc included."""
        return self.annotation, Field(self.default, json_schema_extra={"source": self.source},
                                      description=self.doc)

    def problem(self, value: Any, field_name: str | None = None) -> Problem:
        """The problem a bad `value` of this parameter is."""
        hint = did_you_mean(value, self.choices) if self.choices else ""
        if isinstance(value, bool) and self.choices:
            hint += " (YAML reads yes/no/on/off as booleans; quote the word)"
        return Problem(field_name or self.name, "invalid", value, self.allowed(), hint)

    def validate(self, value: Any) -> Any:
        """`value` converted to this parameter's type, or an `InputError` naming it."""
        return resolve((self,), {self.name: value})[self.name]


def number_only(value: Any) -> Any:
    """Refuse what is not a number before pydantic's lax conversion (booleans, text, None).

    NumPy scalars become Python scalars first (``np.int64(3)`` -> ``3``).
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | str | bytes):
        raise ValueError("not a number")
    return value


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@functools.lru_cache(maxsize=64)
def _schema(params: tuple[Param, ...]) -> Any:
    fields: dict[str, Any] = {p.name: p.field() for p in params}
    return create_model("Parameters", __config__=ConfigDict(extra="forbid"), **fields)


def problems_of(error: ValidationError, params: Mapping[str, Param], what: str) -> list[Problem]:
    """The problems of a pydantic error over flat `params` (unknown keys list the valid ones)."""
    out = []
    for e in error.errors():
        name = str(e["loc"][0]) if e["loc"] else ""
        if e["type"] == "extra_forbidden" or name not in params:
            valid = ", ".join(sorted(params))
            out.append(Problem(name, "unknown", allowed=f"a {what}: {valid}", hint=did_you_mean(name, params)))
        else:
            out.append(params[name].problem(e.get("input")))
    return out


def resolve(
    params: Mapping[str, Param] | tuple[Param, ...],
    given: Mapping[str, Any],
    what: str = "parameter",
    origin: Origin | None = None,
) -> dict[str, Any]:
    """Validate `given` against declared `params` and fill in defaults.

    Args:
        params: Declared parameters (by name, or a tuple of them).
        given: Values supplied by the caller.
        what: Noun for the valid names in an unknown-key message (e.g. "model parameter").
        origin: Where the values came from (named in the message).

    Returns:
        A dict with every declared parameter, validated and typed, in declaration order.

    Raises:
        InputError: One problem per unknown name (listing the valid ones) or bad value.
    """
    declared = tuple(params.values()) if isinstance(params, Mapping) else tuple(params)
    try:
        values = _schema(declared).model_validate(dict(given))
    except ValidationError as err:
        error = InputError(problems_of(err, {p.name: p for p in declared}, what))
        raise (error.at(origin) if origin else error) from None
    return dict(values)
