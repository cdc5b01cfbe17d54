"""Struct-of-arrays state of the citizens, and how a population is drawn.

All per-citizen state lives in NumPy arrays owned by one `Citizens` object per model; the
`sim.model.agents.Citizen` objects are thin views over one index of these arrays. This keeps a
model step vectorised (see PERFORMANCE_NOTES: ~100x faster than per-agent steps).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.model.service import digital_cost_factor, online_share_of
from sim.primitives.numeric import log_variance, lognormal_mean_one

#: Contributor types of Fischbacher, Gächter & Fehr (2001), in array code order.
TYPE_NAMES: tuple[str, ...] = ("conditional", "free_rider", "hump", "unconditional")
CONDITIONAL, FREE_RIDER, HUMP, UNCONDITIONAL = range(4)


@dataclass(eq=False)
class Citizens:
    """Per-citizen state, one array per attribute (index = citizen number).

    Attributes:
        ctype: Contributor type code (see `TYPE_NAMES`).
        slope: Conditional cooperators' slope of own on others' contribution (else 0).
        level: Unconditional contributors' fixed contribution level (else 0).
        group: Socio-economic group (0 = most deprived).
        skill: Skills / digital literacy in [0, 1]; scales useful output.
        cost: Marginal cost of effort (time budget, mean about 1) on the service's channel.
        trust: Trust that the administration does its part, in [0, 1].
        belief: Belief about others' mean contribution, in [0, 1].
        contribution: This step's contribution, share of capacity in [0, 1].
        eligible: May contribute under the access rule this step.
        uses: Uses the public service this step.
        outside: Value of the citizen's outside option (private alternative).
        offences: Number of times caught under-contributing (graduated sanctions).
        payoff: This step's welfare (quality received minus costs, fines, plus rewards).
        privacy: Concern about how contributed data is used, in [0, 1].
        shares_data: Contributed sensor data this step (citizens as sensors).
        engagement: Rate of meeting something worth reporting (mean 1, heavy-tailed).
    """

    ctype: np.ndarray
    slope: np.ndarray
    level: np.ndarray
    group: np.ndarray
    skill: np.ndarray
    cost: np.ndarray
    trust: np.ndarray
    belief: np.ndarray
    contribution: np.ndarray
    eligible: np.ndarray
    uses: np.ndarray
    outside: np.ndarray
    offences: np.ndarray
    payoff: np.ndarray
    privacy: np.ndarray
    shares_data: np.ndarray
    engagement: np.ndarray

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


def type_shares(p: dict) -> np.ndarray:
    """Shares of the four contributor types; unconditional takes the remainder."""
    cc, fr, hump = p["share_conditional"], p["share_free_rider"], p["share_hump"]
    return np.array([cc, fr, hump, max(0.0, 1.0 - cc - fr - hump)])


def draw_citizens(p: dict, rng: np.random.Generator) -> Citizens:
    """Draw a heterogeneous population from resolved model parameters `p`.

    Types follow Fischbacher, Gächter & Fehr (2001): about 50 % conditional cooperators,
    30 % free riders, 14 % hump-shaped, the rest unconditional. Skills differ by
    socio-economic group by ``group_skill_gap`` (digital divide; Fugini & Teimourikia 2016).
    """
    n = p["citizens"]
    ctype = rng.choice(4, size=n, p=type_shares(p)).astype(np.int8)
    # Zero outside their own type, so the schedule is one expression for everybody.
    slope = np.clip(rng.normal(p["cc_slope"], p["cc_slope_sd"], n), 0.0, 1.5)
    slope[ctype != CONDITIONAL] = 0.0
    level = rng.uniform(0.5, 1.0, n)
    level[ctype != UNCONDITIONAL] = 0.0
    groups = p["groups"]
    group = rng.integers(0, groups, n).astype(np.int8)
    skill = np.clip(rng.normal(0.5 + p["group_skill_gap"] * group_position(group, groups), 0.15), 0.0, 1.0)
    cost = lognormal_mean_one(rng, log_variance(p["effort_cost_sd"]), n)
    share_online = online_share_of(p["channel"], p["online_share"])
    cost *= digital_cost_factor(skill, share_online, p["digital_cost_gap"])
    trust = np.clip(rng.normal(p["trust"], p["trust_sd"], n), 0.0, 1.0)
    outside = rng.uniform(0.0, 2.0 * p["outside_option"], n)
    privacy = rng.random(n)
    # Mean one and heavy-tailed: a few citizens meet most of what there is to report.
    engagement = lognormal_mean_one(rng, p["engagement_sigma"] ** 2, n)
    return Citizens(
        ctype=ctype,
        slope=slope,
        level=level,
        group=group,
        skill=skill,
        cost=cost,
        trust=trust,
        belief=np.full(n, p["initial_belief"]),
        contribution=np.zeros(n),
        eligible=np.ones(n, dtype=bool),
        uses=np.ones(n, dtype=bool),
        outside=outside,
        offences=np.zeros(n, dtype=np.int16),
        payoff=np.zeros(n),
        privacy=privacy,
        shares_data=np.zeros(n, dtype=bool),
        engagement=engagement,
    )
