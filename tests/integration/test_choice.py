"""Collective choice of rules over seeds and settings: chosen rules are obeyed more willingly."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel

SEEDS = range(3)
COMMONS = {"citizens": 400, "access": "registered", "interaction": "co_design", "fine": 0.3,
           "graduation": 2.0, "responsiveness": 0.7}


def steady(outcome: str, seed: int, **params) -> float:
    model = CoProductionModel(rng=seed, **{**COMMONS, **params})
    for _ in range(120):
        model.step()
    return float(model.datacollector.get_model_vars_dataframe()[outcome].iloc[-24:].mean())


#: A cell where the claim's size (5 % more participation) is missed: 0.523 vs 0.498 (4.9 %), higher
#: in every seed, since co-design's gain is forgotten (`design_obsolescence`). Strict: a change shows.
SMALL_GAIN = pytest.mark.xfail(strict=True, reason="chosen rules raise participation by 4.9 %, not 5 %")


@pytest.mark.parametrize(("monitoring", "sanctions"), [
    (0.3, "peer"), pytest.param(0.3, "admin", marks=SMALL_GAIN), (0.6, "peer"), (0.6, "admin")])
def test_rules_chosen_by_the_users_raise_legitimacy_and_participation(sanctions, monitoring):
    lever = {"sanctions": sanctions, "monitoring": monitoring}
    imposed = [steady("participation", s, **lever) for s in SEEDS]
    chosen = [steady("participation", s, choice="direct", **lever) for s in SEEDS]
    legit_imposed = [steady("legitimacy", s, **lever) for s in SEEDS]
    legit_chosen = [steady("legitimacy", s, choice="direct", **lever) for s in SEEDS]
    options = [steady("rule_chosen_option", s, choice="direct", **lever) for s in SEEDS]
    assert all(c > i + 0.1 for c, i in zip(legit_chosen, legit_imposed, strict=True))  # premium 0.4 of 0.4
    if max(options) > 1:  # the fine was raised above 0.25 at least half the time: more take part
        assert all(c > i for c, i in zip(chosen, imposed, strict=True)) and np.mean(chosen) > 1.05 * np.mean(imposed)
    else:  # the voters always chose a milder fine (0.25) than the one imposed: legitimacy does not make up for it
        assert (sanctions, monitoring) == ("admin", 0.6) and np.mean(chosen) < np.mean(imposed)


def test_the_democracy_premium_is_what_makes_the_difference():
    lever = {"sanctions": "peer", "monitoring": 0.6, "choice": "direct"}
    without = [steady("participation", s, choice_premium=0.0, **lever) for s in SEEDS]
    full = [steady("participation", s, choice_premium=0.8, **lever) for s in SEEDS]
    legit = [steady("legitimacy", s, choice_premium=0.8, **lever) - steady("legitimacy", s, choice_premium=0.0, **lever)
             for s in SEEDS]
    assert all(d > 0.2 for d in legit) and np.mean(full) > np.mean(without)
