"""Nested levels (Ostrom's eighth design principle): neighbourhoods choose their own rules within the city's.

Ostrom (1990) found that long-enduring commons organise governance in multiple layers of
nested enterprises; Cox, Arnold & Villamayor Tomás (2010) confirm the principle across 91
studies. Polycentric governance (Andersson & Ostrom 2008; Ostrom 2010) lets each unit fit
its rules to local conditions, within the bounds of the level above.

* **Neighbourhoods.** ``neighbourhoods`` splits the citizens into that many contiguous
  blocks of their numbering: on the small-world ring (and the lattice and the groups
  network) a block is a community of the social network, so neighbours are mostly
  neighbourhood fellows. Newcomers take over a home and its neighbourhood.
* **Local conditions.** ``neighbourhood_contrast`` makes them differ in their mix of
  contributor types, as cooperation differs from one city to another (Herrmann, Thöni &
  Gächter 2008): neighbourhood ``j`` of ``k`` moves ``contrast x (2j / (k - 1) - 1) x
  min(free riders, conditional cooperators)`` of the population share from conditional
  cooperators to free riders (the city's mix is unchanged; at contrast 1 and the default
  shares, from no free riders to twice the city's share).
* **Local choice.** With ``choice_level: neighbourhood`` the collective choice of
  `sim.model.choice` is held in every neighbourhood apart (polycentric): its own
  co-producers (or its own council of ``choice_council``) vote, with the same preferences
  and the run's voting rule, and the chosen fine or monitoring intensity applies to its
  residents only (per-citizen rule parameters, `sim.governance.sanctions.at`). A
  neighbourhood with no voter keeps the city's rule. ``choice_level: city`` is one
  city-wide choice (monocentric); both gain the same democracy premium, so what differs
  is only the fit of the rule to each neighbourhood.
* **The city's bounds.** Local choices are nested: a ballot for an option outside the menu
  positions ``local_floor`` .. ``local_ceiling`` counts for the nearest bound.

No random draws beyond the type draw (which, with contrast, uses the same uniform draws
per citizen as without). Reporters: ``local_rule_range`` (most minus least stringent
value of the chosen rule in force across neighbourhoods) and
``neighbourhood_participation_gap`` (highest minus lowest participation of a
neighbourhood); the ``neighbourhoods`` table has one row per neighbourhood and choice.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.choice import MENUS, RuleChoice, nearest
from sim.model.population import neighbourhood_of
from sim.primitives.errors import Problem
from sim.primitives.params import Param
from sim.primitives.sources import OSTROM

OSTROM8 = OSTROM + " (principle 8, nested enterprises); Cox, Arnold & Villamayor Tomás 2010"
POLYCENTRIC = "Andersson & Ostrom 2008; Ostrom 2010 (polycentric governance)"
NESTED_PARAMS: tuple[Param, ...] = (
    Param("neighbourhoods", 1, "Neighbourhoods the city is divided into (contiguous blocks of the social network), each able to choose its own rules.", "population", 1, 1000, source=OSTROM8),
    Param("neighbourhood_contrast", 0.0, "How much neighbourhoods differ in their share of free riders (0 alike; 1 from none to twice the city's share), the city's mix unchanged.", "population", 0.0, 1.0, source="Herrmann, Thöni & Gächter 2008 (cooperation differs between cities)"),
    Param("choice_level", "city", "Where the rule of the menu is chosen: one city-wide choice (monocentric) or by each neighbourhood for itself (polycentric).", "governance", choices=("city", "neighbourhood"), source=POLYCENTRIC),
    Param("local_floor", 0, "Least stringent menu position a neighbourhood may choose (the city's bound).", "governance", 0, 3, source=OSTROM8),
    Param("local_ceiling", 3, "Most stringent menu position a neighbourhood may choose (the city's bound).", "governance", 0, 3, source=OSTROM8),
)
NESTED_COLUMNS = ("month", "neighbourhood", "option", "value", "support", "voters")


def nested_problems(p: dict) -> list[Problem]:
    """Cross-field problems: bounds in order, and only a numeric menu chosen per neighbourhood."""
    problems = []
    if p["local_floor"] > p["local_ceiling"]:
        problems.append(Problem("local_floor", f"{p['local_floor']} is above local_ceiling {p['local_ceiling']}", p["local_floor"],
                                "a floor at most the ceiling"))
    if p["choice_level"] == "neighbourhood" and p["choice_menu"] == "access":
        problems.append(Problem("choice_level", "the access boundary cannot be chosen per neighbourhood",
                                p["choice_level"], "city, or a choice menu of fine or monitoring"))
    return problems


class NestedChoice(RuleChoice):
    """Collective choice of the rule city-wide (as `RuleChoice`) or per neighbourhood, nested in the city's bounds."""

    def __init__(self, p: dict, n: int):
        """Partition the `n` citizens; no neighbourhood has chosen yet (-1)."""
        super().__init__(p)
        self.k = p["neighbourhoods"]
        self.block = neighbourhood_of(n, self.k)
        self.residents = np.bincount(self.block, minlength=self.k)
        self.local = np.full(self.k, -1, dtype=np.int64)  # menu position each neighbourhood chose
        self.local_support = np.zeros(self.k)
        self.rows: list[dict[str, Any]] = []  # this month's rows of the ``neighbourhoods`` table
        self.range = 0.0
        self.mean_option = -1.0  # menu position in force, averaged over residents (polycentric)

    @property
    def polycentric(self) -> bool:
        """Whether each neighbourhood chooses its own rule (more than one, at the local level)."""
        return self.k > 1 and self.p["choice_level"] == "neighbourhood"

    def step(self, model: Any) -> dict[str, Any] | None:
        """Hold this month's choice, city-wide or local; the lever values to apply (or ``None``)."""
        self.rows = []
        if not self.polycentric:
            self.restore(model)
            return super().step(model)
        if not self.active or model.steps % self.p["choice_cycle"]:
            return None
        voters = self.local_electorate(model.citizens.contribution)
        if not voters.size:
            return None
        name, options = MENUS[self.p["choice_menu"]]
        m = len(options)
        # The city's bounds: a ballot beyond them counts for the nearest bound.
        pick = np.clip(nearest(self.ideals(model, voters), m), self.p["local_floor"],
                       min(self.p["local_ceiling"], m - 1))
        votes = np.bincount(self.block[voters] * m + pick, minlength=self.k * m).reshape(self.k, m)
        for b in np.flatnonzero(votes.sum(axis=1)):
            self.local[b] = self.winner(model, votes[b])
            self.local_support[b] = votes[b, self.local[b]] / votes[b].sum()
            self.rows.append({"month": model.steps, "neighbourhood": int(b), "option": int(self.local[b]),
                              "value": float(options[self.local[b]]), "support": float(self.local_support[b]),
                              "voters": int(votes[b].sum())})
        values = np.where(self.local >= 0, np.take(np.array(options, dtype=np.float64), self.local),
                          float(self.p[name]))
        setattr(model.rules.sanctions, name, values[self.block])  # each resident, its neighbourhood's rule
        self.range = float(values.max() - values.min())
        chosen = self.local >= 0
        self.mean_option = float(np.average(self.local[chosen], weights=self.residents[chosen]))
        self.support = float(np.take_along_axis(votes, np.maximum(self.local, 0)[:, None], 1).sum() / votes.sum())
        return {"legitimacy": self.chosen_legitimacy()}

    def local_electorate(self, contribution: np.ndarray) -> np.ndarray:
        """The co-producers, or each neighbourhood's council of its ``choice_council`` most engaged."""
        voters = np.flatnonzero(contribution > 0)
        if self.p["choice"] != "council":
            return voters
        voters = voters[np.lexsort((-contribution[voters], self.block[voters]))]
        blocks = self.block[voters]
        rank = np.arange(voters.size) - np.searchsorted(blocks, blocks)
        return np.sort(voters[rank < self.p["choice_council"]])

    def restore(self, model: Any) -> None:
        """Back to one city-wide rule: the scalar in force replaces the local ones."""
        if self.local.max(initial=-1) < 0:
            return
        name = MENUS[self.p["choice_menu"]][0]
        rule = model.rules.sanctions
        if name in rule.values:
            setattr(rule, name, rule.values[name])
        self.local[:] = -1
        self.range, self.mean_option = 0.0, -1.0

    def outcomes(self, took_part: np.ndarray | None = None) -> dict[str, float]:
        """This month's reporters; the participation gap from who took part (``None``: no gap)."""
        gap = 0.0
        if self.k > 1 and took_part is not None:
            rate = np.bincount(self.block, weights=took_part, minlength=self.k) / np.maximum(self.residents, 1)
            gap = float(rate.max() - rate.min())
        out = {**super().outcomes(), "local_rule_range": self.range, "neighbourhood_participation_gap": gap}
        if self.polycentric:
            out["rule_chosen_option"] = self.mean_option
        return out
