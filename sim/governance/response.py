"""Administration responsiveness: the share of citizen input acted on, and its delay.

Input acted on becomes service quality and tells the contributor it mattered; input ignored
is wasted and erodes trust (Sjoberg, Mellon & Peixoto 2017: FixMyStreet users whose first
report was fixed were ~57 % more likely to report again).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from sim.governance.base import GovernanceRule
from sim.spec import Param


class ResponseRule(GovernanceRule):
    """Base of response rules: `apply` returns matured inputs and which were acted on."""

    family = "response"


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
