"""Stakeholder engagement (campaigns, consultation) and bilateral agreements (inGov)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.model.agreements import agreement_efficiency, pairs, partners
from sim.model.engagement import Engagement
from sim.primitives.stats import STEADY_WINDOW


def test_a_campaign_reaches_its_share_and_fades_by_its_memory():
    p = {"campaign_reach": 1.0, "campaign_effect": 0.5, "campaign_memory": 0.25, "campaign_cost": 0.02}
    e = Engagement(p, 100, np.random.default_rng(1))
    assert e.run() == pytest.approx(0.02)  # everyone reached: 0.02 per citizen
    np.testing.assert_allclose(e.factor(), 1.5)
    p["campaign_reach"] = 0.0
    assert e.run() == 0.0
    np.testing.assert_allclose(e.factor(), 1.0 + 0.5 * 0.75)  # a quarter forgotten
    e.replace(np.arange(10))
    np.testing.assert_allclose(e.factor()[:10], 1.0)
    assert e.outcomes()["campaign_awareness"] == pytest.approx(0.9 * 0.75)


def test_no_campaign_allocates_nothing():
    model = CoProductionModel(rng=1, citizens=200)
    model.step()
    assert model.institutions.engagement.awareness is None
    assert model.institutions.informed() is None


def test_agreements_open_the_siloed_effort_to_partners():
    assert pairs(4)[:3] == [(0, 1), (1, 2), (2, 3)]  # neighbours in the chain first
    assert partners(3, 1.0) == [[1, 2], [0, 2], [0, 1]]
    assert partners(3, 0.0) == [[], [], []]
    assert agreement_efficiency(4, 0.2, 0.0) == pytest.approx(0.2 + 0.8 / 4)
    assert agreement_efficiency(4, 0.2, 1.0) == pytest.approx(1.0)  # every pair agrees
    assert agreement_efficiency(4, 0.2, 0.5) == pytest.approx(0.2 + 0.8 * 2.5 / 4)  # 3 of 6 pairs


def test_agreements_set_the_models_efficiencies_partners_and_cost():
    model = CoProductionModel(rng=2, citizens=300, administrations=3, interoperability=0.0,
                              delivery_agreements=1.0, data_agreements=0.0, agreement_cost=0.01)
    assert model.integration == pytest.approx(1.0)
    assert model.citizen_integration == pytest.approx(1 / 3)
    assert [a.partners for a in model.administrations] == [[1, 2], [0, 2], [0, 1]]
    base = CoProductionModel(rng=2, citizens=300, administrations=3, interoperability=0.0)
    model.step()
    base.step()
    assert model.institutions._month.cost == pytest.approx(3 * 0.01)
    model.set_levers(data_agreements=1.0, delivery_agreements=0.0)
    assert model.citizen_integration == pytest.approx(1.0) and model.integration == pytest.approx(1 / 3)
    assert all(a.partners == [] for a in model.administrations)


def _steady(seed: int, names: tuple[str, ...], **params) -> dict[str, float]:
    model = CoProductionModel(rng=seed, citizens=800, **params)
    for _ in range(120):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    return {k: float(df[k].iloc[-STEADY_WINDOW:].mean()) for k in names}


@pytest.mark.parametrize("interaction", ["consultation", "reporting"])
def test_a_campaign_raises_participation(interaction):
    names = ("participation",)
    leaflets, offs = [], []
    for seed in (1, 2, 3):
        off = _steady(seed, names, interaction=interaction)["participation"]
        canvass = _steady(seed, names, interaction=interaction, campaign_reach=0.1, campaign_effect=1.0)
        leaflet = _steady(seed, names, interaction=interaction, campaign_reach=0.1)
        assert canvass["participation"] > off
        leaflets.append(leaflet["participation"])
        offs.append(off)
    assert np.mean(leaflets) > np.mean(offs)  # a leaflet's effect is small: read on the mean


def test_consultation_makes_commissioning_more_representative():
    represented = {}
    for share in (0.0, 0.2):
        values = []
        for seed in (1, 2, 3):
            model = CoProductionModel(rng=seed, citizens=800, lifecycle_cycle=12, commissioning_voice=1.0,
                                      pb_needs_gap=1.0, consultation_sample=share)
            for _ in range(120):
                model.step()
            rows = model.datacollector.get_table_dataframe("lifecycle")
            values.append(rows.representation[rows.phase == "commissioning"].mean())
        represented[share] = np.mean(values)
    assert represented[0.2] > represented[0.0]


@pytest.mark.parametrize("interoperability", [0.0, 0.5])
def test_agreements_raise_quality_where_administrations_are_siloed(interoperability):
    base = {"administrations": 4, "interoperability": interoperability, "interaction": "co_delivery"}
    for seed in (1, 2, 3):
        none = _steady(seed, ("quality",), **base)["quality"]
        delivery = _steady(seed, ("quality",), **base, delivery_agreements=1.0)["quality"]
        data = _steady(seed, ("quality",), **base, data_agreements=1.0)["quality"]
        assert delivery > none and data > none
