"""Sweeps: designs, seeds, experiment files, local runs, the report, resume and kill safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.headline import HEADLINE
from sim.analysis.report import write_report
from sim.inputs.scenario import apply_overrides, load_scenario, scenario_names
from sim.model.reporters import REPORTERS
from sim.primitives.errors import InputError, Origin, SetupError
from sim.run.single import run_scenario
from sim.sweep import design as dz
from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from sim.sweep.store import RUNS
from tests.helpers import COPROD, ROOT, SMALL, SMALL_ROWS, coprod, table, wait_until, write

# --- designs and seeds ---------------------------------------------------------------------

def test_grid_is_every_combination_in_order():
    factors = [dz.Factor("a", (1, 2, 3)), dz.Factor("b", ("x", "y")), dz.Factor("c", (0.1, 0.2, 0.3, 0.4))]
    points = dz.generate("grid", factors).points
    assert len(points) == 24
    assert points[0] == {"a": 1, "b": "x", "c": 0.1} and points[1] == {"a": 1, "b": "x", "c": 0.2}
    assert len({tuple(p.values()) for p in points}) == 24


def test_lhs_shape_bounds_and_strata():
    factors = [dz.Factor("a", low=0.0, high=2.0), dz.Factor("b", low=10, high=20, integer=True)]
    d = dz.generate("lhs", factors, samples=10, seed=3)
    x = np.array(d.sample)
    assert x.shape == (10, 2) and len(d.points) == 10
    assert ((x[:, 0] >= 0) & (x[:, 0] <= 2)).all() and ((x[:, 1] >= 10) & (x[:, 1] <= 20)).all()
    assert sorted(np.floor(x[:, 0] / 0.2).astype(int)) == list(range(10))  # one point per stratum
    assert all(isinstance(p["b"], int) and 10 <= p["b"] <= 20 for p in d.points)
    assert dz.generate("lhs", factors, samples=10, seed=3) == d  # same seed, same design


@pytest.mark.parametrize(("kind", "second", "size"), [("sobol", False, 8 * (3 + 2)),
                                                      ("sobol", True, 8 * (2 * 3 + 2)),
                                                      ("morris", False, 8 * (3 + 1))])
def test_sobol_and_morris_shapes(kind, second, size):
    factors = [dz.Factor(n, low=0.0, high=1.0) for n in "abc"]
    d = dz.generate(kind, factors, samples=8, second_order=second, seed=1)
    assert np.array(d.sample).shape == (size, 3) == (dz.design_size(kind, 3, 8, second), 3)


def test_seeds_are_stable_and_unique():
    assert dz.spawn_seeds(20240601, 3) == [3831118182116757, 7837234969251652, 7155311416433956]
    seeds = dz.run_seeds(5, n_points=50, replications=40, common=False)
    assert len(seeds) == 2000 == len(set(seeds)) and all(0 <= s < 2**53 for s in seeds)
    common = dz.run_seeds(5, n_points=50, replications=40, common=True)
    assert common == dz.spawn_seeds(5, 40) and len(set(common)) == 40
    # common random numbers: replicate k of every point shares a seed; replicates differ
    assert dz.seed_of(common, 3 * 40 + 7, 40) == dz.seed_of(common, 9 * 40 + 7, 40) == common[7]
    assert dz.seed_of(seeds, 3 * 40 + 7, 40, common=False) != dz.seed_of(seeds, 9 * 40 + 7, 40, common=False)


# --- experiment files ----------------------------------------------------------------------

def test_small_experiment_resolves(small):
    exp = load_experiment(small)
    assert (exp.n_points, exp.n_runs, exp.varied) == (6, 18, ["administration.responsiveness"])
    assert exp.points[1] == {"scenario": "traditional", "administration.responsiveness": 0.9}
    assert exp.record_steps(0) == [5, 10, 12]
    assert exp.run(4) == (1, 1, exp.seeds[1])
    assert exp.point_scenario(1).model_kwargs()["responsiveness"] == 0.9
    assert load_experiment(small).hash == exp.hash


@pytest.mark.parametrize(("text", "expected"), [
    ("vary: {governance.monitoring: [0.2, 1.5]}\nbase: consultative",
     "vary.governance.monitoring[1]: value 1.5 is not valid; allowed: a number in [0, 1]"),
    ("vary: {governance.sanctoins: [none]}\nbase: consultative", "did you mean 'governance.sanctions'?"),
    ("vary: {monitoring: [0.1]}\nbase: consultative", "did you mean 'governance.monitoring'?"),
    ("design: lhs\nsamples: 4\nvary: {governance.monitoring: [-0.5, 0.5]}\nbase: consultative",
     "vary.governance.monitoring[0]: value -0.5 is not valid; allowed: a number in [0, 1]"),
    ("design: morris\nsamples: 4\nvary: {governance.sanctions: [none, pear]}\nbase: consultative",
     "vary.governance.sanctions[1]: value 'pear' is not valid; allowed: one of: none"),
    ("design: sobol\nsamples: 6\nvary: {governance.fine: [0, 1]}\nbase: consultative", "a power of 2"),
    ("replications: 0\nbase: consultative", "replications: value 0 is not valid; allowed: an integer in [1, 1000000]"),
    ("base: consultativ", "did you mean 'consultative'?"),
    ("vary: {scenario: [traditional]}\nbase: consultative", "base: not used when vary.scenario"),
    ("record: {outcomes: [participaton]}\nbase: consultative", "did you mean 'participation'?"),
    ("replication: 3\nbase: consultative", "replication: unknown key; allowed: a top-level key"),
    ("fixed: {service.channel: web}\nbase: consultative", "fixed.service.channel: value 'web' is not valid; allowed: one of: online"),
    ("fixed: {population.citizens: 50}\nvary: {population.degree: [4, 49]}\nbase: consultative",
     "point 1 (population.degree=49): population.degree: value 49 is not valid"),
    ("design: grid\nsamples: 4\nbase: consultative", "samples: only used by lhs and sobol and morris designs"),
    ("design: lhs\nvary: {governance.fine: [0, 1]}\nbase: consultative", "samples: missing; required"),
    ("design: latin\nbase: consultative", "design: value 'latin' is not valid; allowed: one of: grid, lhs"),
    ("replications: 1e308\nbase: consultative", "replications: value 1e+308 is not valid"),
    ("vary: {governance.monitoring: [0.2, 1.5]}\nbase: consultative", ", line 2, column "),
])
def test_experiment_errors_name_the_field(tmp_path, text, expected):
    path = write(tmp_path / "bad.yaml", f"description: bad\n{text}\n")
    with pytest.raises(InputError) as err:
        load_experiment(path)
    assert expected in err.value.message and err.value.message.startswith(str(path))


def test_bad_experiment_exits_2_without_traceback(tmp_path):
    path = write(tmp_path / "bad.yaml", "description: bad\nbase: consultative\nseed: -1\n")
    done = coprod("sweep", path, "--out", tmp_path / "out")
    assert done.returncode == 2 and "seed: value -1 is not valid" in done.stderr
    assert "Traceback" not in done.stderr


def test_governance_comparison_covers_every_named_governance_scenario():
    exp = load_experiment("governance_comparison")
    domain = load_experiment("domain_scenarios")
    # timed policy changes (events:) are read against their own first months, not compared here
    governance = [n for n in scenario_names() if not n.startswith("lab_") and not load_scenario(n).events
                  and n not in ("commons_chosen_rules", "polycentric_commons")  # compared with their twins
                  and n not in domain.scenarios]
    assert len(governance) == 8 and sorted(exp.scenarios) == sorted(governance)
    assert exp.replications >= 10 and exp.common_random_numbers and exp.design == "grid"
    assert {o for o, _, _ in HEADLINE} <= set(exp.outcomes)
    assert "lab_" in exp.description  # says why the lab games are left out


def test_sensitivity_is_a_morris_screening_of_levers():
    exp = load_experiment("sensitivity")
    assert exp.design == "morris" and len(exp.factors) >= 5
    assert exp.n_points == exp.samples * (len(exp.factors) + 1)
    assert all(f.name.startswith(("governance.", "administration.", "service.")) for f in exp.factors)


# --- running -------------------------------------------------------------------------------

def test_local_sweep_with_two_workers_equals_one_worker(small, local2, tmp_path):
    out1 = tmp_path / "one"
    result = run_sweep(load_experiment(small), out1, workers=1, progress="never")
    assert result.ran == 18 and result.before == 0
    a, b = table(local2), table(out1)
    assert len(a) == SMALL_ROWS and not a.duplicated(["run_id", "step"]).any()
    assert list(a.columns) == ["run_id", "point_id", "replicate", "seed", "scenario",
                               "administration.responsiveness", "step", "participation", "quality",
                               "quality_growth", "free_rider_share"]
    assert a.equals(b)  # bit for bit, whichever worker ran what
    assert len(list((local2 / RUNS).glob("part-*.parquet"))) == 9  # one part per 2-run chunk
    # common random numbers: one seed per replicate, shared by every design point
    assert a.groupby("replicate")["seed"].nunique().eq(1).all() and a.seed.nunique() == 3


def test_a_row_seed_reproduces_the_run_with_coprod_run(local2):
    rows = table(local2)
    row = rows[(rows.run_id == 11) & (rows.step == 12)].iloc[0]
    values = {"population.citizens": 150,
              "administration.responsiveness": row["administration.responsiveness"]}
    scenario = apply_overrides(load_scenario(row.scenario), values, Origin("set"))
    frame = run_scenario(scenario, steps=12, seed=int(row.seed), progress=False).frame
    assert frame.participation.iloc[-1] == row.participation and frame.quality.iloc[-1] == row.quality


def test_report_files(local2):
    results, files = write_report(local2)
    assert {"summary.csv", "trajectories.png", "final.png", "report.html"} <= set(files)
    s = pd.read_csv(files["summary.csv"])
    assert list(s.columns[:3]) == ["point_id", "scenario", "administration.responsiveness"]
    assert {"outcome", "measure", "n", "mean", "sd", "ci_low", "ci_high"} <= set(s.columns)
    assert len(s) == 6 * 4 * 3 and (s.n == 3).all()  # points x outcomes x (final, run mean, steady)
    assert ((s.ci_low <= s["mean"] + 1e-12) & (s["mean"] <= s.ci_high + 1e-12)).all()
    page = files["report.html"].read_text()
    assert page.count("data:image/png;base64,") >= 2
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "Which does best?" in page and len(results.verdicts) == 3
    # the opening summary: one plain sentence per headline outcome, before the details
    short = page[page.index("In short"):page.index("Which does best?")]
    for v in results.verdicts:
        assert f"On {v['outcome'].replace('_', ' ')} ({v['better']} is better), {v['best']} does best" in short


def test_sensitivity_report_for_morris(tmp_path):
    path = write(tmp_path / "m.yaml", """\
description: tiny morris
base: ostrom_commons
design: morris
samples: 5
vary: {governance.monitoring: [0, 1], administration.response_delay: [0, 3]}
fixed: {population.citizens: 100}
replications: 1
steps: 5
""")
    run_sweep(load_experiment(path), tmp_path / "out", progress="never")
    _, files = write_report(tmp_path / "out")
    si = pd.read_csv(files["sensitivity.csv"])
    assert {"mu", "mu_star", "sigma", "mu_star_conf"} <= set(si.columns)
    assert set(si.parameter) == {"governance.monitoring", "administration.response_delay"}
    assert "sensitivity.png" in files and "scatter.png" in files
    # 15 design points, more than a chart draws as lines: one band per scenario over the runs
    results, _ = write_report(tmp_path / "out")
    band = results.trajectories
    assert results.group_by == "scenario" and len(band) == 5
    assert (band["participation/ci_low"] <= band["participation/ci_high"]).all()


# --- resume ----------------------------------------------------------------------------------

def test_resume_refuses_a_changed_experiment(small, local2, tmp_path):
    changed = write(tmp_path / "small.yaml", SMALL.replace("replications: 3", "replications: 4"))
    with pytest.raises(SetupError, match="replications changed 3 → 4"):
        run_sweep(load_experiment(changed), local2, resume=True, progress="never")
    done = coprod("sweep", changed, "--out", local2, "--resume")
    assert done.returncode == 2 and "replications changed 3 → 4" in done.stderr
    done = coprod("sweep", small, "--out", local2)  # same experiment, but no --resume
    assert done.returncode == 2 and "add --resume" in done.stderr


def test_resume_redoes_partial_and_corrupt_parts(small, local2, tmp_path):
    out = tmp_path / "out"
    run_sweep(load_experiment(small), out, workers=1, chunk_size=2, progress="never")
    parts = sorted((out / RUNS).glob("part-*.parquet"))
    parts[0].write_bytes(parts[0].read_bytes()[:200])  # truncated: unreadable
    parts[1].unlink()  # lost
    (out / RUNS / ".tmp-0001-part-000000099.parquet").write_bytes(b"PAR1 half")
    result = run_sweep(load_experiment(small), out, resume=True, progress="never")
    notes = result.notes
    assert len(notes) == 2 and any(".tmp-" in n for n in notes)
    assert any(parts[0].name in n and "checksum does not match" in n for n in notes)
    assert (out / "rejected" / parts[0].name).is_file()  # moved aside, not deleted
    assert result.ran == 4 and result.before == 14
    assert table(out).equals(table(local2))


def test_sigkill_then_resume_gives_exactly_the_expected_rows(tmp_path):
    path = write(tmp_path / "kill.yaml", """\
description: long enough to be killed half way
vary: {scenario: [consultative, co_delivery, ostrom_commons, open_platform]}
fixed: {population.citizens: 3000}
replications: 16
steps: 60
seed: 3
record: {outcomes: [participation, quality_growth, free_rider_share], every: 10}
""")
    out = tmp_path / "out"
    proc = subprocess.Popen([str(COPROD), "sweep", str(path), "--out", str(out), "--workers", "2",
                             "--chunk", "1", "--no-report"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: any((out / RUNS).glob("part-*.parquet")), 60, poll=0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its worker processes
    proc.wait(timeout=10)
    written = len(list((out / RUNS).glob("part-*.parquet")))
    assert 1 <= written < 64, "killed mid-way"
    (out / RUNS / ".tmp-dead-part-000000063-000000063.parquet").write_bytes(b"PAR1\x00partial")
    # (the rows are what is checked: no attribution of the leads, which would run 2^k more)
    done = coprod("sweep", path, "--out", out, "--workers", "2", "--resume", "--explain-replications", "0")
    assert done.returncode == 0, done.stderr
    assert "removed .tmp-dead" in done.stderr and "Report:" in done.stdout
    rows = table(out)
    expected = {(r, s) for r in range(64) for s in range(10, 61, 10)}
    assert len(rows) == len(expected) and set(zip(rows.run_id, rows.step, strict=True)) == expected
    manifest = json.loads((out / "experiment.json").read_text())
    assert manifest["n_runs"] == 64 and set(rows.columns) >= {"seed", "scenario", *manifest["outcomes"]}
    assert set(REPORTERS) >= set(manifest["outcomes"])


def _marker(chunk_or_hash) -> Path:
    key = chunk_or_hash if isinstance(chunk_or_hash, str) else \
        chunk_or_hash.schema.metadata[b"coprod.experiment_hash"].decode()
    return Path(tempfile.gettempdir()) / f"coprod-test-die-once-{key[:16]}"


def _die_once(chunk):
    """A chunk function whose worker process dies the first time it sees run 5."""
    from sim.sweep.execute import run_chunk  # noqa: PLC0415

    if any(r[0] == 5 for r in chunk.runs) and not _marker(chunk).exists():
        _marker(chunk).write_text("died")
        os._exit(1)
    return run_chunk(chunk)


def test_a_dying_worker_is_replaced_and_its_chunks_redone(small, local2, tmp_path, monkeypatch):
    from sim.sweep import coordinator, execute  # noqa: PLC0415

    exp = load_experiment(small)
    _marker(exp.hash).unlink(missing_ok=True)
    monkeypatch.setattr(coordinator, "evaluator", lambda *args: execute.LocalPool(2, fn=_die_once))
    result = run_sweep(exp, tmp_path / "out", workers=2, chunk_size=2, progress="never")
    assert _marker(exp.hash).exists() and result.ran == 18
    _marker(exp.hash).unlink()
    assert table(tmp_path / "out").equals(table(local2))


def test_docs_list_every_experiment_key():
    from sim.inputs.experiment import TOP_KEYS  # noqa: PLC0415

    text = (ROOT / "docs" / "sweeps.md").read_text()
    assert all(f"| `{key}`" in text for key in TOP_KEYS if key not in ("vary", "fixed", "record"))
    assert all(f"`{key}`" in text for key in ("vary", "fixed", "record.outcomes", "record.every"))
