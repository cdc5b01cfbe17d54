"""Appeals against sanctions: conflict resolution, Ostrom's sixth design principle.

Users of long-enduring commons "have rapid access to low-cost local arenas to resolve
conflicts among appropriators or between appropriators and officials" (Ostrom 1990,
principle 6), one of the best-supported principles in the 91 studies Cox, Arnold &
Villamayor Tomás (2010) review. Monitoring makes errors (`sim.governance.sanctions`:
``detection_error``, Grechenig, Nicklisch & Thöni 2010; Ambrus & Greiner 2012), and in the
lab noisy punishment lowers cooperation and earnings; an arena for appeals is where such
errors can be corrected. Each month, after the sanction rule has fined (``arbiter``):

* **Who appeals.** A fined citizen appeals when the refund it expects exceeds what
  appealing costs it: ``trust x P(upheld) x fine > appeal_cost / time_budget`` (hours as a
  share of its month's time, the unit fines are in). Citizens bring their grievances to
  authorities they trust to decide fairly (Tyler 2006, procedural justice); a citizen
  knows whether it offended, so ``P(upheld)`` is ``resolution_accuracy`` for a wrongly
  fined citizen and ``1 - resolution_accuracy`` for an offender: frivolous appeals happen
  when the arena errs often or appealing is cheap. No draws: the decision is deterministic.
* **Resolution.** Each appeal is decided correctly with probability
  ``resolution_accuracy``: a wrongful fine is refunded and its record removed, a deserved
  one upheld; decided wrongly, the reverse (an offender's fine refunded, a wrongful one
  upheld). The draws come from a stream of the model's own (`sim.model.streams`).
* **Costs.** The appellant pays its hours (in the payoff); the administration pays
  ``resolution_cost`` per appeal from the budget that pays for monitoring.

What follows from this, and is not imposed: a refunded wrongful fine costs no trust (the
model takes trust from the wrongly fined whose fine stands) and does not count against the
regime's legitimacy, which follows the share of deserved fines among those that stand
(Tyler 2006). Citizens judge compliance on the fine as imposed: they do not anticipate
winning an appeal they would have no grounds for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.governance.base import GovernanceRule, StepContext
from sim.primitives.params import Param
from sim.primitives.sources import AMBRUS, GRECHENIG, OSTROM

OSTROM6 = OSTROM + " (principle 6, low-cost conflict-resolution arenas)"
COX = "Cox, Arnold & Villamayor Tomás 2010 (design principles reviewed)"
#: The appeals' reporters: shares of all citizens, this month.
APPEAL_OUTCOMES: tuple[str, ...] = ("appeals_filed", "appeals_upheld")

APPEAL_COST = Param("appeal_cost", 1.0, "Hours a fined citizen spends to appeal (filing and a hearing).", "governance", 0.0, 40.0, source=f"{OSTROM6}; {COX}", unit="hours per appeal")
ACCURACY = Param("resolution_accuracy", 0.9, "Share of appeals decided correctly: a wrongful fine refunded, a deserved one upheld.", "governance", 0.0, 1.0, source=f"{GRECHENIG}; {AMBRUS} (noisy sanctions)")
RESOLUTION_COST = Param("resolution_cost", 0.5, "Administration cost of hearing one appeal, from the monitoring budget (units of monitoring_cost per citizen).", "administration", 0.0, 10.0, source=OSTROM6, unit="per appeal")


@dataclass
class AppealOutcome:
    """Appeals heard this month and what they cost.

    Attributes:
        filed: Appealed its fine.
        upheld: Won its appeal: the fine refunded and the detection struck from its record.
        citizen_cost: Each citizen's cost of appealing (share of a month's time budget).
        admin_cost: Per-citizen cost borne by the administration.
    """

    filed: np.ndarray
    upheld: np.ndarray
    citizen_cost: np.ndarray | float
    admin_cost: float

    def outcomes(self) -> dict[str, float]:
        """This month's reporters (`APPEAL_OUTCOMES`)."""
        n = self.filed.shape[0]
        return {"appeals_filed": np.count_nonzero(self.filed) / n, "appeals_upheld": np.count_nonzero(self.upheld) / n}


class AppealRule(GovernanceRule):
    """Base of appeal rules: who appeals, how appeals are decided, what they cost."""

    family = "appeals"
    #: Whether fined citizens can appeal at all (the model asks for a hearing only then).
    hears: ClassVar[bool] = True
    params: ClassVar[tuple[Param, ...]] = (APPEAL_COST, ACCURACY, RESOLUTION_COST)

    def appeals(self, ctx: StepContext, fines: np.ndarray, wrongful: np.ndarray, flagged: np.ndarray) -> np.ndarray:
        """Indices (among `flagged`) of the fined citizens who appeal: expected refund over cost."""
        c = ctx.citizens
        win = np.where(wrongful[flagged], self.resolution_accuracy, 1.0 - self.resolution_accuracy)
        cost = self.appeal_cost / np.maximum(c.time_budget[flagged], 1e-9)
        return flagged[c.trust[flagged] * win * fines[flagged] > cost]

    def hear(self, ctx: StepContext, fines: np.ndarray, wrongful: np.ndarray, flagged: np.ndarray,
             rng: np.random.Generator) -> AppealOutcome:
        """Hear this month's appeals; refund upheld fines in place (`fines`, `wrongful`, records).

        Args:
            ctx: The step's observations.
            fines: Fine of each citizen this month (refunds set it to 0).
            wrongful: Fined although it complied (cleared where the fine is refunded).
            flagged: Indices of the citizens flagged this month.
            rng: The appeals' own random stream.
        """
        c = ctx.citizens
        n = c.n
        filed = self.appeals(ctx, fines, wrongful, flagged)
        correct = rng.random(filed.shape[0]) < self.resolution_accuracy
        won = filed[wrongful[filed] == correct]  # wrongful and decided right, or deserved and wrong
        mask, upheld = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        mask[filed] = True
        upheld[won] = True
        fines[won] = 0.0
        wrongful[won] = False
        c.offences[won] -= np.float32(1.0)  # the detection struck from the record
        citizen_cost = np.zeros(n)
        citizen_cost[filed] = np.minimum(self.appeal_cost / np.maximum(c.time_budget[filed], 1e-9), 1.0)
        return AppealOutcome(mask, upheld, citizen_cost, self.resolution_cost * filed.shape[0] / n)

    def exercise(self, ctx, rng):  # noqa: D102
        n = ctx.citizens.n
        flagged = np.arange(0, n, 3)
        fines = np.zeros(n)
        fines[flagged] = 0.5
        wrongful = np.zeros(n, dtype=bool)
        wrongful[flagged[::2]] = True
        out = self.hear(ctx, fines, wrongful, flagged, rng)
        return [fines, wrongful, out.filed, out.upheld, out.citizen_cost, out.admin_cost]


class NoAppeals(AppealRule):
    """No arena for appeals: every fine stands, right or wrong."""

    name = "none"
    hears = False
    params = ()

    def hear(self, ctx, fines, wrongful, flagged, rng):  # noqa: D102
        n = ctx.citizens.n
        return AppealOutcome(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), 0.0, 0.0)


class Arbiter(AppealRule):
    """An arbiter hears appeals against fines: wrongful ones refunded, at a cost (Ostrom's sixth principle)."""

    name = "arbiter"
