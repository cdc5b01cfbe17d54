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
from sim.model.neighbourhood import COMPILED_ROWS
from sim.model.population import Citizens, draw_citizens
from sim.primitives.params import Param
from sim.primitives.threads import worker_threads

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


def draw_movers(p: dict, n: int, rng: np.random.Generator) -> tuple[np.ndarray, Citizens | None]:
    """This month's movers (homes, sorted, unique) and the newcomers drawn for them (None if nobody moves)."""
    rate = monthly_rate(p["turnover"])
    # A binomial count and random homes: cheap at a million citizens.
    idx = np.unique(rng.integers(0, n, rng.binomial(n, rate)))
    return idx, (draw_citizens({**p, "citizens": int(idx.size)}, rng) if idx.size else None)


class Prefetch:
    """Next month's movers, drawn in the second thread while this month runs (large populations).

    The turnover stream draws nothing else, so next month's draws can be made early; they
    are used only if the parameters are the same when the month comes (a timed policy
    change may alter them): otherwise the stream goes back to where it was and they are
    drawn again, so the numbers are those of drawing when needed, in every case.
    """

    def __init__(self, model: Any):
        """Start drawing next month's movers for `model` (its parameters as they are now)."""
        self.params = dict(model.p)
        self.state = model.turnover_rng.bit_generator.state
        self.job = worker_threads().submit(draw_movers, self.params, model.citizens.n, model.turnover_rng)

    def take(self, model: Any) -> tuple[np.ndarray, Citizens | None] | None:
        """The movers; None, with the stream put back, if the parameters changed since the prefetch started."""
        drawn = self.job.result()
        if self.params == model.p:
            return drawn
        model.turnover_rng.bit_generator.state = self.state
        return None


def prefetch_movers(model: Any) -> None:
    """At scale, start drawing next month's movers (`Prefetch`); the next `move` takes them."""
    if model.citizens.n >= COMPILED_ROWS and monthly_rate(model.p["turnover"]) > 0.0:
        model.movers = Prefetch(model)


def move(model: Any) -> np.ndarray:
    """Replace this month's movers by newcomers; the indices replaced (sorted, unique)."""
    c = model.citizens
    # Its own random stream (`model.turnover_rng`): who moves, and who moves in, is the same
    # whatever else differs between two runs of one seed (common random numbers across
    # levers).
    prefetched, model.movers = model.movers, None
    drawn = prefetched.take(model) if prefetched is not None else None
    if drawn is None:
        if monthly_rate(model.p["turnover"]) <= 0.0:
            return np.zeros(0, dtype=np.int64)
        drawn = draw_movers(model.p, c.n, model.turnover_rng)
    idx, fresh = drawn
    if fresh is None:
        return idx
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
    model.hump = None  # (found again when next needed: `CoProductionModel.hump_index`)
    citizen_terms(model, idx)
