"""Exact tests per mechanism, with inputs chosen so the answer is certain."""

from __future__ import annotations

import numpy as np
import pytest

from sim.governance import StepContext
from sim.governance.access import InvitedAccess, OpenAccess, RegisteredAccess
from sim.governance.response import RandomResponse
from sim.governance.rewards import Recognition
from sim.governance.sanctions import AdminSanctions, PeerSanctions
from sim.model import behaviour
from sim.model.metrics import gini, group_gap, share, top_share
from sim.model.parameters import defaults
from sim.model.population import CONDITIONAL, FREE_RIDER, HUMP, UNCONDITIONAL
from sim.model.service import next_quality, offline_factor, online_factor, quality_per_user
from tests.helpers import small_context

P = defaults()
TYPES = np.array([CONDITIONAL, FREE_RIDER, HUMP, HUMP, UNCONDITIONAL], dtype=np.int8)


def test_type_schedules():
    belief = np.array([0.6, 0.6, 0.3, 0.8, 0.1])
    slope = np.array([0.5, 0, 0, 0, 0])
    level = np.array([0, 0, 0, 0, 0.7])
    tau = behaviour.schedule(slope, level, np.flatnonzero(TYPES == HUMP), belief)
    np.testing.assert_allclose(tau, [0.3, 0.0, 0.3, 0.2, 0.7])


def test_willingness_equals_schedule_at_lab_incentives():
    tau = np.array([0.3, 0.0, 0.45, 0.9])
    factor, gain = behaviour.incentive_factors(np.ones(4), behaviour.REFERENCE_RETURN, 0.0, 0.5)
    out = behaviour.willingness(tau, np.full(4, P["trust_reference"]), factor, gain, P)
    np.testing.assert_allclose(out, tau)


def test_willingness_incentives_and_trust():
    p = dict(P, incentive_sensitivity=1.0, trust_weight=1.0, trust_reference=0.5)
    tau = np.array([0.2, 0.2, 0.0, 0.0])
    trust = np.array([0.5, 1.0, 0.5, 0.5])
    cost = np.array([0.7, 1.0, 1.0, 0.2])  # net cost 0.3 halves the lab's 0.6 -> doubles tau
    factor, gain = behaviour.incentive_factors(cost, 0.4, 0.0, 1.0)
    out = behaviour.willingness(tau, trust, factor, gain, p)
    # 0.2*2; 0.2*1.5 (trust +0.5); free rider stays 0; giving pays 0.2 -> gives 0.2
    np.testing.assert_allclose(out, [0.4, 0.3, 0.0, 0.2])


def test_noise_keeps_zero_and_bounds():
    c = np.array([0.0, 0.5, 1.0] * 1000)
    out = behaviour.add_noise(c.copy(), 0.2, np.random.default_rng(0))
    assert np.all(out[::3] == 0) and out.min() >= 0 and out.max() <= 1
    assert abs(out[1::3].std() - 0.5 * 0.2) < 0.01
    np.testing.assert_array_equal(behaviour.add_noise(c.copy(), 0.0, None), c)


def test_compliance_when_fine_exceeds_cost():
    c = np.array([0.1, 0.1, 0.5, 0.0])
    fine = np.array([0.5, 0.1, 0.5, 0.0])
    out = behaviour.comply(c.copy(), 0.3, fine, np.full(4, 0.6))
    # gap 0.2 costs 0.12: complies with 0.5 expected, not with 0.1; above norm unchanged
    np.testing.assert_allclose(out, [0.3, 0.1, 0.5, 0.0])


def test_beliefs_and_trust_learning():
    p = dict(P, neighbour_weight=0.5, belief_learning=0.5)
    b = behaviour.update_beliefs(np.array([0.2, 0.8]), np.array([0.6, 0.0]), 0.4, p)
    np.testing.assert_allclose(b, [0.35, 0.5])
    trust = np.array([0.5, 0.5, 0.5])
    behaviour.update_trust_feedback(trust, np.array([True, True, False]),
                                    np.array([True, False, True]), 0.2)
    np.testing.assert_allclose(trust, [0.6, 0.4, 0.5])
    behaviour.update_trust_effort(trust, 0.1, 0.5)
    np.testing.assert_allclose(trust, [0.65, 0.45, 0.55])


def test_open_access_capacity_caps_admissions():
    ctx = small_context(n=1000)
    willing = np.ones(1000, dtype=bool)
    rng = np.random.default_rng(0)
    assert OpenAccess().admit(ctx.citizens, willing, rng).sum() == 1000
    assert OpenAccess(access_capacity=0.25).admit(ctx.citizens, willing, rng).sum() == 250
    few = np.zeros(1000, dtype=bool)
    few[:10] = True
    np.testing.assert_array_equal(OpenAccess(access_capacity=0.25).admit(ctx.citizens, few, rng), few)


def test_invited_access_admits_only_invitees():
    ctx = small_context(n=1000)
    rule = InvitedAccess(access_capacity=0.3)
    rule.setup(ctx.citizens, np.random.default_rng(0))
    assert rule.eligible(ctx.citizens).sum() == 300
    admitted = rule.admit(ctx.citizens, np.ones(1000, dtype=bool), np.random.default_rng(1))
    np.testing.assert_array_equal(admitted, rule.invited)


def test_registration_barrier_follows_skill():
    ctx = small_context(n=100)
    c = ctx.citizens
    c.skill[:50], c.skill[50:] = 1.0, 0.0
    rule = RegisteredAccess()
    rule.setup(c, None)
    admitted = rule.admit(c, np.ones(100, dtype=bool), np.random.default_rng(0))
    assert admitted[:50].all() and not admitted[50:].any()
    assert rule.eligible(c).all()  # anyone may register: not contributing is free riding


def test_graduated_fines_and_detection():
    ctx = small_context(n=4)
    c = ctx.citizens
    c.offences[:] = [0, 1, 2, 5]
    rule = AdminSanctions(monitoring=1.0, fine=0.5, graduation=2.0, monitoring_cost=0.1)
    np.testing.assert_allclose(rule.expected_fine(ctx), [0.5, 1.0, 2.0, 4.0])
    out = rule.apply(ctx, np.array([True, True, False, True]), np.random.default_rng(0))
    np.testing.assert_allclose(out.fines, [0.5, 1.0, 0.0, 4.0])
    np.testing.assert_array_equal(c.offences, [1, 2, 2, 6])
    assert out.admin_cost == pytest.approx(0.1) and out.punisher_cost == 0
    none = AdminSanctions(monitoring=0.0).apply(ctx, np.ones(4, dtype=bool), np.random.default_rng(0))
    assert none.fines.sum() == 0


def test_peer_sanctions_norm_detection_and_cost():
    ctx = small_context(n=4)
    ctx.citizens.offences[:] = 0
    ctx = StepContext(ctx.citizens, np.array([0.2, 0.4, 0.6, 0.8]), np.array([1.0, 0, 1, 1]))
    rule = PeerSanctions(monitoring=1.0, fine=0.6, graduation=1.0, punishment_ratio=1 / 3)
    np.testing.assert_allclose(rule.norm(ctx), [0.2, 0.4, 0.6, 0.8])
    out = rule.apply(ctx, np.ones(4, dtype=bool), np.random.default_rng(0))
    np.testing.assert_allclose(out.fines, [0.6, 0.0, 0.6, 0.6])  # no active peers: no detection
    assert out.punisher_cost == pytest.approx(0.6)  # 1:3 of 1.8 in fines


def test_rewards_paid_per_unit():
    paid, cost = Recognition(reward=0.5).apply(np.array([0.0, 0.4, 1.0, 0.6]))
    np.testing.assert_allclose(paid, [0.0, 0.2, 0.5, 0.3])
    assert cost == pytest.approx(0.25)


def test_response_delay_and_share():
    rule = RandomResponse(responsiveness=1.0, response_delay=2)
    rule.setup(None, None)
    rng = np.random.default_rng(0)
    inputs = [np.array([0.1, 0.2]), np.array([0.3, 0.4]), np.array([0.5, 0.6])]
    assert rule.apply(inputs[0], rng) is None and rule.apply(inputs[1], rng) is None
    matured, acted = rule.apply(inputs[2], rng)
    np.testing.assert_allclose(matured, inputs[0], rtol=1e-6)
    assert acted.all()
    never = RandomResponse(responsiveness=0.0, response_delay=0)
    never.setup(None, None)
    assert not never.apply(inputs[0], rng)[1].any()


def test_service_channels():
    assert online_factor(1000, 0.3, 1000) == 1.0
    assert online_factor(8000, 1 / 3, 1000) == pytest.approx(2.0)
    assert offline_factor(500, 1000) == 1.0 and offline_factor(4000, 1000) == 0.25
    p = dict(P, network_effect=0.0, offline_capacity=100.0)
    assert quality_per_user(2.0, 400, 0.5, p) == pytest.approx(2.0 * (0.5 + 0.5 * 0.5))
    assert next_quality(1.0, 0.1, 0.1, 0.05, 0.05) == pytest.approx(1.1)
    assert next_quality(0.0, 0.5, 0.0, 0.0) == 0.0


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
