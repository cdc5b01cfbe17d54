"""Personal budgets: citizens who need the service most choose and design their own support.

Personalisation in English social care (Bracci & Chow 2016, ch. 4 of the co-production
book): a personal budget is a sum allocated to someone assessed as eligible, which they
use to choose and co-design their own package of support, an operational form of
co-production. In the model:

* **Eligible** are the ``budget_eligible`` share of citizens with the highest need (the
  threshold is the need quantile at the time the share is set; newcomers are judged
  against it).
* **Offers**: the authority offers budgets to a share ``budget_offer`` of the eligible
  (each month it tops its offers up to that share: newcomers, and a higher share set
  during a run); take-up varied from 10 % to 100 % of users across English authorities
  in 2014-15 (NAO 2016), 52.8 % of eligible users had one in March 2012 (ADASS 2012).
* **Take-up**: an offered citizen takes the budget with probability equal to its
  **capability** to manage it, ``skill + budget_support x (1 - skill)``: support planning
  and brokerage close part of the gap (Glendinning et al. 2008, IBSEN). With no support a
  citizen of mean skill takes an offer half the time, near ADASS's 52.8 %. Those who decline
  keep the standard service.
* **Who gains**: a holder receives ``1 + gain`` times the quality of the standard service,
  ``gain = budget_gain x (capability - budget_burden) / (1 - budget_burden)``: holders
  were more likely to feel in control of their daily lives, and satisfaction was lowest
  among older people (Glendinning et al. 2008), so a holder below the burden threshold is
  worse off than with the standard service. Costs were similar to conventional support
  (Glendinning et al. 2008): each holder costs the administration ``budget_cost`` a month
  for assessment, planning and monitoring. The sizes of the gain and of the burden are our
  judgement.
* **Who is left out**: the eligible who were never offered one, or declined (the least
  skilled, more of them in the deprived groups): ``budget_gap`` is the take-up of the least
  deprived group minus that of the most deprived.

Draws come from a stream of their own (`sim.model.streams`); a budget leaves with the
resident who moves away.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.metrics import share
from sim.primitives.params import Param
from sim.primitives.sources import ADASS, BRACCI_CHOW, IBSEN, NAO_BUDGETS

BUDGET_PARAMS: tuple[Param, ...] = (
    Param("budget_offer", 0.0, "Share of eligible citizens offered a personal budget (0: none).", "governance", 0, 1, source=f"{NAO_BUDGETS}; {ADASS}"),
    Param("budget_eligible", 0.1, "Share of citizens, those who need the service most, eligible for a personal budget.", "governance", 0, 1, source=BRACCI_CHOW + " (assessed eligibility)"),
    Param("budget_support", 0.0, "Share of the gap to full capability that support planning and brokerage close for those offered a budget.", "governance", 0, 1, source=IBSEN + " (support planning)"),
    Param("budget_gain", 0.3, "Gain in the quality a holder receives at full capability (a package it chose and designed).", "service", 0, 5, source=IBSEN + " (holders feel more in control); value our judgement"),
    Param("budget_burden", 0.3, "Capability below which managing a budget leaves a holder worse off than the standard service.", "service", 0, 0.99, source=IBSEN + " (satisfaction lowest among older people); value our judgement"),
    Param("budget_cost", 0.05, "Administration cost a month per budget holder (assessment, support planning, monitoring).", "administration", 0, 10, source=IBSEN + " (costs similar to conventional support)"),
)


class PersonalBudgets:
    """Who was offered a personal budget and who holds one (per-citizen arrays)."""

    def __init__(self, p: dict, citizens: Any, rng: np.random.Generator):
        """Nobody offered yet; nothing is drawn while ``budget_offer`` is 0."""
        self.p, self.citizens, self.rng = p, citizens, rng
        n = citizens.n
        self.offered = np.zeros(n, dtype=bool)
        self.holds = np.zeros(n, dtype=bool)
        self.gain = np.zeros(n)
        self._threshold: tuple[float, float] | None = None  # (share, need threshold)

    @property
    def any(self) -> bool:
        """Whether anyone holds a budget (else the model runs as without them)."""
        return bool(self.holds.any())

    def eligible(self) -> np.ndarray:
        """Citizens whose need puts them in the eligible share."""
        share = self.p["budget_eligible"]
        if self._threshold is None or self._threshold[0] != share:
            cut = float(np.quantile(self.citizens.need, 1.0 - share)) if share > 0 else np.inf
            self._threshold = (share, cut)
        return self.citizens.need >= self._threshold[1]

    def capability(self, idx: np.ndarray) -> np.ndarray:
        """Capability to manage a budget: skill, with part of the gap closed by support."""
        skill = self.citizens.skill[idx]
        return skill + self.p["budget_support"] * (1.0 - skill)

    def step(self) -> float:
        """Top offers up to ``budget_offer`` of the eligible; holders' gains; cost per citizen."""
        target = self.p["budget_offer"]
        if target > 0:
            eligible = self.eligible()
            base = int(np.count_nonzero(eligible))
            offered = float(np.count_nonzero(self.offered & eligible)) / base if base else 1.0
            idx = np.flatnonzero(eligible & ~self.offered)
            if idx.size and offered < target:
                chance = (target - offered) / (1.0 - offered)
                new = idx[self.rng.random(idx.size) < chance]
                self.offered[new] = True
                self.holds[new[self.rng.random(new.size) < self.capability(new)]] = True
        if not self.any:
            return 0.0
        holders = np.flatnonzero(self.holds)
        burden = self.p["budget_burden"]
        self.gain[:] = 0.0
        self.gain[holders] = self.p["budget_gain"] * (self.capability(holders) - burden) / (1.0 - burden)
        return self.p["budget_cost"] * holders.size / self.citizens.n

    def received(self, quality: float) -> float | np.ndarray:
        """Quality each citizen receives: the standard service's, times 1 + gain for holders."""
        if not self.any:
            return quality
        return quality * (1.0 + self.gain)

    def replace(self, idx: np.ndarray) -> None:
        """A budget (and an offer) leaves with the resident who moves away."""
        self.offered[idx] = False
        self.holds[idx] = False
        self.gain[idx] = 0.0

    def outcomes(self) -> dict[str, float]:
        """Holders, take-up among the eligible, its gap between groups, holders' gain."""
        n, c = self.citizens.n, self.citizens
        if not self.any:
            return {"budget_holders": 0.0, "budget_take_up": 0.0, "budget_gap": 0.0,
                    "holder_quality_gain": 0.0, "budget_worse_off": 0.0}
        eligible = self.eligible()
        take_up = [share(self.holds, within=eligible & (c.group == g)) for g in (0, self.p["groups"] - 1)]
        holders = self.holds
        return {"budget_holders": float(np.count_nonzero(holders)) / n,
                "budget_take_up": share(holders, within=eligible),
                "budget_gap": take_up[1] - take_up[0],
                "holder_quality_gain": float(self.gain[holders].mean()),
                "budget_worse_off": share(self.gain < 0, within=holders)}
