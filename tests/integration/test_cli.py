"""The installed ``coprod`` console script, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import sim
from sim import cli
from sim.inputs.scenario import scenario_names
from sim.model.reporters import REPORTERS
from tests.helpers import COPROD, ROOT, coprod

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = ["--set", "population.citizens=200"]


def bad_input(*args: str, cwd: Path | None = None) -> str:
    """Run coprod expecting exit status 2 with a clean message; return stderr."""
    done = coprod(*args, cwd=cwd)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip()
    return done.stderr


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    done = coprod("run", "consultative", "--steps", 5, "--seed", 3, *SMALL, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "participation" in done.stdout and "month 5" in done.stdout
    return out


def test_console_script_is_installed():
    assert COPROD.is_file()
    done = coprod("--version")
    assert done.returncode == 0 and sim.__version__ in done.stdout


def test_run_writes_timeseries_summary_and_plots(run_dir):
    csv = (run_dir / "timeseries.csv").read_text().splitlines()
    assert csv[0].split(",") == ["step", *REPORTERS]
    assert [line.split(",")[0] for line in csv[1:]] == ["1", "2", "3", "4", "5"]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert {"scenario", "seed", "steps", "parameters", "package_version", "final", "mean"} <= set(summary)
    assert (summary["seed"], summary["steps"], summary["package_version"]) == (3, 5, sim.__version__)
    assert summary["scenario"]["name"] == "consultative"
    assert summary["parameters"]["citizens"] == 200
    assert set(summary["final"]) == set(summary["mean"]) == set(REPORTERS)
    for name in ("outcomes.png", "quality.png"):
        data = (run_dir / name).read_bytes()
        assert len(data) > 1000 and data.startswith(PNG)


def test_same_seed_gives_identical_csv(run_dir, tmp_path):
    done = coprod("run", "consultative", "--steps", 5, "--seed", 3, *SMALL, "--quiet",
                  "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert (tmp_path / "timeseries.csv").read_bytes() == (run_dir / "timeseries.csv").read_bytes()


def test_run_without_out_writes_a_default_folder_and_says_where(tmp_path):
    done = coprod("run", "consultative", "--steps", 2, "--seed", 5, *SMALL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "runs" / "consultative-seed5"
    assert "Wrote runs/consultative-seed5/" in done.stdout and (out / "timeseries.csv").is_file()


def test_game_scenario_reports_tokens(tmp_path):
    done = coprod("run", "lab_public_goods_punishment", "--steps", 3, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "tokens of 20" in done.stdout
    game = json.loads((tmp_path / "summary.json").read_text())["game"]
    assert game["punishment"] == "peer" and game["rounds"] == 3


def test_scenarios_lists_every_named_scenario():
    done = coprod("scenarios")
    assert done.returncode == 0
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(scenario_names()) == len(list((ROOT / "scenarios").glob("*.yaml"))) == 22
    assert {line.split()[0] for line in lines} == set(scenario_names())
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


# --- bad input: exit status 2, the dotted field, what is allowed, no traceback ----------
# All bad-input commands start at once (interpreter start-up dominates their run time).

FILES = {
    "unknown_key.yaml": "description: x\ngovernance:\n  sanctoins: peer\n",
    "wrong_type.yaml": "description: x\npopulation:\n  citizens: lots\n",
    "out_of_range.yaml": "description: x\nadministration:\n  responsiveness: 1.5\n",
    "bad_yaml.yaml": "description: x\nservice:\n  channel: online\n   x: 1\n",
}
CASES = {
    "unknown_key": ("run", "unknown_key.yaml", "--out", "o"),
    "wrong_type": ("run", "wrong_type.yaml", "--out", "o"),
    "out_of_range": ("run", "out_of_range.yaml", "--out", "o"),
    "bad_yaml": ("run", "bad_yaml.yaml", "--out", "o"),
    "bad_set_key": ("run", "consultative", "--set", "service.chanel=online", "--out", "o"),
    "bad_set_value": ("run", "consultative", "--set", "service.channel=web", "--out", "o"),
    "unknown_scenario": ("run", "traditonal", "--out", "o"),
    "cross_field": ("run", "consultative", "--set", "population.citizens=5", "--out", "o"),
    "bad_steps": ("run", "consultative", "--steps", "0", "--out", "o"),
    "usage": ("run",),
}


@pytest.fixture(scope="module")
def errors(tmp_path_factory) -> dict[str, str]:
    """Stderr of each bad-input case, after checking exit status 2 and no traceback."""
    cwd = tmp_path_factory.mktemp("bad")
    for name, text in FILES.items():
        (cwd / name).write_text(text)
    procs = {name: subprocess.Popen([str(COPROD), *args], cwd=cwd, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name, args in CASES.items()}
    out = {}
    for name, proc in procs.items():
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 2, (name, stderr)
        assert "Traceback" not in stderr and stderr.strip(), (name, stderr)
        out[name] = stderr
    assert not (cwd / "o").exists()  # nothing written on bad input
    return out


def test_unknown_key_suggests_the_right_one(errors):
    err = errors["unknown_key"]
    assert err.startswith("unknown_key.yaml, line 3, column 3: governance.sanctoins: unknown key; ")
    assert "allowed: a key of governance: access, sanctions" in err
    assert "(did you mean 'sanctions'?)" in err


def test_wrong_type(errors):
    err = errors["wrong_type"]
    assert err.startswith("wrong_type.yaml, line 3, column 3: population.citizens: value 'lots' (a string) is not valid")
    assert "allowed: an integer in [1, 5000000]" in err


def test_out_of_range(errors):
    assert errors["out_of_range"].startswith(
        "out_of_range.yaml, line 3, column 3: administration.responsiveness: value 1.5 is not valid; "
        "allowed: a number in [0, 1]")


def test_bad_yaml_gives_line_and_column(errors):
    assert errors["bad_yaml"].startswith("bad_yaml.yaml, line 4, column 5: invalid YAML")


def test_bad_set_key(errors):
    err = errors["bad_set_key"]
    assert err.startswith("--set service.chanel: unknown key; allowed: a key of service: channel")
    assert "(did you mean 'channel'?)" in err


def test_bad_set_value(errors):
    err = errors["bad_set_value"]
    assert err.startswith("--set service.channel: value 'web' is not valid")
    assert "allowed: one of: online, offline, mixed" in err


def test_unknown_scenario_lists_available(errors):
    err = errors["unknown_scenario"]
    assert "(did you mean 'traditional'?)" in err
    assert "one of: " + ", ".join(sorted(scenario_names())) in err


def test_model_cross_field_error(errors):
    assert "--set population.degree: value 6 is not valid" in errors["cross_field"]


def test_bad_steps_and_usage_errors(errors):
    assert errors["bad_steps"].startswith("--steps: value 0 is not valid; allowed: an integer in [1, 100000]")
    assert "the following arguments are required: scenario" in errors["usage"]


def test_unexpected_failure_exits_1_without_traceback(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("disk on fire")

    help_text, args, _ = cli.COMMANDS["scenarios"]
    monkeypatch.setitem(cli.COMMANDS, "scenarios", (help_text, args, boom))
    assert cli.main(["scenarios"]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: disk on fire" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "scenarios"])
