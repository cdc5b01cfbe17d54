"""Base class of governance rules: a name, declared parameters, capabilities, one job.

Rules follow Axelrod's strategy pattern: each is a small class registered under a family
(``access``, ``sanctions``, ``rewards``, ``response``, ``interaction``, ``responsibility``,
``voting``, ``appeals``) and a
name. Parameters are declared as `sim.primitives.params.Param`, so the registry, the
model's parameter list, the scenario schema and the contract tests all read the same
declaration. What a rule needs from the model or offers to it (its *capabilities*) is
declared as class attributes, read by the model; ``exercise`` makes one typical call of
the rule's job, which the contract suite runs for every rule alike.

Rules read the population through the `CitizenState` protocol, so this layer depends on
no model module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from sim.primitives.params import Param, resolve


class CitizenState(Protocol):
    """The per-citizen arrays a rule may read (a struct of arrays, index = citizen)."""

    @property
    def n(self) -> int:
        """Number of citizens."""
        ...

    skill: np.ndarray
    trust: np.ndarray
    contribution: np.ndarray
    offences: np.ndarray
    engagement: np.ndarray
    time_budget: np.ndarray
    punish: np.ndarray


@dataclass
class StepContext:
    """What a rule may read about the current step (all computed once by the model).

    Attributes:
        citizens: The population's state arrays.
        neighbour_mean: Each citizen's neighbours' mean contribution last step.
        neighbour_active: Each citizen's share of neighbours who took part last step and
            monitor (computed only when the sanction rule declares `needs_neighbour_active`).
    """

    citizens: CitizenState
    neighbour_mean: np.ndarray
    neighbour_active: np.ndarray | None = None


class GovernanceRule:
    """A governance rule; subclasses set `family`, `name`, `params` and do one job."""

    family: ClassVar[str] = ""
    name: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()

    def __init__(self, **values: Any):
        """Validate `values` against the declared parameters and store them as attributes.

        Raises:
            InputError: On an unknown parameter (listing valid ones) or a bad value.
        """
        what = f"parameter of {self.family} rule {self.name!r}"
        self.values = resolve(self.params, values, what=what)
        for key, value in self.values.items():
            setattr(self, key, value)

    def setup(self, citizens: CitizenState, rng: np.random.Generator) -> None:
        """Prepare per-model state once the population exists (default: nothing)."""

    def replace(self, idx: np.ndarray) -> None:
        """Citizens `idx` moved away and newcomers took their homes: drop what was theirs.

        Default: the rule keeps no per-resident state.
        """

    def exercise(self, ctx: StepContext, rng: np.random.Generator) -> list[Any]:
        """One typical call of this rule's job on `ctx`; returns its outputs (for contracts)."""
        raise NotImplementedError

    if TYPE_CHECKING:  # declared parameters become attributes (see __init__)

        def __getattr__(self, name: str) -> Any: ...

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.values == self.values

    __hash__ = None  # type: ignore[assignment]  # mutable per-model state: not hashable
