"""Citizens' decision on collective co-production, vectorised over all citizens at once.

ODD+D summary (details and sources in docs/ODD.md): the share of its monthly time budget a
citizen gives to collective co-production is

    want = schedule(belief) x trust x efficacy x need x motivation x cost + private gain

* **Disposition** (``schedule``): each type's conditional contribution schedule, as
  elicited with the strategy method by Fischbacher, Gächter & Fehr (2001).
* **Trust** in the administration scales the disposition (people co-produce with an
  administration they trust; Fledderus, Brandsen & Honingh 2014).
* **Efficacy**: the belief that one's input is acted on (Sjoberg, Mellon & Peixoto 2017;
  self-efficacy is the most consistent correlate of co-production, Parrado et al. 2013).
* **Need**: a shortfall of the service one receives below what one needs raises the wish
  to co-produce; good public provision lowers it (Parrado et al. 2013: co-production
  "depends in part on awareness of a shortfall"; partial crowding-out, Andreoni 1993).
* **Motivation**: effort on a pooled collective task falls with the group that shares it
  (social loafing, Latané, Williams & Harkins 1979; Karau & Williams 1993) and not when the
  task is one's own (identifiability, Williams, Harkins & Latané 1981); sanctions seen as
  illegitimate crowd out willingness (Frey & Jegen 2001; Fehr & Rockenbach 2003).
* **Material incentives**: the lab's net cost of giving over the citizen's own.
* **Sanctions**: a citizen below the sanction norm complies when the expected graduated
  fine exceeds the extra net cost of complying (Becker's deterrence logic).
"""

from __future__ import annotations

import numpy as np

from sim.primitives.numeric import clip
from sim.primitives.params import Param
from sim.primitives.sources import FLEDDERUS, FREY_JEGEN, KARAU, LATANE, PARRADO

#: Marginal per-capita return at which the type schedules were measured (Fischbacher et al.
#: 2001 used MPCR 0.4 with a unit cost per token); incentives are measured from there.
REFERENCE_RETURN = 0.4
LAB_NET_COST = 1.0 - REFERENCE_RETURN
#: Group size of the lab games the schedules were measured in (Fehr & Gächter 2000).
LAB_GROUP = 4

DECISION_PARAMS: tuple[Param, ...] = (
    Param("trust_weight", 1.0, "How strongly trust scales the disposition to contribute.", "population", 0, 5, source=FLEDDERUS),
    Param("trust_reference", 0.5, "Trust at which the disposition equals the lab schedule.", "population", 0, 1),
    Param("efficacy_weight", 2.0, "How strongly the belief that one's input is acted on scales the wish to take part.", "population", 0, 5, source="Sjoberg, Mellon & Peixoto 2017; calibrated to the repeat-report ratio"),
    Param("need_weight", 0.5, "How strongly a shortfall of the service below one's need raises the wish to co-produce.", "population", 0, 5, source=PARRADO + " (good outcomes discourage co-production somewhat)"),
    Param("loafing", 0.5, "Elasticity of effort on a pooled task to the number who share it (social loafing).", "population", 0, 1, source=f"{LATANE} (70/49/40 % of solo effort in groups of 2/4/6); {KARAU}"),
    Param("crowding_out", 0.3, "Share of willingness sanctions crowd out when they are seen as wholly illegitimate.", "population", 0, 1, source=f"{FREY_JEGEN}; Fehr & Rockenbach 2003"),
    Param("incentive_sensitivity", 0.5, "Elasticity of the disposition to give w.r.t. the net cost of giving.", "population", 0, 5),
    Param("decision_noise", 0.1, "Standard deviation of multiplicative decision noise.", "population", 0, 1),
)


def schedule(slope: np.ndarray, level: np.ndarray, hump: np.ndarray, belief: np.ndarray,
             out: np.ndarray | None = None):
    """Conditional contribution of each citizen given its belief about others.

    ``slope`` is non-zero only for conditional cooperators and ``level`` only for
    unconditional contributors, so the schedule is ``slope*b + level``, plus the hump
    ``min(b, 1-b)`` (peak 0.5 at b = 0.5) for the hump-shaped citizens indexed by ``hump``
    (an index array: types never change, so the model computes it once). Written into
    `out` if given.
    """
    tau = np.multiply(slope, belief, out=out)
    tau += level
    b = belief[hump]
    tau[hump] += np.minimum(b, 1.0 - b)
    return tau


def incentive_factors(cost, marginal_return: float, reward: float, sensitivity: float):
    """(cost factor, private gain) of giving, per citizen; constant while incentives are.

    The type schedule was measured at the lab's net cost of giving (one unit costs 1 and
    returns ``REFERENCE_RETURN``). A citizen whose own net cost of giving is lower gives
    more, one whose net cost is higher gives less: the disposition is scaled by
    ``(lab net cost / own net cost) ** sensitivity``. When giving privately pays (net cost
    below zero) even selfish citizens give, by the size of the private gain.
    """
    net_cost = cost - (marginal_return + reward)
    factor = (LAB_NET_COST / np.maximum(net_cost, 0.1 * LAB_NET_COST)) ** sensitivity
    return factor, np.maximum(-net_cost, 0.0)


def factor(values: np.ndarray, weight: float, reference: float | np.ndarray,
           out: np.ndarray | None = None) -> np.ndarray:
    """``max(0, 1 + weight (values - reference))``: a disposition multiplier, 1 at the reference."""
    out = np.subtract(values, reference, out=out)
    out *= weight
    out += 1.0
    return np.maximum(out, 0.0, out=out)


def loafing_factor(task_group: float, assigned: np.ndarray, loafing: float) -> np.ndarray:
    """Effort multiplier of a collective task, relative to the lab's pooled groups of four.

    A pooled task shared by ``task_group`` people gets ``(task_group / 4) ** -loafing``;
    a task that is one's own (``assigned``: identifiable) gets ``(1 / 4) ** -loafing``.
    """
    pooled = (max(task_group, 1.0) / LAB_GROUP) ** -loafing
    own = (1.0 / LAB_GROUP) ** -loafing
    return np.where(assigned, own, pooled)


def willingness(tau: np.ndarray, multiplier: np.ndarray, cost_factor, private_gain,
                out: np.ndarray | None = None) -> np.ndarray:
    """Desired contribution before sanctions, noise and access, clipped to [0, 1].

    ``tau * multiplier * cost factor + private gain``, where `multiplier` is the product of
    the trust, efficacy, need and motivation factors; written into `out` if given (it may
    be `multiplier` itself). A `private_gain` of None is no gain for anybody.
    """
    out = np.multiply(tau, multiplier, out=out)
    out *= cost_factor
    if private_gain is not None:
        out += private_gain
    return clip(out, 0.0, 1.0, out=out)


def add_noise(c: np.ndarray, sigma: float, rng: np.random.Generator,
              work: np.ndarray | None = None) -> np.ndarray:
    """Multiplicative decision noise with standard deviation `sigma` (zero stays zero).

    Uniform rather than normal draws: same variance, about 3x cheaper at a million agents.
    The draws go into `work` if given (a float64 buffer of the same length).
    """
    if sigma > 0:
        u = rng.random(c.shape[0]) if work is None else rng.random(out=work)
        u -= 0.5
        u *= sigma * np.sqrt(12.0)
        u += 1.0
        c *= u  # c x (1 + sigma sqrt(12) (u - 0.5))
        clip(c, 0.0, 1.0, out=c)
    return c


def comply(c, norm, expected_fine, compliance_cost) -> np.ndarray:
    """Raise contributions to the norm where the expected fine exceeds the cost of it.

    Args:
        c: Contributions before sanctions (modified in place and returned).
        norm: Contribution below which a citizen counts as an offender (array or scalar).
        expected_fine: Detection probability times graduated fine, per citizen.
        compliance_cost: Net cost of one more unit of contribution, per citizen (>= 0).
    """
    gap = norm - c
    go = (gap > 0) & (expected_fine > gap * compliance_cost)
    c[go] = np.broadcast_to(norm, c.shape)[go]
    return c
