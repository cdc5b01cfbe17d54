"""Reference (slow, per-agent) implementation of `sim.CoProductionModel`.

Kept only to *check* and *benchmark* the vectorised model: the same step semantics written
the idiomatic Mesa way (one `RefCitizen` per citizen with plain Python numbers and cached
neighbours; ``shuffle_do("step")`` reads neighbours' previous contributions one by one,
``do("advance")`` commits, ``do("settle")`` follows the step's quality). Per-agent draws use
Python's `random`, so agreement is statistical (``tests/test_reference_agreement.py``); the
initial state is drawn from ``model.rng`` in the vectorised model's order, so both start equal.

Supported governance: access ``open``, ``registered`` and ``invited`` (with the
``access_capacity`` cap), sanctions ``none``, ``peer`` and ``admin``, rewards ``none`` and
``recognition``, response ``random`` (with its delay, kept per citizen). Anything else
raises `NotImplementedError` so that a new rule cannot silently go unchecked.

Do not use this for experiments: it is ~100x slower than `sim.CoProductionModel`.
"""

from __future__ import annotations

import math
from collections import deque

import mesa
import numpy as np

from sim.governance import REGISTRY, make_rule
from sim.model import behaviour
from sim.model.administration import austerity_production, integration_efficiency
from sim.model.coproduction import BUDGET_SMOOTHING
from sim.model.firms import FirmSector
from sim.model.metrics import gini, group_gap, share, top_share
from sim.model.network import build_network
from sim.model.parameters import resolve_model_params
from sim.model.population import HUMP, draw_citizens
from sim.model.record import PARTICIPATION_EPS
from sim.model.reporters import REPORTERS
from sim.model.service import next_quality, online_share_of, quality_per_user

EPS = PARTICIPATION_EPS
MAX_ESCALATION = 3
SUPPORTED = {
    "access": ("open", "registered", "invited"),
    "sanctions": ("none", "peer", "admin"),
    "rewards": ("none", "recognition"),
    "response": ("random",),
    "interaction": ("consultation",),
    "voting": ("plurality", "equal_shares", "proportional"),  # unused while pb_share == 0
}


class RefCitizen(mesa.Agent):
    """One citizen with its own state as plain Python numbers (the reference rule).

    Attributes:
        neighbours: Cached list of the citizen's neighbour agents.
        belief: Belief about others' mean contribution.
        trust: Trust in the administration.
        contribution: Contribution chosen this step (committed in `advance`).
        last_contribution: Committed contribution of the previous step (what others read).
        offences: Number of times caught under-contributing.
        inputs: Contributions waiting for the administration's response (oldest first).
    """

    def __init__(self, model: ReferenceModel, state: dict):
        """Create a citizen from a mapping of its initial state (plain Python values).

        Args:
            model: The reference model.
            state: Keys ``ctype slope level group skill cost trust belief outside privacy
                invited``.
        """
        super().__init__(model)
        p = model.p
        for key, value in state.items():  # plain attributes, as idiomatic Mesa agents hold them
            setattr(self, key, value)
        self.hump = self.ctype == HUMP
        self.registered = False
        self.neighbours: list[RefCitizen] = []
        self.contribution = 0.0
        self.last_contribution = 0.0
        self.offences = 0
        self.uses = True
        self.eligible = True
        self.willing = False
        self.admitted = False
        self.norm = 0.0
        self.detection = 0.0
        self.fine = 0.0
        self.payoff = 0.0
        self.inputs: deque[float] = deque()
        # Constants of the decision rule for this citizen (cost and reward never change).
        net_cost = self.cost - (p["mpcr"] + model.reward)
        self.cost_factor = (
            behaviour.LAB_NET_COST / max(net_cost, 0.1 * behaviour.LAB_NET_COST)
        ) ** p["incentive_sensitivity"]
        self.private_gain = max(-net_cost, 0.0)
        self.compliance_cost = max(net_cost, 0.0)

    def step(self) -> None:
        """Read neighbours' last contributions one by one, learn, and decide (not commit)."""
        m = self.model
        nbrs = self.neighbours
        nactive = 0.0
        if nbrs:
            total = 0.0
            if m.needs_active:
                active = 0
                for other in nbrs:
                    x = other.last_contribution
                    total += x
                    if x > EPS:
                        active += 1
                nactive = active / len(nbrs)
            else:
                for other in nbrs:
                    total += other.last_contribution
            nmean = total / len(nbrs)
        else:
            nmean = m.visible
        if m.steps == 1:  # nothing observed yet: expect neighbours to do what one believes
            nmean, nactive = self.belief, 1.0
        # Beliefs move toward a mix of neighbours' and the visible mean contribution:
        # b' = (1 - lam) b + lam (w nmean + (1 - w) visible).
        b = self.belief
        if m.steps > 1:  # nothing to observe before the first round: keep the prior
            b = b * m.belief_keep + m.belief_from_neighbours * nmean + m.belief_from_visible
            self.belief = b
        self.uses = m.quality_per_user - m.substitute_value >= self.outside
        self.eligible = self.invited
        # Type schedule, then trust, incentives and private gain, clipped to [0, 1].
        tau = self.slope * b + self.level
        if self.hump:
            tau += b if b < 1.0 - b else 1.0 - b
        trust_factor = max(1.0 + m.trust_weight * (self.trust - m.trust_reference), 0.0)
        want = tau * trust_factor * self.cost_factor + self.private_gain
        if want > 1.0:
            want = 1.0
        elif want < 0.0:
            want = 0.0
        # Multiplicative uniform noise with standard deviation `decision_noise`.
        if m.noise_scale:
            want *= 1.0 + m.noise_scale * (m.random.random() - 0.5)
            if want > 1.0:
                want = 1.0
            elif want < 0.0:
                want = 0.0
        # Sanctions: comply when the expected graduated fine exceeds the cost of it.
        if m.sanctioning:
            if m.needs_active:  # peer: the norm is the neighbours' mean
                norm = nmean
                detection = m.monitoring * nactive
            else:  # admin: a fixed minimum
                norm = m.threshold
                detection = m.monitoring
            self.norm = norm
            self.detection = detection
            offences = self.offences if self.offences < MAX_ESCALATION else MAX_ESCALATION
            gap = norm - want
            liable = self.uses and self.eligible  # only they can be fined
            expected = detection * m.fine * m.graduation**offences if liable else 0.0
            if gap > 0 and expected > gap * self.compliance_cost:
                want = norm
        self.willing = willing = want > EPS
        # Access: who may take part (registration is tried while willing).
        if m.registration:
            if willing and not self.registered and m.random.random() < self.skill:
                self.registered = True
            allowed = self.registered
        else:
            allowed = self.invited
        self.admitted = willing and allowed
        self.contribution = want

    def advance(self) -> None:
        """Commit the contribution; get fined; queue input and learn from the response."""
        m = self.model
        c = self.contribution if self.admitted else 0.0
        self.contribution = c
        self.last_contribution = c
        if self.uses:
            m.n_uses += 1
        if c > EPS:
            m.n_active += 1
        fine = 0.0
        offender = m.sanctioning and self.uses and self.eligible and c < self.norm
        if offender and m.random.random() < self.detection:
            fine = m.fine * m.graduation ** min(self.offences, MAX_ESCALATION)
            self.offences += 1
            m.total_fines += fine
        self.fine = fine
        inputs = self.inputs
        inputs.append(c)
        if len(inputs) > m.delay:
            matured = inputs.popleft()
            if matured > EPS:
                acted = m.random.random() < m.responsiveness
                self.trust += m.trust_learning * (float(acted) - self.trust)
                if acted:
                    m.coproduced += matured * self.skill
                    m.handled += matured
        # Citizens as sensors: share data if trusting and in control of it.
        willing_data = self.trust * (1.0 - self.privacy * (1.0 - m.data_control))
        if m.data_value and self.uses and m.random.random() < willing_data:
            m.n_data += 1

    def settle(self) -> None:
        """Trust follows quality growth; compute this step's payoff."""
        m = self.model
        if m.trust_shift:
            t = self.trust + m.trust_shift
            self.trust = min(max(t, 0.0), 1.0)
        c = self.contribution
        payoff = m.quality_per_user if self.uses else 0.0
        payoff += (m.reward - self.cost) * c - self.fine
        if c > EPS:
            payoff -= m.punisher_share
        self.payoff = payoff


class ReferenceModel(mesa.Model):
    """Per-agent reference implementation of `sim.CoProductionModel` (slow; for checks).

    Takes the same keyword parameters as `sim.CoProductionModel`; starts from the same
    state for the same seed; then steps citizen by citizen with Python's random.
    """

    def __init__(self, *, rng=None, **params):
        """Build the same initial state as `CoProductionModel`, then copy it into agents.

        Args:
            rng: Seed (int) or numpy Generator.
            **params: Model parameters (see `sim.model.parameters.MODEL_PARAMS`).

        Raises:
            NotImplementedError: If a governance rule has no reference implementation.
        """
        super().__init__(rng=rng)
        self.p = p = resolve_model_params(params)
        for family in REGISTRY:
            if p[family] not in SUPPORTED[family]:
                raise NotImplementedError(f"reference model has no {family}={p[family]!r}")
        if p["pb_share"] > 0:
            raise NotImplementedError("reference model has no participatory budgeting")
        # Same draws, same order as CoProductionModel.__init__.
        rules = {family: make_rule(family, p[family], p) for family in REGISTRY}
        citizens = draw_citizens(p, self.rng)
        n = citizens.n
        adjacency = build_network(
            p["network"], n, self.rng, degree=p["degree"], rewire=p["rewire"],
            group_size=p["group_size"],
        )
        for rule in rules.values():
            rule.setup(citizens, self.rng)
        # Firms are not citizens: the reference steps them with the same model-level sector.
        self.firms = FirmSector(p, self.rng)
        self.substitute_value = 0.0

        self.n = n
        self.access = p["access"]
        self.capacity = rules["access"].access_capacity
        self.sanctions = p["sanctions"]
        self.needs_active = self.sanctions == "peer"
        sanction_rule = rules["sanctions"]
        self.monitoring = getattr(sanction_rule, "monitoring", 0.0)
        self.fine = getattr(sanction_rule, "fine", 0.0)
        self.graduation = getattr(sanction_rule, "graduation", 1.0)
        self.threshold = getattr(sanction_rule, "sanction_threshold", 0.0)
        self.punishment_ratio = getattr(sanction_rule, "punishment_ratio", 0.0)
        self.monitoring_cost = getattr(sanction_rule, "monitoring_cost", 0.0)
        self.reward = rules["rewards"].rate()
        self.responsiveness = rules["response"].responsiveness
        self.delay = rules["response"].response_delay
        self.trust_learning = p["trust_learning"]
        self.sanctioning = self.sanctions != "none"
        self.registration = self.access == "registered"
        lam, w = p["belief_learning"], p["neighbour_weight"]
        self.belief_keep = 1.0 - lam
        self.belief_from_neighbours = lam * w
        self.belief_from_visible = 0.0  # lam (1 - w) visible, set each step
        self.trust_weight = p["trust_weight"]
        self.trust_reference = p["trust_reference"]
        self.noise_scale = p["decision_noise"] * math.sqrt(12.0)

        invited = (
            rules["access"].invited.tolist() if self.access == "invited" else [True] * n
        )
        columns = {
            name: getattr(citizens, name).tolist()
            for name in ("ctype", "slope", "level", "group", "skill", "cost", "trust",
                         "belief", "outside", "privacy")
        }
        columns["invited"] = invited
        names = tuple(columns)
        self.citizen_list = [
            RefCitizen(self, dict(zip(names, row, strict=True)))
            for row in zip(*columns.values(), strict=True)
        ]
        indptr = adjacency.indptr.tolist()
        indices = adjacency.indices.tolist()
        agents = self.citizen_list
        for i, agent in enumerate(agents):
            agent.neighbours = [agents[j] for j in indices[indptr[i] : indptr[i + 1]]]
        self.group = citizens.group.copy()

        for name in REPORTERS:
            setattr(self, name, 0.0)
        self.share_online = online_share_of(p["channel"], p["online_share"])
        self.quality = p["initial_quality"]
        self.quality_per_user = quality_per_user(self.quality, n, self.share_online, p)
        self.visible = 0.0
        self.last_coproduced = 0.0
        self.last_effort = p["production"]
        self.coproduced_trend = 0.0
        self.datacollector = mesa.DataCollector(model_reporters={r: r for r in REPORTERS})

    def step(self) -> None:
        """Advance every citizen by one step (simultaneous updating) and collect outcomes."""
        p = self.p
        citizens = self.agents_by_type[RefCitizen]
        # The visible aggregate is last step's mean contribution (one number per step).
        self.visible = self.mean_contribution
        self.belief_from_visible = p["belief_learning"] * (1.0 - p["neighbour_weight"]) * self.visible
        self.n_uses = self.n_active = self.n_data = 0
        self.data_control = p["data_control"]
        self.data_value = p["data_value"]
        self.coproduced = self.handled = self.total_fines = 0.0

        citizens.shuffle_do("step")
        self._cap()
        citizens.do("advance")

        n = self.n
        firms = self.firms.step(self.share_online * self.n_uses, n, self.quality_per_user, self.rng)
        self.substitute_value = firms.substitute_value
        active_firms = firms.active
        coproduced = p["coproduction_efficiency"] * self.coproduced / n
        self.coproduced_trend += BUDGET_SMOOTHING * (self.last_coproduced - self.coproduced_trend)
        production = austerity_production(p["production"], self.coproduced_trend, p["austerity_response"])
        public, outsourced = self.firms.outsourced_production(production)
        self.last_coproduced = coproduced
        integration = integration_efficiency(p["administrations"], p["interoperability"])
        self.data_contributions = self.n_data / n
        new_quality = next_quality(
            self.quality, p["depreciation"], integration * public + outsourced,
            integration * coproduced,
            firms.complements + firms.data_back + p["data_value"] * self.data_contributions,
        )
        growth = (new_quality - self.quality) / self.quality if self.quality > 0 else 0.0
        self.quality_growth = growth
        self.quality = new_quality
        self.quality_per_user = quality_per_user(new_quality, self.n_uses, self.share_online, p)
        effort_growth = (production - self.last_effort) / self.last_effort if self.last_effort > 0 else 0.0
        self.last_effort = production
        weight = p["trust_effort_weight"]
        self.trust_shift = (
            weight * min(max(effort_growth, -1.0), 1.0) if weight and effort_growth else 0.0
        )
        punisher_cost = self.punishment_ratio * self.total_fines
        self.punisher_share = punisher_cost / self.n_active if self.n_active else 0.0

        citizens.do("settle")

        self._measure()
        self.active_firms = active_firms
        self.firm_free_rider_share = firms.firm_free_rider_share
        self.admin_cost = (
            production + p["handling_cost"] * self.handled / n
            + self.monitoring_cost * self.monitoring + self.reward * self.mean_contribution
        )
        self.datacollector.collect(self)

    def _cap(self) -> None:
        """Admit at most `access_capacity` of the population, chosen at random."""
        seats = int(self.capacity * self.n)
        if seats >= self.n:
            return
        admitted = [a for a in self.citizen_list if a.admitted]
        if len(admitted) > seats:
            keep = set(self.random.sample(admitted, seats))
            for a in admitted:
                a.admitted = a in keep

    def _measure(self) -> None:
        """Set the outcome attributes the DataCollector reads (same metrics as the model)."""
        rows = np.array(
            [(a.contribution, a.willing, a.uses, a.eligible, a.trust, a.payoff)
             for a in self.citizen_list]
        )
        contribution = rows[:, 0]
        willing, uses, eligible = rows[:, 1] > 0, rows[:, 2] > 0, rows[:, 3] > 0
        active = contribution > EPS
        self.participation = share(active)
        self.mean_contribution = float(contribution.mean())
        self.free_rider_share = share(~willing, within=uses & eligible)
        self.public_use = share(uses)
        self.trust = float(rows[:, 4].mean())
        self.inclusiveness_gap = group_gap(active, self.group, self.p["groups"])
        self.contribution_gini = gini(contribution)
        self.top1_share = top_share(contribution, 0.01)
        self.welfare = float(rows[:, 5].mean())
