"""The policy tools refuse a request of more than `MAX_RUNS` runs in all, before any run.

Each tool's planner (`planned_runs`) is a pure function of the request: tested at the cap
(accepted) and one step above it (refused, naming the fields and the total), without
running a model. The commands and the Python entry points refuse before writing anything.
"""

from __future__ import annotations

import subprocess

import pytest

from sim.cli.parser import build_parser
from sim.inputs.experiment import load_experiment_file
from sim.inputs.scenario import load_scenario
from sim.policy import discover, explain, optimize
from sim.policy.run_cap import MAX_RUNS
from sim.primitives.errors import InputError, Origin
from tests.helpers import COPROD, ROOT, SyntheticPool, write

LEVERS = "levers: {governance.monitoring: [0.0, 1.0]}\n"
UNCERTAIN = "uncertainties: {population.trust: [0.1, 0.9]}\n"


def _optimize(tmp_path, trials: int, contexts: int, replications: int, reevaluate: int):
    return load_experiment_file(write(tmp_path / "o.yaml", (
        f"description: o\nbase: consultative\n{LEVERS}{UNCERTAIN}replications: {replications}\n"
        f"optimize: {{objectives: {{quality: maximize}}, trials: {trials}, contexts: {contexts}, "
        f"reevaluate: {reevaluate}}}\n")))


def _discover(tmp_path, contexts: int, replications: int):
    return load_experiment_file(write(tmp_path / "d.yaml", (
        f"description: d\nbase: consultative\n{UNCERTAIN}replications: {replications}\n"
        f"discover: {{outcome: participation, below: 0.5, contexts: {contexts}}}\n")))


def _refused(plan, *args) -> str:
    with pytest.raises(InputError) as err:
        plan(*args)
    return err.value.message


def test_the_cap_is_the_sweeps():
    from sim.sweep.experiment import MAX_RUNS as SWEEP_MAX_RUNS  # noqa: PLC0415

    assert MAX_RUNS == SWEEP_MAX_RUNS == 1_000_000


def test_optimize_counts_the_search_and_the_front_re_evaluation(tmp_path):
    # 1,000 trials x 10 contexts x 99 replications + 20 front members x 10 contexts x 50 = 1,000,000
    assert optimize.planned_runs(_optimize(tmp_path, 1000, 10, 99, 50)) == MAX_RUNS
    message = _refused(optimize.planned_runs, _optimize(tmp_path, 1000, 10, 99, 51))
    assert ("o.yaml: optimize.trials, optimize.contexts, replications, optimize.reevaluate: the optimisation "
            "would make 1,000 trials x 10 contexts x 99 replications + 20 front members x 10 contexts x 51 "
            "re-evaluations = 1,000,200 runs; allowed: at most 1,000,000 runs in one command (trials x "
            "contexts x replications + at most 20 front members x contexts x reevaluate)") in message


def test_optimize_re_evaluates_no_more_members_than_trials_and_none_without_reevaluate(tmp_path):
    # 5 trials x 1 context (the base) x 100,000 + 5 members x 1 x 100,000 = 1,000,000
    assert optimize.planned_runs(_optimize(tmp_path, 5, 0, 100_000, 100_000)) == MAX_RUNS
    message = _refused(optimize.planned_runs, _optimize(tmp_path, 5, 0, 100_001, 100_000))
    assert "5 trials x 1 context x 100,001 replications + 5 front members x 1 context x 100,000" in message
    assert "= 1,000,005 runs" in message
    assert optimize.planned_runs(_optimize(tmp_path, 10, 0, 100_000, 0)) == MAX_RUNS
    assert "= 1,000,010 runs" in _refused(optimize.planned_runs, _optimize(tmp_path, 10, 0, 100_001, 0))


def test_discover_counts_contexts_by_replications(tmp_path):
    assert discover.planned_runs(_discover(tmp_path, 1000, 1000)) == MAX_RUNS
    message = _refused(discover.planned_runs, _discover(tmp_path, 1000, 1001))
    assert ("d.yaml: discover.contexts, replications: the discovery would make 1,000 contexts x 1,001 "
            "replications = 1,001,000 runs; allowed: at most 1,000,000 runs in one command (contexts x "
            "replications)") in message


def test_explain_counts_every_combination_by_replications():
    ka, kb = (load_scenario(s).model_kwargs() for s in ("co_delivery", "ostrom_commons"))
    levers = explain.levers_between(ka, kb)
    assert len(levers) == 7  # 128 combinations
    largest = MAX_RUNS // 128
    assert explain.planned_runs(levers, largest) == 128 * largest
    assert "= 1,000,064 runs" in _refused(explain.planned_runs, levers, largest + 1)
    assert explain.planned_runs(levers[:6], 15_625) == MAX_RUNS  # 64 combinations x 15,625
    message = _refused(explain.planned_runs, levers[:6], 15_626)
    assert ("sim.policy.explain.explain: seeds: the explanation would make 64 combinations (2^6: 6 levers) x "
            "15,626 replications = 1,000,064 runs; allowed: at most 1,000,000 runs in one command (2^levers "
            "combinations x replications)") in message


def _trade_off(kwargs: dict, seed: int) -> dict[str, float]:
    m = kwargs["monitoring"]  # quality up, cost up: every trial is on the Pareto front
    return {"quality": m + (seed % 97) / 1e4, "admin_cost": m}


def test_the_planned_count_is_what_the_tools_run(tmp_path):
    spec = load_experiment_file(write(tmp_path / "t.yaml", (
        f"description: t\nbase: consultative\n{LEVERS}{UNCERTAIN}replications: 2\nsteps: 3\nseed: 1\n"
        "optimize: {objectives: {quality: maximize, admin_cost: minimize}, trials: 6, batch: 3, population: 3, "
        "contexts: 2, reevaluate: 3}\n")))
    done = optimize.optimize(spec, tmp_path / "o", pool=SyntheticPool(_trade_off))
    assert len(done.front) == 6  # the bound is reached: every trial re-evaluated
    assert done.ran == optimize.planned_runs(spec) == 6 * 2 * 2 + 6 * 2 * 3
    spec = _discover(tmp_path, 7, 3)
    assert discover.discover(spec, tmp_path / "d", pool=SyntheticPool()).ran == discover.planned_runs(spec) == 21


def test_the_python_entry_points_refuse_before_writing_anything(tmp_path):
    with pytest.raises(InputError, match="1,000,200 runs"):
        optimize.optimize(_optimize(tmp_path, 1000, 10, 99, 51), tmp_path / "o")
    with pytest.raises(InputError, match="1,001,000 runs"):
        discover.discover(_discover(tmp_path, 1000, 1001), tmp_path / "d")
    a, b = load_scenario("co_delivery"), load_scenario("ostrom_commons")
    with pytest.raises(InputError, match="1,000,064 runs"):
        explain.explain(a, b, tmp_path / "e", seeds=list(range(MAX_RUNS // 128 + 1)), steps=2)
    assert not any((tmp_path / name).exists() for name in ("o", "d", "e"))


def test_the_commands_refuse_before_printing_or_writing(tmp_path):
    write(tmp_path / "o.yaml", "description: o\nbase: consultative\n" + LEVERS + UNCERTAIN + "replications: 1000\n"
          "optimize: {objectives: {quality: maximize}, trials: 10000, contexts: 100}\n")
    write(tmp_path / "d.yaml", "description: d\nbase: consultative\n" + UNCERTAIN + "replications: 10000\n"
          "discover: {outcome: participation, below: 0.5, contexts: 1000}\n")
    cases = {"optimize": ("optimize", "o.yaml", "--out", "out"), "discover": ("discover", "d.yaml", "--out", "out"),
             "explain": ("explain", "co_delivery", "ostrom_commons", "--replications", "1000000000", "--out", "out")}
    procs = {name: subprocess.Popen([str(COPROD), *args], cwd=tmp_path, text=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE) for name, args in cases.items()}
    done = {name: (proc.communicate(timeout=120), proc.returncode) for name, proc in procs.items()}
    for name, ((stdout, stderr), code) in done.items():
        assert code == 2 and stdout == "" and "Traceback" not in stderr, (name, stdout, stderr)
    assert ("the optimisation would make 10,000 trials x 100 contexts x 1,000 replications + 20 front members x "
            "100 contexts x 10 re-evaluations = 1,000,020,000 runs; allowed: at most 1,000,000 runs") \
        in done["optimize"][0][1]
    assert "discover.contexts, replications: the discovery would make 1,000 contexts x 10,000" in done["discover"][0][1]
    assert ("--replications: the explanation would make 128 combinations (2^7: 7 levers) x 1,000,000,000 "
            "replications = 128,000,000,000 runs") in done["explain"][0][1]
    assert not (tmp_path / "out").exists()


def test_docs_and_help_state_the_cap(capsys):
    assert f"at most {MAX_RUNS:,} runs in all" in (ROOT / "docs" / "policy.md").read_text()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["explain", "--help"])
    assert f"x N runs, at most {MAX_RUNS:,}" in " ".join(capsys.readouterr().out.split())


def test_the_origin_of_an_option_is_named():
    levers = [explain.Lever(f"l{i}", (f"p{i}",)) for i in range(3)]
    message = _refused(lambda: explain.planned_runs(levers, MAX_RUNS, field="",
                                                    origin=Origin("option", "--replications")))
    assert message.startswith("--replications: the explanation would make 8 combinations")
