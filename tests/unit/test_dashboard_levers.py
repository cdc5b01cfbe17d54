"""Levers in plain words, and which are idle: derived from declarations, checked on the model."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards import levers
from dashboards.settings import CONTROLS, Settings, scenarios
from sim.governance import REGISTRY
from sim.inputs.scenario import load_scenario
from sim.model.coproduction import CoProductionModel
from sim.model.parameters import MODEL_PARAMS

FIELD = [name for name, _ in scenarios() if not load_scenario(name).is_game]


def _other(name: str, value):
    """A valid value of `name` different from `value`."""
    p = MODEL_PARAMS[name]
    if p.choices is not None:
        return next(c for c in p.choices if c != value)
    high = p.high if p.high is not None else value * 2 + 1
    other = (value + high) / 2 if high != value else (value + p.low) / 2
    if p.kind is int:
        return round(other) if round(other) != value else int(p.low)
    return other


def _outcomes(kwargs, months: int = 15) -> pd.DataFrame:
    model = CoProductionModel(**kwargs)
    for _ in range(months):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def test_rule_parameters_are_idle_exactly_when_the_rule_does_not_declare_them():
    values = Settings(FIELD[0]).values()
    for family, rules in REGISTRY.items():
        for rule, cls in rules.items():
            # appeals act only against fines: read their capabilities where there are fines
            context = {**values, "sanctions": "admin"} if family == "appeals" else values
            idle = levers.idle({**context, family: rule})
            declared_by_family = {p.name for c in rules.values() for p in c.params}
            own = {p.name for p in cls.params}
            for name in declared_by_family:
                assert (name in idle) == (name not in own), (family, rule, name)
            for name in declared_by_family - own:
                assert f"used only when {family} is" in idle[name]


@pytest.mark.parametrize("scenario", FIELD)
def test_an_idle_lever_changes_nothing_bit_for_bit(scenario):
    """Every lever called idle (rules and declared dependencies) leaves every outcome as it was."""
    kwargs = {"rng": 3, **Settings(scenario).model_kwargs(), "citizens": 300}
    base = _outcomes(kwargs)
    idle = levers.idle(kwargs)
    assert idle, scenario
    for name in idle:
        if MODEL_PARAMS[name].section == "game":
            continue  # locked outside lab designs
        changed = _outcomes({**kwargs, name: _other(name, kwargs[name])})
        pd.testing.assert_frame_equal(base, changed, obj=f"{scenario}: {name} ({idle[name]})")


def test_declared_dependencies_name_real_parameters_and_unlock():
    for dependency in levers.DEPENDENCIES:
        for name in (*dependency.params, *(r.param for r in dependency.requires)):
            assert name in MODEL_PARAMS, name
    values = Settings("participatory_budgeting").values()
    assert values["pb_share"] > 0 and "pb_turnout" not in levers.idle(values)
    idle = levers.idle({**values, "pb_share": 0.0})
    assert "participatory budgeting is off" in idle["pb_turnout"] and "voting" in idle


def test_every_lever_reads_in_plain_words():
    values = Settings(FIELD[0]).values()
    for name, control in CONTROLS.items():
        p = control.param
        assert levers.label(name)[0].isupper() and "_" not in levers.label(name)
        assert levers.description(p, values[name]).strip()
        text = levers.value_text(p, values[name])
        assert text and "0.3333333" not in text
        if p.unit:
            assert text.endswith(p.unit)
        slider = levers.slider_range(p)
        if slider is not None:
            low, high, step = slider
            assert low == p.low and high == p.high
            assert step == 1 if p.kind is int else 0 < step <= (high - low) / 10
    assert levers.value_text(MODEL_PARAMS["punishment_ratio"], 1 / 3) == "0.333"
    assert "Peer-run pool punishment" in levers.description(MODEL_PARAMS["sanctions"], "peer")
    assert levers.label("pb_share") == "PB share"


def test_classroom_levers_are_few_and_declared():
    assert 3 <= len(levers.CLASSROOM) <= 8
    assert set(levers.CLASSROOM) <= set(MODEL_PARAMS)


def test_appeal_levers_are_idle_without_sanctions_with_the_reason():
    values = {**Settings(FIELD[0]).values(), "sanctions": "none", "appeals": "arbiter"}
    idle = levers.idle(values)
    for name in ("appeals", "appeal_cost", "resolution_accuracy", "resolution_cost"):
        assert "there are no sanctions to appeal" in idle[name], name
    active = levers.idle({**values, "sanctions": "peer"})
    assert not {"appeals", "appeal_cost", "resolution_accuracy", "resolution_cost"} & set(active)
