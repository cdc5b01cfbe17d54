"""Interaction modes: how citizens' collective input becomes quality.

Sources: inGov IPS framework; Osborne & Strokosch 2013. Individual acts (reports, data) happen in every mode (`sim.model.acts`); the mode says
whether citizens are asked for collective effort and what it does:

* ``consultation``: citizens give input in meetings and workshops, the administration
  decides: only the share it acts on (after its delay) adds quality;
* ``co_delivery``: citizens deliver part of the service themselves (operational
  co-production): all their effort adds quality at once, the administration's response
  only tells them whether it was supported;
* ``co_design``: citizens shape the service (strategic co-production): acted-on input
  adds less quality directly but raises the quality the administration's own production
  yields, with diminishing returns up to ``design_ceiling``. The gain is organisational
  knowledge and is forgotten at ``design_obsolescence`` a month (staff leave, needs
  change): Argote, Beckman & Epple 1990; Darr, Argote & Epple 1995. Without fresh input it
  fades; with steady input it settles where learning and forgetting balance;
* ``reporting``: no collective channel (a FixMyStreet-style platform): citizens take part
  by individual acts only.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from sim.governance.base import GovernanceRule
from sim.primitives.numeric import dot
from sim.primitives.params import Param


class InteractionRule(GovernanceRule):
    """Base of interaction modes: turn collective input into quality and design improvements."""

    family = "interaction"
    #: Whether citizens are asked for collective effort in this mode.
    collective: ClassVar[bool] = True
    #: Work array of `_dot` (each rule gets its own when first used; this empty one is never written).
    _products: np.ndarray = np.empty(0)

    def setup(self, citizens, rng):  # noqa: D102
        self.design_gain = 0.0

    def _dot(self, effort: np.ndarray, skill: np.ndarray) -> float:
        """``dot(effort, skill) / n`` (0 with nobody), its products in a reused work array."""
        n = skill.shape[0]
        if self._products.shape[0] != n:
            self._products = np.empty(n)
        return dot(effort, skill, out=self._products) / max(n, 1)

    def coproduce(self, current: np.ndarray, acted_input: np.ndarray, skill: np.ndarray) -> float:
        """Quality added per citizen (before efficiency and support) by collective input.

        Args:
            current: This step's collective effort.
            acted_input: Matured effort the administration acted on (0 where not).
            skill: Citizens' skills.
        """
        return self._dot(acted_input, skill)

    def production_multiplier(self) -> float:
        """Factor on the administration's own production from past co-design."""
        return 1.0 + self.design_gain

    def exercise(self, ctx, rng):  # noqa: D102
        c = ctx.citizens
        acted = c.contribution * (rng.random(c.n) < 0.5)
        outs = [self.coproduce(c.contribution, acted * k, c.skill) for k in (1.0, 0.5, 2.0)]
        return [*outs, self.collective, self.production_multiplier()]


class Consultation(InteractionRule):
    """Citizens advise; only input the administration acts on adds quality."""

    name = "consultation"


class CoDelivery(InteractionRule):
    """Citizens deliver part of the service: all their skill-weighted effort adds quality."""

    name = "co_delivery"

    def coproduce(self, current, acted_input, skill):  # noqa: D102
        return self._dot(current, skill)


class CoDesign(InteractionRule):
    """Citizens redesign the service: acted-on input raises production's yield over time."""

    name = "co_design"
    params = (
        Param("design_learning", 0.5, "Yield gained per unit of acted-on, skill-weighted input per citizen.",
              "governance", 0.0, 10.0, source="Osborne & Strokosch 2013 (strategic co-production)"),
        Param("design_ceiling", 1.0, "Largest gain in the yield of own production from co-design.",
              "governance", 0.0, 10.0),
        # Ours: one staff-month in a hundred a month, the order of public-sector staff
        # turnover (about 12 % a year), which Argote (2013) links to the rate of forgetting;
        # published rates run from about 0 (Thompson 2007; a car plant with 1-2 % monthly
        # turnover, Epple, Argote & Murphy 1996) to 25 % a month (shipyards, fast food).
        Param("design_obsolescence", 0.01, "Share of co-design's gain in yield forgotten each month.",
              "governance", 0.0, 1.0, unit="per month",
              source="Argote, Beckman & Epple 1990; Darr, Argote & Epple 1995; Thompson 2007"),
    )

    def coproduce(self, current, acted_input, skill):  # noqa: D102
        effective = super().coproduce(current, acted_input, skill)
        room = self.design_ceiling - self.design_gain
        learned = self.design_gain + room * (1.0 - np.exp(-self.design_learning * effective))
        self.design_gain = learned * (1.0 - self.design_obsolescence)
        return 0.5 * effective


class Reporting(Consultation):
    """A reporting platform (FixMyStreet-style): no collective effort is asked for.

    Citizens take part by reporting what they meet and sharing data (`sim.model.acts`);
    few ever report and a small core files most reports (participation inequality;
    Nielsen 2006), and reporters learn from whether their report was fixed (Sjoberg,
    Mellon & Peixoto 2017).
    """

    name = "reporting"
    collective = False
