"""Benchmark the policy tools: an optimisation and a discovery at full size, on 2 workers.

Run from the project root::

    python experiments/bench/bench_policy.py             # policy_search + codelivery_contexts
    python experiments/bench/bench_policy.py --quick     # 20 trials, 100 contexts

It runs, each into a fresh temporary directory and on ``--workers`` local workers:
``experiments/policy_search.yaml`` (100 trials x 5 replications at 1,000 citizens, 240
months, the front re-run on 10 fresh seeds) and ``experiments/codelivery_contexts.yaml``
(500 contexts x 2 replications, the same size of runs, then PRIM), and, as the yardstick
measured in the same run on the same machine, a plain sweep of the same runs (the
optimisation's first batch as a grid). It prints wall-clock seconds and runs per second of
each, and the policy tools' runs per second relative to the plain sweep's (1.0: no
overhead beyond the runs; the optimiser's own time and PRIM are inside).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.inputs.experiment import load_experiment_file  # noqa: E402
from sim.policy.discover import discover  # noqa: E402
from sim.policy.optimize import optimize  # noqa: E402
from sim.sweep.coordinator import run_sweep  # noqa: E402
from sim.sweep.experiment import load_experiment  # noqa: E402


def yardstick(workers: int, runs: int, tmp: Path) -> float:
    """Runs per second of a plain sweep of `runs` runs like the policy tools' (co-delivery, 240 months)."""
    path = tmp / "yardstick.yaml"
    path.write_text(f"description: yardstick\nbase: co_delivery\nreplications: {runs}\n"
                    "record: {outcomes: all, every: 1}\n")
    start = time.perf_counter()
    run_sweep(load_experiment(path), tmp / "yardstick", workers=workers, progress="never")
    return runs / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="20 trials and 100 contexts")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
          f"{args.workers} workers")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = yardstick(args.workers, 100, tmp)
        print(f"plain sweep of 100 runs (1,000 citizens, 240 months): {base:.1f} runs/s")
        spec = load_experiment_file("policy_search")
        if args.quick:
            spec = dataclasses.replace(spec, optimize=dataclasses.replace(spec.optimize, trials=20))
        start = time.perf_counter()
        done = optimize(spec, tmp / "optimize", workers=args.workers)
        seconds = time.perf_counter() - start
        complete = int((done.trials.state == "complete").sum())
        print(f"optimize policy_search: {spec.optimize.trials} trials x {spec.replications} replications, "
              f"front of {len(done.front)} re-run on {spec.optimize.reevaluate} fresh seeds: {done.ran} runs "
              f"in {seconds:.0f} s ({done.ran / seconds:.1f} runs/s, {done.ran / seconds / base:.2f} x the "
              f"plain sweep); {complete} complete; dominated beyond intervals on fresh seeds: "
              f"{int(done.front.dominated_beyond_intervals.sum()) if len(done.front) else 0}")
        for _, r in done.front.head(5).iterrows():
            print(f"  front: participation {r['participation/fresh']:.3f} [{r['participation/low']:.3f}, "
                  f"{r['participation/high']:.3f}], admin_cost {r['admin_cost/fresh']:.4f} "
                  f"[{r['admin_cost/low']:.4f}, {r['admin_cost/high']:.4f}]")
        spec = load_experiment_file("codelivery_contexts")
        if args.quick:
            spec = dataclasses.replace(spec, discover=dataclasses.replace(spec.discover, contexts=100))
        start = time.perf_counter()
        found = discover(spec, tmp / "discover", workers=args.workers)
        seconds = time.perf_counter() - start
        print(f"discover codelivery_contexts: {len(found.contexts)} contexts x {spec.replications} "
              f"replications: {found.ran} runs in {seconds:.0f} s ({found.ran / seconds:.1f} runs/s, "
              f"{found.ran / seconds / base:.2f} x the plain sweep, PRIM included); {found.cases} cases")
        for i, b in enumerate(found.boxes):
            print(f"  box {i + 1}: coverage {b.coverage:.2f}, density {b.density:.2f}, mass {b.mass:.2f}, "
                  f"{b.limits}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
