"""The co-production life-cycle: commissioning, design, delivery and assessment (the four Co's).

Co-production happens in phases, each of which citizens may or may not take part in:
co-commissioning, co-design, co-delivery and co-assessment (Bovaird & Loeffler 2012;
Loeffler 2020, "The Four Co's"); inGov's life-cycle of an integrated public service
names the same phases (design, implementation, delivery, evaluation). Bovaird (2007) calls
"full co-production" only what involves citizens in planning as well as delivery.

What the phases decide here is **what the service does**: the administration's production
is spread over the categories of need of `sim.model.budgeting.PB_CATEGORIES`, and only the
part that matches what the population needs works: the service's fit is the overlap
``sum(min(allocation, need mix))`` of its allocation with the population's need mix (each
group's mix weighted by its members' need; groups differ by ``pb_needs_gap``, Barbera,
Sicilia & Steccolini 2016). The standard service starts spread evenly over the
categories; local needs are a draw around the groups' mixes and drift by ``need_drift`` a
month (needs change and newcomers arrive). ``targeting``, the fit over the fit at the
start, multiplies the administration's production. With ``lifecycle_cycle`` 0 there is no
life-cycle: needs do not drift and the service stays as calibrated (targeting 1). Every
``lifecycle_cycle`` months:

* **assessment** (last month of a cycle): the administration's own indicators see a share
  ``professional_insight`` of how far the service is from what is needed (users know what
  professionals do not: Bovaird & Loeffler 2012); with citizens taking part
  (``assessment_voice`` > 0) their reports of what they need carry that weight. What it
  finds is the estimate ``e = (1 - v) (a + insight (need - a)) + v m``, ``m`` the need mix of
  those taking part;
* **commissioning** (first month): what to fund, ``b = (1 - v) e + v m`` for the commissioning
  participants' mix ``m`` (``commissioning_voice``): what assessment found feeds it;
* **design** (second month): the redesign moves the allocation toward what was
  commissioned, ``a += r (b - a)``, by ``r`` = 0.5 when professionals design alone and 1
  with citizens (``design_voice``: users help design services that work as intended);
* **delivery** is every month's co-production (the ``interaction`` rule: ``co_delivery`` is
  citizens delivering part of the service).

Who takes part: in commissioning and design those who took part collectively this month,
in assessment anyone who took part at all (users assessing the service), and where the
administration consults (``consultation_sample``, `sim.model.engagement`), a random
sample invited to the phase, of whom about one in ten accepts at trust 0.5 (sortition
practice: under 10 % of those invited), weighted by group to the population's shares
(stratification). Self-selected participants are the usual suspects, so co-commissioning
can tilt the service toward the groups who take part. Each participant costs the
administration ``phase_cost``. Every phase adds a row to the ``lifecycle`` table (share
taking part, from the most and least deprived group, consulted, representation = overlap
of their needs with the population's) and the last of each phase is reported each month.
The 0.5/1 design rates, the local spread of needs and the acceptance rate are our
judgement; the directions are the sources'.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.budgeting import PB_CATEGORIES, group_preferences
from sim.model.record import took_part, took_part_collective
from sim.primitives.params import Param
from sim.primitives.sources import BOVAIRD_LOEFFLER, INGOV, LOEFFLER

LIFECYCLE_PARAMS: tuple[Param, ...] = (
    Param("lifecycle_cycle", 0, "Months between commissioning rounds of the service's life-cycle (0: no life-cycle).", "governance", 0, 120, source=f"{LOEFFLER}; {INGOV} (IPS life-cycle)", unit="months"),
    Param("commissioning_voice", 0.0, "Weight of citizens taking part in commissioning what the service funds (0: they do not take part).", "governance", 0, 1, source=BOVAIRD_LOEFFLER + " (co-commissioning)"),
    Param("design_voice", 0.0, "Weight of citizens taking part in redesigning the service (0: they do not take part).", "governance", 0, 1, source=BOVAIRD_LOEFFLER + " (co-design)"),
    Param("assessment_voice", 0.0, "Weight of citizens taking part in assessing the service (0: they do not take part).", "governance", 0, 1, source=BOVAIRD_LOEFFLER + " (co-assessment)"),
    Param("professional_insight", 0.3, "Share of the gap between what the service does and what users need that the administration's own assessment sees.", "administration", 0, 1, source=BOVAIRD_LOEFFLER + " (users' knowledge); value our judgement"),
    Param("phase_cost", 0.5, "Administration cost of one citizen taking part in a life-cycle phase.", "administration", 0, 10),
    Param("need_drift", 0.05, "Monthly drift of what each group needs from the service (sd of the log-change of a category's weight).", "service", 0, 1, unit="per month"),
)
DESIGN_PROFESSIONAL, DESIGN_CITIZENS = 0.5, 1.0
#: Dirichlet concentration of the local spread of needs over categories (lower: more uneven).
NEED_CONCENTRATION = 2.0
#: Share of invited citizens who accept at trust 0.5 (it scales with trust).
CONSULTATION_ACCEPT = 0.1
PHASES: tuple[str, ...] = ("assessment", "commissioning", "design")
LIFECYCLE_COLUMNS: tuple[str, ...] = (
    "step", "phase", "participants", "consulted", "most_deprived", "least_deprived", "representation",
    "targeting",
)


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Overlap of two distributions over the same categories (1 = identical, 0 = disjoint)."""
    return float(np.minimum(a, b).sum())


class LifeCycle:
    """The service's allocation over need categories and the phases that revise it."""

    def __init__(self, p: dict, citizens: Any, rng: np.random.Generator):
        """The standard service (spread evenly) and local needs drawn from its own stream."""
        self.p, self.rng = p, rng
        k, groups = len(PB_CATEGORIES), p["groups"]
        local = rng.dirichlet(np.full(k, NEED_CONCENTRATION))
        needs = group_preferences(groups, p["pb_needs_gap"]) * local
        self.needs = needs / needs.sum(axis=1, keepdims=True)  # each group's need mix
        self.allocation = np.full(k, 1.0 / k)
        self.estimate = self.allocation.copy()
        self.commissioned = self.allocation.copy()
        self.start_fit = overlap(self.allocation, self.need_mix(citizens))
        self.targeting = 1.0
        self.shares = dict.fromkeys(PHASES, 0.0)
        self.representation = 0.0

    @property
    def cycle(self) -> int:
        """Months between commissioning rounds (0: no life-cycle)."""
        return int(self.p["lifecycle_cycle"])

    def need_mix(self, citizens: Any, weights: np.ndarray | None = None) -> np.ndarray:
        """Need mix of citizens (optionally weighted): each one's group mix times its need."""
        w = citizens.need if weights is None else citizens.need * weights
        by_group = np.bincount(citizens.group, weights=w, minlength=self.needs.shape[0])
        return by_group @ self.needs / max(float(by_group.sum()), 1e-12)

    def step(self, month: int, record: Any, citizens: Any) -> tuple[float, float, list[dict]]:
        """Drift, run this month's phases; (targeting, cost per citizen, table rows)."""
        length = self.cycle
        if length <= 0:
            return 1.0, 0.0, []
        drift = self.p["need_drift"]
        if drift > 0:
            self.needs *= np.exp(drift * self.rng.standard_normal(self.needs.shape))
            self.needs /= self.needs.sum(axis=1, keepdims=True)
        true = self.need_mix(citizens)
        t = month % length
        due = [phase for phase, at in zip(PHASES, (length - 1, 0, 1 % length), strict=True) if t == at]
        cost, rows = 0.0, []
        for phase in due:
            mix, taking_part, row = self._participants(phase, record, citizens, true)
            cost += self.p["phase_cost"] * taking_part
            self._apply(phase, mix, true)
            rows.append({"step": month, "phase": phase, **row})
        self.targeting = overlap(self.allocation, true) / max(self.start_fit, 1e-12)
        for row in rows:
            row["targeting"] = self.targeting
        return self.targeting, cost, rows

    def _participants(self, phase: str, record: Any, citizens: Any, true: np.ndarray):
        """(their need mix or None, share of citizens taking part, table row) for a phase."""
        n = citizens.n
        empty = {"participants": 0.0, "consulted": 0.0, "most_deprived": 0.0, "least_deprived": 0.0,
                 "representation": 0.0}
        if self.p[f"{phase}_voice"] <= 0:
            self.shares[phase] = 0.0
            return None, 0.0, empty
        selves = took_part(record) if phase == "assessment" else took_part_collective(record)
        weights = selves.astype(np.float64)
        consulted = self._consult(citizens, selves)
        weights += consulted
        pool = weights > 0
        k = int(np.count_nonzero(pool))
        self.shares[phase] = k / n
        if not k:
            return None, 0.0, empty
        mix = self.need_mix(citizens, weights)
        represented = self.representation = overlap(mix, true)  # of the last phase with citizens
        groups = citizens.group[pool]
        row = {"participants": k / n, "consulted": float(np.count_nonzero(consulted)) / n,
               "most_deprived": float(np.count_nonzero(groups == 0)) / k,
               "least_deprived": float(np.count_nonzero(groups == self.needs.shape[0] - 1)) / k,
               "representation": represented}
        return mix, k / n, row

    def _consult(self, citizens: Any, selves: np.ndarray) -> np.ndarray:
        """Stratification weights of the consulted (0 for the rest): a random invited sample."""
        out = np.zeros(citizens.n)
        share = self.p["consultation_sample"]
        if share <= 0:
            return out
        invited = np.flatnonzero(self.rng.random(citizens.n) < share)
        accept = self.rng.random(invited.size) < np.minimum(CONSULTATION_ACCEPT * 2.0 * citizens.trust[invited], 1.0)
        idx = invited[accept & ~selves[invited]]
        if not idx.size:
            return out
        groups = self.needs.shape[0]
        population = np.bincount(citizens.group, minlength=groups) / citizens.n
        sample = np.bincount(citizens.group[idx], minlength=groups) / idx.size
        out[idx] = (population / np.maximum(sample, 1e-12))[citizens.group[idx]]
        return out

    def _apply(self, phase: str, mix: np.ndarray | None, true: np.ndarray) -> None:
        voice = self.p[f"{phase}_voice"] if mix is not None else 0.0
        if phase == "assessment":
            professional = self.allocation + self.p["professional_insight"] * (true - self.allocation)
            self.estimate = professional if mix is None else (1.0 - voice) * professional + voice * mix
        elif phase == "commissioning":
            self.commissioned = self.estimate if mix is None else (1.0 - voice) * self.estimate + voice * mix
        else:
            rate = DESIGN_PROFESSIONAL + voice * (DESIGN_CITIZENS - DESIGN_PROFESSIONAL)
            self.allocation = self.allocation + rate * (self.commissioned - self.allocation)

    def outcomes(self) -> dict[str, float]:
        """Targeting, the share taking part in the last of each phase, representation."""
        return {"targeting": self.targeting, **{f"{ph}_share": self.shares[ph] for ph in PHASES[::-1]},
                "phase_representation": self.representation}
