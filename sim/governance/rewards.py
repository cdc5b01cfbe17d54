"""Rewards and recognition for contributors (Ostrom; Frey & Jegen 2001 on motivation).

A reward is paid per unit contributed, by the administration; it raises contributors' net
marginal payoff, so it raises contributions through the incentive term of the decision rule.
"""

from __future__ import annotations

import numpy as np

from sim.governance.base import GovernanceRule
from sim.primitives.params import Param


class RewardRule(GovernanceRule):
    """Base of reward rules: `rate` enters decisions, `apply` pays out."""

    family = "rewards"

    def rate(self) -> float:
        """Reward per unit contributed, as citizens expect it."""
        return 0.0

    def apply(self, contribution: np.ndarray) -> tuple[np.ndarray | float, float]:
        """(reward paid to each citizen, per-citizen cost to the administration)."""
        return 0.0, 0.0

    def exercise(self, ctx, rng):  # noqa: D102
        return [self.rate(), *self.apply(ctx.citizens.contribution)]


class NoRewards(RewardRule):
    """No rewards."""

    name = "none"


class Recognition(RewardRule):
    """Recognition worth `reward` per unit contributed, paid for by the administration."""

    name = "recognition"
    params = (
        Param("reward", 0.2, "Value of recognition per unit contributed (paid by the administration).",
              "governance", 0.0, 5.0, source="INTERLINK D2.1 (incentives); Ostrom 1990"),
    )

    def rate(self) -> float:  # noqa: D102
        return self.reward

    def apply(self, contribution):  # noqa: D102
        paid = self.reward * contribution
        return paid, float(paid.mean()) if paid.shape[0] else 0.0
