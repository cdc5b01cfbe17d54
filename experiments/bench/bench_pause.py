"""Benchmark the dashboard under load: Pause latency and steps per second, in a real browser.

Run from the project root: ``python experiments/bench/bench_pause.py [--busy 2] [--trials 5]``.
Starts two busy CPU loops (``--busy``) beside the dashboard server, opens the page in
Debian's headless Chromium, and for 1,000 and 10,000 citizens:

- **Reset**: the time from pressing Reset until the page shows the new run, and whether
  the busy indicator was shown meanwhile;
- **steps per second reached** while playing at full speed (the month the page shows,
  over ``--seconds`` seconds);
- **Pause latency**: from the click on Pause (in the page) until the page shows the run
  stopped: the button reads Play and the month shown no longer changes (the later of the
  two), median and worst of ``--trials`` pauses; target under 0.5 s.

Timings are wall clock in the browser (``performance.now``) on this machine in this run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards.player import SPEED_MAX  # noqa: E402
from tests import browser as b  # noqa: E402

TARGET_PAUSE = 0.5
#: Records, in the page, when the Play button's label and the month shown change.
OBSERVE = """() => {
  window.coprodLog = [];
  const watch = (sel, kind) => new MutationObserver(() => {
    const e = document.querySelector(sel);
    window.coprodLog.push([performance.now(), kind, e ? e.innerText.trim() : '']);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  watch('.coprod-play', 'button'); watch('.coprod-step', 'month');
}"""
CLICK = "() => { window.coprodClick = performance.now(); document.querySelector('.coprod-play').click(); }"


def busy_loops(n: int) -> list[subprocess.Popen]:
    """`n` processes spinning a CPU each (the load a shared classroom machine may have)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def reset_with(page, citizens: int) -> tuple[float, bool]:
    """Set the population and press Reset; (seconds until the new run shows, busy shown)."""
    b.open_section(page, "population")
    b.type_value(page, ".coprod-field-citizens", str(citizens))
    page.wait_for_function(
        "n => document.querySelector('.coprod-field-citizens .coprod-field-value').innerText.trim() === n",
        arg=f"{citizens:,}")
    start = time.perf_counter()
    page.click(".coprod-reset")
    busy = True
    try:
        page.wait_for_selector(".coprod-busy", timeout=5_000)
    except Exception:  # built before the indicator could be seen
        busy = False
    b.wait_idle(page)
    page.wait_for_function(
        "n => document.querySelector('.coprod-population') &&"
        " document.querySelector('.coprod-population').innerText.startsWith(n)", arg=f"{citizens:,} citizens")
    return time.perf_counter() - start, busy


def steps_per_second(page, seconds: float) -> float:
    """Months the page advances per second while playing at full speed."""
    b.click_step(page)  # settle on a shown month
    b.slide(page, ".coprod-speed", "End")
    page.wait_for_function("m => document.querySelector('.coprod-speed-value').innerText.includes(m)",
                           arg=f"{SPEED_MAX} months")
    page.click(".coprod-play")
    b.wait_label(page, "pause")
    b.wait_month_above(page, b.month(page) + 2)
    first, start = b.month(page), time.perf_counter()
    time.sleep(seconds)
    last, elapsed = b.month(page), time.perf_counter() - start
    return (last - first) / elapsed


def pause_latency(page) -> float:
    """Seconds from the Pause click until the page shows the run stopped (label and month)."""
    if b.play_label(page) != "pause":
        page.click(".coprod-play")
        b.wait_label(page, "pause")
    b.wait_month_above(page, b.month(page) + 2)
    page.evaluate(OBSERVE)
    page.evaluate(CLICK)
    b.wait_label(page, "play")
    time.sleep(2.0)  # anything still changing after Pause would show here
    log = page.evaluate("() => window.coprodLog")
    clicked = page.evaluate("() => window.coprodClick")
    label = min(t for t, kind, text in log if kind == "button" and text.lower() == "play")
    shown = [(t, text) for t, kind, text in log if kind == "month"]
    changes = [t for (t, text), (_, before) in zip(shown[1:], shown, strict=False)
               if text != before and t >= clicked]  # the month shown moved on after the click
    return (max([label, *changes]) - clicked) / 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=2, help="busy CPU loops beside the server (default 2)")
    parser.add_argument("--trials", type=int, default=5, help="pauses measured per population (default 5)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of play measured (default 10)")
    parser.add_argument("--citizens", type=int, nargs="+", default=[1000, 10_000])
    args = parser.parse_args(argv)
    loops = busy_loops(args.busy)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp, \
                b.dashboard_server(Path(tmp) / "server.log") as url, \
                b.chromium(Path(tmp) / "profile") as context:
            page, requests = b.open_page(context, url)
            for citizens in args.citizens:
                reset, shown = reset_with(page, citizens)
                rate = steps_per_second(page, args.seconds)
                pauses = [pause_latency(page) for _ in range(args.trials)]
                rows.append((citizens, reset, shown, rate, pauses))
            outside = requests.outside()
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    print(f"bench_pause: the dashboard in headless Chromium beside {args.busy} busy CPU loop(s)")
    for citizens, reset, shown, rate, pauses in rows:
        worst = max(pauses)
        print(f"  {citizens:>6,} citizens: Reset {reset:.1f} s (busy indicator {'shown' if shown else 'not seen'}); "
              f"{rate:.1f} steps/s at full speed ({SPEED_MAX} asked); Pause latency median "
              f"{statistics.median(pauses):.2f} s, worst {worst:.2f} s over {len(pauses)} "
              f"(target < {TARGET_PAUSE} s: {'PASS' if worst < TARGET_PAUSE else 'MISS'})")
    print(f"  requests outside 127.0.0.1: {len(outside)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
