"""Personal budgets: who is eligible, offered, takes one up, gains, and who is left out."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.model.turnover import move
from sim.primitives.stats import STEADY_WINDOW


def test_off_by_default_nobody_holds_a_budget():
    model = CoProductionModel(rng=1, citizens=300)
    for _ in range(3):
        model.step()
    pb = model.institutions.budgets
    assert not pb.any and pb.received(1.5) == 1.5
    assert model.last_step.outcomes["budget_holders"] == 0.0


def test_full_support_every_eligible_citizen_takes_it_and_gains_the_full_gain():
    model = CoProductionModel(rng=2, citizens=1000, budget_offer=1.0, budget_support=1.0,
                              budget_eligible=0.2, budget_gain=0.4, budget_cost=0.1)
    pb = model.institutions.budgets
    cost = pb.step()
    eligible = pb.eligible()
    assert eligible.sum() == 200  # the fifth of citizens with the highest need
    assert model.citizens.need[eligible].min() >= model.citizens.need[~eligible].max()
    np.testing.assert_array_equal(pb.holds, eligible)
    np.testing.assert_allclose(pb.gain[eligible], 0.4)  # capability 1: the whole gain
    assert cost == pytest.approx(0.1 * 200 / 1000)
    received = pb.received(2.0)
    np.testing.assert_allclose(received[eligible], 2.8)
    np.testing.assert_allclose(received[~eligible], 2.0)
    out = pb.outcomes()
    assert out["budget_take_up"] == 1.0 and out["budget_gap"] == 0.0 and out["budget_worse_off"] == 0.0


def test_a_holder_below_the_burden_is_worse_off():
    model = CoProductionModel(rng=3, citizens=500, budget_offer=1.0, budget_support=1.0)
    pb = model.institutions.budgets
    pb.step()
    model.p["budget_support"] = 0.0
    holders = np.flatnonzero(pb.holds)
    model.citizens.skill[holders[:5]] = 0.0  # cannot manage it at all
    model.citizens.skill[holders[5:]] = 1.0
    pb.step()
    np.testing.assert_allclose(pb.gain[holders[:5]], 0.3 * (0.0 - 0.3) / 0.7)
    assert pb.outcomes()["budget_worse_off"] == pytest.approx(5 / holders.size)


def test_take_up_is_capability_and_offers_are_topped_up():
    model = CoProductionModel(rng=4, citizens=20_000, budget_offer=0.5)
    pb = model.institutions.budgets
    pb.step()
    eligible = pb.eligible()
    offered = (pb.offered & eligible).sum() / eligible.sum()
    assert offered == pytest.approx(0.5, abs=0.04)
    # An offered citizen takes it with probability = its skill (no support planning).
    expected = model.citizens.skill[pb.offered].mean()
    assert pb.holds[pb.offered].mean() == pytest.approx(expected, abs=0.05)
    model.set_levers(budget_offer=1.0)
    pb.step()
    assert pb.offered[eligible].all()


def test_a_budget_leaves_with_the_resident_who_moves_away():
    model = CoProductionModel(rng=5, citizens=400, budget_offer=1.0, budget_support=1.0, turnover=1.0)
    pb = model.institutions.budgets
    pb.step()
    idx = move(model)
    assert idx.size and not pb.holds[idx].any() and not pb.offered[idx].any()


def _steady(seed: int, **params) -> dict[str, float]:
    model = CoProductionModel(rng=seed, citizens=1000, budget_offer=1.0, **params)
    for _ in range(120):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    names = ("budget_take_up", "budget_gap", "holder_quality_gain", "budget_worse_off")
    return {k: float(df[k].iloc[-STEADY_WINDOW:].mean()) for k in names}


@pytest.mark.parametrize("eligible", [0.1, 0.3])
def test_support_planning_raises_take_up_and_closes_the_gap(eligible):
    gaps = []
    for seed in (1, 2, 3, 4):
        alone = _steady(seed, budget_eligible=eligible)
        supported = _steady(seed, budget_eligible=eligible, budget_support=0.5)
        assert 0.35 < alone["budget_take_up"] < 0.65  # about ADASS 2012's 52.8 %
        assert alone["budget_gap"] > 0.0  # the least deprived take it up more
        assert supported["budget_take_up"] > alone["budget_take_up"]
        assert supported["holder_quality_gain"] > alone["holder_quality_gain"]
        assert supported["budget_worse_off"] < alone["budget_worse_off"]
        gaps.append((alone["budget_gap"], supported["budget_gap"]))
    # Support halves the capability gap between groups; a few hundred eligible per group
    # make one seed's gap noisy, so the direction is read on the mean over seeds.
    alone_gap, supported_gap = np.mean(gaps, axis=0)
    assert supported_gap < alone_gap
