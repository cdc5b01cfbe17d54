"""The results explorer's reading of optimize / explain folders (`dashboards.results`, `dashboards.pareto`)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboards import pareto, results
from dashboards.settings import Settings
from sim.primitives.errors import SetupError
from tests.helpers import write

#: What every campaign's experiment.json carries (`sim.policy.campaign`); read_manifest requires it.
HASH = "0" * 64
FRONT = pd.DataFrame({
    "trial": [4, 1], "governance.sanctions": ["admin", "none"], "population.groups": [3.0, 5.0],
    **{f"participation{s}": v for s, v in (("", [0.6, 0.2]), ("/fresh", [0.62, 0.21]), ("/low", [0.5, -0.05]),
                                           ("/high", [0.7, 0.3]))},
    **{f"admin_cost{s}": v for s, v in (("", [0.2, 0.1]), ("/fresh", [0.19, 0.11]), ("/low", [0.15, 0.1]),
                                        ("/high", [0.22, 0.12]))},
})


def _optimize_folder(folder):
    folder.mkdir(parents=True)
    write(folder / "experiment.json", json.dumps({"kind": "optimize", "hash": HASH, "name": "tiny", "description": "Tiny.\n\nMore.",
                                                  "experiment": {"base": "consultative",
                                                                 "fixed": {"population.citizens": 150}}}))
    write(folder / "optimize.json", json.dumps({"objectives": {"participation": "maximize", "admin_cost": "minimize"},
                                                "levers": ["governance.sanctions", "population.groups"], "steps": 24}))
    FRONT.to_csv(folder / "front.csv", index=False)
    FRONT.assign(state="complete").to_csv(folder / "trials.csv", index=False)
    return folder


def test_an_optimisation_front_becomes_policies_the_dashboard_can_run(tmp_path):
    _optimize_folder(tmp_path / "a" / "search")
    (tmp_path / "a" / "search" / "runs").mkdir()
    assert results.find(tmp_path) == [tmp_path / "a" / "search"]
    assert results.find(tmp_path / "missing") == []
    result = results.load(tmp_path / "a" / "search")
    assert [p.title for p in result.policies] == ["trial 4", "trial 1"]
    policy = result.policy("4")
    assert policy.overrides() == {"sanctions": "admin", "groups": 3}  # an integer, not 3.0
    assert isinstance(policy.overrides()["groups"], int)
    values = policy.settings().values()
    assert (values["sanctions"], values["groups"], values["citizens"]) == ("admin", 3, 150)
    assert policy.settings().horizon() == 24
    assert policy.base_settings().values()["sanctions"] == "none"  # the consultative scenario's own
    assert policy.words() == "sanctions admin, groups 3"
    assert result.policy("9") is None


def test_the_front_chart_has_a_clickable_group_per_policy_and_labelled_axes(tmp_path):
    result = results.load(_optimize_folder(tmp_path / "s"))
    svg = pareto.front_svg(result.trials, result.policies, result.objectives, chosen="1")
    for key in ("4", "1"):
        assert f'id="pick-{key}"' in svg and f'id="pick-{key}-interval"' in svg
    assert "% of all citizens; higher is better" in svg and "lower is better" in svg
    assert pareto.CHOSEN.lower() in svg.lower()
    low, high = pareto._error("participation", 0.21, -0.05, 0.3)
    assert low == [pytest.approx(0.21)] and high == [pytest.approx(0.09)]  # the interval stops at 0


def test_a_folder_that_is_not_a_result_says_so(tmp_path):
    with pytest.raises(SetupError, match="not the --out folder"):
        results.load(tmp_path)
    write(tmp_path / "experiment.json", json.dumps({"kind": "optimize", "hash": HASH, "name": "x"}))
    with pytest.raises(SetupError, match=r"no optimize\.json yet"):
        results.load(tmp_path)
    write(tmp_path / "experiment.json", "{not json")
    assert results.kind_of(tmp_path) is None
    write(tmp_path / "experiment.json", json.dumps({"kind": "optimize", "name": "x"}))  # no hash: damaged
    assert results.kind_of(tmp_path) is None


def test_an_explanation_offers_a_and_b_on_as_base(tmp_path):
    write(tmp_path / "experiment.json", json.dumps({"kind": "explain", "hash": HASH,
                                                   "name": "co_delivery against consultative"}))
    write(tmp_path / "explain.json", json.dumps({
        "a": "consultative", "b": "co_delivery", "sentences": {"participation": "participation is higher."},
        "levers": [{"name": "access", "parameters": ["access"]}, {"name": "rewards", "parameters": ["rewards"]}]}))
    result = results.load(tmp_path)
    a, b = result.policies
    assert a.settings() == Settings("consultative")
    co = Settings("co_delivery").values()
    assert b.overrides() == {"access": co["access"], "rewards": co["rewards"]}
    assert b.settings().values()["access"] == co["access"] != Settings("consultative").values()["access"]
    assert result.sentences == ("participation is higher.",)
