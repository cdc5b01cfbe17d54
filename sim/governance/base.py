"""Base class of governance rules: a name, declared parameters, one job.

Rules follow Axelrod's strategy pattern: each is a small class registered under a family
(``access``, ``sanctions``, ``rewards``, ``response``) and a name. Parameters are declared
as `sim.primitives.params.Param`, so the registry, the model's parameter list, the scenario schema and
the contract tests all read the same declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.model.population import Citizens
from sim.primitives.params import Param, resolve


@dataclass
class StepContext:
    """What a rule may read about the current step (all computed once by the model).

    Attributes:
        citizens: The population's state arrays.
        neighbour_mean: Each citizen's neighbours' mean contribution last step.
        neighbour_active: Each citizen's share of neighbours who took part last step.
    """

    citizens: Citizens
    neighbour_mean: np.ndarray
    neighbour_active: np.ndarray


class GovernanceRule:
    """A governance rule; subclasses set `family`, `name`, `params` and do one job."""

    family: ClassVar[str] = ""
    name: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()

    def __init__(self, **values: Any):
        """Validate `values` against the declared parameters and store them as attributes.

        Raises:
            ParameterError: On an unknown parameter (listing valid ones) or a bad value.
        """
        declared = {p.name: p for p in self.params}
        what = f"parameter of {self.family} rule {self.name!r}"
        self.values = resolve(declared, values, what=what)
        for key, value in self.values.items():
            setattr(self, key, value)

    def setup(self, citizens: Citizens, rng: np.random.Generator) -> None:
        """Prepare per-model state once the population exists (default: nothing)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.values == self.values

    __hash__ = None  # mutable per-model state: not hashable
