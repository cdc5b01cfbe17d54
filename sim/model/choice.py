"""Collective choice of rules (Ostrom's third design principle): users choose the rules they live under.

With ``choice`` other than ``imposed``, every ``choice_cycle`` months (at the start of the
month, after any timed policy change) the rule of the menu ``choice_menu`` is chosen:

* **Menu.** One ordered list of rule settings, from the least to the most stringent:
  the first fine (`MENUS`: ``fine`` 0 / 0.25 / 0.5 / 1), the monitoring intensity
  (``monitoring`` 0 / 0.2 / 0.4 / 0.6) or the boundary (``access`` open / registered /
  invited).
* **Who chooses.** ``direct``: every citizen who gave time last month (the co-producers;
  those who do not take part abstain). ``council``: the ``choice_council`` co-producers who
  gave the most, elected by the others (elected monitors, Baldassarri & Grossman 2011).
* **Preferences.** A voter wants rules as stringent as the shortfall it sees: its ideal
  position on the menu is ``1 - neighbours' mean contribution / own contribution``
  (clipped to [0, 1]), and it votes for the option nearest that ideal. Contributors vote to
  sanction those who give less than they do, and only those (Ertan, Page & Putterman 2009);
  free riders -- who would pay the fines -- do not vote for them, and support for the
  sanctioning institution grows as cooperators see others fall short (Gürerk, Irlenbusch &
  Rockenbach 2006). Ballots (one approved option each) are counted by the run's voting rule
  (`sim.governance.voting`); for a one-winner menu every rule elects the most-approved
  option (ties: the less stringent).
* **Effect.** The chosen setting takes effect through `sim.model.levers.apply_levers`
  (``set_levers``), and the regime's legitimacy target rises by ``choice_premium`` of the
  gap to full legitimacy: a rule chosen by those it binds is obeyed more willingly than the
  same rule imposed (the democracy premium, Dal Bó, Foster & Putterman 2010), so it crowds
  out less willingness (``crowding_out``).

No random draws: switching collective choice on shifts no other stream. Reporters:
``rule_chosen_option`` (menu position of the rule in force, 0 = least stringent, -1 while
imposed) and ``rule_choice_support`` (share of the ballots the winner got).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.neighbourhood import neighbour_means
from sim.primitives.params import Param

OSTROM3 = "Ostrom 1990 (principle 3, collective-choice arrangements)"
DFP = "Dal Bó, Foster & Putterman 2010 (democracy premium)"
#: Menu name -> (parameter it sets, options from least to most stringent).
MENUS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "fine": ("fine", (0.0, 0.25, 0.5, 1.0)),
    "monitoring": ("monitoring", (0.0, 0.2, 0.4, 0.6)),
    "access": ("access", ("open", "registered", "invited")),
}
CHOICE_PARAMS: tuple[Param, ...] = (
    Param("choice", "imposed", "Who sets the rule of the menu: the administration (imposed), the co-producers by vote (direct) or a council they elect.", "governance", choices=("imposed", "direct", "council"), source=OSTROM3),
    Param("choice_menu", "fine", "The rule chosen collectively: the first fine, the monitoring intensity or the access boundary.", "governance", choices=tuple(MENUS), source="Gürerk, Irlenbusch & Rockenbach 2006; Ertan, Page & Putterman 2009"),
    Param("choice_cycle", 12, "Months between collective choices of the rule.", "governance", 1, 240, unit="months", source=OSTROM3),
    Param("choice_premium", 0.4, "Share of the gap to full legitimacy a rule gains when those it binds chose it.", "governance", 0.0, 1.0, source=DFP + "; Baldassarri & Grossman 2011 (elected monitors)"),
    Param("choice_council", 9, "Members of the elected council (the co-producers who gave the most).", "governance", 1, 10_000, source="Baldassarri & Grossman 2011"),
)
CHOICE_NAMES: frozenset[str] = frozenset(p.name for p in CHOICE_PARAMS)


def ideal_positions(own: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Each voter's ideal stringency in [0, 1]: the share by which neighbours fall short of it."""
    return np.clip(1.0 - neighbours / np.maximum(own, 1e-12), 0.0, 1.0)


def nearest(ideal: np.ndarray, options: int) -> np.ndarray:
    """Each voter's approved option: the one nearest its ideal (ties: the less stringent)."""
    return np.clip(np.rint(np.nextafter(ideal * (options - 1), -np.inf)).astype(np.int64), 0, options - 1)


def ballots(ideal: np.ndarray, options: int) -> np.ndarray:
    """Votes per option: each voter approves the option nearest its ideal (ties: less stringent)."""
    return np.bincount(nearest(ideal, options), minlength=options)


class RuleChoice:
    """The collective choice of one rule, run at the start of every cycle month."""

    def __init__(self, p: dict):
        """Remember the imposed legitimacy (the premium is added to it)."""
        self.p = p
        self.imposed_legitimacy = p["legitimacy"]
        self.option = -1  # menu position in force (-1: imposed)
        self.support = 0.0
        self.votes = np.zeros(0, dtype=np.int64)

    @property
    def active(self) -> bool:
        """Whether the users choose the rule (``choice`` is not ``imposed``)."""
        return self.p["choice"] != "imposed"

    def electorate(self, contribution: np.ndarray) -> np.ndarray:
        """Indices of those who choose: the co-producers, or the council among them."""
        voters = np.flatnonzero(contribution > 0)
        if self.p["choice"] == "council" and voters.size > self.p["choice_council"]:
            order = np.argsort(-contribution[voters], kind="stable")  # the most engaged, elected
            voters = voters[order[: self.p["choice_council"]]]
        return voters

    def step(self, model: Any) -> dict[str, Any] | None:
        """Hold this month's choice if one is due; the lever values it set (or ``None``)."""
        p = self.p
        if not self.active or model.steps % p["choice_cycle"]:
            return None
        voters = self.electorate(model.citizens.contribution)
        if not voters.size:
            return None
        name, options = MENUS[p["choice_menu"]]
        self.votes = ballots(self.ideals(model, voters), len(options))
        self.option = self.winner(model, self.votes)
        self.support = float(self.votes[self.option] / self.votes.sum())
        return {name: options[self.option], "legitimacy": self.chosen_legitimacy()}

    @staticmethod
    def ideals(model: Any, voters: np.ndarray) -> np.ndarray:
        """The `voters`' ideal stringency, from their and their neighbours' last contributions."""
        c = model.citizens
        neighbours = neighbour_means(model.adjacency, c.contribution[:, None], model.degree,
                                     np.array([float(c.contribution.mean())]))[:, 0]
        return ideal_positions(c.contribution[voters], neighbours[voters])

    @staticmethod
    def winner(model: Any, votes: np.ndarray) -> int:
        """The menu position the run's voting rule elects from the votes per option."""
        k = votes.shape[0]
        funded = model.rules.voting.allocate(np.eye(k, dtype=bool), votes, np.ones(k), 1.0)
        return int(np.flatnonzero(funded)[0])

    def chosen_legitimacy(self) -> float:
        """The legitimacy target of a rule chosen by those it binds (the democracy premium)."""
        return self.imposed_legitimacy + self.p["choice_premium"] * (1.0 - self.imposed_legitimacy)

    def outcomes(self) -> dict[str, float]:
        """This month's reporters."""
        return {"rule_chosen_option": float(self.option), "rule_choice_support": self.support}

