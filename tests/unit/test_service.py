"""Exact tests of the service (channels, stocks by source), individual acts and metrics."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.acts import individual_acts
from sim.model.metrics import gini, group_gap, share, top_share
from sim.model.parameters import defaults
from sim.model.service import Quality, offline_factor, online_factor, quality_per_user, support

P = defaults()


def test_service_channels_are_per_capita():
    assert online_factor(0.5, 0.3, 0.5) == 1.0
    assert online_factor(0.8, 1 / 3, 0.1) == pytest.approx(2.0)
    assert offline_factor(0.5, 1.0) == 1.0 and offline_factor(4.0, 1.0) == 0.25
    p = dict(P, network_effect=0.0, offline_capacity_share=0.1)
    # half the users offline (0.2 of citizens) against a capacity of 0.1: half the quality there
    assert quality_per_user(2.0, 0.4, 0.5, p) == pytest.approx(2.0 * (0.5 + 0.5 * 0.5))


def test_quality_stocks_depreciate_alike_and_sum_exactly():
    q = Quality(1.0)
    total = q.step(0.1, np.array([0.1, 0.05, 0.02, 0.03]))
    np.testing.assert_allclose(q.stocks, [1.0, 0.05, 0.02, 0.03])
    assert total == q.total == pytest.approx(1.1) and total == float(q.stocks.sum())
    q.step(0.5, np.zeros(4))
    np.testing.assert_allclose(q.stocks, [0.5, 0.025, 0.01, 0.015])
    assert set(q.by_source()) == {"quality_administration", "quality_citizens", "quality_firms", "quality_data"}


def test_support_scales_coproduction_with_the_administrations_effort():
    assert support(1.0, 0.5) == 1.0 and support(0.0, 0.5) == 0.5 and support(2.0, 1.0) == 2.0
    assert support(0.0, 0.0) == support(5.0, 0.0) == 1.0


def test_individual_acts_need_an_encounter_and_use():
    n = 40_000
    p = dict(P, encounter_rate=1.0, data_value=0.05)
    uses = np.ones(n, dtype=bool)
    uses[: n // 2] = False
    acts = individual_acts(uses, np.ones(n), np.full(n, 0.5), np.full(n, 1.0), np.ones(n), p, np.random.default_rng(0))
    assert not acts.any[: n // 2].any()  # non-users meet none of the service's problems
    # met 1 a month, propensity 0.5: a hurdle at r = 0.5, then 1 + Poisson(0.5) reports
    users = acts.reports[n // 2:]
    assert abs((users > 0).mean() - 0.5) < 0.01
    assert abs(users.mean() - 0.5 * 1.5) < 0.02
    assert acts.shared[n // 2:].all()  # min(1, met) x consent 1: everyone who met shares
    no_platform = individual_acts(uses, np.ones(n), np.ones(n), np.ones(n), np.ones(n), dict(p, data_value=0.0),
                                  np.random.default_rng(0))
    assert not no_platform.shared.any()


def test_metrics():
    assert gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    assert gini(np.full(10, 0.3)) == pytest.approx(0.0)
    assert gini(np.zeros(5)) == 0.0
    values = np.zeros(200)
    values[:2] = 1.0
    values[2:] = 2.0 / 198
    assert top_share(values, 0.01) == pytest.approx(0.5)
    assert share(np.array([True, False, True, True])) == 0.75
    assert share(np.array([True, False]), within=np.array([False, True])) == 0.0
    active = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    assert group_gap(active, np.array([0, 0, 1, 1, 2, 2]), 3) == pytest.approx(1.0)
