"""The vectorised model agrees statistically with the per-agent reference implementation.

`experiments/bench/reference/` steps one Mesa agent at a time with Python's random; the
vectorised `CoProductionModel` draws from NumPy. Their random streams differ, so agreement
is statistical: over several seeds, the trajectories of the compared outcomes must agree
at every month within Z standard errors of the mean difference plus an absolute floor.
For one seed both start from the same population and network, so the standard error is
that of the per-seed (paired) differences: the population's own variance, which is most of
the between-seed spread, cancels. Deliberately wrong references (the same code with one
mechanism's parameter changed) must be detected, so the check is not vacuous.
"""

import importlib.util
import sys
from functools import cache

import numpy as np
import pytest

from sim import CoProductionModel
from sim.inputs.scenario import load_scenario
from tests.helpers import ROOT

BENCH = ROOT / "experiments" / "bench" / "reference"
_spec = importlib.util.spec_from_file_location("bench_reference", BENCH / "__init__.py",
                                               submodule_search_locations=[str(BENCH)])
reference = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = reference
_spec.loader.exec_module(reference)
ReferenceModel = reference.ReferenceModel

SEEDS = tuple(range(101, 109))
CITIZENS = 400
STEPS = 30
Z = 4.0  # standard errors allowed
FLOOR = 0.02  # absolute tolerance added to the sampling error
OUTCOMES = ("mean_contribution", "participation", "participation_individual", "trust", "efficacy")


def scenario(name: str, **extra) -> dict:
    """A named scenario's model parameters (with the test's population), plus `extra`."""
    params = load_scenario(name).model_kwargs()
    params.pop("citizens", None)
    return {**params, **extra}


SETTINGS = {
    "default": {},
    "peer": {"sanctions": "peer"},
    "admin": {"sanctions": "admin"},
    "registered_capped_rewarded": {
        "access": "registered", "access_capacity": 0.05, "rewards": "recognition", "firms": 10,
    },
    "co_delivery_individual": {"interaction": "co_delivery", "responsibility": "individual"},
    "co_design_invited_published": {"interaction": "co_design", "access": "invited", "access_capacity": 0.5,
                                    "feedback_publicity": 0.5},
    "open_platform": scenario("open_platform"),
    # The reference has neither collective choice nor appeals: the commons with its rules imposed.
    "ostrom_commons": scenario("ostrom_commons", choice="imposed", appeals="none"),
    "lab_punishment": scenario("lab_public_goods_punishment"),
}
#: (setting, the same code with one mechanism's parameter changed in the reference).
WRONG = {
    "trust gained as fast as lost": ("default", {"trust_gain": 0.15}),
    "a third fewer encounters to report": ("default", {"encounter_rate": 0.2}),
    "flatter conditional cooperation": ("lab_punishment", {"cc_slope": 0.3}),
}


def key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


@cache
def runs(model_cls, params: tuple) -> dict[str, np.ndarray]:
    """Each compared outcome as a (seeds x steps) array."""
    out: dict[str, list] = {name: [] for name in OUTCOMES}
    for seed in SEEDS:
        model = model_cls(rng=seed, citizens=CITIZENS, **dict(params))
        for _ in range(STEPS):
            model.step()
        df = model.datacollector.get_model_vars_dataframe()
        for name in OUTCOMES:
            out[name].append(df[name].to_numpy())
    return {name: np.array(rows) for name, rows in out.items()}


def excess(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """By how much the mean difference exceeds Z standard errors plus the floor, per month.

    ``a`` and ``b`` have seeds on axis 0, row s of both started from seed s's initial state;
    the standard error is that of the mean of the per-seed differences. Positive =
    disagreement.
    """
    d = a - b
    se = d.std(axis=0, ddof=1) / np.sqrt(d.shape[0])
    return np.abs(d.mean(axis=0)) - (Z * se + FLOOR)


def test_same_initial_state():
    params = {"sanctions": "peer", "access": "invited", "access_capacity": 0.5, "responsibility": "individual"}
    vec = CoProductionModel(rng=7, citizens=300, **params)
    ref = ReferenceModel(rng=7, citizens=300, **params)
    for name in (*reference.model.STATE, "trust_prior", "efficacy", "expectation", "punish", "assigned"):
        expected = getattr(vec.citizens, name).tolist()
        assert [getattr(a, name) for a in ref.citizen_list] == expected, name
    assert [a.invited for a in ref.citizen_list] == vec.rules.access.invited.tolist()
    index = {id(agent): i for i, agent in enumerate(ref.citizen_list)}
    adj = vec.adjacency
    for i, agent in enumerate(ref.citizen_list):
        expected = adj.indices[adj.indptr[i] : adj.indptr[i + 1]].tolist()
        assert [index[id(other)] for other in agent.neighbours] == expected
    assert ref.quality_per_user == vec.quality_per_user


@pytest.mark.parametrize("name", SETTINGS)
def test_trajectories_agree(name):
    params = key(SETTINGS[name])
    vec, ref = runs(CoProductionModel, params), runs(ReferenceModel, params)
    for outcome in OUTCOMES:
        over = excess(vec[outcome], ref[outcome])
        worst = int(np.argmax(over))
        assert over.max() <= 0, (
            f"{name}: {outcome} at month {worst + 1}: vectorised {vec[outcome].mean(0)[worst]:.4f} "
            f"vs reference {ref[outcome].mean(0)[worst]:.4f}"
        )


@pytest.mark.parametrize("wrong", WRONG)
def test_different_rule_is_detected(wrong):
    """A reference with one mechanism changed must disagree on some outcome at some month."""
    setting, change = WRONG[wrong]
    params = SETTINGS[setting]
    vec, ref = runs(CoProductionModel, key(params)), runs(ReferenceModel, key({**params, **change}))
    assert max(excess(vec[name], ref[name]).max() for name in OUTCOMES) > 0


def test_unsupported_rule_is_refused(monkeypatch):
    monkeypatch.setitem(reference.SUPPORTED, "sanctions", ("none",))
    with pytest.raises(NotImplementedError, match="sanctions"):
        ReferenceModel(rng=1, citizens=50, sanctions="peer")
    with pytest.raises(NotImplementedError, match="participatory budgeting"):
        ReferenceModel(rng=1, citizens=50, pb_share=0.3)
