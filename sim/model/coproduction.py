"""`CoProductionModel`: citizens, firms and an administration co-producing a public service.

One step (simultaneous updating, so agent order is irrelevant):

1. beliefs move toward last step's neighbour and visible contributions;
2. citizens choose to use the service (quality received vs their outside option);
3. citizens choose contributions (type schedule x trust + incentives, then sanctions);
4. the access rule admits contributors (eligibility, registration, capacity);
5. the sanction rule detects and fines offenders (graduated);
6. the response rule acts on a share of (possibly delayed) input; contributors learn;
7. rewards are paid, firms enter or exit, quality depreciates and is replenished;
8. payoffs, trust and outcomes are computed and collected.
"""

from __future__ import annotations

import inspect

import mesa
import numpy as np

from sim.governance import Rules, StepContext
from sim.model import behaviour
from sim.model.administration import austerity_production, integration_efficiency
from sim.model.agents import Administration, Citizen, Firm
from sim.model.budgeting import ParticipatoryBudget
from sim.model.firms import FirmSector, FirmStep
from sim.model.metrics import share
from sim.model.network import build_network, neighbour_mean
from sim.model.parameters import MODEL_PARAMS, resolve_model_params
from sim.model.population import HUMP, draw_citizens
from sim.model.record import PARTICIPATION_EPS as EPS
from sim.model.record import StepRecord, took_part
from sim.model.reporters import REPORTERS, Aggregates, collector_reporters, empty_record, measure
from sim.model.service import next_quality, online_share_of, quality_per_user
from sim.primitives.errors import InputError, Origin

__all__ = ["REPORTERS", "CoProductionModel"]
#: Weight of the latest step in the co-production average that austerity cuts respond to.
BUDGET_SMOOTHING = 0.2


class CoProductionModel(mesa.Model):
    """Agent-based model of the collective co-production of a public service.

    Every keyword parameter is declared in `sim.model.parameters.MODEL_PARAMS` (default,
    range, source); unknown names and bad values raise `sim.primitives.errors.InputError`.
    What the last step computed is ``model.last_step`` (a `sim.model.record.StepRecord`).
    """

    def __init__(self, *, rng=None, **params):
        """Build the population, network, rules and service from keyword parameters.

        Args:
            rng: Seed (int) or numpy Generator; same seed and parameters, same results.
            **params: Model parameters (see `sim.model.parameters.MODEL_PARAMS`).
        """
        super().__init__(rng=rng)
        try:
            self.p = p = resolve_model_params(params)
        except InputError as err:
            raise err.at(Origin("constructor", type(self).__name__)) from None
        self.rules = Rules.build(p)
        self.citizens = draw_citizens(p, self.rng)
        n = self.citizens.n
        self.adjacency = build_network(
            p["network"], n, self.rng, degree=p["degree"], rewire=p["rewire"],
            group_size=p["group_size"],
        )
        self.degree = np.diff(self.adjacency.indptr)
        self.hump = np.flatnonzero(self.citizens.ctype == HUMP)
        # Incentives are fixed for a run (costs, return, reward), so their per-citizen
        # factors are computed once; the decision rule reuses them every step.
        reward = self.rules.rewards.rate()
        self.cost_factor, self.private_gain = behaviour.incentive_factors(
            self.citizens.cost, p["mpcr"], reward, p["incentive_sensitivity"]
        )
        self.compliance_cost = np.maximum(self.citizens.cost - p["mpcr"] - reward, 0.0)
        self.data_base = 1.0 - self.citizens.privacy * (1.0 - p["data_control"])
        for rule in self.rules:
            rule.setup(self.citizens, self.rng)
        self.firms = FirmSector(p, self.rng)
        self.substitute_value = 0.0  # private alternative offered by substitutive firms
        self.citizen_agents = [Citizen(self, i) for i in range(n)]
        self.firm_agents = [Firm(self, j) for j in range(p["firms"])]
        k = p["administrations"]
        self.administrations = [Administration(self, p["production"] / k) for _ in range(k)]
        self.integration = integration_efficiency(k, p["interoperability"])
        self.coproduced = 0.0
        self.coproduced_trend = 0.0
        self.effort = p["production"]  # the administration's own effort last step
        self.share_online = online_share_of(p["channel"], p["online_share"])
        self.quality = p["initial_quality"]
        self.quality_per_user = quality_per_user(self.quality, n, self.share_online, p)
        self.last_step: StepRecord = empty_record(n)
        self.budgeting = ParticipatoryBudget(p, self.citizens, self.rng)  # no draws if off
        self.datacollector = mesa.DataCollector(
            model_reporters=collector_reporters(),
            tables={"budgeting": self.budgeting.columns},
        )

    def step(self) -> None:
        """Advance the whole population by one step and collect the outcomes."""
        c, p, rules = self.citizens, self.p, self.rules
        prev = c.contribution
        visible = float(prev.mean())
        needs_active = rules.sanctions.needs_neighbour_active
        if self.steps == 1:  # nothing observed yet: expect neighbours to do what one believes
            ctx = StepContext(c, c.belief.copy(), np.ones(c.n) if needs_active else None)
        else:
            ctx = StepContext(c, neighbour_mean(self.adjacency, prev, self.degree, visible), None)
            if needs_active:
                active = (prev > EPS).astype(np.float64)
                ctx.neighbour_active = neighbour_mean(self.adjacency, active, self.degree, 0.0)
        if self.steps > 1:  # nothing to observe before the first round: keep the prior
            behaviour.update_beliefs(c.belief, ctx.neighbour_mean, visible, p)
        # Substitutive firms' private alternative adds to every citizen's outside option.
        c.uses = np.greater_equal(self.quality_per_user - self.substitute_value, c.outside)
        c.eligible = rules.access.eligible(c)

        contribution, willing, norm = self._decide(ctx)
        offenders = c.uses & c.eligible & (contribution < norm)
        sanction = rules.sanctions.apply(ctx, offenders, self.rng)
        production, effort_growth = self._produce()
        record = StepRecord(self.steps, contribution, contribution, willing, c.eligible, c.uses)
        coproduced, handled = self._respond(record)
        reward_paid, reward_cost = rules.rewards.apply(contribution)
        firms = self._firms_step(int(np.count_nonzero(c.uses)))
        data_share, data_quality = self._sense()
        pb = self.budgeting.step(self.steps, c, self.adjacency, rules.voting, self.rng)
        if pb is not None:  # a cycle's winning projects were implemented this step
            pb.apply_trust(c.trust)
            production += pb.quality_added
            self.datacollector.add_table_row("budgeting", pb.row)

        public, outsourced = self.firms.outsourced_production(production)
        new_quality = next_quality(
            self.quality, p["depreciation"], self.integration * public + outsourced,
            self.integration * coproduced, firms.complements + firms.data_back + data_quality,
        )
        growth = (new_quality - self.quality) / self.quality if self.quality > 0 else 0.0
        self.quality = new_quality
        self.quality_per_user = quality_per_user(
            new_quality, float(np.count_nonzero(c.uses)), self.share_online, p
        )
        if rules.response.administered:
            behaviour.update_trust_effort(c.trust, effort_growth, p["trust_effort_weight"])

        active = took_part(record)
        payoff = c.payoff
        np.multiply(c.uses, self.quality_per_user, out=payoff)
        payoff -= c.cost * contribution
        payoff -= sanction.fines
        payoff += reward_paid
        n_active = np.count_nonzero(active)
        if sanction.punisher_cost and n_active:
            payoff[active] -= sanction.punisher_cost / n_active
        c.contribution = contribution
        admin_cost = production + p["handling_cost"] * handled + sanction.admin_cost + reward_cost
        for admin in self.administrations:
            admin.cost = admin_cost / len(self.administrations)
        aggregates = Aggregates(self.quality, growth, admin_cost, data_share,
                                firms.firm_free_rider_share, int(np.count_nonzero(self.firms.active)))
        record.outcomes = measure(record, c, p["groups"], aggregates)
        self.last_step = record
        self.datacollector.collect(self)

    def _decide(self, ctx: StepContext):
        """Contributions after willingness, noise, sanctions and access; also who wanted to."""
        c, p, rules = self.citizens, self.p, self.rules
        tau = behaviour.schedule(c.slope, c.level, self.hump, c.belief)
        want = behaviour.willingness(tau, c.trust, self.cost_factor, self.private_gain, p)
        behaviour.add_noise(want, p["decision_noise"], self.rng)
        sanctions = rules.sanctions
        norm = sanctions.norm(ctx)
        if sanctions.enforces:
            compliance_cost = self.compliance_cost
            liable = c.uses & c.eligible  # only they can be fined, so only they comply
            expected = sanctions.expected_fine(ctx) * liable
            behaviour.comply(want, norm, expected, compliance_cost)
        willing = want > EPS
        admitted = rules.access.admit(c, willing, self.rng)
        want *= admitted
        return want, willing, norm

    def _produce(self) -> tuple[float, float]:
        """Own production this step, after austerity cuts and co-design, and its growth."""
        p = self.p
        # Budgets are revised slowly: cuts follow an exponential average of co-production.
        self.coproduced_trend += BUDGET_SMOOTHING * (self.coproduced - self.coproduced_trend)
        own = austerity_production(p["production"], self.coproduced_trend, p["austerity_response"])
        for admin in self.administrations:
            admin.production = own / len(self.administrations)
        effort = own * self.rules.interaction.production_multiplier()
        last = self.effort
        self.effort = effort
        return effort, (effort - last) / last if last > 0 else 0.0

    def _respond(self, record: StepRecord) -> tuple[float, float]:
        """Act on matured input; contributors' trust learns. Returns (quality, handled).

        Fills the record's ``inputs``, ``matured`` and ``acted``.
        """
        c, p = self.citizens, self.p
        record.inputs = self.rules.interaction.inputs(record.contribution, c, self.rng)
        response = self.rules.response.apply(record.inputs, self.rng)
        acted_input = np.zeros(c.n)
        if response is not None:
            matured, acted = response
            record.matured, record.acted = matured > EPS, acted
            if self.rules.response.administered:
                behaviour.update_trust_feedback(c.trust, record.matured, acted, p["trust_learning"])
            np.multiply(matured, acted, out=acted_input)
        raw = self.rules.interaction.coproduce(record.inputs, acted_input, c.skill)
        self.coproduced = p["coproduction_efficiency"] * raw
        return self.coproduced, float(acted_input.sum()) / max(c.n, 1)

    def _sense(self) -> tuple[float, float]:
        """Citizens as sensors: users share data when they trust and control it.

        Probability trust x (1 - privacy concern x (1 - data_control)): without control
        over their data, citizens' data contributions fall (Castelnovo 2016).

        Returns:
            (share of citizens who shared data, quality their data added).
        """
        c, p = self.citizens, self.p
        if p["data_value"] == 0.0:  # no platform collects citizens' data
            return 0.0, 0.0
        u = self.rng.random(c.n, dtype=np.float32)
        np.less(u, c.trust * self.data_base, out=c.shares_data)
        c.shares_data &= c.uses
        shared = share(c.shares_data)
        return shared, p["data_value"] * shared

    def _firms_step(self, users: int) -> FirmStep:
        """Firms enter or exit by expected return; agreements are enforced (`sim.model.firms`).

        Expected return grows with the share of citizens reachable online and with data
        openness (Szkuta, Pizzicannella & Osimo 2014). Sets the substitutes' value that
        next step's use decision sees.
        """
        out = self.firms.step(
            self.share_online * users, self.citizens.n, self.quality_per_user, self.rng
        )
        self.substitute_value = out.substitute_value
        return out


def _signature() -> inspect.Signature:
    """Explicit keyword signature built from `MODEL_PARAMS` (for batch_run and SolaraViz)."""
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params.append(inspect.Parameter("rng", kw, default=None))
    params += [inspect.Parameter(name, kw, default=p.default) for name, p in MODEL_PARAMS.items()]
    return inspect.Signature(params)


CoProductionModel.__init__.__signature__ = _signature()  # type: ignore[attr-defined]
