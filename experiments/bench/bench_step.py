"""Time the vectorised model's step, optionally against the code of another commit.

Run from the project root::

    python experiments/bench/bench_step.py                    # this tree only
    python experiments/bench/bench_step.py --against 24c193e  # before/after, same run
    python experiments/bench/bench_step.py --scenario ostrom_commons --sizes 1000 100000

For each size (default 1,000, 10,000, 100,000 and 1,000,000 citizens) a fresh interpreter
builds the model (default parameters, or a named scenario's), runs one warm-up step and
times K steps (the best of three repeats, two from 1,000,000 citizens: the host is
shared); wall-clock and CPU (process) time are both reported. With ``--against REV`` the same measurement runs, alternately, with the code of
``REV`` exported by ``git archive``, so that before and after come from the same run (this
host's speed varies about 2x between runs). Prints ms/step (and steps/s) and the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys, time
root, n, steps, repeats, scenario = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, root)
from pathlib import Path
import sim
assert Path(sim.__file__).resolve().is_relative_to(Path(root).resolve()), sim.__file__
from sim import CoProductionModel
params = {}
if scenario:
    from sim.inputs.scenario import load_scenario
    params = load_scenario(scenario).model_kwargs()
params["citizens"] = n
model = CoProductionModel(rng=20240501, **params)
model.step()
best = cpu = float("inf")
for _ in range(repeats):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    best = min(best, (time.perf_counter() - t0) / steps)
    cpu = min(cpu, (time.process_time() - c0) / steps)
print(json.dumps({"n": n, "step": best, "cpu": cpu}))
"""


def steps_for(n: int) -> int:
    """Steps timed per repeat: more for small populations (their steps are short)."""
    return max(5, min(200, 2_000_000 // n))


def measure(root: Path, n: int, scenario: str) -> dict:
    """Wall-clock and CPU seconds per step of the model under `root` at `n` citizens."""
    repeats = 2 if n >= 1_000_000 else 3
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(n), str(steps_for(n)), str(repeats), scenario],
        check=True, capture_output=True, text=True, cwd=root,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def export(rev: str, cache: Path) -> Path:
    """The source tree of `rev` (git archive), extracted once under `cache`."""
    sha = subprocess.run(["git", "rev-parse", rev], check=True, capture_output=True, text=True,
                         cwd=ROOT).stdout.strip()
    src = cache / f"src-{sha}"
    if not src.exists():
        src.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], check=True, capture_output=True, cwd=ROOT)
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    return src


def show(n: int, t: dict) -> str:
    """Wall-clock ms/step (steps/s from a million citizens on) and CPU ms/step."""
    text = f"{t['step'] * 1000:9.3f} ms/step"
    text += f" ({1 / t['step']:5.1f} steps/s)" if n >= 1_000_000 else " " * 16
    return text + f", CPU {t['cpu'] * 1000:9.3f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--against", metavar="REV", help="also time the code of this git revision")
    parser.add_argument("--scenario", default="", help="a named scenario (default: default parameters)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "coprod_identical")
    args = parser.parse_args(argv)
    before = export(args.against, args.cache) if args.against else None
    label = args.scenario or "default parameters"
    print(f"bench_step: {label}; best of 3 repeats (2 from 1,000,000 citizens); wall clock and "
          "CPU time (the CPU time is less sensitive to other processes on a shared host)")
    for n in args.sizes:
        after = measure(ROOT, n, args.scenario)
        if before is None:
            print(f"{n:>10,} citizens: {show(n, after)}", flush=True)
            continue
        base = measure(before, n, args.scenario)
        print(f"{n:>10,} citizens: {args.against} {show(n, base)}\n{'':>20}this tree {show(n, after)}"
              f" | {base['step'] / after['step']:4.2f}x wall, {base['cpu'] / after['cpu']:4.2f}x CPU",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
