"""Citizens' decision rule and learning, vectorised over all citizens at once.

ODD+D summary (details in docs/ODD.md):

* **Disposition.** Each type has a conditional contribution schedule, as elicited with the
  strategy method by Fischbacher, Gächter & Fehr (2001): conditional cooperators match the
  believed contribution of others with a slope below one (self-serving bias), free riders
  give nothing, hump-shaped contributors rise then fall, unconditional ones give a fixed
  level.
* **Trust.** Trust in the administration scales the disposition (people co-produce with
  an administration they trust; Fledderus, Brandsen & Honingh 2014).
* **Material incentives.** The disposition scales with the lab's net cost of giving (unit
  cost, marginal return 0.4) over the citizen's own (effort cost minus own return minus
  reward), with elasticity ``incentive_sensitivity``; selfish citizens give only when
  giving privately pays.
* **Sanctions.** A citizen below the sanction norm complies (contributes the norm) when the
  expected graduated fine exceeds the extra net cost of complying (Becker's deterrence
  logic; Fehr & Gächter 2000 for peer punishment raising contributions).
* **Learning.** Beliefs move toward what neighbours and the visible aggregate contributed;
  trust moves toward whether one's input was acted on (Sjoberg, Mellon & Peixoto 2017) and
  with the growth of the administration's own effort (austerity erodes it).
"""

from __future__ import annotations

import numpy as np

#: Marginal per-capita return at which the type schedules were measured (Fischbacher et al.
#: 2001 used MPCR 0.4 with a unit cost per token); incentives are measured from there.
REFERENCE_RETURN = 0.4
LAB_NET_COST = 1.0 - REFERENCE_RETURN


def schedule(slope: np.ndarray, level: np.ndarray, hump: np.ndarray, belief: np.ndarray):
    """Conditional contribution of each citizen given its belief about others.

    ``slope`` is non-zero only for conditional cooperators and ``level`` only for
    unconditional contributors, so the schedule is ``slope*b + level``, plus the hump
    ``min(b, 1-b)`` (peak 0.5 at b = 0.5) for the hump-shaped citizens indexed by ``hump``
    (an index array: types never change, so the model computes it once).
    """
    tau = slope * belief
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


def willingness(tau, trust, cost_factor, private_gain, p) -> np.ndarray:
    """Desired contribution before sanctions, noise and access, clipped to [0, 1].

    ``tau * trust factor * cost factor + private gain``, with the factors of
    `incentive_factors` and trust factor ``1 + trust_weight * (trust - trust_reference)``.
    """
    out = trust - p["trust_reference"]
    out *= p["trust_weight"]
    out += 1.0
    np.maximum(out, 0.0, out=out)
    out *= tau
    out *= cost_factor
    out += private_gain
    return np.clip(out, 0.0, 1.0, out=out)


def add_noise(c: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative decision noise with standard deviation `sigma` (zero stays zero).

    Uniform rather than normal draws: same variance, about 3x cheaper at a million agents.
    """
    if sigma > 0:
        u = rng.random(c.shape[0])
        c *= 1.0 + sigma * np.sqrt(12.0) * (u - 0.5)
        np.clip(c, 0.0, 1.0, out=c)
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


def update_beliefs(belief, neighbour_mean, visible_mean, p) -> np.ndarray:
    """Move beliefs toward a mix of neighbours' and the visible aggregate contribution."""
    w = p["neighbour_weight"]
    lam = p["belief_learning"]
    target = w * neighbour_mean + (1.0 - w) * visible_mean
    belief *= 1.0 - lam
    belief += lam * target
    return belief


def update_trust_feedback(trust, had_input, acted, rate) -> None:
    """Trust of citizens whose input matured moves toward 1 if acted on, else toward 0."""
    idx = np.flatnonzero(had_input)
    trust[idx] += rate * (acted[idx] - trust[idx])


def update_trust_effort(trust, effort_growth, weight) -> None:
    """Everyone's trust follows the growth of the administration's own effort.

    Citizens judge the administration by what it does itself: when it cuts its own
    production (austerity) trust falls; quality that citizens co-produce earns it no credit.
    """
    if weight and effort_growth:
        trust += weight * float(np.clip(effort_growth, -1.0, 1.0))
        np.clip(trust, 0.0, 1.0, out=trust)
