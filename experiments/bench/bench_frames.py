"""Benchmark the dashboard's frames: charts + network drawn per step at 1,000 citizens.

Run from the project root: ``python experiments/bench/bench_frames.py [--citizens N]``.
Prints the set-up time of the two figures and the median and 90th-percentile time of one
frame (charts and network), against the target a classroom needs: a frame well under the
200 ms that 5 steps per second allow (target: median under 120 ms). Timings are wall clock
on this machine in this run: compare them with other figures from the same run only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import charts, render  # noqa: E402
from sim import CoProductionModel  # noqa: E402

TARGET_MEDIAN = 0.12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=50)
    args = parser.parse_args(argv)
    model = CoProductionModel(rng=2, citizens=args.citizens)
    start = time.perf_counter()
    network, series = render.NetworkFigure(model), charts.SeriesFigure(100)
    setup = time.perf_counter() - start
    times = []
    for _ in range(args.frames):
        model.step()
        t = time.perf_counter()
        series.frame(model.datacollector.model_vars)
        network.frame(model)
        times.append(time.perf_counter() - t)
    median, p90 = float(np.median(times)), float(np.quantile(times, 0.9))
    print(f"bench_frames: {args.citizens} citizens, {args.frames} frames")
    print(f"  figures set up in {setup:.2f} s")
    print(f"  frame (charts + network): median {median * 1000:.0f} ms, 90th percentile {p90 * 1000:.0f} ms "
          f"(target median < {TARGET_MEDIAN * 1000:.0f} ms: {'PASS' if median < TARGET_MEDIAN else 'MISS'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
