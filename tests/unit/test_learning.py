"""Exact tests of what citizens learn: beliefs, efficacy, trust and expectations."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import learning
from sim.model.parameters import defaults

P = defaults()


def test_beliefs_move_toward_neighbours_and_the_aggregate():
    p = dict(P, neighbour_weight=0.5, belief_learning=0.5)
    b = learning.update_beliefs(np.array([0.2, 0.8]), np.array([[0.6], [0.0]]), 0.4, p)
    np.testing.assert_allclose(b, [0.35, 0.5])


def test_own_feedback_moves_efficacy_of_those_heard_only():
    efficacy = np.array([0.5, 0.5, 0.5])
    learning.learn_from_feedback(efficacy, np.array([True, True, False]), np.array([True, False, True]), 0.2)
    np.testing.assert_allclose(efficacy, [0.6, 0.4, 0.5])


def test_everyone_learns_by_observation_and_forgets_toward_the_prior():
    p = dict(P, social_learning=0.5, efficacy_forgetting=0.1, initial_efficacy=0.5)
    efficacy = np.array([0.0, 1.0])
    learning.learn_by_observation(efficacy, np.array([0.8, 0.8]), p)
    # 0 -> 0.4 (halfway to 0.8) -> 0.41 (a tenth back toward 0.5); 1 -> 0.9 -> 0.86
    np.testing.assert_allclose(efficacy, [0.41, 0.86])


def test_trust_target_follows_levels_of_quality_effort_and_expectation():
    p = dict(P, performance_weight=0.2, trust_effort_weight=0.3, disconfirmation_weight=0.1)
    prior = np.full(3, 0.5)
    received = np.array([1.0, 1.5, 1.0])
    expected = np.array([1.0, 1.0, 2.0])
    target = learning.trust_target(prior, received, 1.0, 1.0, expected, p)
    # at the standard and as expected: the prior; +0.5 quality: +0.1 +0.05; half of expected: -0.05
    np.testing.assert_allclose(target, [0.5, 0.65, 0.45])
    cut = learning.trust_target(prior, received, 1.0, 0.5, expected, p)
    np.testing.assert_allclose(cut, target - 0.15)  # half the normal effort: -0.3 x 0.5


def test_trust_is_lost_faster_than_gained():
    trust = np.array([0.5, 0.5])
    learning.update_trust(trust, np.array([1.0, 0.0]), gain=0.1, loss=0.3)
    np.testing.assert_allclose(trust, [0.55, 0.35])


def test_expectations_adapt():
    e = np.array([1.0, 2.0])
    learning.update_expectation(e, np.array([2.0, 1.0]), 0.25)
    np.testing.assert_allclose(e, [1.25, 1.75])


@pytest.mark.parametrize("effort_ratio", [0.2, 0.6, 1.0, 1.4])
def test_cutting_effort_lowers_the_target_whatever_else(effort_ratio):
    prior, received, expected = np.full(2, 0.5), np.array([0.5, 2.0]), np.array([0.5, 2.0])
    lower = learning.trust_target(prior, received, 1.0, effort_ratio - 0.1, expected, P)
    higher = learning.trust_target(prior, received, 1.0, effort_ratio, expected, P)
    assert np.all(lower <= higher) and np.any(lower < higher)
