"""Contract tests every registered governance rule must pass (Axelrod-style).

Each rule: constructible with defaults; rejects out-of-range and unknown parameters with a
message naming the field and what is allowed; picklable; same seed -> same output.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from sim import CoProductionModel
from sim.governance import REGISTRY, all_rules, family_params, make_rule, rule_class
from sim.model.parameters import MODEL_PARAMS
from sim.primitives.errors import InputError
from tests.helpers import small_context

RULES = all_rules()
IDS = [f"{cls.family}:{cls.name}" for cls in RULES]


def run_job(rule, seed: int):
    """Run the rule's one job (its own typical call) on a fixed context and seed."""
    ctx = small_context()
    rng = np.random.default_rng(seed)
    rule = copy.deepcopy(rule)
    rule.setup(ctx.citizens, rng)
    return rule.exercise(ctx, rng)


def same(a, b) -> bool:
    return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_constructible_with_defaults(cls):
    rule = cls()
    assert rule.name and rule.family in REGISTRY
    assert rule.values == {p.name: p.default for p in cls.params}
    assert REGISTRY[cls.family][cls.name] is cls


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_rejects_out_of_range_values(cls):
    for p in cls.params:
        for bad in [v for v in (p.low - 1 if p.low is not None else None,
                                p.high + 1 if p.high is not None else None) if v is not None]:
            with pytest.raises(InputError) as err:
                cls(**{p.name: bad})
            msg = str(err.value)
            assert p.name in msg and "allowed" in msg and f"{p.low:g}" in msg


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_rejects_unknown_parameter_listing_valid_ones(cls):
    with pytest.raises(InputError) as err:
        cls(no_such_knob=1)
    msg = str(err.value)
    assert "no_such_knob" in msg and cls.name in msg
    for p in cls.params:
        assert p.name in msg


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_picklable(cls):
    rule = cls()
    rule.setup(small_context().citizens, np.random.default_rng(0))
    clone = pickle.loads(pickle.dumps(rule))
    assert clone == rule and type(clone) is cls


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_same_seed_same_output(cls):
    rule = cls()
    assert same(run_job(rule, 11), run_job(rule, 11))


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_rule_params_are_model_params(cls):
    for p in cls.params:
        assert MODEL_PARAMS[p.name] is family_params(cls.family)[p.name]
    assert cls.name in MODEL_PARAMS[cls.family].choices


@pytest.mark.parametrize("cls", RULES, ids=IDS)
def test_model_runs_with_rule(cls):
    extra = {"pb_share": 0.2, "pb_cycle": 1, "pb_delay": 0} if cls.family == "voting" else {}
    model = CoProductionModel(rng=1, citizens=150, **{cls.family: cls.name}, **extra)
    for _ in range(3):
        model.step()
    assert type(model.rules[cls.family]) is cls


def test_misspelt_rule_name_lists_valid_ones():
    with pytest.raises(InputError) as err:
        rule_class("sanctions", "peers")
    msg = str(err.value)
    assert "'peers'" in msg and "did you mean 'peer'" in msg
    assert all(name in msg for name in REGISTRY["sanctions"])
    with pytest.raises(InputError, match="unknown rule family 'sanction'; allowed: one of: access"):
        make_rule("sanction", "peer", {})


def test_misspelt_rule_name_in_model_kwargs():
    with pytest.raises(InputError) as err:
        CoProductionModel(sanctions="admn")
    (problem,) = err.value.problems
    assert (problem.field, problem.value, problem.origin.name) == ("sanctions", "admn", "CoProductionModel")
    assert "none, peer, admin" in str(err.value) and "did you mean 'admin'" in str(err.value)


def test_misspelt_model_parameter_lists_valid_ones():
    with pytest.raises(InputError) as err:
        CoProductionModel(monitorin=0.5)
    msg = str(err.value)
    assert "monitorin: unknown key" in msg and "did you mean 'monitoring'" in msg and "responsiveness" in msg
