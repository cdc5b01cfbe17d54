"""Administration responsiveness: the share of citizen input acted on, and its delay.

Input acted on becomes service quality and tells the contributor it mattered; input ignored
is wasted and erodes trust (Sjoberg, Mellon & Peixoto 2017: FixMyStreet users whose first
report was fixed were ~57 % more likely to report again).
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

import numpy as np

from sim.governance.base import GovernanceRule
from sim.primitives.params import Param


class ResponseRule(GovernanceRule):
    """Base of response rules: `apply` returns matured inputs and which were acted on."""

    family = "response"
    #: Whether an administration stands between input and the service (so trust in it
    #: learns from its responses and from the service's quality).
    administered: ClassVar[bool] = True

    def apply(self, contribution: np.ndarray, rng: np.random.Generator):
        """Queue this step's input; return (matured input, acted-on mask), or None if none."""
        raise NotImplementedError

    def exercise(self, ctx, rng):  # noqa: D102
        outs = [self.apply(ctx.citizens.contribution * k, rng) for k in (1.0, 0.5, 0.2, 0.1)]
        return [o for pair in outs if pair is not None for o in pair]


class RandomResponse(ResponseRule):
    """Each input is acted on with probability `responsiveness`, `response_delay` steps later."""

    name = "random"
    params = (
        Param("responsiveness", 0.5, "Share of citizens' input the administration acts on.",
              "administration", 0.0, 1.0, source="Sjoberg, Mellon & Peixoto 2017"),
        Param("response_delay", 1, "Steps between an input and the administration's response.",
              "administration", 0, 20, source="Barbera, Sicilia & Steccolini 2016 (responsiveness)"),
    )

    def setup(self, citizens, rng):  # noqa: D102
        self.queue: deque[np.ndarray] = deque()

    def apply(self, contribution: np.ndarray, rng: np.random.Generator):
        """Queue this step's input; return (matured input, acted-on mask) or None if none.

        Args:
            contribution: This step's contributions (copied into the queue).
            rng: The model's random generator.
        """
        self.queue.append(contribution.astype(np.float32))
        if len(self.queue) <= self.response_delay:
            return None
        matured = self.queue.popleft()
        acted = rng.random(matured.shape[0], dtype=np.float32) < self.responsiveness
        return matured, acted


class DirectResponse(ResponseRule):
    """No administration in between: every input reaches the public good at once.

    The design of lab public-goods games (Fehr & Gächter 2000): tokens go straight to the
    pot, so there is no administration to trust or distrust, and trust does not learn.
    """

    name = "direct"
    administered = False

    def setup(self, citizens, rng):  # noqa: D102
        pass

    def apply(self, contribution: np.ndarray, rng: np.random.Generator):
        """Return this step's input, all of it acted on."""
        return contribution.astype(np.float32), np.ones(contribution.shape[0], dtype=bool)
