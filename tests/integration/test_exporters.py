"""The public API: `sim.run_point` and the exporters, driving EMA Workbench, SALib, Optuna, SolaraViz."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.policy.export import (
    decode,
    ema_parameters,
    optuna_space,
    salib_problem,
    solara_model_params,
    space,
)
from sim.primitives.errors import InputError

LEVERS = {"governance.monitoring": [0.0, 1.0], "governance.sanctions": ["none", "peer", "admin"]}
UNCERTAIN = {"population.trust": [0.2, 0.8], "population.share_free_rider": [0.1, 0.7],
             "administration.response_delay": [0, 4]}


def test_run_point_gives_steady_and_final_outcomes_reproducibly():
    a = sim.run_point({"governance.monitoring": 0.5, "citizens": 200}, seed=3, steps=20)
    b = sim.run_point({"monitoring": np.float64(0.5), "population.citizens": np.int64(200)}, seed=3, steps=20)
    assert str(a) == str(b) and a.window == 20 and set(a.steady) == set(sim.REPORTERS)  # NaN-safe equality
    long = sim.run_point({"citizens": 200}, seed=3, steps=40)
    short = sim.run_point({"citizens": 200}, seed=3, steps=40, window=5)
    assert long.window == 24 and short.window == 5 and long.final == short.final and long.steady != short.steady


def test_run_point_names_a_bad_parameter_and_can_repair_shares():
    with pytest.raises(InputError) as err:
        sim.run_point({"governance.monitorin": 0.5}, seed=1, steps=2)
    assert "did you mean 'monitoring'?" in err.value.message and err.value.message.startswith("sim.run_point")
    with pytest.raises(InputError, match="is over 1"):
        sim.run_point({"share_conditional": 0.9, "citizens": 100}, seed=1, steps=2)
    fixed = sim.run_point({"share_conditional": 0.9, "citizens": 100}, seed=1, steps=2, repair=True)
    assert fixed.params["share_conditional"] + fixed.params["share_free_rider"] + fixed.params["share_hump"] \
        == pytest.approx(1.0)


def test_ema_workbench_in_five_lines_of_glue():
    ema = pytest.importorskip("ema_workbench")
    # --- glue: five lines ---
    model = ema.Model("coprod", function=lambda **kw: sim.run_point(
        {**kw, "citizens": 150}, seed=1, steps=8, base="ostrom_commons", repair=True).steady)
    model.uncertainties = ema_parameters(space(UNCERTAIN))
    model.levers = ema_parameters(space(LEVERS))
    model.outcomes = [ema.ScalarOutcome(o) for o in ("participation", "free_rider_share")]
    experiments, outcomes = ema.perform_experiments(model, scenarios=5, policies=2)
    # ---
    assert len(experiments) == 10 and set(outcomes) == {"participation", "free_rider_share"}
    assert set(experiments["sanctions"]) <= {"none", "peer", "admin"}
    assert all(0 <= p <= 1 for p in outcomes["participation"])


def test_salib_in_five_lines_of_glue():
    from SALib.analyze import morris as analyze  # noqa: PLC0415
    from SALib.sample import morris as sample  # noqa: PLC0415

    factors = space({**LEVERS, **UNCERTAIN})
    # --- glue: five lines ---
    problem = salib_problem(factors)
    x = sample.sample(problem, 3, num_levels=4, seed=1)
    y = np.array([sim.run_point({**decode(factors, row), "citizens": 120}, seed=1, steps=6,
                                repair=True).steady["participation"] for row in x])
    indices = analyze.analyze(problem, x, y, num_levels=4, seed=1)
    # ---
    assert list(indices["names"]) == [f.name for f in factors] and np.isfinite(indices["mu_star"]).all()
    assert {decode(factors, row)["governance.sanctions"] for row in x} <= {"none", "peer", "admin"}


def test_optuna_space_is_the_declared_space():
    import optuna  # noqa: PLC0415

    dists = optuna_space(space(LEVERS | {"administration.response_delay": [0, 4]}))
    assert isinstance(dists["governance.monitoring"], optuna.distributions.FloatDistribution)
    assert dists["governance.sanctions"].choices == ("none", "peer", "admin")
    assert (dists["administration.response_delay"].low, dists["administration.response_delay"].high) == (0, 4)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    trial = study.ask(dists)
    assert sim.run_point({**trial.params, "citizens": 100}, seed=1, steps=2).steps == 2


def test_declared_ranges_and_bad_spaces():
    s = space(["governance.monitoring", "sanctions", "administration.response_delay"])
    assert (s[0].low, s[0].high, s[1].choices, s[2].integer) == (0, 1, ("none", "peer", "admin"), True)
    with pytest.raises(InputError, match="not valid; allowed: a number in"):
        space({"governance.monitoring": [0, 3]})
    with pytest.raises(InputError, match="did you mean"):
        space(["governance.monitorng"])


def test_solara_model_params_are_accepted_by_mesa():
    solara_viz = pytest.importorskip("mesa.visualization.solara_viz")
    params = solara_model_params(["citizens", "governance.sanctions", "monitoring"])
    assert params["sanctions"] == {"type": "Select", "value": "none", "values": ["none", "peer", "admin"],
                                   "label": "sanctions: Sanctions rule"}
    assert params["monitoring"]["type"] == "SliderFloat" and params["citizens"]["type"] == "SliderInt"
    solara_viz._check_model_params(sim.CoProductionModel.__init__, params)  # Mesa's own check
    model = sim.CoProductionModel(rng=1, **{k: v["value"] for k, v in params.items()})
    assert model.p["sanctions"] == "none"
    assert set(solara_model_params()) == set(sim.MODEL_PARAMS)
