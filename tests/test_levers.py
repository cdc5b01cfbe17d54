"""Issue-3 levers of the administration side: exact behaviour and direction over seeds."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.administration import austerity_production, integration_efficiency
from sim.governance.interaction import CoDelivery, CoDesign, Consultation
from sim.service import digital_cost_factor

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
    return all(h > lo for h, lo in zip(high, low, strict=True)) and np.mean(high) > np.mean(low) + margin


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
    design = CoDesign(design_learning=1.0, design_ceiling=1.0)
    design.setup(None, None)
    assert design.coproduce(current, acted, skill) == pytest.approx(0.0625)
    assert design.production_multiplier() == pytest.approx(2.0 - np.exp(-0.125))
    for _ in range(200):
        design.coproduce(current, acted, skill)
    assert design.production_multiplier() == pytest.approx(2.0)  # saturates at the ceiling


def test_interoperability_raises_quality_with_three_administrations():
    silos = tail("quality", administrations=3, interoperability=0.0)
    joined = tail("quality", administrations=3, interoperability=1.0)
    assert better(silos, joined, 0.3)


def test_data_control_raises_data_contributions():
    assert better(tail("data_contributions", data_control=0.0),
                  tail("data_contributions", data_control=1.0), 0.1)


def test_austerity_response_lowers_trust_and_quality():
    kw = dict(responsiveness=0.8)
    assert better(tail("trust", austerity_response=1.0, **kw), tail("trust", **kw), 0.02)
    assert better(tail("quality", austerity_response=1.0, **kw), tail("quality", **kw), 0.5)


def test_digital_channel_widens_inclusiveness_gap():
    flat = tail("inclusiveness_gap", channel="online", digital_cost_gap=0.0, group_skill_gap=0.6)
    steep = tail("inclusiveness_gap", channel="online", digital_cost_gap=1.5, group_skill_gap=0.6)
    assert np.mean(steep) > np.mean(flat) + 0.03


def test_co_design_raises_quality_over_consultation():
    assert better(tail("quality", interaction="consultation"),
                  tail("quality", interaction="co_design"), 0.1)
