"""Issue-3 levers of the administration side: exact behaviour and direction over seeds."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.governance.interaction import CoDelivery, CoDesign, Consultation
from sim.model.administration import austerity_production, integration_efficiency
from sim.model.service import digital_cost_factor

SEEDS = range(4)


def tail(outcome: str, steps: int = 60, **params) -> list[float]:
    out = []
    for seed in SEEDS:
        model = CoProductionModel(rng=seed, citizens=800, **params)
        for _ in range(steps):
            model.step()
        out.append(model.datacollector.get_model_vars_dataframe()[outcome].tail(15).mean())
    return out


def better(low: list[float], high: list[float], margin: float) -> bool:
    """Higher in every seed, and by more than `margin` of the lower mean on average (relative)."""
    return (all(h > lo for h, lo in zip(high, low, strict=True))
            and np.mean(high) > np.mean(low) * (1.0 + margin))


def test_integration_and_austerity_exact():
    assert integration_efficiency(1, 0.0) == 1.0
    assert integration_efficiency(3, 0.0) == pytest.approx(1 / 3)
    assert integration_efficiency(3, 1.0) == 1.0
    assert integration_efficiency(4, 0.5) == pytest.approx(0.625)
    assert austerity_production(0.1, 0.04, 1.0) == pytest.approx(0.06)
    assert austerity_production(0.1, 0.5, 1.0) == 0.0
    assert austerity_production(0.1, 0.5, 0.0) == 0.1


def test_digital_cost_factor_exact():
    skill = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(digital_cost_factor(skill, 1.0, 0.5), [1.5, 1.0, 0.5])
    np.testing.assert_allclose(digital_cost_factor(skill, 0.0, 0.5), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(digital_cost_factor(skill, 1.0, 2.0), [3.0, 1.0, 0.1])


def test_interaction_modes_exact():
    current = np.array([1.0, 0.5, 0.0, 0.0])
    acted = np.array([1.0, 0.0, 0.0, 0.0])
    skill = np.array([0.5, 1.0, 1.0, 1.0])
    consult, deliver = Consultation(), CoDelivery()
    assert consult.coproduce(current, acted, skill) == pytest.approx(0.125)
    assert deliver.coproduce(current, acted, skill) == pytest.approx(0.25)
    design = CoDesign(design_learning=1.0, design_ceiling=1.0, design_obsolescence=0.0)
    design.setup(None, None)
    assert design.coproduce(current, acted, skill) == pytest.approx(0.0625)
    assert design.production_multiplier() == pytest.approx(2.0 - np.exp(-0.125))
    for _ in range(200):
        design.coproduce(current, acted, skill)
    assert design.production_multiplier() == pytest.approx(2.0)  # never forgotten: saturates at the ceiling


def test_co_design_gain_settles_where_learning_and_forgetting_balance_and_fades_without_input():
    current = np.array([1.0, 0.5, 0.0, 0.0])
    acted = np.array([1.0, 0.0, 0.0, 0.0])
    skill = np.array([0.5, 1.0, 1.0, 1.0])
    design = CoDesign(design_learning=1.0, design_ceiling=1.0, design_obsolescence=0.1)
    design.setup(None, None)
    design.coproduce(current, acted, skill)
    x = 1.0 - np.exp(-0.125)  # share of the room to the ceiling learned in a month
    assert design.design_gain == pytest.approx(x * 0.9)  # learned, then a tenth forgotten
    for _ in range(300):
        design.coproduce(current, acted, skill)
    assert design.design_gain == pytest.approx(x * 0.9 / (x + 0.1 - 0.1 * x))  # g = (g + (1 - g) x)(1 - d)
    settled = design.design_gain
    for _ in range(12):
        design.coproduce(current, np.zeros(4), skill)
    assert design.design_gain == pytest.approx(settled * 0.9**12)  # no input: it fades


def test_interoperability_raises_quality_with_three_administrations():
    silos = tail("quality", administrations=3, interoperability=0.0)
    joined = tail("quality", administrations=3, interoperability=1.0)
    assert better(silos, joined, 0.3)  # 30 % more quality


def test_data_control_raises_data_contributions():
    assert better(tail("data_contributions", data_control=0.0),
                  tail("data_contributions", data_control=1.0), 0.5)


def test_austerity_response_lowers_trust_and_quality():
    kw = dict(responsiveness=0.8)
    assert better(tail("trust", austerity_response=1.0, **kw), tail("trust", **kw), 0.02)
    assert better(tail("quality", austerity_response=1.0, **kw), tail("quality", **kw), 0.05)


def test_digital_channel_widens_inclusiveness_gap():
    kw = dict(channel="online", group_skill_gap=0.6, interaction="co_delivery", responsiveness=0.9)
    flat = tail("inclusiveness_gap", digital_cost_gap=0.0, **kw)
    steep = tail("inclusiveness_gap", digital_cost_gap=1.5, **kw)
    assert better(flat, steep, 0.2)


def test_co_design_raises_quality_over_consultation():
    assert better(tail("quality", interaction="consultation"),
                  tail("quality", interaction="co_design"), 0.02)


def test_participatory_budgeting_table_per_cycle():
    model = CoProductionModel(rng=3, citizens=1500, pb_share=0.2, pb_cycle=4, pb_delay=2,
                              voting="equal_shares")
    for _ in range(30):
        model.step()
    table = model.datacollector.get_table_dataframe("budgeting")
    assert list(table.step) == [4, 8, 12, 16, 20, 24, 28][: len(table)] and len(table) >= 6
    for col in ("turnout", "turnout_g0", "turnout_g1", "turnout_g2", "proposed", "funded",
                "implemented", "preference_gap"):
        assert col in table.columns
    assert (table.implemented <= table.funded).all() and (table.funded <= table.proposed).all()
    assert table.turnout.between(0, 1).all() and (table.funded > 0).all()


def test_equal_shares_narrows_preference_gap_in_the_model():
    gaps = {}
    for rule in ("plurality", "equal_shares"):
        gaps[rule] = []
        for seed in range(3):
            model = CoProductionModel(rng=seed, citizens=1500, pb_share=0.2, pb_cycle=2,
                                      pb_delay=0, voting=rule)
            for _ in range(12):
                model.step()
            gaps[rule].append(model.datacollector.get_table_dataframe("budgeting").preference_gap.mean())
    assert np.mean(gaps["equal_shares"]) < np.mean(gaps["plurality"]) - 0.1


def test_firm_reciprocity_lowers_firm_free_riding():
    kw = dict(firms=60, channel="online", data_openness=0.8)
    takers = tail("firm_free_rider_share", firm_reciprocity=0.1, **kw)
    givers = tail("firm_free_rider_share", firm_reciprocity=0.9, **kw)
    assert better(givers, takers, 0.4)  # takers free ride 40 % more


def test_implementing_budget_winners_raises_efficacy():
    kw = dict(pb_share=0.3, pb_cycle=3, pb_delay=1)
    assert better(tail("efficacy", pb_implementation=0.0, **kw), tail("efficacy", pb_implementation=1.0, **kw), 0.02)


def test_co_delivery_raises_citizens_quality_over_consultation():
    # Reports switched off: citizens' quality then comes from collective effort alone, all
    # of which adds quality in co-delivery and only the acted-on half in a consultation.
    # (With reports on, reports dominate citizens' quality and seeds differ more than modes.)
    kw = dict(encounter_rate=0.0)
    assert better(tail("quality_citizens", interaction="consultation", **kw),
                  tail("quality_citizens", interaction="co_delivery", **kw), 0.05)
