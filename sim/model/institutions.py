"""The institutions beside the rules: civil society, personal budgets, the life-cycle, engagement.

`Institutions` holds the four institutional mechanisms that are not governance rules
(`sim.model.civil_society`, `sim.model.personal_budgets`, `sim.model.lifecycle`,
`sim.model.engagement`) and is the model's one handle on them: the month calls a few
well-named hooks (`motivation`, `self_organised`, `administered`, `received`, `month`,
`replace`, `outcomes`). Each mechanism is off by default and then changes nothing: every
hook returns what the model would have used without it (None, the same array, 1.0 or
0.0), so a run with all of them off is bit-identical to one without this module. Each
draws from a stream of its own (`sim.model.streams`), so switching one on does not shift
the draws of the rest of the model (common random numbers across levers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.agreements import agreements_count
from sim.model.civil_society import CSO_PARAMS, CivilSociety
from sim.model.engagement import ENGAGEMENT_PARAMS, Engagement
from sim.model.lifecycle import LIFECYCLE_COLUMNS, LIFECYCLE_PARAMS, LifeCycle
from sim.model.personal_budgets import BUDGET_PARAMS, PersonalBudgets
from sim.model.streams import CIVIL_SOCIETY, ENGAGEMENT, LIFECYCLE, PERSONAL_BUDGETS, own_stream
from sim.primitives.params import Param

INSTITUTION_PARAMS: tuple[Param, ...] = (*CSO_PARAMS, *BUDGET_PARAMS, *LIFECYCLE_PARAMS, *ENGAGEMENT_PARAMS)
#: Outcomes the institutions report each month (appended to `sim.model.reporters.REPORTERS`).
INSTITUTION_OUTCOMES: tuple[str, ...] = (
    "organisations", "cso_members", "cso_founded", "cso_folded", "cso_output",
    "budget_holders", "budget_take_up", "budget_gap", "holder_quality_gain", "budget_worse_off",
    "targeting", "commissioning_share", "design_share", "assessment_share", "phase_representation",
    "campaign_awareness",
)
#: Of those, the shares of citizens (in [0, 1]).
INSTITUTION_SHARES: frozenset[str] = frozenset({
    "cso_members", "budget_holders", "budget_take_up", "budget_worse_off", "commissioning_share",
    "design_share", "assessment_share", "phase_representation", "campaign_awareness",
})
#: Extra tables the DataCollector keeps (one row per life-cycle phase run).
INSTITUTION_TABLES: dict[str, tuple[str, ...]] = {"lifecycle": LIFECYCLE_COLUMNS}


@dataclass(frozen=True)
class InstitutionsMonth:
    """What the institutions added to this month.

    Attributes:
        quality: Quality civil-society organisations delivered, per citizen.
        cost: Administration cost per citizen (grants, budgets, phases, campaign).
        rows: Life-cycle table rows of the phases run this month.
    """

    quality: float
    cost: float
    rows: list[dict]


class Institutions:
    """Civil society, personal budgets, the life-cycle and engagement of one model."""

    def __init__(self, model: Any):
        """Build the four mechanisms, each on a stream of its own (no draws while off)."""
        p, c, rng = model.p, model.citizens, model.rng
        self.p, self.citizens = p, c
        self.civil = CivilSociety(model, own_stream(rng, CIVIL_SOCIETY))
        self.budgets = PersonalBudgets(p, c, own_stream(rng, PERSONAL_BUDGETS))
        self.lifecycle = LifeCycle(p, c, own_stream(rng, LIFECYCLE))
        self.engagement = Engagement(p, c.n, own_stream(rng, ENGAGEMENT))
        self.campaign_cost = 0.0
        self.civil_counts = (0, 0)  # organisations founded and folded this month
        self._month = InstitutionsMonth(0.0, 0.0, [])

    def campaign(self) -> None:
        """This month's information campaign (before citizens decide)."""
        self.campaign_cost = self.engagement.run()

    def motivation(self) -> np.ndarray | None:
        """Factor on each citizen's wish to take part (None: nothing changes it)."""
        factor = self.engagement.factor()
        if self.civil.active:
            mobilised = self.civil.mobilisation()
            factor = mobilised if factor is None else factor * mobilised
        return factor

    def informed(self) -> np.ndarray | None:
        """Factor on each citizen's propensity to report (None: no campaign has run)."""
        return self.engagement.factor()

    def self_organised(self) -> np.ndarray | None:
        """Citizens whose collective effort goes through their organisation (None: nobody)."""
        return self.civil.members if self.civil.active else None

    def decided(self, keen: np.ndarray) -> None:
        """Who wants to give collective effort this month (before access and channel)."""
        if self.civil.active:
            self.civil.keen = keen

    def administered(self, contribution: np.ndarray) -> np.ndarray:
        """The collective effort that goes to the administration (organisations keep theirs)."""
        if not self.civil.active:
            return contribution
        return np.where(self.civil.members, 0.0, contribution)

    def targeting(self) -> float:
        """How well the service's allocation fits what is needed, over its fit at the start."""
        return self.lifecycle.targeting

    def received(self, quality: float) -> float | np.ndarray:
        """Quality each citizen receives (personal-budget holders: their own package)."""
        return self.budgets.received(quality)

    def month(self, model: Any, record: Any) -> InstitutionsMonth:
        """Civil society's output, budgets and the life-cycle's phases for this month."""
        c = self.citizens
        quality, cost = 0.0, self.campaign_cost
        if self.civil.active:
            civil = self.civil.step(record.contribution, c.skill, model.steps)
            quality, cost = civil.quality, cost + civil.grant_cost
            self.civil_counts = (civil.founded, civil.folded)
        cost += self.budgets.step()
        cost += self.p["agreement_cost"] * agreements_count(self.p["administrations"], self.p)
        _, phase_cost, rows = self.lifecycle.step(model.steps, record, c)
        self._month = InstitutionsMonth(quality, cost + phase_cost, rows)
        return self._month

    def replace(self, idx: np.ndarray) -> None:
        """Residents who moved away leave their organisation, budget and campaign memory."""
        self.civil.replace(idx)
        self.budgets.replace(idx)
        self.engagement.replace(idx)

    def outcomes(self) -> dict[str, float]:
        """This month's institution outcomes (`INSTITUTION_OUTCOMES`)."""
        n = self.citizens.n
        founded, folded = self.civil_counts
        out = {**self.civil.outcomes(n), "cso_founded": float(founded), "cso_folded": float(folded),
               "cso_output": self._month.quality, **self.budgets.outcomes(),
               **self.lifecycle.outcomes(), **self.engagement.outcomes()}
        return {name: out[name] for name in INSTITUTION_OUTCOMES}
