"""Other tools drive the model as they do any Mesa model: batch_run and EMA Workbench."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from sim import CoProductionModel
from sim.primitives.errors import InputError


def test_mesa_batch_run_with_numpy_integers():
    results = mesa.batch_run(CoProductionModel, parameters={"citizens": np.arange(200, 601, 200)},
                             rng=[1], max_steps=5, number_processes=1, display_progress=False)
    finals = [r for r in results if r["Step"] == 5]
    assert sorted(r["citizens"] for r in finals) == [200, 400, 600]
    assert all(0.0 <= r["participation"] <= 1.0 for r in finals)


def test_numpy_scalars_are_accepted_and_give_the_same_run():
    a = CoProductionModel(rng=3, citizens=np.int64(300), responsiveness=np.float64(0.7), response_delay=np.int32(2))
    b = CoProductionModel(rng=3, citizens=300, responsiveness=0.7, response_delay=2)
    for _ in range(4):
        a.step()
        b.step()
    assert a.last_step.outcomes == b.last_step.outcomes
    assert type(a.p["citizens"]) is int and type(a.p["responsiveness"]) is float


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("citizens", True, "an integer in [1, 5000000]"),
    ("citizens", "300", "an integer in [1, 5000000]"),
    ("responsiveness", "0.5", "a number in [0, 1]"),
    ("responsiveness", np.float64(1.5), "a number in [0, 1]"),
    ("response_delay", 2.5, "an integer in [0, 20]"),
    ("responsiveness", np.bool_(True), "a number in [0, 1]"),
])
def test_bools_text_and_out_of_range_values_are_refused(name, value, allowed):
    with pytest.raises(InputError) as err:
        CoProductionModel(**{name: value})
    (problem,) = err.value.problems
    assert (problem.field, problem.allowed) == (name, allowed)
    assert problem.origin.kind == "constructor"


def test_ema_workbench_sampled_integer_lever():
    samplers = pytest.importorskip("ema_workbench.em_framework.samplers")
    parameters = pytest.importorskip("ema_workbench.em_framework.parameters")
    space = parameters.ParameterMap()
    space.extend([parameters.IntegerParameter("response_delay", 0, 5),
                  parameters.RealParameter("responsiveness", 0.1, 1.0)])
    points = [dict(p) for p in samplers.LHSSampler().generate_samples(space, 4, rng=1)]
    assert all(isinstance(p["response_delay"], np.integer) for p in points)
    for point in points:
        model = CoProductionModel(rng=1, citizens=200, **point)
        model.step()
        assert model.p["response_delay"] == int(point["response_delay"])
