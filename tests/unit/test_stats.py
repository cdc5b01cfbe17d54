"""Intervals: shares stay in [0, 1]; away from the bounds they agree with the t-interval."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.primitives.stats import mean_ci, share_interval, t_interval


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=60))
def test_share_interval_stays_in_the_unit_interval_and_holds_the_mean(values):
    mean, low, high = mean_ci(values, bounded=True)
    assert 0.0 <= low <= mean + 1e-12 and mean - 1e-12 <= high <= 1.0


def test_the_issues_examples_no_longer_leave_the_unit_interval():
    near_one = [1.0] * 8 + [0.95, 0.99]  # the t-interval reaches above 1
    assert t_interval(np.mean(near_one), np.std(near_one, ddof=1), 10)[1] > 1
    mean, low, high = mean_ci(near_one, bounded=True)
    assert high <= 1 and low < mean < high
    near_zero = [0.0, 0.0, 0.063]  # the t-interval reaches below 0
    assert mean_ci(near_zero)[1] < 0 <= mean_ci(near_zero, bounded=True)[1]


def test_share_interval_matches_the_t_interval_in_the_middle():
    low, high = share_interval(0.5, 0.1, 50)
    t_low, t_high = t_interval(0.5, 0.1, 50)
    assert abs(low - t_low) < 1e-3 and abs(high - t_high) < 1e-3


def test_share_interval_without_spread_or_replications():
    assert share_interval(0.3, 0.0, 10) == (0.3, 0.3)
    assert all(np.isnan(share_interval(0.3, 0.1, 1)))
    low, high = share_interval(np.array([0.2, 0.9]), np.array([0.05, 0.05]), np.array([20, 20]))
    assert low.shape == (2,) and (high <= 1).all()
