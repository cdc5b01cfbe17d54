"""Exact tests of the governance rules' jobs, with inputs chosen so the answer is certain."""

from __future__ import annotations

import numpy as np
import pytest

from sim.governance import StepContext
from sim.governance.access import InvitedAccess, OpenAccess, RegisteredAccess
from sim.governance.response import RandomResponse
from sim.governance.responsibility import CollectiveResponsibility, IndividualResponsibility
from sim.governance.rewards import Recognition
from sim.governance.sanctions import AdminSanctions, PeerSanctions
from tests.helpers import small_context

ALL = np.ones(4, dtype=bool)


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
    assert rule.eligible(c).all()


def _admin(**values) -> AdminSanctions:
    rule = AdminSanctions(**{"monitoring": 1.0, "fine": 0.5, "graduation": 2.0, "monitoring_cost": 0.1,
                             "detection_error": 0.0, "record_decay": 0.0, **values})
    rule.setup(None, None)
    return rule


def test_graduated_fines_without_errors():
    ctx = small_context(n=4)
    c = ctx.citizens
    c.offences[:] = [0, 1, 2, 5]
    rule = _admin()
    np.testing.assert_allclose(rule.expected_fine(ctx), [0.5, 1.0, 2.0, 4.0])
    out = rule.apply(ctx, np.array([True, True, False, True]), ALL, ALL, np.random.default_rng(0))
    np.testing.assert_allclose(out.fines, [0.5, 1.0, 0.0, 4.0])
    np.testing.assert_array_equal(c.offences, [1, 2, 2, 6])
    assert not out.wrongful.any() and out.admin_cost == pytest.approx(0.1)
    assert rule.perceived == rule.legitimacy  # every fine deserved


def test_records_decay():
    ctx = small_context(n=4)
    ctx.citizens.offences[:] = [0, 1, 2, 4]
    _admin(monitoring=0.0, record_decay=0.5).apply(ctx, ALL, ALL, ALL, np.random.default_rng(0))
    np.testing.assert_allclose(ctx.citizens.offences, [0, 0.5, 1.0, 2.0])


def test_detection_errors_fine_the_compliant_and_erode_legitimacy():
    n = 20_000
    ctx = small_context(n=n)
    ctx.citizens.offences[:] = 0
    rule = _admin(detection_error=0.5, legitimacy=0.8)
    offenders = np.zeros(n, dtype=bool)
    offenders[: n // 2] = True
    out = rule.apply(ctx, offenders, np.ones(n, dtype=bool), np.ones(n, dtype=bool), np.random.default_rng(1))
    fined = out.fines > 0
    # at error 0.5, offenders and the compliant are flagged alike: about half the fines wrongful
    assert out.wrongful.sum() == np.count_nonzero(fined & ~offenders)
    assert abs(out.wrongful.sum() / fined.sum() - 0.5) < 0.02
    assert rule.perceived < 0.8  # legitimacy moves toward 0.8 x share deserved


def test_peer_sanctions_norm_detection_and_costs():
    ctx = small_context(n=4)
    c = ctx.citizens
    c.offences[:] = 0
    c.contribution[:] = [0.5, 0.5, 0.0, 0.5]
    c.punish[:] = [1.0, 1.0, 1.0, 0.0]
    c.time_budget[:] = 10.0
    ctx = StepContext(c, np.array([0.2, 0.4, 0.6, 0.8]), np.array([1.0, 0, 1, 1]))
    rule = PeerSanctions(monitoring=1.0, fine=0.6, graduation=1.0, punishment_ratio=1 / 3,
                         detection_error=0.0, record_decay=0.0, monitoring_hours=1.0)
    rule.setup(c, None)
    np.testing.assert_allclose(rule.norm(ctx), [0.2, 0.4, 0.6, 0.8])
    out = rule.apply(ctx, ALL, ALL, c.contribution > 0, np.random.default_rng(0))
    np.testing.assert_allclose(out.fines, [0.6, 0.0, 0.6, 0.6])  # no monitoring peers: no detection
    # punishers: took part and punish (citizens 0 and 1): 1:3 of 1.8 shared, plus 1 h of 10
    np.testing.assert_allclose(out.punisher_cost, [0.4, 0.4, 0.0, 0.0])
    assert c.punish[0] < 1.0 and c.punish[3] == 0.0  # punishing got dearer: they punish less


def test_rewards_paid_per_unit():
    paid, cost = Recognition(reward=0.5).apply(np.array([0.0, 0.4, 1.0, 0.6]))
    np.testing.assert_allclose(paid, [0.0, 0.2, 0.5, 0.3])
    assert cost == pytest.approx(0.25)


def test_response_delay_share_and_what_is_heard():
    rule = RandomResponse(responsiveness=1.0, response_delay=2)
    rule.setup(None, None)
    rng = np.random.default_rng(0)
    effort = [np.array([0.1, 0.0]), np.array([0.3, 0.4]), np.array([0.5, 0.6])]
    reports = np.array([0.0, 1.0])
    assert rule.apply(effort[0], reports, rng) is None and rule.apply(effort[1], reports, rng) is None
    out = rule.apply(effort[2], reports, rng)
    np.testing.assert_allclose(out.effort, effort[0], rtol=1e-6)
    np.testing.assert_array_equal(out.heard, [True, True]) and out.acted.all()
    assert out.acted_share() == 1.0
    never = RandomResponse(responsiveness=0.0, response_delay=0)
    never.setup(None, None)
    out = never.apply(np.zeros(2), np.zeros(2), rng)
    assert not out.acted.any() and out.acted_share() is None  # nothing matured: nothing to publish


def test_individual_responsibility_names_a_share_and_costs():
    ctx = small_context(n=1000)
    rule = IndividualResponsibility(assigned_share=0.2, assignment_cost=0.05)
    rule.setup(ctx.citizens, np.random.default_rng(0))
    assert rule.assigned.sum() == 200 and rule.cost() == pytest.approx(0.01)
    pooled = CollectiveResponsibility()
    pooled.setup(ctx.citizens, None)
    assert not pooled.assigned.any() and pooled.cost() == 0.0
