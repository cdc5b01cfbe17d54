"""Allocation of responsibility for collective tasks.

INTERLINK D2.1 names individual and collective responsibilities among the ground rules:

* ``collective``: tasks are pooled; a citizen's effort on a task shared by
  ``task_group_size`` people falls with the size of the group (responsibility diffuses:
  social loafing, Latané, Williams & Harkins 1979; Karau & Williams 1993).
* ``individual``: the administration names citizens responsible for a task or an area
  (adopt-a-street, adopt-a-drain): a share ``assigned_share`` of citizens hold one, their
  effort is visible per person and does not diffuse (identifiability eliminates loafing:
  Williams, Harkins & Latané 1981); coordinating them costs the administration
  ``assignment_cost`` per assigned citizen a month.
"""

from __future__ import annotations

import numpy as np

from sim.governance.base import GovernanceRule
from sim.primitives.params import Param
from sim.primitives.sources import INTERLINK, WILLIAMS


class ResponsibilityRule(GovernanceRule):
    """Base of responsibility rules: who holds a named task, and what that costs."""

    family = "responsibility"

    def setup(self, citizens, rng):  # noqa: D102
        self.assigned = np.zeros(citizens.n, dtype=bool)

    def cost(self) -> float:
        """Administration cost per citizen a month of coordinating named tasks."""
        return 0.0

    def exercise(self, ctx, rng):  # noqa: D102
        return [self.assigned.copy(), self.cost()]


class CollectiveResponsibility(ResponsibilityRule):
    """Pooled tasks: nobody is named, responsibility can diffuse."""

    name = "collective"


class IndividualResponsibility(ResponsibilityRule):
    """Named tasks or areas for a share of citizens, drawn once at setup."""

    name = "individual"
    params = (
        Param("assigned_share", 0.2, "Share of citizens named responsible for a task or area.", "governance", 0.0, 1.0, source=INTERLINK + " (individual responsibilities)"),
        Param("assignment_cost", 0.05, "Administration cost a month per citizen holding a named task.", "administration", 0.0, 10.0, source=WILLIAMS),
    )

    def setup(self, citizens, rng):  # noqa: D102
        super().setup(citizens, rng)
        k = round(self.assigned_share * citizens.n)
        self.assigned[rng.choice(citizens.n, k, replace=False)] = True

    def cost(self) -> float:  # noqa: D102
        return self.assignment_cost * float(self.assigned.mean()) if self.assigned.size else 0.0
