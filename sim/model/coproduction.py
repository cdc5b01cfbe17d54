"""`CoProductionModel`: citizens, firms and administrations co-producing a public service.

One step is one month (simultaneous updating, so agent order is irrelevant):

1. citizens observe: beliefs move toward neighbours' and the visible contributions;
2. citizens choose to use the service (quality received vs their outside option);
3. citizens choose collective effort (type schedule x trust x efficacy x need x
   motivation + incentives, then sanctions) and the access rule admits them;
4. users meet problems and report them or share data (individual acts);
5. the sanction rule flags (with errors) and fines offenders;
6. the administration produces, and acts on a share of matured input; those heard learn;
7. rewards, firms, data and the participatory budget; quality stocks depreciate and are
   replenished;
8. everyone learns from what it observes (trust from levels, efficacy from neighbours and
   published feedback, expectations adapt); payoffs and outcomes are recorded.
"""

from __future__ import annotations

import inspect

import mesa
import numpy as np

from sim.governance import Rules, StepContext
from sim.model import learning
from sim.model.acts import individual_acts
from sim.model.administration import austerity_production
from sim.model.agents import Administration, Citizen, Firm
from sim.model.budgeting import ParticipatoryBudget
from sim.model.events import Schedule, apply_due, check_schedule
from sim.model.firms import FirmSector
from sim.model.institutions import INSTITUTION_TABLES, Institutions
from sim.model.levers import apply_levers, derive
from sim.model.neighbourhood import Neighbourhood
from sim.model.nested import NESTED_COLUMNS, NestedChoice
from sim.model.network import build_network
from sim.model.parameters import MODEL_PARAMS, resolve_model_params
from sim.model.population import HUMP, draw_citizens
from sim.model.record import StepRecord, took_part
from sim.model.reporters import (
    REPORTERS,
    Aggregates,
    OutcomeCollector,
    collector_reporters,
    empty_record,
    measure,
    start_hours_measures,
)
from sim.model.service import Quality, quality_per_user, support
from sim.model.step_parts import Decision, citizen_payoff, decide, enforce, respond
from sim.model.turnover import Prefetch, move, prefetch_movers
from sim.primitives.errors import InputError, Origin
from sim.primitives.numeric import Scratch, mean

__all__ = ["REPORTERS", "CoProductionModel"]
#: Weight of the latest step in the co-production average that austerity cuts respond to.
BUDGET_SMOOTHING = 0.2


class CoProductionModel(mesa.Model):
    """Agent-based model of the collective co-production of a public service.

    Every keyword parameter is declared in `sim.model.parameters.MODEL_PARAMS` (default,
    range, source); unknown names and bad values raise `sim.primitives.errors.InputError`.
    What the last step computed is ``model.last_step`` (a `sim.model.record.StepRecord`).
    """

    def __init__(self, *, rng=None, events=None, **params):
        """Build the population, network, rules and service from keyword parameters.

        Args:
            rng: Seed (int) or numpy Generator; same seed and parameters, same results.
            events: Timed policy changes (`sim.model.events`): ``[{"month": 24, "set":
                {"fine": 0.0}, "label": "..."}, ...]``, applied at the start of their month.
            **params: Model parameters (see `sim.model.parameters.MODEL_PARAMS`).
        """
        super().__init__(rng=rng)
        try:
            self.p = p = resolve_model_params(params)
            self.policy_events = Schedule(check_schedule(events or (), p))
        except InputError as err:
            raise err.at(Origin("constructor", type(self).__name__)) from None
        self.rules = Rules.build(p)
        # A stream of its own for residential turnover (`sim.model.turnover`), spawned from
        # the seed: the same movers and newcomers whatever the levers draw.
        self.turnover_rng = self.rng.spawn(1)[0]
        self.movers: Prefetch | None = None  # next month's movers, if drawn early (`sim.model.turnover`)
        self.appeal_rng: np.random.Generator | None = None  # the appeals' stream, made when first needed
        self.moved = np.zeros(0, dtype=np.int64)  # homes whose residents moved this month
        self.citizens = draw_citizens(p, self.rng)
        n = self.citizens.n
        self.adjacency = build_network(
            p["network"], n, self.rng, degree=p["degree"], rewire=p["rewire"],
            group_size=p["group_size"],
        )
        self.degree = np.diff(self.adjacency.indptr)
        self.hump: np.ndarray | None = np.flatnonzero(self.citizens.ctype == HUMP)
        self.neighbourhood = Neighbourhood(self.adjacency, self.degree)
        self.scratch = Scratch(n)  # work arrays of the step (no temporaries at a million citizens)
        for rule in self.rules:
            rule.setup(self.citizens, self.rng)
        self.citizens.assigned = self.rules.responsibility.assigned
        # Incentive factors, the data-sharing base and the like are fixed while the levers
        # are: computed once (and again when a lever changes, `set_levers`).
        derive(self)
        self.firms = FirmSector(p, self.rng)
        self.substitute_value = 0.0  # private alternative offered by substitutive firms
        self.citizen_agents = [Citizen(self, i) for i in range(n)]
        self.firm_agents = [Firm(self, j) for j in range(p["firms"])]
        k = p["administrations"]
        self.administrations = [Administration(self, p["production"] / k) for _ in range(k)]
        derive(self)  # again, now that the administrations exist: their bilateral partners
        self.coproduced = 0.0
        self.coproduced_trend = 0.0
        self.effort = p["production"]  # the administration's own effort last step
        self.published = p["initial_efficacy"]  # last published share of input acted on
        self.service = Quality(p["initial_quality"])
        self.quality_per_user = quality_per_user(self.service.total, 1.0, self.share_online, p)
        self.last_step: StepRecord = empty_record(n, p["min_hours"])
        self.budgeting = ParticipatoryBudget(p, self.citizens, self.rng)  # no draws if off
        # Civil society, personal budgets, the life-cycle, engagement (`sim.model.institutions`).
        self.institutions = Institutions(self)
        self.civil_society = self.institutions.civil  # what `Organisation` agents view
        # Collective choice of rules (`sim.model.choice`), city-wide or per neighbourhood
        # (`sim.model.nested`); no draws.
        self.choice = NestedChoice(p, n)
        self.datacollector = OutcomeCollector(
            model_reporters=collector_reporters(),
            tables={"budgeting": self.budgeting.columns, **INSTITUTION_TABLES, "neighbourhoods": NESTED_COLUMNS},
        )

    def set_levers(self, **values) -> dict:
        """Change levers from the next step on (a timed policy change); the values applied.

        Raises:
            InputError: An unknown name, a bad value, or a parameter fixed for the run.
        """
        try:
            return apply_levers(self, values)
        except InputError as err:
            raise err.at(Origin("constructor", f"{type(self).__name__}.set_levers")) from None

    @property
    def quality(self) -> float:
        """Service quality (the sum of its stocks by source)."""
        return self.service.total

    def _observe(self) -> StepContext:
        """Neighbours' last contributions (and monitoring, and efficacy) in one sparse product."""
        c, rules = self.citizens, self.rules
        prev = c.contribution
        needs_active = rules.sanctions.needs_neighbour_active
        first = self.steps == 1  # nothing observed yet: expect what one believes
        columns = self.neighbourhood.columns(3 if needs_active else 2)
        # Monitors (third column): who gave something last month and still punishes.
        learning.fill_observed(prev, c.efficacy, c.punish, columns)
        visible = mean(prev)
        means = self.neighbourhood.means(columns, [visible, self.p["initial_efficacy"], 0.0][: columns.shape[1]])
        self.neighbour_efficacy = means[:, 1]
        if first:  # expect neighbours to give, and to monitor, as one believes they do
            belief = c.belief.copy()
            return StepContext(c, belief, belief if needs_active else None)
        learning.update_beliefs(c.belief, means, visible, self.p)
        return StepContext(c, means[:, 0], means[:, 2] if needs_active else None)

    def step(self) -> None:
        """Advance the whole population by one month and collect the outcomes."""
        apply_due(self)  # this month's timed policy changes (`sim.model.events`)
        if (chosen := self.choice.step(self)) is not None:  # users choose their rules (`sim.model.choice`)
            apply_levers(self, chosen)
        for row in self.choice.rows:  # what each neighbourhood chose (`sim.model.nested`)
            self.datacollector.add_table_row("neighbourhoods", row)
        c, p, rules = self.citizens, self.p, self.rules
        self.moved = move(self)  # residents who moved away this month are replaced by newcomers
        ctx = self._observe()
        self.institutions.campaign()
        # Substitutive firms' private alternative adds to every citizen's outside option.
        c.uses = np.greater_equal(self.quality_per_user - self.substitute_value, c.outside)
        c.eligible = rules.access.eligible(c)
        d: Decision = decide(self, ctx)
        prefetch_movers(self)  # (at scale, in the second thread, during this month's acts)
        acts = individual_acts(c.uses, c.engagement, d.report_propensity, c.trust, self.data_base, p, self.rng,
                               self.scratch)
        liable = c.uses & c.eligible
        enforces = rules.sanctions.enforces
        sanction = enforce(self, ctx, d, liable)  # fines, appeals heard (`sim.governance.appeals`)
        production, effort_ratio = self._produce()
        record = StepRecord(self.steps, p["min_hours"], d.contribution, d.contribution * c.time_budget,
                            d.willing, c.eligible, d.admitted, c.uses, self.able,
                            acts.reports, acts.shared, np.zeros(c.n, dtype=bool), d.lost,
                            c.ever_active.copy())
        record.fines = sanction.fines
        record.punishing_cost = np.broadcast_to(sanction.punisher_cost, (c.n,))
        citizens_quality, handled = respond(self, record, support(effort_ratio, p["complementarity"]))
        reward_paid, reward_cost = rules.rewards.apply(d.contribution)
        users = float(np.count_nonzero(c.uses))
        firms = self.firms.step(self.share_online * users, c.n, self.quality_per_user, self.rng)
        self.substitute_value = firms.substitute_value
        admin_quality = production
        pb = self.budgeting.step(self.steps, c, self.adjacency, rules.voting, self.rng)
        if self.budgeting.voters is not None:
            record.voted[self.budgeting.voters] = True
        if pb is not None:  # a cycle's winning projects were implemented this step
            pb.apply_feedback(c.efficacy)
            admin_quality += pb.quality_added
            self.datacollector.add_table_row("budgeting", pb.row)
        hours = start_hours_measures(record, p["act_hours"], self.scratch)  # the record is final
        public, outsourced = self.firms.outsourced_production(admin_quality)
        inst = self.institutions.month(self, record)
        for row in inst.rows:
            self.datacollector.add_table_row("lifecycle", row)
        inflows = np.array([self.integration * public, self.citizen_integration * citizens_quality + inst.quality,
                            firms.complements + firms.data_back + outsourced,
                            p["data_value"] * float(np.count_nonzero(acts.shared)) / c.n])
        before = self.service.total
        quality = self.service.step(p["depreciation"], inflows)
        self.quality_per_user = quality_per_user(quality, users / c.n, self.share_online, p)
        self._learn(record, effort_ratio)
        admin_cost = (admin_quality + p["handling_cost"] * handled + sanction.admin_cost
                      + reward_cost + rules.responsibility.cost() + inst.cost)
        for admin in self.administrations:
            admin.cost = admin_cost / len(self.administrations)
        payoff = citizen_payoff(c, self.institutions.received(self.quality_per_user), d.contribution,
                                sanction if enforces else None, reward_paid, self.scratch)
        c.contribution = d.contribution
        agg = Aggregates(self.service.stocks.copy(), (quality - before) / before if before > 0 else 0.0,
                         admin_cost, mean(payoff) - admin_cost, rules.sanctions.perceived,
                         firms.firm_free_rider_share, int(np.count_nonzero(self.firms.active)),
                         self.choice.outcomes(took_part(record)), self.institutions.outcomes(),
                         sanction.appeals.outcomes() if sanction.appeals is not None else {})
        record.outcomes = measure(record, c, p, agg, self.strata, self.scratch, hours)
        c.ever_active |= took_part(record)
        self.last_step = record
        self.datacollector.collect(self)

    def hump_index(self) -> np.ndarray:
        """The hump-shaped citizens (found again after newcomers moved in, when first needed)."""
        if self.hump is None:
            self.hump = np.flatnonzero(self.citizens.ctype == HUMP)
        return self.hump

    def _produce(self) -> tuple[float, float]:
        """Own production this month, after austerity cuts and co-design; effort ratio."""
        p = self.p
        # Budgets are revised slowly: cuts follow an exponential average of co-production.
        self.coproduced_trend += BUDGET_SMOOTHING * (self.coproduced - self.coproduced_trend)
        own = austerity_production(p["production"], self.coproduced_trend, p["austerity_response"])
        for admin in self.administrations:
            admin.production = own / len(self.administrations)
        # The life-cycle's targeting: how well what the service does fits what is needed.
        self.effort = own * self.rules.interaction.production_multiplier() * self.institutions.targeting()
        return self.effort, own / p["effort_reference"]

    def _learn(self, record: StepRecord, effort_ratio: float) -> None:
        """Everyone learns from what it observes this month (`sim.model.learning`)."""
        c, p = self.citizens, self.p
        if not self.rules.response.administered:  # a lab game: nobody to trust or learn about
            return
        # One value when everyone judges the same service; per citizen with personal budgets.
        received = self.institutions.received(self.quality_per_user)
        learning.learn_month(c, received, effort_ratio, self.neighbour_efficacy, self.published, p, self.scratch)


def _signature() -> inspect.Signature:
    """Explicit keyword signature built from `MODEL_PARAMS` (for batch_run and SolaraViz)."""
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params.append(inspect.Parameter("rng", kw, default=None))
    params.append(inspect.Parameter("events", kw, default=None))
    params += [inspect.Parameter(name, kw, default=p.default) for name, p in MODEL_PARAMS.items()]
    return inspect.Signature(params)


CoProductionModel.__init__.__signature__ = _signature()  # type: ignore[attr-defined]
