"""Residential turnover: residents move away and newcomers take their homes.

Over a run of twenty years a city's population is not the one it started with: about one
person in eight changes address in a year (Census 2001, England and Wales), and 22 % of
households in England had lived in their home for less than three years in 2021-22
(English Housing Survey; about 8 % a year). Each month a share of residents, from the
yearly rate ``turnover``, leaves; a newcomer drawn from the same population takes each
one's place in the network. The newcomer starts afresh: its own type, time, trust and
engagement, the prior beliefs and efficacy of someone who has seen nothing of the service
yet, no record of offences, no history of taking part. Named tasks and invitations stay
with the home; registration and pending inputs leave with the resident (the rules'
``replace``). Turnover is one way participation is lost (and trust renewed) that no
experience of the service explains.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model import behaviour
from sim.model.derived import citizen_terms
from sim.model.population import HUMP, Citizens, draw_citizens
from sim.primitives.params import Param

TURNOVER = Param(
    "turnover", 0.1, "Share of residents who move away in a year, each replaced by a newcomer.", "population", 0.0, 1.0,
    source="Census 2001, England and Wales (one person in eight moved in the year); English Housing Survey 2021-22 "
           "(22 % of households resident under 3 years)", unit="per year",
)
#: What stays with the home rather than the resident (shared with the responsibility rule).
STAYS: frozenset[str] = frozenset({"assigned"})
MONTHS = 12


def monthly_rate(yearly: float) -> float:
    """Monthly hazard giving a yearly share ``yearly`` of movers."""
    return 1.0 - (1.0 - yearly) ** (1.0 / MONTHS)


def move(model: Any) -> np.ndarray:
    """Replace this month's movers by newcomers; the indices replaced (sorted, unique)."""
    rate = monthly_rate(model.p["turnover"])
    c = model.citizens
    if rate <= 0.0:
        return np.zeros(0, dtype=np.int64)
    # Its own random stream (`model.turnover_rng`): who moves, and who moves in, is the same
    # whatever else differs between two runs of one seed (common random numbers across
    # levers). A binomial count and random homes: cheap at a million citizens.
    rng = model.turnover_rng
    idx = np.unique(rng.integers(0, c.n, rng.binomial(c.n, rate)))
    if not idx.size:
        return idx
    fresh = draw_citizens({**model.p, "citizens": int(idx.size)}, rng)
    for name in Citizens.names():
        if name not in STAYS:
            getattr(c, name)[idx] = getattr(fresh, name)
    for rule in model.rules:
        rule.replace(idx)
    model.institutions.replace(idx)
    _derive_for(model, idx)
    return idx


def _derive_for(model: Any, idx: np.ndarray) -> None:
    """What the model derives per citizen from the newcomers' own draws."""
    c, p = model.citizens, model.p
    if np.ndim(model.cost_factor):
        factor, gain = behaviour.incentive_factors(c.cost[idx], p["mpcr"], model.rules.rewards.rate(),
                                                   p["incentive_sensitivity"])
        model.cost_factor[idx], model.private_gain[idx] = factor, gain
        model.compliance_cost[idx] = np.maximum(c.cost[idx] - p["mpcr"] - model.rules.rewards.rate(), 0.0)
    model.data_base[idx] = 1.0 - c.privacy[idx] * (1.0 - p["data_control"])
    model.hump = np.flatnonzero(c.ctype == HUMP)
    citizen_terms(model, idx)
