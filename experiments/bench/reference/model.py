"""`ReferenceModel`: the per-agent reference implementation of `sim.CoProductionModel`."""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.governance import REGISTRY, Rules
from sim.governance.sanctions import LEGITIMACY_LEARNING
from sim.model.administration import austerity_production, integration_efficiency
from sim.model.behaviour import LAB_GROUP, LAB_NET_COST
from sim.model.coproduction import BUDGET_SMOOTHING
from sim.model.firms import FirmSector
from sim.model.network import build_network
from sim.model.parameters import resolve_model_params
from sim.model.population import draw_citizens
from sim.model.reporters import REPORTERS
from sim.model.service import online_share_of, quality_per_user, support

from .citizen import RefCitizen
from .outcomes import measure

#: The rules the reference implements; anything else raises `NotImplementedError`.
SUPPORTED = {
    "access": ("open", "registered", "invited"),
    "sanctions": ("none", "peer", "admin"),
    "rewards": ("none", "recognition"),
    "response": ("random", "direct"),
    "interaction": ("consultation", "co_delivery", "co_design", "reporting"),
    "responsibility": ("collective", "individual"),
    "voting": ("plurality", "equal_shares", "proportional"),  # unused while pb_share == 0
    "appeals": ("none",),
}
#: Per-citizen state copied from the vectorised model's initial draws.
STATE = ("ctype", "slope", "level", "group", "skill", "cost", "time_budget", "need", "trust",
         "belief", "outside", "privacy", "engagement")


class ReferenceModel(mesa.Model):
    """Per-agent reference implementation of `sim.CoProductionModel` (slow; for checks).

    Takes the same keyword parameters; starts from the same state for the same seed (the
    population, network and rule set-up are drawn with the same functions, in the same
    order); then steps citizen by citizen with Python's random.
    """

    lab_net_cost = LAB_NET_COST

    def __init__(self, *, rng=None, **params):
        """Build the same initial state as `CoProductionModel`, then copy it into agents.

        Raises:
            NotImplementedError: A rule, or participatory budgeting, without a reference
                implementation.
        """
        super().__init__(rng=rng)
        self.p = p = resolve_model_params(params)
        for family in REGISTRY:
            if p[family] not in SUPPORTED[family]:
                raise NotImplementedError(f"reference model has no {family}={p[family]!r}")
        if p["pb_share"] > 0:
            raise NotImplementedError("reference model has no participatory budgeting")
        rules = Rules.build(p)  # same draws, same order as CoProductionModel.__init__
        citizens = draw_citizens(p, self.rng)
        n = citizens.n
        adjacency = build_network(p["network"], n, self.rng, degree=p["degree"], rewire=p["rewire"],
                                  group_size=p["group_size"])
        for rule in rules:
            rule.setup(citizens, self.rng)
        self.firms = FirmSector(p, self.rng)  # firms are not citizens: the same model-level sector
        self._rules(rules, p)
        columns = {name: getattr(citizens, name).tolist() for name in STATE}
        columns["trust_prior"] = columns["trust"]
        columns["invited"] = rules.access.invited.tolist() if p["access"] == "invited" else [True] * n
        columns["assigned"] = rules.responsibility.assigned.tolist()
        names = tuple(columns)
        self.citizen_list = [RefCitizen(self, dict(zip(names, row, strict=True)))
                             for row in zip(*columns.values(), strict=True)]
        indptr, indices = adjacency.indptr.tolist(), adjacency.indices.tolist()
        for i, agent in enumerate(self.citizen_list):
            agent.neighbours = [self.citizen_list[j] for j in indices[indptr[i] : indptr[i + 1]]]
        self.n = n
        self.share_online = online_share_of(p["channel"], p["online_share"])
        self.stocks = [p["initial_quality"], 0.0, 0.0, 0.0]  # administration, citizens, firms, data
        self.quality_per_user = quality_per_user(sum(self.stocks), 1.0, self.share_online, p)
        self.substitute_value = self.coproduced = self.coproduced_trend = self.mean_contribution = 0.0
        self.published = p["initial_efficacy"]
        self.design_gain = 0.0
        for name in REPORTERS:
            setattr(self, name, 0.0)
        self.datacollector = mesa.DataCollector(model_reporters={r: r for r in REPORTERS})

    def _rules(self, rules: Rules, p: dict) -> None:
        """Copy what the citizens need to know of the rules into plain attributes."""
        sanctions = rules.sanctions
        self.enforces, self.peer = sanctions.enforces, p["sanctions"] == "peer"
        for name in ("monitoring", "fine", "graduation", "record_decay", "legitimacy", "punishment_ratio",
                     "monitoring_hours", "punisher_tolerance", "sanction_threshold", "monitoring_cost"):
            setattr(self, name, getattr(sanctions, name, 0.0))
        self.error = getattr(sanctions, "detection_error", 0.0)
        self.perceived = self.legitimacy if self.enforces else 1.0
        self.registration = p["access"] == "registered"
        self.capacity = rules.access.access_capacity
        self.reward = rules.rewards.rate()
        self.administered = rules.response.administered
        self.responsiveness = getattr(rules.response, "responsiveness", 1.0)
        self.delay = getattr(rules.response, "response_delay", 0)
        self.collective = rules.interaction.collective
        self.interaction = p["interaction"]
        self.assignment_cost = getattr(rules.responsibility, "assignment_cost", 0.0)
        self.noise_scale = p["decision_noise"] * math.sqrt(12.0)
        self.pooled_motive = (max(p["task_group_size"], 1.0) / LAB_GROUP) ** -p["loafing"]
        self.own_motive = (1.0 / LAB_GROUP) ** -p["loafing"]
        self.integration = integration_efficiency(p["administrations"], p["interoperability"])

    def step(self) -> None:
        """Advance every citizen by one month (simultaneous updating) and collect outcomes."""
        p, citizens = self.p, self.agents_by_type[RefCitizen]
        self.visible = self.mean_contribution  # last month's mean contribution
        self.crowding = 1.0 - p["crowding_out"] * (1.0 - self.perceived) if self.enforces else 1.0
        citizens.do("observe")
        citizens.shuffle_do("decide")
        self._cap()
        self.flagged = self.wrongful = 0
        self.total_fines = 0.0
        citizens.shuffle_do("act")
        self._enforcement()
        effort_ratio = self._produce()
        self.heard = self.heard_acted = 0
        citizens.shuffle_do("hear")
        if self.heard:
            self.published = self.heard_acted / self.heard
        users = sum(a.uses for a in self.citizen_list)
        handled, coproduced = self._coproduced(effort_ratio)
        firms = self.firms.step(self.share_online * users, self.n, self.quality_per_user, self.rng)
        self.substitute_value = firms.substitute_value
        public, outsourced = self.firms.outsourced_production(self.effort)
        shared = sum(a.shared for a in self.citizen_list)
        inflows = (self.integration * public, self.integration * coproduced,
                   firms.complements + firms.data_back + outsourced, p["data_value"] * shared / self.n)
        before = sum(self.stocks)
        self.stocks = [max(s * (1.0 - p["depreciation"]) + inflow, 0.0) for s, inflow in zip(self.stocks, inflows, strict=True)]
        quality = sum(self.stocks)
        self.quality_per_user = quality_per_user(quality, users / self.n, self.share_online, p)
        self.effort_term = p["trust_effort_weight"] * min(max(effort_ratio - 1.0, -1.0), 1.0)
        citizens.do("learn")
        citizens.do("settle")
        reward_cost = self.reward * sum(a.contribution for a in self.citizen_list) / self.n
        self.admin_cost = (self.effort + p["handling_cost"] * handled + self.monitoring_cost * self.monitoring
                           + reward_cost + self.assignment_cost * sum(a.assigned for a in self.citizen_list) / self.n)
        measure(self, firms, (quality - before) / before if before > 0 else 0.0)
        self.datacollector.collect(self)

    def _cap(self) -> None:
        """Admit at most `access_capacity` of the population, chosen at random."""
        seats = int(self.capacity * self.n)
        admitted = [a for a in self.citizen_list if a.admitted]
        if len(admitted) > seats:
            keep = set(self.random.sample(admitted, seats))
            for a in admitted:
                a.admitted = a in keep

    def _enforcement(self) -> None:
        """Legitimacy follows the share of deserved fines; punishers bear the cost and may stop."""
        if self.flagged:
            deserved = 1.0 - self.wrongful / self.flagged
            self.perceived += LEGITIMACY_LEARNING * (self.legitimacy * deserved - self.perceived)
        for a in self.citizen_list:  # monitors: who took part last month and still punishes
            a.punished = self.peer and a.contribution > 0 and a.punish > 0
        punishers = [a for a in self.citizen_list if a.punished]
        if not punishers:
            return
        self.punisher_share = self.punishment_ratio * self.total_fines / len(punishers)
        cost = sum(self.punisher_share + min(self.monitoring_hours * self.monitoring / max(a.time_budget, 1e-9), 1.0)
                   for a in punishers) / len(punishers)
        willing = math.exp(-cost / self.punisher_tolerance)  # second-order free riding
        for a in self.citizen_list:
            a.punish += LEGITIMACY_LEARNING * ((willing if a.punish > 0 else 0.0) - a.punish)

    def _produce(self) -> float:
        """The administration's own effort this month (austerity, co-design); its effort ratio."""
        p = self.p
        self.coproduced_trend += BUDGET_SMOOTHING * (self.coproduced - self.coproduced_trend)
        own = austerity_production(p["production"], self.coproduced_trend, p["austerity_response"])
        self.effort = own * (1.0 + self.design_gain)
        return own / p["effort_reference"]

    def _coproduced(self, effort_ratio: float) -> tuple[float, float]:
        """(input handled, quality citizens added) from the input acted on this month."""
        p, n = self.p, self.n
        agents = self.citizen_list
        acted_effort = sum(a.acted_effort for a in agents) / n
        fixed = sum(a.fixed for a in agents) / n
        if self.interaction == "co_delivery":  # all effort adds quality at once
            raw = sum(a.effort * a.skill for a in agents) / n
        else:
            raw = sum(a.acted_effort * a.skill for a in agents) / n
        if self.interaction == "co_design":  # acted-on input raises production's yield
            ceiling, learning = p["design_ceiling"], p["design_learning"]
            learned = self.design_gain + (ceiling - self.design_gain) * (1.0 - math.exp(-learning * raw))
            self.design_gain = learned * (1.0 - p["design_obsolescence"])
            raw *= 0.5
        self.coproduced = p["coproduction_efficiency"] * raw * support(effort_ratio, p["complementarity"]) + p["report_value"] * fixed
        return acted_effort + fixed, self.coproduced

    def arrays(self, *names: str) -> list[np.ndarray]:
        """The citizens' values of some attributes, one array each (for the outcome measures)."""
        return [np.array([getattr(a, name) for a in self.citizen_list]) for name in names]
