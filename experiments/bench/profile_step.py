"""Where a step's time goes: cProfile of K steps, and the step's phases timed one by one.

Run from the project root::

    python experiments/bench/profile_step.py                  # 1,000,000 citizens, 5 steps
    python experiments/bench/profile_step.py --citizens 100000 --steps 20 --top 40
    python experiments/bench/profile_step.py --scenario co_delivery

Prints (1) cProfile's functions sorted by total time (time inside the function itself:
NumPy's ufuncs show as the calling Python function's own time) and (2) the mean
milliseconds per step (wall clock and CPU) of each phase of `CoProductionModel.step` (the model's methods and
the module functions it calls, wrapped with a timer while the script runs; nothing is
changed in the model), so that the two views can be read together.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: (module, class or "", function) of the step's phases, in the order a step runs them.
PHASES: tuple[tuple[str, str, str], ...] = (
    ("sim.model.coproduction", "", "move"),
    ("sim.model.coproduction", "CoProductionModel", "_observe"),
    ("sim.model.neighbourhood", "Neighbourhood", "means"),
    ("sim.model.coproduction", "", "decide"),
    ("sim.model.coproduction", "", "individual_acts"),
    ("sim.model.coproduction", "CoProductionModel", "_produce"),
    ("sim.model.coproduction", "", "respond"),
    ("sim.model.coproduction", "CoProductionModel", "_learn"),
    ("sim.model.coproduction", "", "measure"),
    ("sim.model.reporters", "", "classify"),
    ("sim.model.reporters", "", "concentration"),
)


def instrument(totals: dict[str, tuple[float, float]]) -> None:
    """Wrap each phase with timers that add its wall-clock and CPU seconds to `totals`."""
    for module, cls, name in PHASES:
        owner = importlib.import_module(module)
        if cls:
            owner = getattr(owner, cls)
        original = getattr(owner, name)
        label = f"{cls or module.rsplit('.', 1)[-1]}.{name}"

        def timed(*args, _f=original, _label=label, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                wall, cpu = totals[_label]
                totals[_label] = (wall + time.perf_counter() - t0, cpu + time.process_time() - c0)

        setattr(owner, name, functools.wraps(original)(timed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--top", type=int, default=30, help="functions of the cProfile listing shown")
    parser.add_argument("--scenario", default="", help="a named scenario (default: default parameters)")
    args = parser.parse_args(argv)
    from sim import CoProductionModel  # noqa: PLC0415

    params: dict = {}
    if args.scenario:
        from sim.inputs.scenario import load_scenario  # noqa: PLC0415

        params = load_scenario(args.scenario).model_kwargs()
    params["citizens"] = args.citizens
    model = CoProductionModel(rng=20240501, **params)
    model.step()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.steps):
        model.step()
    profile.disable()
    print(f"cProfile: {args.steps} steps of {args.citizens:,} citizens (tottime = own time)")
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    totals: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    instrument(totals)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(args.steps):
        model.step()
    totals["whole step"] = (time.perf_counter() - t0, time.process_time() - c0)
    print(f"phases, ms per step (mean of {args.steps}; nested phases are included in their callers):")
    print(f"  {'':<32} {'wall':>9} {'CPU':>9}")
    for label, (wall, cpu) in totals.items():
        print(f"  {label:<32} {wall * 1000 / args.steps:9.2f} {cpu * 1000 / args.steps:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
