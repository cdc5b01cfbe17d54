"""The step's compiled kernels (used from `COMPILED_ROWS` citizens) give the same doubles as NumPy/SciPy."""

import numpy as np
import pytest

from sim.model import learning, neighbourhood
from sim.model.metrics import concentration
from sim.model.neighbourhood import Neighbourhood, neighbour_means
from sim.model.network import build_network
from sim.primitives.numeric import dot


@pytest.mark.parametrize(("kind", "degree"), [("small_world", 6), ("scale_free", 4), ("lattice", 8), ("groups", 6)])
@pytest.mark.parametrize("columns", [2, 3])
def test_compiled_neighbour_means_are_bit_identical_to_the_sparse_product(monkeypatch, kind, degree, columns):
    rng = np.random.default_rng(7)
    n = 20_000
    adjacency = build_network(kind, n, rng, degree=degree, rewire=0.3, group_size=5)
    degree_of = np.diff(adjacency.indptr)
    monkeypatch.setattr(neighbourhood, "COMPILED_ROWS", 1_000)
    monkeypatch.setattr("sim.model.kernels.NEAR", 16)  # many far ties even at this size
    compiled = Neighbourhood(adjacency, degree_of)
    assert compiled.parts  # the compiled path is the one under test
    values = rng.random((n, columns))
    values[rng.random(n) < 0.5, 0] = 0.0
    fallback = np.arange(columns, dtype=float) - 5.0
    expected = neighbour_means(adjacency, values, degree_of, fallback)
    assert np.array_equal(compiled.means(values, list(fallback)), expected)
    assert np.array_equal(compiled.means(values, list(fallback)), expected)  # buffers reused


def test_a_network_with_isolated_citizens_gets_the_fallback_on_the_compiled_path(monkeypatch):
    adjacency = build_network("groups", 2_001, np.random.default_rng(1), group_size=2)  # the last is alone
    degree_of = np.diff(adjacency.indptr)
    monkeypatch.setattr(neighbourhood, "COMPILED_ROWS", 1_000)
    values = np.random.default_rng(2).random((2_001, 2))
    got = Neighbourhood(adjacency, degree_of).means(values, [7.0, -1.0])
    assert got[-1].tolist() == [7.0, -1.0]
    assert np.array_equal(got, neighbour_means(adjacency, values, degree_of, np.array([7.0, -1.0])))


def test_the_compiled_answer_learns_and_acts_as_the_numpy_steps_do():
    from sim.model import fused  # noqa: PLC0415

    rng = np.random.default_rng(3)
    n = 5_000
    effort = np.where(rng.random(n) < 0.5, 0.0, rng.random(n)).astype(np.float32)
    reports = np.where(rng.random(n) < 0.7, 0.0, rng.integers(1, 4, n)).astype(np.float32)
    acted = rng.random(n) < 0.5
    efficacy, feedback = rng.random(n), np.full(n, -1, dtype=np.int8)
    expected, expected_feedback = efficacy.copy(), feedback.copy()
    heard_expected = (effort > 0) | (reports > 0)
    learning.learn_from_feedback(expected, heard_expected, acted, 0.37, expected_feedback)
    heard, acted_effort, acted_reports = np.empty(n, bool), np.empty(n), np.empty(n, np.float32)
    k, m = fused.answer(effort, reports, acted, efficacy, feedback, 0.37, heard, acted_effort, acted_reports)
    assert np.array_equal(heard, heard_expected)
    assert np.array_equal(efficacy, expected) and np.array_equal(feedback, expected_feedback)
    assert np.array_equal(acted_effort, np.multiply(effort, acted, out=np.empty(n)))
    assert np.array_equal(acted_reports, np.multiply(reports, acted, out=np.empty(n, np.float32)))
    assert (k, m) == (int(heard_expected.sum()), int((heard_expected & acted).sum()))
    assert set(np.unique(feedback[heard]).tolist()) <= {0, 1} and (feedback[~heard] == -1).all()


def test_concentration_sorts_only_the_positive_values_with_the_same_result():
    rng = np.random.default_rng(4)
    values = np.where(rng.random(10_001) < 0.8, 0.0, rng.pareto(1.5, 10_001))
    ordered = np.sort(values)
    n = values.size
    weights = np.arange(1 - n, n, 2, dtype=np.float64)
    gini, top = concentration(values, 0.01)
    assert gini == dot(weights, ordered) / (n * float(values.sum()))
    assert top == float(ordered[n - 101 :].sum()) / float(values.sum())


def test_compiled_monthly_learning_is_bit_identical(monkeypatch):
    from types import SimpleNamespace  # noqa: PLC0415

    from sim.model.parameters import resolve_model_params  # noqa: PLC0415
    from sim.primitives.numeric import Scratch  # noqa: PLC0415

    rng = np.random.default_rng(5)
    n = 4_000
    p = resolve_model_params({"feedback_publicity": 0.3})

    def citizens():
        state = np.random.default_rng(6)
        return SimpleNamespace(trust=state.random(n), expectation=state.random(n) * 2, efficacy=state.random(n),
                               trust_prior=state.random(n))

    neighbours = rng.random(n)
    for received, ratio in [(0.7, 0.4), (1.9, 1.3), (0.0, 2.5)]:
        expected, compiled = citizens(), citizens()
        learning.learn_month(expected, received, ratio, neighbours, 0.45, p, Scratch(n))
        monkeypatch.setattr(learning, "COMPILED_ROWS", 1_000)
        learning.learn_month(compiled, received, ratio, neighbours, 0.45, p, Scratch(n))
        monkeypatch.undo()
        for name in ("trust", "expectation", "efficacy"):
            assert np.array_equal(getattr(compiled, name), getattr(expected, name)), name


def compiled_modules() -> list:
    """Every module of `sim.model` that chooses its compiled path by `COMPILED_ROWS`."""
    import importlib  # noqa: PLC0415
    import pkgutil  # noqa: PLC0415

    import sim.model  # noqa: PLC0415

    modules = [importlib.import_module(f"sim.model.{m.name}") for m in pkgutil.iter_modules(sim.model.__path__)]
    found = [m for m in modules if hasattr(m, "COMPILED_ROWS")]
    assert len(found) >= 4  # neighbourhood, learning, step_parts, acts, ...
    return found


@pytest.mark.parametrize("overrides", [
    {},
    {"interaction": "consultation", "responsiveness": 0.3, "feedback_publicity": 0.5},
    {"sanctions": "admin", "fine": 0.2, "monitoring": 0.3, "mpcr": 0.9},
    {"network": "scale_free", "responsibility": "individual", "campaign_reach": 0.1},
    {"rewards": "recognition", "data_value": 0.0, "decision_noise": 0.0},
    {"sanctions": "peer", "rewards": "recognition", "turnover": 0.5},
])
def test_a_model_on_the_compiled_path_gives_the_same_outcomes(monkeypatch, overrides):
    from sim import CoProductionModel  # noqa: PLC0415

    def run() -> list[dict[str, float]]:
        model = CoProductionModel(rng=11, citizens=3_000, **overrides)
        out = []
        for _ in range(8):
            model.step()
            out.append(model.last_step.outcomes)
        return out

    expected = run()
    for module in compiled_modules():
        monkeypatch.setattr(module, "COMPILED_ROWS", 1_000)
    monkeypatch.setattr("sim.primitives.threads.SPLIT_DRAWS", 1_000)  # draws split across threads too
    monkeypatch.setattr("sim.model.kernels.NEAR", 16)
    assert repr(run()) == repr(expected)


@pytest.mark.parametrize("x", [-0.0, 0.0, 0.5, -1.0, 2.0, float("nan"), float("inf"), -float("inf"), 1.0])
def test_the_kernels_clip_is_numpys_clip_nan_and_signed_zero_included(x):
    from numba import njit  # noqa: PLC0415

    from sim.model.kernels import clip_scalar  # noqa: PLC0415

    clip = njit(lambda v: clip_scalar(v, 0.0, 1.0))
    assert repr(clip(x)) == repr(float(np.clip(np.float64(x), 0.0, 1.0)))


def test_movers_drawn_early_are_the_movers_drawn_on_time_even_when_a_lever_changes(monkeypatch):
    """Next month's movers are drawn in the second thread at scale (`sim.model.turnover.Prefetch`)."""
    from sim import CoProductionModel  # noqa: PLC0415

    def run() -> str:
        model = CoProductionModel(rng=3, citizens=2_000, turnover=0.6)
        out = []
        for month in range(1, 9):
            if month == 4:  # a policy change between two months: the early draws are redone
                model.set_levers(responsiveness=0.9)
            out.append((model.last_step.outcomes, model.citizens.trust.tolist()))
            model.step()
        return repr(out)

    expected = run()
    for module in compiled_modules():
        monkeypatch.setattr(module, "COMPILED_ROWS", 1_000)
    assert run() == expected
