"""Invariants over random parameters (hypothesis): shares in [0, 1], the classes of citizens
disjoint, quality the exact sum of its sources, no NaN where a value is defined."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import REPORTERS, CoProductionModel
from sim.governance import REGISTRY
from sim.model.reporters import SHARES
from sim.model.service import SOURCES

#: Undefined (NaN) until somebody's input has been acted on / ignored.
UNTIL_HEARD = {"efficacy_heard", "efficacy_ignored"}
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
    assert np.isfinite(df.drop(columns=list(UNTIL_HEARD)).to_numpy(dtype=float)).all()
    for col in SHARES:
        values = df[col].dropna() if col in UNTIL_HEARD else df[col]
        assert values.between(0.0, 1.0).all(), col
    classes = df.participation + df.free_rider_share + df.exit_share + df.excluded_share
    assert (classes <= 1.0 + 1e-12).all()  # disjoint shares of all citizens
    assert (df.participation >= df[["participation_individual", "participation_collective"]].max(axis=1)).all()
    np.testing.assert_allclose(df.quality, df[[f"quality_{s}" for s in SOURCES]].sum(axis=1), rtol=1e-12)
    assert (df.quality >= 0).all() and (df.admin_cost >= 0).all() and (df.active_firms >= 0).all()
    c = model.citizens
    for arr in (c.contribution, c.trust, c.belief, c.efficacy, c.punish):
        assert np.isfinite(arr).all() and arr.min() >= 0.0 and arr.max() <= 1.0
