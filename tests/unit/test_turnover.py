"""Residential turnover: movers replaced by newcomers who start afresh (exact cases)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.model.turnover import monthly_rate, move


def test_monthly_rate_compounds_to_the_yearly_share():
    assert monthly_rate(0.0) == 0.0
    assert monthly_rate(1.0) == 1.0
    assert (1 - monthly_rate(0.1)) ** 12 == pytest.approx(0.9)


def test_no_turnover_replaces_nobody():
    model = CoProductionModel(rng=1, citizens=200, turnover=0.0)
    before = model.citizens.trust.copy()
    assert move(model).size == 0
    np.testing.assert_array_equal(model.citizens.trust, before)


def test_newcomers_start_afresh_and_registration_leaves_with_the_resident():
    model = CoProductionModel(rng=3, citizens=400, access="registered", turnover=1.0,
                              initial_efficacy=0.4, initial_belief=0.1)
    for _ in range(6):
        model.step()
    c = model.citizens
    c.ever_active[:] = True
    c.offences[:] = 2.0
    c.efficacy[:] = 0.9
    model.rules.access.registered[:] = True
    queue = model.rules.response.queue
    assert queue  # one month's inputs await the response (delay 1)
    for pending in queue:
        pending[:] = 1.0
    idx = move(model)  # a yearly share of 1: every home changes hands this month
    assert idx.size > 0.6 * c.n  # random homes, with repeats: about 1 - 1/e of them
    assert not c.ever_active[idx].any() and not c.offences[idx].any()
    np.testing.assert_array_equal(c.efficacy[idx], 0.4)
    np.testing.assert_array_equal(c.belief[idx], 0.1)
    assert not model.rules.access.registered[idx].any()
    stay = np.setdiff1d(np.arange(c.n), idx)
    assert model.rules.access.registered[stay].all() and c.ever_active[stay].all()
    for pending in queue:
        assert not pending[:, idx].any() and pending[:, stay].all()
    np.testing.assert_array_equal(model.hump_index(), np.flatnonzero(c.ctype == 2))


def test_named_tasks_stay_with_the_home():
    model = CoProductionModel(rng=5, citizens=300, responsibility="individual", turnover=1.0)
    assigned = model.rules.responsibility.assigned.copy()
    move(model)
    np.testing.assert_array_equal(model.rules.responsibility.assigned, assigned)
    assert model.citizens.assigned is model.rules.responsibility.assigned


def test_turnover_is_reproducible():
    runs = []
    for _ in range(2):
        model = CoProductionModel(rng=9, citizens=300, turnover=0.3)
        for _ in range(24):
            model.step()
        runs.append(model.datacollector.get_model_vars_dataframe())
    assert runs[0].equals(runs[1])
