"""Interaction modes across the service life-cycle (inGov IPS framework; Osborne & Strokosch 2013).

How citizens' input becomes service quality:

* ``consultation``: citizens give input, the administration decides: only the share it
  acts on (after its delay) adds quality;
* ``co_delivery``: citizens deliver part of the service themselves (operational
  co-production): all their effort adds quality at once, the administration's response
  only tells them whether it was supported;
* ``reporting``: citizens file discrete reports (FixMyStreet), acted on as in
  consultation;
* ``co_design``: citizens shape the service (strategic co-production): acted-on input adds
  less quality directly but permanently raises the quality the administration's own
  production yields, with diminishing returns up to ``design_ceiling``.
"""

from __future__ import annotations

import numpy as np

from sim.governance.base import GovernanceRule
from sim.primitives.numeric import dot
from sim.primitives.params import Param


class InteractionRule(GovernanceRule):
    """Base of interaction modes: turn input into quality and design improvements."""

    family = "interaction"

    def setup(self, citizens, rng):  # noqa: D102
        self.design_gain = 0.0

    def inputs(self, contribution: np.ndarray, citizens, rng: np.random.Generator) -> np.ndarray:
        """What citizens hand in this step (default: their effort itself)."""
        return contribution

    def coproduce(self, current: np.ndarray, acted_input: np.ndarray, skill: np.ndarray) -> float:
        """Quality added per citizen (before `coproduction_efficiency`) by this step's input.

        Args:
            current: This step's contributions.
            acted_input: Matured input the administration acted on (0 where not).
            skill: Citizens' skills.
        """
        return dot(acted_input, skill) / max(skill.shape[0], 1)

    def production_multiplier(self) -> float:
        """Factor on the administration's own production from past co-design."""
        return 1.0 + self.design_gain

    def exercise(self, ctx, rng):  # noqa: D102
        c = ctx.citizens
        acted = c.contribution * (rng.random(c.n) < 0.5)
        outs = [self.coproduce(c.contribution, acted * k, c.skill) for k in (1.0, 0.5, 2.0)]
        return [*outs, self.inputs(c.contribution, c, rng), self.production_multiplier()]


class Consultation(InteractionRule):
    """Citizens advise; only input the administration acts on adds quality."""

    name = "consultation"


class CoDelivery(InteractionRule):
    """Citizens deliver part of the service: all their skill-weighted effort adds quality."""

    name = "co_delivery"

    def coproduce(self, current, acted_input, skill):  # noqa: D102
        return dot(current, skill) / max(skill.shape[0], 1)


class CoDesign(InteractionRule):
    """Citizens redesign the service: acted-on input raises production's yield over time."""

    name = "co_design"
    params = (
        Param("design_learning", 0.5, "Yield gained per unit of acted-on, skill-weighted input per citizen.",
              "governance", 0.0, 10.0, source="Osborne & Strokosch 2013 (strategic co-production)"),
        Param("design_ceiling", 1.0, "Largest gain in the yield of own production from co-design.",
              "governance", 0.0, 10.0),
    )

    def coproduce(self, current, acted_input, skill):  # noqa: D102
        effective = super().coproduce(current, acted_input, skill)
        room = self.design_ceiling - self.design_gain
        self.design_gain += room * (1.0 - np.exp(-self.design_learning * effective))
        return 0.5 * effective


class Reporting(Consultation):
    """Citizens as reporters (FixMyStreet-style): effort becomes discrete reports.

    A citizen files a report in a step with probability
    ``min(1, report_rate * engagement * contribution)``, where engagement is the citizen's
    heavy-tailed rate of meeting something worth reporting (see `engagement_sigma`); the
    administration acts on a share of reports, as in consultation. Few citizens ever report
    and a small core files most reports (participation inequality; Nielsen 2006), and
    reporters learn from whether their report was fixed (Sjoberg, Mellon & Peixoto 2017).
    """

    name = "reporting"
    params = (
        Param("report_rate", 0.05, "Reports per step of a citizen with engagement 1 giving fully.",
              "governance", 0.0, 1.0, source="Sjoberg, Mellon & Peixoto 2017 (FixMyStreet)"),
    )

    def inputs(self, contribution, citizens, rng):  # noqa: D102
        chance = contribution * citizens.engagement
        chance *= self.report_rate
        return (rng.random(contribution.shape[0]) < chance).astype(np.float64)
