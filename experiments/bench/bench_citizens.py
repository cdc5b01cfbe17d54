"""Benchmark the vectorised `CoProductionModel` against the per-agent reference.

Run from the project root::

    python experiments/bench/bench_citizens.py            # full run (about half a minute)
    python experiments/bench/bench_citizens.py --quick    # short version
    python experiments/bench/bench_citizens.py --sizes 1000 20000 --million 0

For each size both models are built with the same parameters and seed (so they start from
the same state); creation is timed, one warm-up step is run, then K steps are timed and
the mean seconds per step reported, with the speed ratio reference / vectorised. The
million-citizen figures (vectorised only) are measured in a fresh subprocess so that the
peak memory (``ru_maxrss``) is the whole process's, ``import mesa`` included. A PASS/FAIL
line is printed per target; the exit status is 1 if any target fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (str(ROOT), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

#: Targets of the issue.
MIN_RATIO = 50.0
RATIO_SIZES = (10_000, 100_000)
MAX_CREATE_S = 10.0
MAX_PEAK_MB = 1500.0
MIN_STEPS_PER_S = 10.0

SEED = 20240501


def ref_steps_for(n: int, quick: bool) -> int:
    """Steps timed for the reference model: fewer for large populations."""
    if quick:
        return 2 if n <= 10_000 else 1
    if n <= 1_000:
        return 20
    if n <= 10_000:
        return 10
    return 3


def time_steps(model, k: int) -> float:
    """Mean wall-clock seconds per step over `k` steps (after one warm-up step)."""
    model.step()
    t0 = time.perf_counter()
    for _ in range(k):
        model.step()
    return (time.perf_counter() - t0) / k


def compare(n: int, vec_steps: int, ref_steps: int, seed: int) -> dict:
    """Create and step both models at `n` citizens; return the timings."""
    from reference import ReferenceModel  # noqa: PLC0415

    from sim import CoProductionModel  # noqa: PLC0415

    params = {"citizens": n}
    t0 = time.perf_counter()
    vec = CoProductionModel(rng=seed, **params)
    vec_create = time.perf_counter() - t0
    vec_step = time_steps(vec, vec_steps)
    del vec
    t0 = time.perf_counter()
    ref = ReferenceModel(rng=seed, **params)
    ref_create = time.perf_counter() - t0
    ref_step = time_steps(ref, ref_steps)
    del ref
    return {
        "n": n, "vec_create": vec_create, "ref_create": ref_create, "vec_step": vec_step,
        "ref_step": ref_step, "ratio": ref_step / vec_step, "vec_k": vec_steps, "ref_k": ref_steps,
    }


def child_million(n: int, steps: int, seed: int) -> None:
    """In a fresh process: import, create, step; print one JSON line with the figures."""
    t0 = time.perf_counter()
    import mesa  # noqa: F401, PLC0415

    from sim import CoProductionModel  # noqa: PLC0415

    t1 = time.perf_counter()
    model = CoProductionModel(rng=seed, citizens=n)
    t2 = time.perf_counter()
    model.step()  # warm-up
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "n": n, "import": t1 - t0, "create": t2 - t1, "step": sum(times) / steps, "steps": steps,
        "median": statistics.median(times), "first": times[:3], "peak_mb": peak_kb * 1024 / 1e6,
    }))


def million(n: int, steps: int, seed: int) -> dict:
    """Run `child_million` in a fresh interpreter and return its figures."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), str(steps),
           "--seed", str(seed)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def verdict(ok: bool | None, text: str) -> tuple[str, bool | None]:
    """One PASS/FAIL/SKIP line."""
    tag = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
    return f"{tag}  {text}", ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (fewer sizes and steps)")
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="citizens for the vectorised/reference comparison "
                             "(default 1000 10000 100000; quick: 1000 10000)")
    parser.add_argument("--million", type=int, default=1_000_000,
                        help="citizens for the vectorised-only run (0 to skip)")
    parser.add_argument("--steps", type=int, default=None,
                        help="steps timed for the vectorised model (default 20; quick: 5)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--child", type=int, nargs=2, metavar=("N", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_million(*args.child, args.seed)
        return 0

    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    vec_steps = args.steps or (5 if args.quick else 20)
    import mesa  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    print(f"Python {platform.python_version()}, mesa {mesa.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs; seed {args.seed}; default parameters")
    print("Times are wall-clock means over K steps after one warm-up step.\n")
    header = (f"{'citizens':>10} | {'create vec s':>12} | {'create ref s':>12} | "
              f"{'vec s/step':>11} | {'ref s/step':>11} | {'ref/vec':>8} | K vec/ref")
    print(header)
    print("-" * len(header))
    rows = []
    for n in sizes:
        row = compare(n, vec_steps, ref_steps_for(n, args.quick), args.seed)
        rows.append(row)
        print(f"{n:>10,} | {row['vec_create']:>12.3f} | {row['ref_create']:>12.3f} | "
              f"{row['vec_step']:>11.6f} | {row['ref_step']:>11.6f} | {row['ratio']:>7.1f}x | "
              f"{row['vec_k']}/{row['ref_k']}", flush=True)

    big = None
    if args.million:
        big = million(args.million, vec_steps, args.seed)
        print(f"\nVectorised only, {big['n']:,} citizens (fresh process): "
              f"import {big['import']:.2f} s, creation {big['create']:.2f} s, "
              f"peak memory {big['peak_mb']:.0f} MB (ru_maxrss, whole process), "
              f"{big['step']:.4f} s/step = {1 / big['step']:.1f} steps/s over {big['steps']} steps "
              f"(median step {big['median']:.4f} s; the first three {', '.join(f'{t:.3f}' for t in big['first'])} s: "
              "memory touched for the first time costs most in the first months)")

    print()
    by_n = {row["n"]: row for row in rows}
    lines = []
    for n in RATIO_SIZES:
        row = by_n.get(n)
        lines.append(verdict(
            None if row is None else row["ratio"] >= MIN_RATIO,
            f"vectorised >= {MIN_RATIO:.0f}x faster than reference at {n:,} citizens: "
            + ("not measured" if row is None else f"{row['ratio']:.1f}x"),
        ))
    measured = big is not None and big["n"] >= 1_000_000
    label = f"{big['n']:,}" if big else "1,000,000"
    lines += [
        verdict(big["create"] < MAX_CREATE_S if measured else None,
                f"{label} citizens created in < {MAX_CREATE_S:.0f} s: "
                + (f"{big['create']:.2f} s" if big else "not measured")),
        verdict(big["peak_mb"] < MAX_PEAK_MB if measured else None,
                f"{label} citizens peak memory < {MAX_PEAK_MB / 1000:.1f} GB: "
                + (f"{big['peak_mb'] / 1000:.2f} GB" if big else "not measured")),
        verdict(1 / big["step"] >= MIN_STEPS_PER_S if measured else None,
                f"{label} citizens >= {MIN_STEPS_PER_S:.0f} steps/s: "
                + (f"{1 / big['step']:.1f} steps/s" if big else "not measured")),
    ]
    for text, _ in lines:
        print(text)
    return 1 if any(ok is False for _, ok in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
