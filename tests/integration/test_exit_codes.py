"""Exit codes as documented: 0 done, 1 unexpected, 2 bad input or a fixable environment
problem, 130 interrupted (Ctrl-C or SIGTERM at any moment), never a traceback; and no
process left behind a dead coordinator.

Full-disk and read-only folders are real: a small tmpfs mounted for the test (root only,
as in CI; skipped otherwise), beside a portable fault-injected "No space left on device".
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from sim.sweep.store import RUNS
from tests.helpers import COPROD, ROOT, SMALL, coprod, wait_until, write

SLOW = SMALL.replace("steps: 12", "steps: 80").replace("replications: 3", "replications: 8")


@contextmanager
def tmpfs(path: Path, size: str, readonly: bool = False):
    """A real small file system at `path` (root only)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (CI runs the tests as root)")
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}" + (",ro" if readonly else ""),
                              "tmpfs", str(path)], capture_output=True, check=False)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _clean_exit_2(done: subprocess.CompletedProcess, *expected: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    for text in expected:
        assert text in done.stderr, done.stderr


# --- --out a folder coprod cannot use: exit 2, with a resume hint once runs are saved --------

def test_out_that_is_a_file_or_empty(small, tmp_path):
    path = write(tmp_path / "file", "x")
    _clean_exit_2(coprod("sweep", small, "--out", path), f"--out {path}: is a file, not a folder")
    _clean_exit_2(coprod("sweep", small, "--out", ""), "--out: value '' is not valid")
    _clean_exit_2(coprod("report", ""), "DIR: value '' is not valid")
    assert not any(Path.cwd().glob("experiment.json"))


def test_out_on_a_read_only_file_system(small, tmp_path):
    with tmpfs(tmp_path / "ro", "1m", readonly=True) as folder:
        _clean_exit_2(coprod("sweep", small, "--out", folder / "out"), "Read-only file system")


def test_sweep_onto_a_full_disk_stops_cleanly_and_resumes(small, local2, tmp_path):
    with tmpfs(tmp_path / "small", "48k") as folder:
        out = folder / "out"
        done = coprod("sweep", small, "--out", out, "--workers", "1", "--chunk", "1")
        _clean_exit_2(done, "No space left on device", f"finish with: coprod sweep {small} --out {out} --resume")
        assert not list((out / RUNS).glob(".tmp-*")), "a partial part was left behind"
        saved = len(list((out / RUNS).glob("part-*.parquet")))
        assert 0 < saved < 18
        shutil.copytree(out, tmp_path / "moved")  # more space: finish it elsewhere
    done = coprod("sweep", small, "--out", tmp_path / "moved", "--resume", "--no-report")
    assert done.returncode == 0, done.stderr


def test_full_disk_fault_injected(small, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "tests.faults", "enospc", "3", "sweep", str(small), "--out",
                           str(out), "--workers", "1", "--chunk", "2"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    _clean_exit_2(done, f"--out {out}: cannot write a part (No space left on device) (free some space first)",
                  f"finish with: coprod sweep {small} --out {out} --resume")
    assert len(list((out / RUNS).glob("part-*.parquet"))) == 2


def test_run_onto_a_full_disk_leaves_no_partial_files(tmp_path):
    with tmpfs(tmp_path / "small", "96k") as folder:
        done = coprod("run", "consultative", "--steps", "3000", "--set", "population.citizens=200",
                      "--out", folder / "run")
        _clean_exit_2(done, "No space left on device")
        assert not (folder / "run").exists() and not list(folder.iterdir())


def test_run_killed_while_writing_keeps_the_earlier_run_whole(tmp_path):
    out = tmp_path / "run"
    first = coprod("run", "consultative", "--steps", "5", "--seed", "1", "--set", "population.citizens=200",
                   "--out", out)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for delay in (0.9, 1.3, 1.7, 2.1, 2.6):
        proc = subprocess.Popen([str(COPROD), "run", "consultative", "--steps", "400", "--seed", "2",
                                 "--set", "population.citizens=3000", "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda p=proc: p.poll() is not None, delay)
        proc.kill()
        proc.wait()
        now = {p.name: p.read_bytes() for p in out.iterdir()}
        assert now == before or (json.loads(now["summary.json"])["seed"] == 2 and now.keys() == before.keys())


# --- bad options and files: exit 2, naming them ---------------------------------------------

def test_bad_scheduler_address_and_non_utf8_experiment(small, tmp_path):
    _clean_exit_2(coprod("sweep", small, "--out", tmp_path / "o", "--scheduler", "notaurl"),
                  "--scheduler: value 'notaurl' is not valid; allowed: a scheduler address tcp://HOST:PORT")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"description: caf\xe9\nbase: consultative\n")
    _clean_exit_2(coprod("sweep", bad, "--out", tmp_path / "o"), f"{bad}: is not UTF-8 text (byte 16)")
    assert not (tmp_path / "o").exists()


# --- interrupted: 130 and a one-line message, at any moment --------------------------------

@pytest.mark.parametrize("batch", [0, 1])
def test_ctrl_c_at_seeded_moments_of_start_up_never_prints_a_traceback(small, tmp_path, batch):
    """Ctrl-C during the imports, the experiment's checks, the fork server's start, the first
    chunks: 130 and one line. (Only the interpreter's own first ~50 ms come before coprod's
    code can catch it; the delays start after them.)"""
    rng = random.Random(130 + batch)
    delays = sorted(rng.uniform(0.4, 3.0) for _ in range(4))
    procs = [subprocess.Popen([str(COPROD), "sweep", str(small), "--out", str(tmp_path / f"o{i}"),
                               "--workers", "2", "--no-report"], text=True, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for i in range(len(delays))]
    waited = 0.0
    for proc, delay in zip(procs, delays, strict=True):
        wait_until(lambda p=proc: p.poll() is not None, delay - waited)
        waited = delay
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends: the whole process group
    for proc in procs:
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode in (0, 130), (proc.returncode, stderr)
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
        if proc.returncode == 130:
            assert stderr.rstrip().endswith("coprod: interrupted"), stderr


FORK_SERVER_AT_ITS_START = """
import os, signal, time
from multiprocessing import forkserver
from sim.sweep.execute import start_fork_server
start_fork_server(["sim.sweep.chunks", "sim.sweep.execute", "sim.model.coproduction"])
pid = forkserver._forkserver._forkserver_pid
os.kill(pid, signal.SIGINT)  # while it is still importing the model (hundreds of ms)
time.sleep(1.5)
print(os.waitpid(pid, os.WNOHANG)[0] == 0)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is Linux's start method here")
def test_the_fork_server_cannot_be_interrupted_while_it_imports_the_model():
    """A Ctrl-C that reaches the fork server while it preloads the model used to print
    numpy's import traceback (a flaky start-up test showed it); it is deaf from its start."""
    done = subprocess.run([sys.executable, "-c", FORK_SERVER_AT_ITS_START], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.stdout.strip() == "True"  # still serving


def test_sigterm_is_handled_like_ctrl_c_with_the_resume_hint(tmp_path):
    path, out = write(tmp_path / "slow.yaml", SLOW), tmp_path / "out"
    proc = subprocess.Popen([str(COPROD), "sweep", str(path), "--out", str(out), "--workers", "2", "--chunk", "1"],
                            text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert wait_until(lambda: any((out / RUNS).glob("part-*.parquet")), 90)
    proc.terminate()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert f"finish with: coprod sweep {path} --out {out} --resume" in stderr
    assert stderr.rstrip().endswith("coprod: terminated")


def test_workers_exit_when_the_coordinator_dies_even_unreaped(tmp_path):
    """A SIGKILLed coordinator its parent has not reaped is a zombie: ``kill(pid, 0)`` still
    succeeds on it. Its workers must exit anyway, so a caller reading its output gets EOF."""
    path, out = write(tmp_path / "slow.yaml", SLOW), tmp_path / "out"
    proc = subprocess.Popen([str(COPROD), "sweep", str(path), "--out", str(out), "--workers", "2", "--chunk", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert wait_until(lambda: any((out / RUNS).glob("part-*.parquet")), 90)
    helpers = psutil.Process(proc.pid).children(recursive=True)
    assert len(helpers) >= 2  # the fork server and its workers
    os.kill(proc.pid, signal.SIGKILL)  # and do not reap it: it stays a zombie
    assert wait_until(lambda: psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE, 10)
    reader = threading.Thread(target=proc.stdout.read, daemon=True)
    reader.start()
    try:
        assert wait_until(lambda: not reader.is_alive(), 30), "the output pipe never closed: helpers live on"
        gone = lambda: all(not h.is_running() or h.status() == psutil.STATUS_ZOMBIE for h in helpers)  # noqa: E731
        assert wait_until(gone, 10)
    finally:
        for helper in helpers:
            if helper.is_running():
                helper.kill()
        proc.wait()
