"""Benchmark sweep throughput: 1 local worker, 2 local workers, and a local Dask cluster.

Run from the project root::

    python experiments/bench/bench_sweep.py                          # governance_comparison
    python experiments/bench/bench_sweep.py --experiment sensitivity --workers 4

The same experiment is swept three times into fresh temporary directories, all in one
process and one run of this script: in process (1 worker), on a local process pool of
``--workers`` workers, and on a Dask ``distributed.LocalCluster`` of ``--workers`` worker
processes (one thread each) on 127.0.0.1. Each
time is wall clock from the start of the sweep to its last part file, pool start-up and
Parquet writing included (the report is not). It prints runs per second for each, the
speed-up of the pool, the overhead of the Dask path relative to the local pool (time
ratio), and checks the three sweeps wrote identical rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from distributed import LocalCluster

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.sweep.coordinator import run_sweep  # noqa: E402
from sim.sweep.experiment import load_experiment  # noqa: E402
from sim.sweep.store import iter_parts  # noqa: E402


def rows(out: Path):
    """Every row of a sweep, sorted by run and step."""
    import pandas as pd  # noqa: PLC0415

    frame = pd.concat(t.to_pandas() for t in iter_parts(out))
    return frame.sort_values(["run_id", "step"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiment", default="governance_comparison")
    parser.add_argument("--workers", type=int, default=2, help="local pool and Dask workers")
    args = parser.parse_args(argv)
    exp = load_experiment(args.experiment)
    print(f"bench_sweep: {exp.name}, {exp.n_runs} runs ({exp.n_points} points x {exp.replications} "
          f"replications), Python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    timings = {}
    with tempfile.TemporaryDirectory(prefix="coprod-bench-") as folder:
        tmp = Path(folder)
        for label, workers in (("local, 1 worker (in process)", 1), (f"local, {args.workers} workers", args.workers)):
            result = run_sweep(exp, tmp / f"local{workers}", workers=workers, progress="never")
            timings[label] = (result.seconds, tmp / f"local{workers}")
        start = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None, local_directory=str(tmp / "dask")) as cluster:
            cluster_start = time.perf_counter() - start
            result = run_sweep(exp, tmp / "dask-out", scheduler=cluster.scheduler_address, progress="never")
            timings[f"Dask, {args.workers} workers"] = (result.seconds, tmp / "dask-out")
        print(f"{'evaluator':<32} {'seconds':>8} {'runs/s':>8}")
        for label, (seconds, _) in timings.items():
            print(f"{label:<32} {seconds:8.2f} {exp.n_runs / seconds:8.1f}")
        (one, out1), (pool, out_pool), (dask, out_dask) = timings.values()
        print(f"\nspeed-up of {args.workers} local workers over 1: {one / pool:.2f}x")
        print(f"Dask overhead vs the local pool: {dask / pool:.2f}x the time "
              f"({dask - pool:+.2f} s; cluster start-up, not counted: {cluster_start:.1f} s)")
        same = rows(out1).equals(rows(out_pool)) and rows(out1).equals(rows(out_dask))
        print(f"identical rows from all three: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
