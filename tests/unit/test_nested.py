"""Nested levels (`sim.model.nested`): each neighbourhood runs the rule it chose, within the city's bounds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import CoProductionModel
from sim.model.parameters import resolve_model_params
from sim.model.population import contrasted_shares, draw_types, neighbourhood_of, type_shares
from sim.primitives.errors import InputError

# Four cliques of four (the lab `groups` network): neighbourhood 0 is cliques 0-1, neighbourhood 1 cliques 2-3.
CLIQUES = {"citizens": 16, "network": "groups", "group_size": 4, "neighbourhoods": 2, "choice": "direct",
           "choice_cycle": 1, "choice_menu": "fine", "sanctions": "peer", "fine": 0.3, "monitoring": 0.6}
# Neighbourhood 0: everybody gives alike (nobody falls short: all want no fine). Neighbourhood 1: one
# giver per clique among three who give nothing (all of its voters want the stiffest fine).
GIVEN = np.array([0.5] * 8 + [0.5, 0, 0, 0, 0.5, 0, 0, 0])


def voted(**params) -> CoProductionModel:
    model = CoProductionModel(rng=1, **{**CLIQUES, **params})
    model.citizens.contribution = GIVEN.copy()
    model.step()  # month 1: the vote, at the start of the month, on these contributions
    return model


def test_opposite_unanimous_neighbourhoods_choose_opposite_rules_and_each_resident_runs_its_own():
    model = voted(choice_level="neighbourhood")
    fine = model.rules.sanctions.fine
    assert model.choice.local.tolist() == [0, 3]  # no fine / the stiffest (1.0)
    assert fine.tolist() == [0.0] * 8 + [1.0] * 8
    assert model.p["fine"] == 0.3  # the city's own setting is untouched
    offences = np.zeros(2, dtype=np.float32)  # the records of citizens 3 and 12
    assert model.rules.sanctions.fine_of(offences, np.array([3, 12])).tolist() == [0.0, 1.0]
    table = model.datacollector.get_table_dataframe("neighbourhoods")
    assert table[["neighbourhood", "option", "value", "support", "voters"]].values.tolist() == [
        [0, 0, 0.0, 1.0, 8], [1, 3, 1.0, 1.0, 2]]
    out = model.last_step.outcomes
    assert out["local_rule_range"] == 1.0 and out["rule_choice_support"] == 1.0
    assert out["rule_chosen_option"] == 1.5  # menu positions 0 and 3, eight residents each


def test_one_city_wide_choice_binds_everyone_to_the_majority_rule():
    model = voted(choice_level="city")  # 8 ballots for no fine, 2 for the stiffest
    assert model.p["fine"] == 0.0 and np.ndim(model.rules.sanctions.fine) == 0
    assert model.last_step.outcomes["local_rule_range"] == 0.0


def test_the_city_bounds_local_choices():
    model = voted(choice_level="neighbourhood", local_floor=1, local_ceiling=2)
    assert model.choice.local.tolist() == [1, 2]
    assert model.rules.sanctions.fine.tolist() == [0.25] * 8 + [0.5] * 8


def test_a_council_is_elected_in_each_neighbourhood():
    model = CoProductionModel(rng=1, **{**CLIQUES, "choice": "council", "choice_council": 1,
                                        "choice_level": "neighbourhood"})
    contribution = np.linspace(0.1, 0.9, 16)
    assert model.choice.local_electorate(contribution).tolist() == [7, 15]  # the most engaged of each


def test_back_to_the_city_level_restores_one_rule():
    model = voted(choice_level="neighbourhood")
    model.set_levers(choice_level="city")
    model.citizens.contribution = np.zeros(16)  # no voters: the city's rule, as imposed
    model.step()
    assert model.rules.sanctions.fine == 0.3 and model.choice.local.max() == -1


def test_one_neighbourhood_changes_nothing_bit_for_bit():
    commons = {"citizens": 300, "access": "registered", "interaction": "co_design", "sanctions": "peer",
               "choice": "direct", "choice_cycle": 6}
    plain = CoProductionModel(rng=3, **commons)
    local = CoProductionModel(rng=3, choice_level="neighbourhood", local_ceiling=1, neighbourhood_contrast=1.0,
                              **commons)
    for m in (plain, local):
        for _ in range(30):
            m.step()
    pd.testing.assert_frame_equal(plain.datacollector.get_model_vars_dataframe(),
                                  local.datacollector.get_model_vars_dataframe())


def test_contrast_moves_free_riders_between_neighbourhoods_not_the_city_mix():
    p = resolve_model_params({"neighbourhoods": 4, "neighbourhood_contrast": 1.0})
    shares = contrasted_shares(type_shares(p), 4, 1.0)
    np.testing.assert_allclose(shares[:, 1], [0.0, 0.2, 0.4, 0.6])  # free riders
    np.testing.assert_allclose(shares[:, 0], [0.8, 0.6, 0.4, 0.2])  # conditional cooperators
    np.testing.assert_allclose(shares.mean(axis=0), type_shares(p))
    assert neighbourhood_of(10, 4).tolist() == [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]
    # Without contrast, the draw is exactly numpy's choice over the city's shares.
    alike = resolve_model_params({"neighbourhoods": 4, "neighbourhood_contrast": 0.0})
    draw = draw_types(alike, 1000, np.random.default_rng(5))
    assert draw.tolist() == np.random.default_rng(5).choice(4, size=1000, p=type_shares(alike)).tolist()
    types = draw_types(p, 40_000, np.random.default_rng(5))
    block = neighbourhood_of(40_000, 4)
    free = [float(np.mean(types[block == b] == 1)) for b in range(4)]
    assert free[0] == 0.0 and free == sorted(free) and abs(free[3] - 0.6) < 0.02


@pytest.mark.parametrize(("given", "field"), [({"local_floor": 3, "local_ceiling": 1}, "local_floor"),
                                              ({"choice_level": "neighbourhood", "choice_menu": "access"},
                                               "choice_level")])
def test_bad_nesting_names_the_field(given, field):
    with pytest.raises(InputError) as info:
        resolve_model_params(given)
    assert [p.field for p in info.value.problems] == [field]
