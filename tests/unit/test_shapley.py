"""Exact Shapley values over every combination of levers, and one-at-a-time switches."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.policy.shapley import one_at_a_time, shapley


def _by_orders(v: np.ndarray, k: int) -> np.ndarray:
    """Shapley values by their definition: the mean marginal gain over every order."""
    out = np.zeros(k)
    for order in itertools.permutations(range(k)):
        mask = 0
        for i in order:
            out[i] += v[mask | (1 << i)] - v[mask]
            mask |= 1 << i
    return out / math.factorial(k)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_equal_to_the_average_over_every_order(k):
    v = np.random.default_rng(k).normal(size=2**k)
    assert np.allclose(shapley(v)[0], _by_orders(v, k), rtol=0, atol=1e-12)


def test_they_add_up_to_the_total_replication_by_replication():
    v = np.random.default_rng(0).random((7, 2**8))
    assert np.abs(shapley(v).sum(axis=1) - (v[:, -1] - v[:, 0])).max() < 1e-12


def test_additive_levers_get_their_own_effect_and_a_null_lever_nothing():
    effects = np.array([0.2, -0.1, 0.0])
    v = np.array([sum(effects[i] for i in range(3) if m >> i & 1) for m in range(8)])
    assert np.allclose(shapley(v)[0], effects)
    on, off = one_at_a_time(v)
    assert np.allclose(on[0], effects) and np.allclose(off[0], effects)


def test_an_interaction_is_shared_and_switches_disagree():
    v = np.array([0.0, 0.0, 0.0, 1.0])  # only both levers together make a difference
    assert np.allclose(shapley(v)[0], [0.5, 0.5])
    on, off = one_at_a_time(v)
    assert np.allclose(on[0], [0, 0]) and np.allclose(off[0], [1, 1])
