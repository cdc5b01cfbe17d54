"""Collective choice of rules (`sim.model.choice`): exact ballots and the effect of choosing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import CoProductionModel
from sim.model.choice import MENUS, ballots, ideal_positions

COMMONS = {"access": "registered", "interaction": "co_design", "sanctions": "peer", "monitoring": 0.6,
           "fine": 0.3, "graduation": 2.0, "responsiveness": 0.7}


def test_ideal_positions_and_ballots_exact():
    own = np.array([0.4, 0.4, 0.4, 0.2, 0.3])
    neighbours = np.array([0.4, 0.2, 0.0, 0.4, 0.2])
    np.testing.assert_allclose(ideal_positions(own, neighbours), [0.0, 0.5, 1.0, 0.0, 1 / 3])
    # 4 options at 0, 1/3, 2/3, 1: ideal 0.5 is a tie between 1/3 and 2/3 -> the less stringent
    assert ballots(np.array([0.0, 0.5, 1.0, 0.0, 1 / 3]), 4).tolist() == [2, 2, 0, 1]
    assert ballots(np.array([0.9, 0.6, 0.2]), 3).tolist() == [1, 1, 1]  # 1.8 -> 2, 1.2 -> 1, 0.4 -> 0


@pytest.mark.parametrize("voting", ["plurality", "equal_shares", "proportional"])
def test_a_choice_applies_the_winner_through_set_levers(voting):
    model = CoProductionModel(rng=4, citizens=300, choice="direct", choice_cycle=6, voting=voting, **COMMONS)
    for _ in range(5):
        model.step()
    assert model.p["fine"] == 0.3 and model.choice.option == -1  # imposed until the first vote
    given = model.citizens.contribution.copy()
    voters = np.flatnonzero(given > 0)
    model.step()  # month 6: the vote, at the start of the month, on last month's contributions
    votes = model.choice.votes
    assert votes.sum() == voters.size
    winner = int(np.argmax(votes))  # the most approved; ties to the less stringent
    assert model.choice.option == winner and model.p["fine"] == MENUS["fine"][1][winner]
    assert model.rules.sanctions.legitimacy == pytest.approx(0.6 + 0.4 * 0.4)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["rule_chosen_option"].tolist() == [-1.0] * 5 + [float(winner)]
    assert frame["rule_choice_support"].iloc[-1] == pytest.approx(votes[winner] / votes.sum())


def test_a_council_is_the_most_engaged_and_imposed_changes_nothing():
    model = CoProductionModel(rng=4, citizens=300, choice="council", choice_council=5, choice_cycle=3, **COMMONS)
    for _ in range(3):
        model.step()
    assert model.choice.votes.sum() == 5
    plain = CoProductionModel(rng=1, citizens=200, **COMMONS)
    off = CoProductionModel(rng=1, citizens=200, choice="imposed", choice_premium=0.9, **COMMONS)
    for m in (plain, off):
        for _ in range(15):
            m.step()
    pd.testing.assert_frame_equal(plain.datacollector.get_model_vars_dataframe(),
                                  off.datacollector.get_model_vars_dataframe())
