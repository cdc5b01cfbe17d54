"""Fault injection: the coordinator killed at seeded random moments, resumed every time.

Each attempt resumes the same output folder and dies: a real SIGKILL of the coordinator
(not its workers, which must exit by themselves) after a seeded delay (start-up, planning,
verifying, mid-chunk), or a SIGKILL from inside at a chosen part write (`tests.faults`:
half a checksum line, half a part, a whole part before its rename, just after it). Some
attempts start a second writer while a first one holds the folder: it must be refused
(exit 2, naming the first by pid) and change nothing. A last resume finishes; the rows
must be those of a clean sweep, bit for bit: zero runs lost, zero duplicated.

The CI form makes 12 kills in about a minute on 2 cores; ``pytest -m slow`` runs the long
form (60 kills, a larger sweep).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from tests.helpers import ROOT, coprod, table, wait_until, write

EXPERIMENT = """\
description: killed and resumed many times
vary: {{scenario: [consultative, co_delivery, ostrom_commons]}}
fixed: {{population.citizens: 400}}
replications: {replications}
steps: 25
seed: 8
record: {{outcomes: [participation, quality, free_rider_share], every: 6}}
"""
LOCK = ".coprod.lock"
WRITE_FAULTS = ("mid-checksum", "mid-write", "before-rename", "after-rename")


def _start(fault: str, nth: int, path: Path, out: Path, workers: int, chunk: int, resume: bool,
           ready: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, "-m", "tests.faults", fault, str(nth), "sweep", str(path), "--out", str(out),
            "--workers", str(workers), "--chunk", str(chunk), "--no-report", "--progress", "never"]
    env = {**os.environ, "COPROD_FAULT_READY": str(ready or os.devnull)}
    return subprocess.Popen(args + (["--resume"] if resume else []), cwd=ROOT, text=True, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _listing(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}


def _second_writer_refused(path: Path, out: Path, rng: random.Random) -> None:
    """A first writer hangs holding the folder; a second sweep (or resume) is refused, harmlessly."""
    ready = out.with_name(f"hung-{rng.random()}")
    first = _start("hang", rng.randint(1, 2), path, out, 1, 1, resume=out.exists(), ready=ready)
    assert wait_until(lambda: ready.exists() or first.poll() is not None, 90) and first.poll() is None
    assert json.loads((out / LOCK).read_text())["pid"] == first.pid
    before = _listing(out)
    second = coprod("sweep", path, "--out", out, "--workers", "1", "--no-report",
                    *(["--resume"] if rng.random() < 0.7 else []))
    assert second.returncode == 2, second.stderr
    assert f"pid {first.pid} on host" in second.stderr and "is writing to it" in second.stderr
    assert _listing(out) == before  # the refused writer touched nothing
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)


def kill_and_resume(tmp_path: Path, kills: int, seed: int, replications: int) -> dict[str, int]:
    """Kill the coordinator `kills` times at seeded moments, resume, compare with a clean sweep."""
    rng = random.Random(seed)
    path = write(tmp_path / "faults.yaml", EXPERIMENT.format(replications=replications))
    clean = tmp_path / "clean"
    run_sweep(load_experiment(path), clean, workers=1, progress="never")
    out, tally = tmp_path / "out", {"kills": 0, "write kills": 0, "time kills": 0, "refused": 0}
    attempts = 0
    while tally["kills"] < kills:
        attempts += 1
        assert attempts < 3 * kills, f"only {tally} in {attempts} attempts: the sweep finished too early"
        if attempts % 4 == 2:
            _second_writer_refused(path, out, rng)
            tally["refused"] += 1
            tally["kills"] += 1
            continue
        workers, chunk = rng.choice((1, 2)), rng.randint(1, 3)
        fault = rng.choice((*WRITE_FAULTS, "time", "time"))
        proc = _start("none" if fault == "time" else fault, rng.randint(1, 3), path, out, workers, chunk,
                      resume=out.exists())
        if fault == "time":
            time.sleep(rng.uniform(0.2, 3.0))
            proc.send_signal(signal.SIGKILL)  # the coordinator only: its workers must follow it
        _, stderr = proc.communicate(timeout=120)
        if proc.returncode == -signal.SIGKILL:
            tally["kills"] += 1
            tally["time kills" if fault == "time" else "write kills"] += 1
        else:
            assert proc.returncode == 0, stderr
    final = coprod("sweep", path, "--out", out, "--workers", "2", "--resume", timeout=300)
    assert final.returncode == 0, final.stderr
    rows, expected = table(out), table(clean)
    assert not rows.duplicated(["run_id", "step"]).any(), "a run was written twice"
    assert set(rows.run_id) == set(range(3 * replications)), "a run was lost"
    assert rows.equals(expected), "not bit-identical to a clean sweep"
    assert tally["write kills"] >= 3 and tally["refused"] >= 2, tally
    return tally


def test_coordinator_killed_twelve_times_then_resumed_is_identical(tmp_path):
    tally = kill_and_resume(tmp_path, kills=12, seed=16, replications=16)
    print(f"fault injection (CI form): {tally}")


@pytest.mark.slow
def test_coordinator_killed_sixty_times_then_resumed_is_identical(tmp_path):
    tally = kill_and_resume(tmp_path, kills=60, seed=1616, replications=80)
    print(f"fault injection (long form): {tally}")
