"""`make demo`: one default run of the model, printed as a summary table.

Usage: ``python -m sim.run.demo [--steps N] [--seed S] [--citizens N]``.
"""

from __future__ import annotations

import argparse
import time

from sim.governance import REGISTRY
from sim.model.coproduction import CoProductionModel
from sim.model.reporters import REPORTERS


def summary_table(df, every: int) -> str:
    """Outcomes every `every` steps plus the mean over the run, as aligned text."""
    rows = df.iloc[every - 1 :: every].copy()
    rows.loc["mean"] = df.mean()
    rows.index.name = "step"
    if rows.index[-2] != df.index[-1]:
        rows = rows.drop(index="mean")
        rows.loc[df.index[-1]] = df.iloc[-1]
        rows.loc["mean"] = df.mean()
    return rows[list(REPORTERS)].to_string(float_format=lambda v: f"{v:.3f}")


def main(argv: list[str] | None = None) -> None:
    """Run the default scenario and print where it ends up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--citizens", type=int, default=1000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model = CoProductionModel(rng=args.seed, citizens=args.citizens)
    for _ in range(args.steps):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    df.index = range(1, len(df) + 1)
    print(f"coprod: default co-production run, {args.citizens} citizens, {args.steps} steps, "
          f"seed {args.seed} ({time.perf_counter() - start:.2f} s)\n")
    print(summary_table(df, max(1, args.steps // 10)))
    print("\nGovernance (defaults): " + ", ".join(f"{k}={model.p[k]}" for k in REGISTRY))


if __name__ == "__main__":
    main()
