"""A sweep's output folder: one writer, verified parts, duplicates and gaps named, repairable.

Each test reproduces one defect of issue 16 as a hostile or unlucky user would meet it:
two sweeps into one folder, bytes flipped inside a part, a damaged ``experiment.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.analysis.report import write_report
from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from sim.sweep.store import RUNS
from tests.helpers import COPROD, ROOT, SMALL, coprod, table, wait_until, write

LOCK, CHECKSUMS = ".coprod.lock", "_checksums.jsonl"  # (literal: the tests also run against older code)


def _copy(local2, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(local2, out)
    return out


def _parts(out):
    return sorted((out / RUNS).glob("part-*.parquet"))


def _resumed(small, out, local2):
    """Resume the sweep in `out`: it must finish with exactly the rows of a clean sweep."""
    done = coprod("sweep", small, "--out", out, "--resume", "--no-report")
    assert done.returncode == 0, done.stderr
    assert table(out).equals(table(local2))
    return done


def _flip(path, at: float, n: int = 16) -> None:
    """Invert `n` bytes of `path` at fraction `at` of its length."""
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    data[start:start + n] = bytes(b ^ 0xFF for b in data[start:start + n])
    path.write_bytes(bytes(data))


# --- one writer per output folder ---------------------------------------------------------

def test_a_second_sweep_into_a_folder_being_written_is_refused(small, local2, tmp_path):
    out = tmp_path / "out"
    slow = write(tmp_path / "slow.yaml", SMALL.replace("steps: 12", "steps: 60"))
    ready = tmp_path / "hung"
    first = subprocess.Popen([sys.executable, "-m", "tests.faults", "hang", "3", "sweep", str(slow), "--out",
                              str(out), "--workers", "1", "--chunk", "1", "--no-report"], cwd=ROOT,
                             env={**os.environ, "COPROD_FAULT_READY": str(ready)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(ready.exists, 90), "the first sweep never started writing"
        holder = json.loads((out / LOCK).read_text())
        assert holder["pid"] == first.pid and holder["host"] and "coprod sweep" in holder["command"]
        for extra in ([], ["--resume"]):
            second = coprod("sweep", slow, "--out", out, "--workers", "1", "--chunk", "4", *extra)
            assert second.returncode == 2, second.stderr
            assert f"pid {first.pid} on host {holder['host']}" in second.stderr
            assert "is writing to it" in second.stderr and "Traceback" not in second.stderr
        report = coprod("report", out)  # the report writes into the folder too
        assert report.returncode == 2 and "is writing to it" in report.stderr
    finally:
        first.kill()
        first.wait()
    assert len(_parts(out)) == 2  # the refused writers added nothing


def test_a_stale_lock_of_a_dead_process_is_taken_over(small, local2, tmp_path):
    out = _copy(local2, tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    (out / LOCK).write_text(json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename,
                                        "command": "coprod sweep small.yaml", "since": "earlier"}))
    done = coprod("sweep", small, "--out", out, "--resume", "--no-report")
    assert done.returncode == 0, done.stderr
    assert f"took over the lock of pid {int(dead.stdout)}" in done.stderr
    assert not (out / LOCK).exists()  # released at the end


OPTIMIZE = """\
description: a tiny optimisation
base: consultative
levers: {administration.production: [0.0, 0.3]}
fixed: {population.citizens: 60}
replications: 1
steps: 4
optimize: {objectives: {quality: maximize}, trials: 2, batch: 2, population: 2, reevaluate: 0}
"""


HOLDER = """\
import sys, time
from pathlib import Path
from sim.sweep.lock import hold
with hold(sys.argv[1], "coprod optimize x"):
    Path(sys.argv[2]).touch()
    time.sleep(600)
"""


def test_the_policy_tools_have_one_writer_too(tmp_path):
    out, ready = tmp_path / "out", tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), str(ready)], cwd=ROOT)
    try:
        assert wait_until(ready.exists, 60)
        done = coprod("optimize", write(tmp_path / "opt.yaml", OPTIMIZE), "--out", out, "--workers", "1")
        assert done.returncode == 2, done.stderr
        assert f"pid {holder.pid} on host" in done.stderr and "(coprod optimize x) is writing to it" in done.stderr
    finally:
        holder.kill()
        holder.wait()
    assert sorted(p.name for p in out.iterdir()) == [LOCK]  # the refused optimisation wrote nothing


def test_the_lock_nests_in_one_process_and_leaves_no_folder_when_unused(tmp_path):
    from sim.sweep.lock import hold  # noqa: PLC0415

    with hold(tmp_path / "x") as notes, hold(tmp_path / "x") as again:
        assert notes == again == [] and (tmp_path / "x" / LOCK).is_file()
    assert not (tmp_path / "x").exists()


# --- the report verifies runs against the design -----------------------------------------

def test_report_counts_duplicated_runs_once_and_names_missing_ones(small, local2, tmp_path):
    """What two writers with different chunk sizes used to leave: every run twice, some gone."""
    from sim.sweep.store import checksum_entry  # noqa: PLC0415

    out = _copy(local2, tmp_path)
    other = tmp_path / "other"
    run_sweep(load_experiment(small), other, workers=1, chunk_size=3, progress="never")
    for part in _parts(other):  # the second writer's parts, each with its checksum line
        target = out / RUNS / part.name.replace("part-", "part-x")
        shutil.copy(part, target)
        entry = checksum_entry(target.name, target.read_bytes(), pq.read_table(target))
        with open(out / RUNS / CHECKSUMS, "a") as handle:
            handle.write(json.dumps(entry) + "\n")
    for path in _parts(out):  # runs 0-3 of one writer, 0-2 of the other: runs 0-2 (point 0) are lost
        if path.name.startswith(("part-000000000", "part-000000002", "part-x000000000")):
            path.unlink()
    results, files = write_report(out)
    summary = pd.read_csv(files["summary.csv"])
    assert (summary.n == 3).all() and 0 not in set(summary.point_id)  # not 6: each run once
    assert len(results.runs) == 15 and results.runs.index.is_unique
    notes = " ".join(results.notes)
    assert "14 runs are in more than one part (runs 4-17); each is counted once" in notes
    assert ("Incomplete sweep: 15 of 18 runs done; missing runs 0-2; design points short of "
            "replications: 0 (traditional, responsiveness=0.3): 0 of 3") in notes
    assert f"coprod sweep {small} --out {out} --resume" in notes
    assert "written twice" in _resumed(small, out, local2).stderr  # repairs the folder


# --- parts are verified, not just listed --------------------------------------------------

@pytest.mark.parametrize("at", [0.5, 0.2])
def test_flipped_bytes_in_a_part_are_caught_named_moved_aside_and_redone(small, local2, tmp_path, at):
    out = _copy(local2, tmp_path)
    victim = _parts(out)[4]
    _flip(victim, at)
    report = coprod("report", out)
    assert report.returncode == 0, report.stderr
    assert f"moved {RUNS}/{victim.name} to rejected/: its checksum does not match" in report.stdout
    assert "Incomplete sweep: 16 of 18 runs done; missing runs 8-9" in report.stdout
    assert (out / "rejected" / victim.name).is_file()
    done = _resumed(small, out, local2)
    assert "2 runs in" in done.stdout and "(16 were already done)" in done.stdout


def test_a_part_without_its_checksum_is_not_trusted(small, local2, tmp_path):
    out = _copy(local2, tmp_path)
    lines = (out / RUNS / CHECKSUMS).read_text().splitlines()
    (out / RUNS / CHECKSUMS).write_text("\n".join(lines[1:]) + "\n" + lines[0][:20])  # and a torn line
    done = _resumed(small, out, local2)
    assert "no checksum recorded for it" in done.stderr and "(16 were already done)" in done.stdout


# --- experiment.json damaged -----------------------------------------------------------------

def test_a_damaged_experiment_json_keeps_the_runs_and_says_how_to_repair(small, local2, tmp_path):
    out = _copy(local2, tmp_path)
    manifest = out / "experiment.json"
    manifest.write_text(manifest.read_text()[:300])
    report = coprod("report", out)
    assert report.returncode == 2 and "Traceback" not in report.stderr
    assert "experiment.json: is damaged (not valid JSON" in report.stderr
    assert "finished runs" in report.stderr and "are not affected" in report.stderr
    assert "remove" not in report.stderr and "delete" not in report.stderr
    assert f"--out {out} --resume" in report.stderr
    done = coprod("sweep", small, "--out", out, "--resume")
    assert done.returncode == 0, done.stderr
    assert "rewrote the damaged experiment.json" in done.stderr and "(18 were already done)" in done.stdout
    assert table(out).equals(table(local2))
    other = write(tmp_path / "other.yaml", SMALL.replace("seed: 11", "seed: 12"))
    manifest.write_text("{")
    refused = coprod("sweep", other, "--out", out, "--resume")
    assert refused.returncode == 2 and "made by another experiment" in refused.stderr
    assert COPROD.exists()
