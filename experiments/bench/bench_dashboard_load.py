"""Load test of the dashboard server: many concurrent sessions, then memory back to baseline.

Run from the project root::

    python experiments/bench/bench_dashboard_load.py                 # 30 sessions
    python experiments/bench/bench_dashboard_load.py --sessions 40 --hold 20

It starts ``python -m dashboards`` on a free port of 127.0.0.1 (``--idle-timeout`` short,
so sessions left without their close beacon are culled within the run), opens one session
and closes it (the first one imports the model and draws the first figures: that memory
stays, so the baseline is taken after it), then opens ``--sessions`` sessions at once with
the protocol-level client of ``tests/dashboard_client.py`` (page, kernel socket, the app
rendered on the server), arriving over ``--ramp`` seconds (a class opening the page; 0:
all at once), keeps them all open together ``--hold`` seconds, closes half with the close
beacon and drops the other half without it, and waits for the idle sessions to be culled
(``--idle-timeout`` + 8 s, then until the memory is back, at most `SETTLE_S` more).
It prints the machine's load, the server CPU one render costs (renders share one core:
Solara runs every session in one process), the sessions rendered, the errors (a session not rendered
within 55 s is one), the time to render (median and slowest) and
the server's resident memory at baseline, at peak and after, with the after/baseline ratio
against the target (within 20 %). Everything takes under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.dashboard_client import close_session, get, open_session  # noqa: E402

TARGET = 1.20  # memory after the sessions are gone, relative to the baseline
SETTLE_S = 60  # at most this long (after --idle-timeout + 8 s) for the memory to come back


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 1e6


def cpu_s(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


async def timed_session(base: str, delay: float):
    await asyncio.sleep(delay)
    start = time.perf_counter()
    session = await open_session(base)
    return session, time.perf_counter() - start


async def load(base: str, pid: int, sessions: int, *, ramp: float, hold: float, idle: float) -> dict:
    warm = await open_session(base)
    await close_session(base, warm, beacon=True)
    await asyncio.sleep(idle + 7)  # culled, and its memory reclaimed
    before = cpu_s(pid)
    alone = await open_session(base)  # one more alone: the server CPU one render costs
    per_session = cpu_s(pid) - before
    await close_session(base, alone, beacon=True)
    await asyncio.sleep(idle + 7)
    baseline = rss_mb(pid)
    tasks = [asyncio.create_task(timed_session(base, i * ramp / sessions)) for i in range(sessions)]
    peak = baseline
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.5)
        peak = max(peak, rss_mb(pid))
    results = [t.exception() or t.result() for t in tasks]
    opened = [r for r in results if not isinstance(r, BaseException)]
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    for _ in range(int(hold)):  # every session open at once
        await asyncio.sleep(1)
        peak = max(peak, rss_mb(pid))
    for i, (session, _) in enumerate(opened):
        await close_session(base, session, beacon=i % 2 == 0)
    await asyncio.sleep(idle + 8)  # the dropped half is culled after --idle-timeout, then reclaimed
    settle = time.perf_counter()  # a loaded server may still be rendering late arrivals: wait for it
    while rss_mb(pid) > TARGET * baseline and time.perf_counter() - settle < SETTLE_S:
        await asyncio.sleep(1)
    status, _, _ = get(f"{base}/")
    times = sorted(t for _, t in opened)
    return {"sessions": sessions, "rendered": len(opened), "errors": errors, "page after": status,
            "median s": statistics.median(times) if times else 0.0, "slowest s": times[-1] if times else 0.0,
            "baseline MB": baseline, "peak MB": peak, "after MB": rss_mb(pid), "cpu per session s": per_session,
            "settle s": idle + 8 + time.perf_counter() - settle}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--ramp", type=float, default=45,
                        help="seconds over which the sessions arrive (0: all at once)")
    parser.add_argument("--hold", type=float, default=10, help="seconds all sessions stay open together")
    parser.add_argument("--idle-timeout", type=float, default=4)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "dashboards", "--port", str(port), "--idle-timeout",
                               str(args.idle_timeout), "--max-sessions", str(args.sessions + 5)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if get(f"{base}/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        start = time.perf_counter()
        figures = asyncio.run(load(base, server.pid, args.sessions, ramp=args.ramp, hold=args.hold, idle=args.idle_timeout))
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = figures["after MB"] / figures["baseline MB"]
    print(f"dashboard load test on {platform.node()} ({psutil.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}): {args.sessions} sessions arriving over {args.ramp:g} s, held "
          f"{args.hold:g} s together, {wall:.0f} s in all")
    print(f"sessions: {figures['rendered']} of {figures['sessions']} rendered, {len(figures['errors'])} errors; "
          f"render time median {figures['median s']:.1f} s, slowest {figures['slowest s']:.1f} s; "
          f"page after: HTTP {figures['page after']}; server CPU per render {figures['cpu per session s']:.2f} s "
          f"(x {figures['sessions']} = {figures['cpu per session s'] * figures['sessions']:.0f} s of one core)")
    print(f"server RSS: baseline {figures['baseline MB']:.0f} MB, peak {figures['peak MB']:.0f} MB, "
          f"after {figures['after MB']:.0f} MB ({figures['settle s']:.0f} s after the sessions left) = "
          f"{ratio:.2f}x baseline (target <= {TARGET:.2f}x: "
          f"{'met' if ratio <= TARGET else 'NOT met'})")
    for error in figures["errors"][:5]:
        print("error:", error)
    return 0 if not figures["errors"] and ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
