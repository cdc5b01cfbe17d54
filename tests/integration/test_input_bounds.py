"""Inputs are bounded before any work starts, and the messages name what was wrong.

Each case is a hostile or careless input of issue 16: a YAML alias bomb, 100,000 workers,
a design of millions of points or runs, a sweep of many hours, a population that does not
fit in memory, integer keys, seeds and steps out of range.
"""

from __future__ import annotations

import subprocess

import pytest

from sim import cli
from sim.primitives.errors import InputError
from sim.sweep.experiment import load_experiment
from tests.helpers import COPROD, coprod, write

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=False))


def _refused(*args, timeout: float = 60) -> str:
    """Run coprod expecting exit 2 with a clean message (within `timeout`); return stderr."""
    done = coprod(*args, timeout=timeout)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    return done.stderr


@pytest.fixture(scope="module")
def errors(tmp_path_factory):
    """Stderr of each hostile input, all started at once (start-up dominates their time)."""
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "bomb.yaml": f"{BOMB}description: *i\n",
        "bomb_exp.yaml": f"{BOMB}description: x\nbase: consultative\nreplications: *i\n",
        "lhs.yaml": "description: x\nbase: consultative\ndesign: lhs\nsamples: 1e6\n"
                    "vary: {governance.monitoring: [0, 1]}\n",
        "grid.yaml": "description: x\nbase: consultative\nvary:\n" + "".join(
            f"  {k}: [{', '.join(f'{i / 200:.3f}' for i in range(200))}]\n"
            for k in ("governance.monitoring", "administration.responsiveness", "governance.fine")),
        "crossed.yaml": "description: x\nbase: consultative\ndesign: crossed\npolicies: 2000\ncontexts: 1000\n"
                        "levers: {governance.monitoring: [0, 1]}\nuncertainties: {administration.responsiveness: [0, 1]}\n",
        "reps.yaml": "description: x\nbase: consultative\ndesign: lhs\nsamples: 1000\nreplications: 1000000\n"
                     "vary: {governance.monitoring: [0, 1]}\n",
        "long.yaml": "description: x\nbase: consultative\nreplications: 40\nsteps: 100000\n"
                     "fixed: {population.citizens: 50000}\n",
        "game.yaml": "description: x\ngame: {rounds: 1000000}\n",
        "key.yaml": "description: x\n1: x\npopulation:\n  2: y\n",
        "key_exp.yaml": "description: x\nbase: consultative\n1: x\nfixed: {2: y}\nrecord: {3: z}\n",
        "seed_exp.yaml": f"description: x\nbase: consultative\nseed: {2**64}\n",
        "ok.yaml": "description: x\nbase: consultative\nreplications: 1\nsteps: 2\n",
    }
    for name, text in files.items():
        write(folder / name, text)
    cases = {
        "bomb": ("run", "bomb.yaml"), "bomb_exp": ("sweep", "bomb_exp.yaml", "--out", "o"),
        "lhs": ("sweep", "lhs.yaml", "--out", "o"), "grid": ("sweep", "grid.yaml", "--out", "o"),
        "crossed": ("sweep", "crossed.yaml", "--out", "o"), "reps": ("sweep", "reps.yaml", "--out", "o"), "long": ("sweep", "long.yaml", "--out", "o"),
        "game": ("run", "game.yaml", "--out", "o"), "key": ("run", "key.yaml", "--out", "o"),
        "key_exp": ("sweep", "key_exp.yaml", "--out", "o"), "seed_exp": ("sweep", "seed_exp.yaml", "--out", "o"),
        "seed_run": ("run", "consultative", "--seed", str(2**64), "--out", "o"),
        "steps_run": ("run", "consultative", "--steps", "100001", "--out", "o"),
        "workers": ("sweep", "ok.yaml", "--out", "o", "--workers", "100000"),
        "forced": ("sweep", "ok.yaml", "--out", "o", "--workers", "100000", "--force"),
        "optimize_workers": ("optimize", "ok.yaml", "--out", "o", "--workers", "100000"),
    }
    procs = {name: subprocess.Popen([str(COPROD), *args], cwd=folder, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name, args in cases.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)  # an unbounded input would hang here
        assert proc.returncode == 2, (name, stderr)
        assert "Traceback" not in stderr and "unexpected error" not in stderr, (name, stderr)
        out[name] = stdout + stderr
    assert not (folder / "o").exists()  # nothing written, no process started
    return out


def test_yaml_alias_bombs_are_refused_before_they_are_built(errors):
    assert "bomb.yaml: its aliases expand to 2,345,679,021 values; allowed: at most 100,000 values" in errors["bomb"]
    assert "bomb_exp.yaml: its aliases expand to" in errors["bomb_exp"]
    assert all(len(errors[k]) < 400 for k in ("bomb", "bomb_exp"))


def test_designs_of_millions_of_points_or_runs_are_refused_before_they_are_resolved(errors):
    assert "samples: the design has 1,000,000 design points x 10 replications" in errors["lhs"]
    assert "at most 100,000 design points and 1,000,000 runs" in errors["lhs"]
    assert "vary: the design has 8,000,000 design points" in errors["grid"]
    assert "contexts: the design has 2,000,000 design points" in errors["crossed"]
    assert "replications: the design has 1,000 design points x 1,000,000 replications = 1,000,000,000 runs" \
        in errors["reps"]


def test_a_long_sweep_shows_its_estimate_and_needs_yes(errors):
    assert "40 runs on" in errors["long"] and "2e+11 citizen-steps, about" in errors["long"]
    assert "--yes: this sweep is large (see the estimate above); allowed: --yes to start it anyway" in errors["long"]


def test_workers_are_bounded_by_the_cpus_unless_forced(errors):
    assert "--workers: value 100000 is not valid; allowed: an integer in [1, " in errors["workers"]
    assert "add --force to use more" in errors["workers"]
    assert "--workers: value 100000 is not valid" in errors["optimize_workers"]  # the policy tools alike
    assert "allowed: an integer in [1, 256]" in errors["forced"]


def test_steps_and_seeds_are_bounded_alike_in_run_and_sweep(errors):
    assert "--steps: value 100001 is not valid; allowed: an integer in [1, 100000]" in errors["steps_run"]
    assert "game.rounds: value 1000000 is not valid; allowed: an integer in [1, 100000]" in errors["game"]
    assert f"--seed: value {2**64} is not valid; allowed: an integer in [0, 9223372036854775807]" in errors["seed_run"]
    assert f"seed: value {2**64} is not valid; allowed: an integer in [0, 9223372036854775807]" in errors["seed_exp"]


def test_integer_keys_are_named_as_keys(errors):
    assert "key.yaml, line 2, column 1: 1: unknown key; allowed: a top-level key: name, description" in errors["key"]
    assert "(YAML reads 1 as a number, not a key name)" in errors["key"]
    assert "key.yaml, line 4, column 3: population.2: unknown key; allowed: a key of population: citizens" \
        in errors["key"]
    assert "allowed: a string" not in errors["key"] + errors["key_exp"]
    for text in ("1: unknown key; allowed: a top-level key", "fixed.2: unknown parameter",
                 "record.3: unknown key; allowed: a key of record: outcomes, every"):
        assert text in errors["key_exp"]


# --- memory implied by citizens x degree ----------------------------------------------------

def test_a_population_that_does_not_fit_in_memory_is_refused_up_front(monkeypatch, capsys):
    from sim.inputs import bounds  # noqa: PLC0415

    monkeypatch.setattr(bounds, "available_bytes", lambda: 8 * 10**9)
    status = cli.main(["run", "consultative", "--set", "population.citizens=5000000",
                       "--set", "population.degree=100", "--out", "never-written"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert ("--set population.citizens: 5,000,000 citizens with population.degree 100 need about 13.5 GB of "
            "memory for one model; 8 GB is available now") in err
    assert "(500 + 22 x degree bytes per citizen)" in err


def test_the_estimate_fits_the_measured_peaks():
    from sim.inputs import bounds  # noqa: PLC0415

    # measured: 1M citizens at degree 100: 2,667 bytes each; at degree 6: 522
    assert 1.0 <= bounds.model_bytes(1_000_000, 100) / 2.667e9 <= 1.1
    assert 1.0 <= bounds.model_bytes(1_000_000, 6) / 0.522e9 <= 1.3


def test_a_local_sweep_counts_the_models_its_workers_hold_at_once(small, monkeypatch):
    from sim.inputs import bounds  # noqa: PLC0415
    from sim.sweep.coordinator import check_memory, estimate  # noqa: PLC0415

    exp = load_experiment(small)  # 150 citizens, degree 6: about 120 kB a model
    monkeypatch.setattr(bounds, "available_bytes", lambda: 500_000)
    check_memory(exp, workers=2)
    with pytest.raises(InputError, match=r"need about 569 kB of memory for 6 models at once \(94.8 kB each\); 500 kB is available now") as err:
        check_memory(exp, workers=6)
    assert "or fewer --workers" in err.value.message
    assert estimate(exp, 2).runs == 18
