"""Lab public-goods sessions played by the model, with each player's earnings per round.

A session is a lab scenario (`scenarios/lab_*.yaml`) run for a number of rounds. Earnings
are the lab's, in units of the endowment: what a player kept, plus the MPCR times the
group's contributions, minus the punishment it received and the cost of punishing
(Fehr & Gächter 2000's payoff; the model's fines and punishing costs are in the same
units, a month's, here a round's, endowment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.validation.patterns import run

LAB = "lab_public_goods"
LAB_PUNISHMENT = "lab_public_goods_punishment"


@dataclass(frozen=True)
class Session:
    """What one lab session produced.

    Attributes:
        contribution: Mean contribution (share of the endowment) per round.
        earnings: Mean earnings (in endowments) per round.
        first: Each player's contribution in round 1.
        last: Each player's contribution in the last round.
        types: Each player's contributor type code (`sim.model.population.TYPE_NAMES`).
        group: Each player's group index.
    """

    contribution: np.ndarray
    earnings: np.ndarray
    first: np.ndarray
    last: np.ndarray
    types: np.ndarray
    group: np.ndarray


def play(name: str, seed: int, rounds: int, sets: dict[str, Any] | None = None) -> Session:
    """Play lab scenario `name` for `rounds` rounds with overrides `sets`."""
    contribution: list[float] = []
    earnings: list[float] = []
    first: list[np.ndarray] = []

    def observe(model) -> None:
        record, p = model.last_step, model.p
        group = np.arange(record.contribution.shape[0]) // p["group_size"]
        pot = np.bincount(group, weights=record.contribution)[group]
        kept = 1.0 - record.contribution + p["mpcr"] * pot
        earned = kept - record.fines - record.punishing_cost
        contribution.append(float(record.contribution.mean()))
        earnings.append(float(earned.mean()))
        if not first:
            first.append(record.contribution.copy())

    model = run(name, seed, {**(sets or {}), "game.rounds": rounds}, observe=observe)
    n = model.citizens.n
    return Session(np.array(contribution), np.array(earnings), first[0],
                   model.last_step.contribution.copy(), model.citizens.ctype.copy(),
                   np.arange(n) // model.p["group_size"])


def sessions(name: str, reps: int, rounds: int, sets: dict[str, Any] | None = None) -> list[Session]:
    """`reps` sessions of `name`, seeds 0 .. reps-1 (paired across treatments)."""
    return [play(name, seed, rounds, sets) for seed in range(reps)]


def mean_earnings(runs: list[Session]) -> np.ndarray:
    """Each session's mean earnings per round."""
    return np.array([s.earnings.mean() for s in runs])


def mean_contribution(runs: list[Session]) -> np.ndarray:
    """Each session's mean contribution over its rounds."""
    return np.array([s.contribution.mean() for s in runs])
