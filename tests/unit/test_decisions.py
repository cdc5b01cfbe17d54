"""Exact tests of citizens' decision rule, with inputs chosen so the answer is certain."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import behaviour
from sim.model.population import CONDITIONAL, FREE_RIDER, HUMP, UNCONDITIONAL

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
    np.testing.assert_allclose(behaviour.willingness(tau, np.ones(4), factor, gain), tau)


def test_willingness_incentives_and_multiplier():
    tau = np.array([0.2, 0.2, 0.0, 0.0])
    cost = np.array([0.7, 1.0, 1.0, 0.2])  # net cost 0.3 halves the lab's 0.6 -> doubles tau
    factor, gain = behaviour.incentive_factors(cost, 0.4, 0.0, 1.0)
    out = behaviour.willingness(tau, np.array([1.0, 1.5, 1.0, 1.0]), factor, gain)
    # 0.2*2; 0.2*1.5; a free rider stays 0; giving pays 0.2 -> gives 0.2
    np.testing.assert_allclose(out, [0.4, 0.3, 0.0, 0.2])


def test_factor_is_one_at_the_reference_and_never_negative():
    np.testing.assert_allclose(behaviour.factor(np.array([0.5, 1.0, 0.0]), 2.0, 0.5), [1.0, 2.0, 0.0])
    np.testing.assert_allclose(behaviour.factor(np.array([0.0]), 4.0, 0.5), [0.0])


def test_loafing_pooled_tasks_lose_effort_named_ones_do_not():
    assigned = np.array([False, True])
    out = behaviour.loafing_factor(16, assigned, 0.5)
    # pooled in 16 vs the lab's 4: (16/4)^-0.5 = 0.5; one's own task: (1/4)^-0.5 = 2
    np.testing.assert_allclose(out, [0.5, 2.0])
    np.testing.assert_allclose(behaviour.loafing_factor(4, assigned, 0.0), [1.0, 1.0])


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


@pytest.mark.parametrize("sensitivity", [0.0, 0.5, 2.0])
def test_lab_net_cost_gives_a_factor_of_one(sensitivity):
    factor, gain = behaviour.incentive_factors(np.ones(1), 0.4, 0.0, sensitivity)
    assert factor[0] == pytest.approx(1.0) and gain[0] == 0.0
