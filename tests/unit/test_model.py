"""The model as a Mesa model: agents API, determinism, batch_run with 2 processes."""

from __future__ import annotations

import inspect
import subprocess
import sys

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import MODEL_PARAMS, REPORTERS, Administration, Citizen, CoProductionModel, Firm


def frame(seed=7, steps=15, **params) -> pd.DataFrame:
    model = CoProductionModel(rng=seed, **params)
    for _ in range(steps):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def test_reporters_exactly_as_named():
    df = frame(steps=3)
    assert tuple(df.columns) == REPORTERS
    kept = ("participation", "mean_contribution", "quality", "quality_growth", "free_rider_share",
            "trust", "inclusiveness_gap", "contribution_gini", "top1_share", "admin_cost",
            "active_firms", "welfare", "data_contributions", "public_use", "firm_free_rider_share")
    added = ("participation_individual", "participation_collective", "hours_per_participant",
             "exit_share", "excluded_share", "quality_administration", "quality_citizens",
             "quality_firms", "quality_data")
    assert set(kept) | set(added) <= set(REPORTERS)
    assert len(df) == 3


def test_signature_lists_every_parameter_with_its_default():
    sig = inspect.signature(CoProductionModel)
    assert sig.parameters["rng"].default is None
    for name, p in MODEL_PARAMS.items():
        assert sig.parameters[name].default == p.default


def test_agents_are_mesa_agents_over_the_arrays():
    model = CoProductionModel(rng=1, citizens=50, firms=3)
    citizens = model.agents_by_type[Citizen]
    assert len(citizens) == 50 and len(model.agents_by_type[Firm]) == 3
    assert len(model.agents_by_type[Administration]) == 1
    assert len(model.agents) == 54
    a = model.citizen_agents[7]
    assert isinstance(a, mesa.Agent)
    assert a.trust == model.citizens.trust[7] and isinstance(a.trust, float)
    a.trust = 0.123
    assert model.citizens.trust[7] == 0.123
    assert a.kind in {"conditional", "free_rider", "hump", "unconditional"}
    assert all(isinstance(n, Citizen) for n in a.neighbours) and len(a.neighbours) == 6
    other = CoProductionModel(rng=2, citizens=50)
    other.citizen_agents[7].trust = 0.9
    assert a.trust == 0.123  # views look up their own model's arrays
    model.step()
    assert a.contribution == model.citizens.contribution[7]


def test_same_seed_bit_identical_in_process():
    pd.testing.assert_frame_equal(frame(seed=5), frame(seed=5), check_exact=True)
    assert not frame(seed=5).equals(frame(seed=6))
    kw = dict(sanctions="peer", access="registered", rewards="recognition", firms=5)
    pd.testing.assert_frame_equal(frame(seed=5, **kw), frame(seed=5, **kw), check_exact=True)


def test_same_seed_bit_identical_across_processes():
    code = (
        "from sim import CoProductionModel\n"
        "m = CoProductionModel(rng=5, sanctions='peer')\n"
        "for _ in range(15): m.step()\n"
        "df = m.datacollector.get_model_vars_dataframe()\n"
        "print(df.to_numpy(dtype='float64').tobytes().hex())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = frame(seed=5, sanctions="peer").to_numpy(dtype="float64").tobytes().hex()
    assert out.stdout.strip() == here


def test_batch_run_two_processes_matches_one():
    kwargs = dict(parameters={"citizens": 300, "sanctions": ["none", "peer"]}, rng=[1, 2],
                  max_steps=12, data_collection_period=1, display_progress=False)
    two = pd.DataFrame(mesa.batch_run(CoProductionModel, number_processes=2, **kwargs))
    one = pd.DataFrame(mesa.batch_run(CoProductionModel, number_processes=1, **kwargs))
    key = ["RunId", "Step"]
    two, one = two.sort_values(key).reset_index(drop=True), one.sort_values(key).reset_index(drop=True)
    assert len(two) == 4 * 12 and set(REPORTERS) <= set(two.columns)
    pd.testing.assert_frame_equal(two, one, check_exact=True)
    direct = frame(seed=2, steps=12, citizens=300, sanctions="peer")
    run = two[(two.rng == 2) & (two.sanctions == "peer")]
    np.testing.assert_array_equal(run[list(REPORTERS)].to_numpy(), direct.to_numpy())


@pytest.mark.parametrize("bad, field", [({"citizens": 0}, "citizens"),
                                        ({"responsiveness": 1.5}, "responsiveness"),
                                        ({"network": "smallworld"}, "network"),
                                        ({"share_conditional": 0.8}, "share_conditional")])
def test_bad_values_name_field_and_allowed(bad, field):
    with pytest.raises(ValueError) as err:
        CoProductionModel(**bad)
    assert field in str(err.value) and "allowed" in str(err.value)
