"""Declared parameters: one `Param` per model input, with default, range and source.

Every parameter of the model (and of every governance rule) is declared exactly once as a
`Param`. The model constructor, the governance registry, the contract tests and the docs all
read these declarations, so a parameter's default, allowed range and citation live in one
place (starsim's habit: unknown keys are rejected with the list of valid ones).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ParameterError(ValueError):
    """A parameter value or name is not allowed; the message says what is."""


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
    """

    name: str
    default: Any
    doc: str
    section: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    source: str = "design choice"
    kind: type = field(init=False)

    def __post_init__(self):
        kind = type(self.default)
        object.__setattr__(self, "kind", kind)

    def allowed(self) -> str:
        """Human description of the allowed values, used in error messages."""
        if self.choices is not None:
            return "one of: " + ", ".join(self.choices)
        lo = "-inf" if self.low is None else _number(self.low)
        hi = "inf" if self.high is None else _number(self.high)
        what = "an integer" if self.kind is int else "a number"
        return f"{what} in [{lo}, {hi}]"

    def validate(self, value: Any, where: str = "") -> Any:
        """Return `value` converted to this parameter's type, or raise `ParameterError`.

        Args:
            value: The value to check.
            where: Prefix naming the field's container (e.g. a rule name) for the message.
        """
        label = f"{where}{self.name}"
        bad = f"{label}={value!r} is not valid; allowed: {self.allowed()}"
        if self.choices is not None:
            if value not in self.choices:
                raise ParameterError(bad + did_you_mean(str(value), self.choices))
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(bad)
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ParameterError(bad)
            value = int(value)  # exact for any int: no round trip through float
        else:
            value = float(value)
        if math.isnan(value) or (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ParameterError(bad)
        return value


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve(
    params: Mapping[str, Param], given: Mapping[str, Any], what: str = "parameter"
) -> dict[str, Any]:
    """Validate `given` against declared `params` and fill in defaults.

    Args:
        params: Declared parameters by name.
        given: Values supplied by the caller.
        what: Noun used in the unknown-key message (e.g. "model parameter").

    Returns:
        A dict with every declared parameter, validated and typed.

    Raises:
        ParameterError: On an unknown name (listing valid ones) or a bad value.
    """
    unknown = [k for k in given if k not in params]
    if unknown:
        key = unknown[0]
        raise ParameterError(
            f"unknown {what} {key!r}{did_you_mean(key, params)}; valid names are: "
            + ", ".join(sorted(params))
        )
    return {name: p.validate(given.get(name, p.default)) for name, p in params.items()}
