"""Monitoring with graduated sanctions (Ostrom 1990, design principles 4 and 5).

A citizen who uses the service and may contribute but gives less than the rule's *norm* is
an offender; each offender is detected with the rule's detection probability and fined
``fine * graduation ** k`` where k (capped at 3) is the number of earlier detections, so
first offences are cheap and repeated ones costly. Two ways to run it:

* ``peer``: pool punishment run by fellow citizens, as in Fehr & Gächter (2000): the norm
  is one's neighbours' mean contribution, detection needs neighbours who take part, and
  punishers pay ``punishment_ratio`` per unit of fine imposed (1:3 in the lab design).
* ``admin``: the administration monitors against a fixed minimum contribution and pays
  ``monitoring_cost`` per unit of monitoring intensity per citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.governance.base import GovernanceRule, StepContext
from sim.primitives.params import Param

MAX_ESCALATION = 3

MONITORING = Param(
    "monitoring", 0.3, "Probability that an offender is detected (peer: times neighbours taking part).",
    "governance", 0.0, 1.0, source="Ostrom 1990 (monitoring)",
)
FINE = Param(
    "fine", 0.5, "Fine for a first detected offence, in units of one step's full contribution.",
    "governance", 0.0, 10.0, source="Fehr & Gächter 2000 (punishment points)",
)
GRADUATION = Param(
    "graduation", 2.0, "Factor by which the fine grows with each earlier detection (up to 3).",
    "governance", 1.0, 5.0, source="Ostrom 1990 (graduated sanctions)",
)


@dataclass
class SanctionOutcome:
    """Fines imposed this step and who pays for imposing them.

    Attributes:
        fines: Fine paid by each citizen (zero for most).
        punisher_cost: Total cost borne by punishing citizens (peer sanctions).
        admin_cost: Per-citizen cost borne by the administration.
    """

    fines: np.ndarray
    punisher_cost: float
    admin_cost: float


class SanctionRule(GovernanceRule):
    """Base of sanction rules: norm, detection, expected fine, and enforcement."""

    family = "sanctions"
    #: Whether the rule monitors and fines at all (citizens weigh compliance only then).
    enforces: ClassVar[bool] = True
    #: Whether detection needs each citizen's share of neighbours taking part.
    needs_neighbour_active: ClassVar[bool] = False

    def norm(self, ctx: StepContext):
        """Contribution below which a citizen counts as an offender."""
        return 0.0

    def detection(self, ctx: StepContext):
        """Probability that an offender is detected (scalar or per citizen)."""
        return 0.0

    def fine_of(self, offences: np.ndarray) -> np.ndarray:
        """Graduated fine for each citizen's next detection."""
        return self.fine * self.graduation ** np.minimum(offences, MAX_ESCALATION)

    def expected_fine(self, ctx: StepContext):
        """Detection probability times graduated fine: what a would-be offender expects."""
        return self.detection(ctx) * self.fine_of(ctx.citizens.offences)

    def apply(self, ctx: StepContext, offenders: np.ndarray, rng) -> SanctionOutcome:
        """Detect offenders, fine them, escalate their record, and cost the enforcement."""
        n = ctx.citizens.n
        fines = np.zeros(n)
        idx = np.flatnonzero(offenders)
        p = np.broadcast_to(self.detection(ctx), (n,))[idx]
        caught = idx[rng.random(idx.shape[0]) < p]
        fines[caught] = self.fine_of(ctx.citizens.offences[caught])
        ctx.citizens.offences[caught] += 1
        total = float(fines.sum())
        return SanctionOutcome(fines, *self.enforcement_cost(total, n))

    def enforcement_cost(self, total_fines: float, n: int) -> tuple[float, float]:
        """(cost to punishing citizens, per-citizen cost to the administration)."""
        return 0.0, 0.0

    def exercise(self, ctx, rng):  # noqa: D102
        offenders = ctx.citizens.contribution < 0.3
        out = self.apply(ctx, offenders, rng)
        return [out.fines, out.punisher_cost, out.admin_cost, self.expected_fine(ctx)]


class NoSanctions(SanctionRule):
    """No monitoring and no sanctions: nobody is ever fined."""

    name = "none"
    enforces = False

    def expected_fine(self, ctx):  # noqa: D102
        return np.zeros(ctx.citizens.n)

    def apply(self, ctx, offenders, rng):  # noqa: D102
        return SanctionOutcome(np.zeros(ctx.citizens.n), 0.0, 0.0)


class PeerSanctions(SanctionRule):
    """Peer-run pool punishment of those below their neighbours' mean (Fehr & Gächter 2000)."""

    name = "peer"
    needs_neighbour_active = True
    params = (
        MONITORING, FINE, GRADUATION,
        Param("punishment_ratio", 1 / 3, "Cost to punishers per unit of fine imposed.",
              "governance", 0.0, 2.0, source="Fehr & Gächter 2000 (1:3 punishment technology)"),
    )

    def norm(self, ctx):  # noqa: D102
        return ctx.neighbour_mean

    def detection(self, ctx):  # noqa: D102
        return self.monitoring * ctx.neighbour_active

    def enforcement_cost(self, total_fines, n):  # noqa: D102
        return self.punishment_ratio * total_fines, 0.0


class AdminSanctions(SanctionRule):
    """Administration-run monitoring against a fixed minimum contribution."""

    name = "admin"
    params = (
        MONITORING, FINE, GRADUATION,
        Param("sanction_threshold", 0.2, "Minimum contribution the administration requires.",
              "governance", 0.0, 1.0),
        Param("monitoring_cost", 0.1, "Administration cost per citizen per unit of monitoring.",
              "administration", 0.0, 10.0),
    )

    def norm(self, ctx):  # noqa: D102
        return self.sanction_threshold

    def detection(self, ctx):  # noqa: D102
        return self.monitoring

    def enforcement_cost(self, total_fines, n):  # noqa: D102
        return 0.0, self.monitoring_cost * self.monitoring
