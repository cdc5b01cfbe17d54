"""Struct-of-arrays state of the citizens, and how a population is drawn.

All per-citizen state lives in NumPy arrays owned by one `Citizens` object per model; the
`sim.model.agents.Citizen` objects are thin views over one index of these arrays. This keeps a
model step vectorised (see PERFORMANCE_NOTES: ~100x faster than per-agent steps).

Units: one step is one month; effort is a share of the citizen's monthly time budget for
co-production (``time_budget``, hours per month), so hours = contribution x time budget.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.model.service import digital_cost_factor, online_share_of
from sim.primitives.numeric import log_variance, lognormal_mean_one, pareto_mean_one
from sim.primitives.params import Param
from sim.primitives.sources import BLS, FG2010, FGF, FUGINI_ICT, MYSOCIETY, ONS, PARRADO

#: Contributor types of Fischbacher, Gächter & Fehr (2001), in array code order.
TYPE_NAMES: tuple[str, ...] = ("conditional", "free_rider", "hump", "unconditional")
CONDITIONAL, FREE_RIDER, HUMP, UNCONDITIONAL = range(4)

POPULATION_PARAMS: tuple[Param, ...] = (
    Param("citizens", 1000, "Number of citizens.", "population", 1, 5_000_000),
    Param("share_conditional", 0.50, "Share of conditional cooperators.", "population", 0, 1, source=FGF),
    Param("share_free_rider", 0.30, "Share of free riders.", "population", 0, 1, source=FGF),
    Param("share_hump", 0.14, "Share of hump-shaped contributors (rest: unconditional).", "population", 0, 1, source=FGF),
    Param("cc_slope", 0.95, "Mean slope of conditional cooperators' own on others' contribution.", "population", 0, 1.5, source=FGF + " (below the diagonal)"),
    Param("cc_slope_sd", 0.15, "Spread of conditional cooperators' slopes.", "population", 0, 1),
    Param("initial_belief", 0.05, "Initial belief about others' mean contribution (share of their time budget); lab designs use first-round lab beliefs (0.75).", "population", 0, 1, source=FG2010 + " (beliefs anchor contributions); field prior: small minorities take part", unit="share of time budget"),
    Param("groups", 3, "Number of socio-economic groups.", "population", 1, 10),
    Param("group_skill_gap", 0.3, "Digital-literacy gap between the most and least deprived group.", "population", 0, 1, source=FUGINI_ICT + " (ICT and co-production)"),
    Param("service_need_gap", 0.3, "How much more the most deprived group needs the service than the least deprived.", "population", 0, 2, source=PARRADO + " (co-production follows a shortfall)"),
    Param("need_sd", 0.5, "Spread of how much citizens need the service (lognormal, mean 1).", "population", 0, 3, source=PARRADO),
    Param("effort_cost_sd", 0.3, "Spread of the cost of an hour of effort (mean 1).", "population", 0, 3),
    Param("time_budget", 10.0, "Mean hours a month a citizen could give to co-production.", "population", 0.5, 200, source=f"{BLS}; {ONS} (volunteers give 4-8 h a month)", unit="hours per month"),
    Param("time_budget_sd", 1.0, "Spread of the monthly time budget (lognormal, relative to the mean).", "population", 0, 5),
    Param("trust", 0.5, "Mean initial trust in the administration.", "population", 0, 1),
    Param("trust_sd", 0.15, "Spread of initial trust.", "population", 0, 1),
    Param("engagement_tail", 1.35, "Tail index of how often citizens meet something to report (Pareto, mean 1): lower, more concentrated.", "population", 1.05, 10, source=MYSOCIETY + " (ten times the users give about twice the reports: S(f) ~ f^0.3, a tail index near 1/(1 - 0.3)); fitted to the top 0.1/1/10 % shares of reports"),
    Param("outside_option", 0.0, "Mean value of the private alternative; users leave below it.", "population", 0, 100),
)


@dataclass(eq=False)
class Citizens:
    """Per-citizen state, one array per attribute (index = citizen number).

    Attributes:
        ctype: Contributor type code (see `TYPE_NAMES`).
        slope: Conditional cooperators' slope of own on others' contribution (else 0).
        level: Unconditional contributors' fixed contribution level (else 0).
        group: Socio-economic group (0 = most deprived).
        skill: Skills / digital literacy in [0, 1]; scales useful output.
        cost: Cost of an hour of effort on the service's channel (mean about 1).
        time_budget: Hours a month the citizen could give to co-production.
        need: How much the citizen needs the service (mean 1; deprived groups more).
        trust: Trust that the administration does its part, in [0, 1].
        trust_prior: The citizen's trust before any experience of the service.
        efficacy: Belief that one's input is acted on (perceived responsiveness), in [0, 1].
        expectation: Expected quality of the service (adapts to what is received).
        belief: Belief about others' mean contribution, in [0, 1].
        contribution: This step's collective effort, share of the time budget in [0, 1].
        eligible: May contribute under the access rule this step.
        uses: Uses the public service this step.
        outside: Value of the citizen's outside option (private alternative).
        offences: Decaying record of detected offences (graduated sanctions).
        punish: Propensity to take part in peer monitoring, in [0, 1].
        payoff: This step's welfare (quality received minus costs, fines, plus rewards).
        privacy: Concern about how contributed data is used, in [0, 1].
        shares_data: Contributed sensor data this step (citizens as sensors).
        engagement: Rate of meeting something worth reporting (mean 1, Pareto-tailed).
        ever_active: Has taken part in some act since the run began.
        feedback: What the administration did with its last matured input: -1 none yet,
            0 ignored, 1 acted on.
        assigned: Holds a named task or area (individual responsibility).
    """

    ctype: np.ndarray
    slope: np.ndarray
    level: np.ndarray
    group: np.ndarray
    skill: np.ndarray
    cost: np.ndarray
    time_budget: np.ndarray
    need: np.ndarray
    trust: np.ndarray
    trust_prior: np.ndarray
    efficacy: np.ndarray
    expectation: np.ndarray
    belief: np.ndarray
    contribution: np.ndarray
    eligible: np.ndarray
    uses: np.ndarray
    outside: np.ndarray
    offences: np.ndarray
    punish: np.ndarray
    payoff: np.ndarray
    privacy: np.ndarray
    shares_data: np.ndarray
    engagement: np.ndarray
    ever_active: np.ndarray
    feedback: np.ndarray
    assigned: np.ndarray

    @property
    def n(self) -> int:
        """Number of citizens."""
        return self.ctype.shape[0]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Names of the per-citizen attributes (the arrays)."""
        return tuple(f.name for f in fields(cls))


def group_position(group: np.ndarray, groups: int) -> np.ndarray:
    """Socio-economic position of groups: -0.5 (most deprived) .. +0.5 (least deprived)."""
    return group / max(groups - 1, 1) - 0.5


def neighbourhood_of(n: int, k: int) -> np.ndarray:
    """Neighbourhood of each of `n` citizens: `k` contiguous blocks of near-equal size (`sim.model.nested`)."""
    return (np.arange(n, dtype=np.int64) * k) // n


def contrasted_shares(shares: np.ndarray, k: int, contrast: float) -> np.ndarray:
    """Type shares of each of `k` neighbourhoods, shape ``(k, 4)``: free riders from fewer to more.

    Neighbourhood ``j`` moves ``contrast x (2j / (k - 1) - 1) x min(free riders, conditional
    cooperators)`` of the population from conditional cooperators to free riders; the city's
    mix is unchanged.
    """
    position = np.linspace(-1.0, 1.0, k) if k > 1 else np.zeros(1)
    shift = contrast * position * min(shares[FREE_RIDER], shares[CONDITIONAL])
    out = np.tile(shares, (k, 1))
    out[:, FREE_RIDER] += shift
    out[:, CONDITIONAL] -= shift
    return out


def draw_types(p: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    """Contributor type of each citizen, int8; per neighbourhood with ``neighbourhood_contrast``.

    Either way one uniform draw per citizen, taken through the type shares' cumulative sum
    (as ``rng.choice`` does), so contrast changes who is of which type, not later draws.
    """
    shares = type_shares(p)
    k = p["neighbourhoods"]
    if k == 1 or p["neighbourhood_contrast"] == 0:
        return rng.choice(4, size=n, p=shares).astype(np.int8)
    cdf = np.cumsum(contrasted_shares(shares, k, p["neighbourhood_contrast"]), axis=1)
    cdf /= cdf[:, -1:]
    below = cdf[neighbourhood_of(n, k)] <= rng.random(n)[:, None]
    return np.minimum(below.sum(axis=1), 3).astype(np.int8)


def type_shares(p: dict) -> np.ndarray:
    """Shares of the four contributor types; unconditional takes the remainder."""
    cc, fr, hump = p["share_conditional"], p["share_free_rider"], p["share_hump"]
    return np.array([cc, fr, hump, max(0.0, 1.0 - cc - fr - hump)])


def draw_citizens(p: dict, rng: np.random.Generator) -> Citizens:
    """Draw a heterogeneous population from resolved model parameters `p`.

    Types follow Fischbacher, Gächter & Fehr (2001): about 50 % conditional cooperators,
    30 % free riders, 14 % hump-shaped, the rest unconditional. Skills differ by
    socio-economic group by ``group_skill_gap`` (digital divide; Fugini & Teimourikia 2016),
    and so does need for the service (``service_need_gap``). Time budgets are lognormal.
    """
    n = p["citizens"]
    ctype = draw_types(p, n, rng)
    # Zero outside their own type, so the schedule is one expression for everybody.
    slope = np.clip(rng.normal(p["cc_slope"], p["cc_slope_sd"], n), 0.0, 1.5)
    slope[ctype != CONDITIONAL] = 0.0
    level = rng.uniform(0.5, 1.0, n)
    level[ctype != UNCONDITIONAL] = 0.0
    groups = p["groups"]
    group = rng.integers(0, groups, n).astype(np.int8)
    position = group_position(group, groups)
    skill = np.clip(rng.normal(0.5 + p["group_skill_gap"] * position, 0.15), 0.0, 1.0)
    cost = lognormal_mean_one(rng, log_variance(p["effort_cost_sd"]), n)
    share_online = online_share_of(p["channel"], p["online_share"])
    cost *= digital_cost_factor(skill, share_online, p["digital_cost_gap"])
    trust = np.clip(rng.normal(p["trust"], p["trust_sd"], n), 0.0, 1.0)
    outside = rng.uniform(0.0, 2.0 * p["outside_option"], n)
    privacy = rng.random(n)
    # Mean one, Pareto-tailed: a few citizens meet most of what there is to report.
    engagement = pareto_mean_one(rng, p["engagement_tail"], n)
    budget = p["time_budget"] * lognormal_mean_one(rng, log_variance(p["time_budget_sd"]), n)
    need = lognormal_mean_one(rng, log_variance(p["need_sd"]), n)
    need *= np.maximum(1.0 - p["service_need_gap"] * position, 0.05)
    punish = np.where(ctype == FREE_RIDER, 0.0, 1.0)  # free riders never punish
    return Citizens(
        ctype=ctype, slope=slope, level=level, group=group, skill=skill, cost=cost,
        time_budget=budget, need=need, trust=trust, trust_prior=trust.copy(),
        efficacy=np.full(n, p["initial_efficacy"]), expectation=np.full(n, p["quality_standard"]),
        belief=np.full(n, p["initial_belief"]), contribution=np.zeros(n),
        eligible=np.ones(n, dtype=bool), uses=np.ones(n, dtype=bool), outside=outside,
        offences=np.zeros(n, dtype=np.float32), punish=punish, payoff=np.zeros(n),
        privacy=privacy, shares_data=np.zeros(n, dtype=bool), engagement=engagement,
        ever_active=np.zeros(n, dtype=bool), feedback=np.full(n, -1, dtype=np.int8),
        assigned=np.zeros(n, dtype=bool),
    )
