"""`RefCitizen`: one citizen of the reference model, its state in plain Python numbers.

Each method is one phase of the month, run for every citizen by the model before the next
phase starts (simultaneous updating): `observe` reads the neighbours one by one, `decide`
chooses collective effort, `act` files reports, shares data and meets the sanction rule,
`hear` gets the administration's response to input that matured, `learn` updates trust,
expectation and efficacy from what it observes, and `settle` commits the month.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa

from sim.governance.sanctions import MAX_ESCALATION
from sim.model.population import HUMP

if TYPE_CHECKING:
    from .model import ReferenceModel


def clip(x: float, low: float = 0.0, high: float = 1.0) -> float:
    """`x` bounded to [low, high]."""
    return low if x < low else high if x > high else x


def poisson(rng, lam: float) -> int:
    """A Poisson(`lam`) draw from Python's random (Knuth's method, in chunks of at most 30)."""
    count = 0
    while lam > 0.0:
        chunk = min(lam, 30.0)
        lam -= chunk
        limit, k, prod = math.exp(-chunk), 0, rng.random()
        while prod > limit:
            k += 1
            prod *= rng.random()
        count += k
    return count


class RefCitizen(mesa.Agent):
    """One citizen with its own state as plain Python numbers (the reference rule).

    Attributes:
        neighbours: Cached list of the citizen's neighbour agents.
        contribution: Collective effort committed last month (what neighbours read).
        effort: Collective effort chosen this month (committed in `settle`).
        inputs: Input waiting for the administration's response, as (effort, reports).
    """

    def __init__(self, model: ReferenceModel, state: dict):
        """Create a citizen from its initial state (plain Python values, by attribute name)."""
        super().__init__(model)
        for key, value in state.items():  # plain attributes, as idiomatic Mesa agents hold them
            setattr(self, key, value)
        p = model.p
        self.hump = self.ctype == HUMP
        self.neighbours: list[RefCitizen] = []
        self.contribution = self.effort = 0.0
        self.registered = self.ever_active = self.was_active = False
        self.expectation = p["quality_standard"]
        self.efficacy = p["initial_efficacy"]
        self.offences = 0.0
        self.punish = 0.0 if self.ctype == 1 else 1.0  # free riders never punish
        self.feedback = -1
        self.inputs: deque[tuple[float, float]] = deque()
        # Constants while the levers are: the incentive terms and the participation threshold.
        net_cost = self.cost - (p["mpcr"] + model.reward)
        self.cost_factor = (model.lab_net_cost / max(net_cost, 0.1 * model.lab_net_cost)) ** p["incentive_sensitivity"]
        self.private_gain = max(-net_cost, 0.0)
        self.compliance_cost = max(net_cost, 0.0)
        self.threshold = p["min_hours"] / max(self.time_budget, 1e-9)
        self.able = self.time_budget >= p["min_hours"]
        self.data_base = 1.0 - self.privacy * (1.0 - p["data_control"])
        self.motive = model.own_motive if self.assigned else model.pooled_motive

    def observe(self) -> None:
        """Read the neighbours' last contributions, monitoring and efficacy one by one."""
        m = self.model
        nbrs = self.neighbours
        if nbrs:
            total = monitors = efficacy = 0.0
            for other in nbrs:
                total += other.contribution
                efficacy += other.efficacy
                if other.contribution > 0:
                    monitors += other.punish
            k = len(nbrs)
            mean, self.monitors, self.neighbour_efficacy = total / k, monitors / k, efficacy / k
        else:
            mean, self.monitors, self.neighbour_efficacy = m.visible, 0.0, m.p["initial_efficacy"]
        if m.steps == 1:  # nothing observed yet: expect neighbours to do what one believes
            self.neighbour_mean = self.monitors = self.belief
            return
        w, lam = m.p["neighbour_weight"], m.p["belief_learning"]
        self.belief = (1.0 - lam) * self.belief + lam * (w * mean + (1.0 - w) * m.visible)
        self.neighbour_mean = mean

    def decide(self) -> None:
        """Use the service or not; choose collective effort; try to register; report propensity."""
        m, p = self.model, self.model.p
        self.uses = m.quality_per_user - m.substitute_value >= self.outside
        self.eligible = self.invited
        b = self.belief
        tau = self.slope * b + self.level + (min(b, 1.0 - b) if self.hump else 0.0)
        motive = self.motive * m.crowding
        trust_now = trust_then = efficacy_now = 1.0
        context = motive
        if m.administered:
            shortfall = clip(1.0 - m.quality_per_user / (self.need * p["quality_standard"]))
            context = motive * (1.0 + p["need_weight"] * shortfall)
            trust_now = max(0.0, 1.0 + p["trust_weight"] * (self.trust - p["trust_reference"]))
            trust_then = max(0.0, 1.0 + p["trust_weight"] * (self.trust_prior - p["trust_reference"]))
            efficacy_now = max(0.0, 1.0 + p["efficacy_weight"] * (self.efficacy - p["initial_efficacy"]))
        want = clip(tau * context * trust_now * efficacy_now * self.cost_factor + self.private_gain)
        then = clip(tau * context * trust_then * self.cost_factor + self.private_gain)
        if m.noise_scale:  # multiplicative uniform noise with standard deviation decision_noise
            want = clip(want * (1.0 + m.noise_scale * (m.random.random() - 0.5)))
        self.norm = self.neighbour_mean if m.peer else m.sanction_threshold
        if m.enforces and self.uses and self.eligible:  # comply if the expected fine is dearer
            detection = m.monitoring * (self.monitors if m.peer else 1.0)
            expected = detection * (1.0 - m.error) * m.fine * m.graduation ** min(math.floor(self.offences), MAX_ESCALATION)
            gap = self.norm - want
            if gap > 0 and expected > gap * self.compliance_cost:
                want = self.norm
        if not m.collective:
            want = then = 0.0
        self.willing = want >= self.threshold
        if m.registration and self.willing and not self.registered and m.random.random() < self.skill:
            self.registered = True
        allowed = self.registered if m.registration else self.invited
        self.admitted = self.willing and allowed  # the model then caps the seats
        self.effort = want
        self.propensity = min(p["report_propensity"] * trust_now * efficacy_now, 1.0)
        self.lost = (then >= self.threshold and not self.willing) or (
            self.propensity < 0.5 * p["report_propensity"] * trust_then)

    def act(self) -> None:
        """Contribute if admitted; report what one meets and share data; be monitored."""
        m, p = self.model, self.model.p
        rng = m.random
        if not self.admitted:
            self.effort = 0.0
        met = self.engagement * p["encounter_rate"] if self.uses else 0.0
        rate = met * self.propensity
        self.reports = 1 + poisson(rng, rate) if rng.random() < min(rate, 1.0) else 0
        self.shared = p["data_value"] > 0.0 and rng.random() < min(met, 1.0) * self.trust * self.data_base
        self.fine = 0.0
        if not m.enforces:
            return
        self.offences *= 1.0 - m.record_decay
        if not (self.uses and self.eligible):
            return
        offender = self.effort < self.norm
        detection = m.monitoring * (self.monitors if m.peer else 1.0)
        if rng.random() < detection * ((1.0 - m.error) if offender else m.error):
            self.fine = m.fine * m.graduation ** min(math.floor(self.offences), MAX_ESCALATION)
            self.offences += 1.0
            m.flagged += 1
            m.total_fines += self.fine
            if not offender:  # wrongly fined: loses trust at once
                m.wrongful += 1
                self.trust *= 1.0 - p["wrongful_trust_loss"]

    def hear(self) -> None:
        """Queue this month's input; learn from the response to input that matured."""
        m = self.model
        self.acted_effort = self.fixed = 0.0
        self.inputs.append((self.effort, float(self.reports)))
        if len(self.inputs) <= m.delay:
            return
        effort, reports = self.inputs.popleft()
        if effort <= 0 and reports <= 0:
            return
        acted = m.random.random() < m.responsiveness if m.administered else True
        m.heard += 1
        m.heard_acted += acted
        if m.administered:
            self.efficacy += m.p["efficacy_learning"] * (float(acted) - self.efficacy)
            self.feedback = int(acted)
        if acted:
            self.acted_effort, self.fixed = effort, reports

    def learn(self) -> None:
        """Trust from levels, expectations adapt, efficacy learned by observation and forgotten."""
        m, p = self.model, self.model.p
        if not m.administered:
            return
        q, standard = m.quality_per_user, p["quality_standard"]
        disc = clip((q - self.expectation) / max(self.expectation, 0.05 * standard), -1.0, 1.0)
        target = clip(self.trust_prior + p["performance_weight"] * clip(q / standard - 1.0, -1.0, 1.0)
                      + m.effort_term + p["disconfirmation_weight"] * disc)
        rate = p["trust_gain"] if target > self.trust else p["trust_loss"]
        self.trust = clip(self.trust + rate * (target - self.trust))
        self.expectation += p["expectation_learning"] * (q - self.expectation)
        publicity = p["feedback_publicity"]
        observed = (1.0 - publicity) * self.neighbour_efficacy + publicity * m.published
        e = self.efficacy + p["social_learning"] * (observed - self.efficacy)
        self.efficacy = clip(e + p["efficacy_forgetting"] * (p["initial_efficacy"] - e))

    def settle(self) -> None:
        """Commit the month: contribution, payoff, and what the citizen did (for the outcomes)."""
        m, p = self.model, self.model.p
        self.contribution = self.effort
        self.hours = self.effort * self.time_budget
        acts = self.reports + self.shared
        self.collective = self.hours >= p["min_hours"]
        self.individual = acts > 0
        self.took_part = self.collective or self.individual
        self.all_hours = self.hours + p["act_hours"] * acts
        rationed = self.willing and self.eligible and not self.admitted
        self.excluded = not self.took_part and (not self.eligible or rationed)
        self.exited = self.lost and self.ever_active and not self.took_part and not self.excluded
        self.was_active, self.ever_active = self.ever_active, self.ever_active or self.took_part
        payoff = m.quality_per_user if self.uses else self.outside
        payoff -= self.cost * self.effort + self.fine - m.reward * self.effort
        if m.peer and self.punished:
            payoff -= m.punisher_share + min(m.monitoring_hours * m.monitoring / max(self.time_budget, 1e-9), 1.0)
        self.payoff = payoff
