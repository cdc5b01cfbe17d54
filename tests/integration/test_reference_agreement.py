"""The vectorised model agrees statistically with the per-agent reference implementation.

`experiments/bench/reference.py` steps one Mesa agent at a time with Python's random; the
vectorised `CoProductionModel` draws from NumPy. Their random streams differ, so agreement
is statistical: over several seeds, the mean-contribution trajectories (and the final
participation) must agree within sampling error. A deliberately different reference
(another conditional-cooperation slope) must be detected, so the check is not vacuous.
"""

import importlib.util
import sys
from functools import cache

import numpy as np
import pytest

from sim import CoProductionModel
from tests.helpers import ROOT

BENCH = ROOT / "experiments" / "bench" / "reference.py"
_spec = importlib.util.spec_from_file_location("bench_reference", BENCH)
reference = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = reference
_spec.loader.exec_module(reference)
ReferenceModel = reference.ReferenceModel

SEEDS = tuple(range(101, 109))
CITIZENS = 400
STEPS = 25
Z = 4.0  # standard errors allowed
FLOOR = 0.02  # absolute tolerance added to the sampling error

SETTINGS = {
    "default": {},
    "peer": {"sanctions": "peer"},
    "admin": {"sanctions": "admin"},
    "registered_capped_rewarded": {
        "access": "registered", "access_capacity": 0.4, "rewards": "recognition", "firms": 10,
    },
}


def run(model_cls, seed: int, params: tuple) -> tuple[np.ndarray, float]:
    """Mean-contribution trajectory and final participation of one run."""
    model = model_cls(rng=seed, citizens=CITIZENS, **dict(params))
    for _ in range(STEPS):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    return df["mean_contribution"].to_numpy(), float(df["participation"].iloc[-1])


@cache
def runs(model_cls, params: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(seeds x steps) mean contributions and (seeds,) final participations."""
    out = [run(model_cls, seed, params) for seed in SEEDS]
    return np.array([t for t, _ in out]), np.array([p for _, p in out])


def excess(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """By how much the difference of seed means exceeds Z standard errors plus the floor.

    ``a`` and ``b`` have seeds on axis 0; the standard error of the difference of means is
    computed from the between-seed spread of each implementation. Positive = disagreement.
    """
    se = np.sqrt(a.var(axis=0, ddof=1) / a.shape[0] + b.var(axis=0, ddof=1) / b.shape[0])
    return np.abs(a.mean(axis=0) - b.mean(axis=0)) - (Z * se + FLOOR)


def key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


def test_same_initial_state():
    vec = CoProductionModel(rng=7, citizens=300, sanctions="peer")
    ref = ReferenceModel(rng=7, citizens=300, sanctions="peer")
    for name in ("slope", "level", "group", "skill", "cost", "trust", "belief", "outside"):
        expected = getattr(vec.citizens, name).tolist()
        assert [getattr(a, name) for a in ref.citizen_list] == expected, name
    index = {id(agent): i for i, agent in enumerate(ref.citizen_list)}
    adj = vec.adjacency
    for i, agent in enumerate(ref.citizen_list):
        expected = adj.indices[adj.indptr[i] : adj.indptr[i + 1]].tolist()
        assert [index[id(other)] for other in agent.neighbours] == expected
    assert ref.quality_per_user == vec.quality_per_user


@pytest.mark.parametrize("name", SETTINGS)
def test_mean_contribution_trajectories_agree(name):
    params = key(SETTINGS[name])
    vec_traj, vec_part = runs(CoProductionModel, params)
    ref_traj, ref_part = runs(ReferenceModel, params)
    over = excess(vec_traj, ref_traj)
    worst = int(np.argmax(over))
    assert over.max() <= 0, (
        f"{name}: step {worst}: vectorised {vec_traj.mean(0)[worst]:.4f} vs reference "
        f"{ref_traj.mean(0)[worst]:.4f}"
    )
    assert excess(vec_part, ref_part) <= 0, (vec_part.mean(), ref_part.mean())


def test_different_rule_is_detected():
    """A reference with a much flatter conditional-cooperation slope must disagree."""
    vec_traj, vec_part = runs(CoProductionModel, key({}))
    ref_traj, ref_part = runs(ReferenceModel, key({"cc_slope": 0.3}))
    assert excess(vec_traj, ref_traj).max() > 0
    assert excess(vec_part, ref_part) > 0


def test_unsupported_rule_is_refused(monkeypatch):
    monkeypatch.setitem(reference.SUPPORTED, "sanctions", ("none",))
    with pytest.raises(NotImplementedError, match="sanctions"):
        ReferenceModel(rng=1, citizens=50, sanctions="peer")
