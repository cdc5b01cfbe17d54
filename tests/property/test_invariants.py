"""Invariants over random parameters (hypothesis): shares in [0, 1], no NaN, quality >= 0."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import REPORTERS, CoProductionModel
from sim.governance import REGISTRY

SHARES = ("participation", "mean_contribution", "free_rider_share", "trust",
          "inclusiveness_gap", "contribution_gini", "top1_share")
unit = st.floats(0.0, 1.0)


@st.composite
def model_params(draw):
    cc = draw(unit)
    fr = draw(st.floats(0.0, 1.0 - cc))
    p = {
        "citizens": draw(st.integers(10, 300)),
        "share_conditional": cc,
        "share_free_rider": fr,
        "share_hump": draw(st.floats(0.0, 1.0 - cc - fr)),
        "network": draw(st.sampled_from(["small_world", "scale_free", "groups"])),
        "degree": 4,
        "channel": draw(st.sampled_from(["online", "offline", "mixed"])),
        "online_share": draw(unit),
        "responsiveness": draw(unit),
        "response_delay": draw(st.integers(0, 4)),
        "decision_noise": draw(unit),
        "trust": draw(unit),
        "initial_belief": draw(unit),
        "incentive_sensitivity": draw(st.floats(0.0, 5.0)),
        "mpcr": draw(st.floats(0.0, 2.0)),
        "outside_option": draw(st.floats(0.0, 3.0)),
        "depreciation": draw(unit),
        "production": draw(st.floats(0.0, 2.0)),
        "monitoring": draw(unit),
        "fine": draw(st.floats(0.0, 10.0)),
        "access_capacity": draw(unit),
        "firms": draw(st.integers(0, 5)),
    }
    for family, rules in REGISTRY.items():
        p[family] = draw(st.sampled_from(list(rules)))
    return p


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params(), st.integers(0, 2**32 - 1))
def test_outcomes_stay_in_range(params, seed):
    model = CoProductionModel(rng=seed, **params)
    for _ in range(8):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(REPORTERS)
    assert np.isfinite(df.to_numpy(dtype=float)).all()
    for col in SHARES:
        assert df[col].between(0.0, 1.0).all(), col
    assert (df.quality >= 0).all() and (df.admin_cost >= 0).all() and (df.active_firms >= 0).all()
    c = model.citizens
    for arr in (c.contribution, c.trust, c.belief):
        assert np.isfinite(arr).all() and arr.min() >= 0.0 and arr.max() <= 1.0
