"""Constraints written in experiment files: between parameters, and on outcomes.

*Parameter constraints* are sums of shares of one whole: ``population.share_conditional +
population.share_free_rider + population.share_hump <= 1``. A design never fails a run on
one: a sampled point whose varied terms break it has those terms scaled down by one
common factor until the sum equals the bound (`SumConstraint.repair`); a grid drops the
combinations that break it. The model's own constraint (the type shares, declared by
`sim.model.parameters.TYPE_SHARES`) always applies, written or not.

*Outcome constraints* bound an optimisation: ``participation >= 0.8``
(`OutcomeBound`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.inputs.schema import DOTTED, PATHS
from sim.model.parameters import TYPE_SHARES
from sim.model.reporters import REPORTERS
from sim.primitives.errors import Problem, did_you_mean

_PATH = r"[A-Za-z_][\w]*\.[A-Za-z_]\w*"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
SUM = re.compile(rf"^\s*({_PATH}(?:\s*\+\s*{_PATH})*)\s*<=\s*({_NUMBER})\s*$")
BOUND = re.compile(rf"^\s*(\w+)\s*(<=|>=)\s*({_NUMBER})\s*$")
SUM_FORM = "'a.x + b.y + ... <= number' with dotted parameter paths (shares of one whole)"
BOUND_FORM = "'outcome >= number' or 'outcome <= number', with an outcome of " + ", ".join(REPORTERS)


@dataclass(frozen=True)
class SumConstraint:
    """``sum(terms) <= bound`` over dotted parameter paths with values >= 0.

    Attributes:
        terms: Dotted scenario paths.
        bound: The largest allowed sum.
        text: How it was written (or described, for the model's own).
    """

    terms: tuple[str, ...]
    bound: float
    text: str

    def total(self, values: Mapping[str, Any]) -> float:
        """The sum of the terms in `values` (every term must be present)."""
        return float(sum(float(values[t]) for t in self.terms))

    def repair(self, values: Mapping[str, Any], varied: set[str]) -> dict[str, Any] | None:
        """`values` with the `varied` terms scaled down so the sum is at most the bound.

        Returns `values` unchanged when the constraint holds, ``None`` when the terms that
        are not varied already exceed the bound (nothing to scale).
        """
        if self.total(values) <= self.bound + 1e-12:
            return dict(values)
        moving = [t for t in self.terms if t in varied]
        rest = sum(float(values[t]) for t in self.terms if t not in varied)
        room, used = self.bound - rest, sum(float(values[t]) for t in moving)
        if room < 0 or used <= 0:
            return None
        factor = room / used
        return {**values, **{t: float(values[t]) * factor for t in moving}}


#: The model's own parameter constraint: the type shares leave room for unconditional givers.
MODEL_CONSTRAINTS: tuple[SumConstraint, ...] = (
    SumConstraint(tuple(DOTTED[n] for n in TYPE_SHARES), 1.0,
                  " + ".join(DOTTED[n] for n in TYPE_SHARES) + " <= 1 (the model's type shares)"),
)


@dataclass(frozen=True)
class OutcomeBound:
    """``outcome >= value`` or ``outcome <= value``: a constraint of an optimisation."""

    outcome: str
    op: str
    value: float

    def violation(self, score: float) -> float:
        """How far `score` is outside the bound (<= 0 when it holds), as Optuna expects."""
        return self.value - score if self.op == ">=" else score - self.value

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"


def parse_sum(text: Any) -> SumConstraint | Problem:
    """A `SumConstraint` from its text, or the `Problem` with it (field left to the caller)."""
    match = SUM.match(text) if isinstance(text, str) else None
    if match is None:
        return Problem("", "invalid", text, SUM_FORM)
    terms = tuple(t.strip() for t in match.group(1).split("+"))
    for term in terms:
        p = PATHS.get(term)
        if p is None:
            return Problem("", f"unknown parameter {term!r}", allowed="dotted scenario paths",
                           hint=did_you_mean(term, PATHS))
        if p.choices is not None or p.low is None or p.low < 0:
            return Problem("", f"{term} is not a share", allowed="parameters whose values are >= 0")
    if len(set(terms)) < len(terms):
        return Problem("", "invalid", text, SUM_FORM + ", each path once")
    return SumConstraint(terms, float(match.group(2)), text.strip())


def parse_bound(text: Any) -> OutcomeBound | Problem:
    """An `OutcomeBound` from its text, or the `Problem` with it."""
    match = BOUND.match(text) if isinstance(text, str) else None
    if match is None:
        return Problem("", "invalid", text, BOUND_FORM)
    if match.group(1) not in REPORTERS:
        return Problem("", f"unknown outcome {match.group(1)!r}", allowed=", ".join(REPORTERS),
                       hint=did_you_mean(match.group(1), REPORTERS))
    return OutcomeBound(match.group(1), match.group(2), float(match.group(3)))
