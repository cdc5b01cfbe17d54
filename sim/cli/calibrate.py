"""``coprod calibrate``: fit parameters to observed data or built-in patterns by ABC-SMC."""

from __future__ import annotations

import argparse
import sys

from sim.cli.registry import PROGRESS, arg, subcommand
from sim.primitives.errors import InputError, Origin, Problem


@subcommand(
    "calibrate", "Fit parameters to a city's data (or built-in patterns) by ABC-SMC; write the posterior.",
    arg("targets", help="targets file (.yaml) or name of one in experiments/calibration/ (docs/calibration.md)"),
    arg("--out", required=True, metavar="DIR",
        help="output directory: history.db, posterior.csv/.json, pairs.png, epsilon.png, predictive.png, "
             "posterior_scenario.yaml"),
    arg("--workers", type=int, metavar="N", help="local worker processes (default: all CPUs; 1: in process)"),
    arg("--scheduler", metavar="ADDRESS",
        help="run on an existing Dask distributed cluster instead, e.g. tcp://10.0.0.5:8786"),
    arg("--resume", action="store_true",
        help="continue the fit stored in DIR (refused if the targets changed since)"),
    arg("--batch", type=int, default=2, metavar="N", help="proposals per task (default: 2)"),
    arg("--progress", choices=PROGRESS, default="auto",
        help="bar within each generation on stderr (auto: only on a terminal); a line per generation always"),
)
def calibrate(args: argparse.Namespace) -> int:
    """Run (or ``--resume``) a fit into ``--out``, write its outputs, print the posterior."""
    from sim.calibration.targets import load_targets  # noqa: PLC0415 (pyabc only when asked)

    for flag, value in (("--workers", args.workers), ("--batch", args.batch)):
        if value is not None and value < 1:
            raise InputError(Problem("", "invalid", value, "an integer >= 1", origin=Origin("option", flag)))
    targets = load_targets(args.targets)
    from sim.calibration.fit import run_calibration  # noqa: PLC0415
    from sim.calibration.pools import make_pool  # noqa: PLC0415
    from sim.sweep.coordinator import default_workers  # noqa: PLC0415

    workers = args.workers or default_workers()
    where = f"Dask cluster {args.scheduler}" if args.scheduler else f"{workers} local worker(s)"
    print(f"coprod: calibrate {targets.name}: {len(targets.priors)} parameters, population "
          f"{targets.population_size}, up to {targets.generations} generations and {targets.max_runs:,} runs "
          f"on {where} -> {args.out}", flush=True)
    pool = make_pool(workers, args.scheduler)
    try:
        done = run_calibration(targets, args.out, pool=pool, resume=args.resume, progress=args.progress,
                               batch=args.batch)
    except KeyboardInterrupt:
        pool.close(cancel=True)
        print(f"coprod: finished generations are saved in {args.out}/history.db; continue with: "
              f"coprod calibrate {args.targets} --out {args.out} --resume", file=sys.stderr)
        raise
    except BaseException:
        pool.close(cancel=True)
        raise
    pool.close()
    print(report(done))
    return 0


def report(done) -> str:
    """The posterior table, the predictive check and the files, as printed."""
    rows = done.summary["rows"]
    truth = any(r["truth"] is not None for r in rows)
    head = ["parameter", "prior", "mean", "median", "90 % interval", "width/prior"] + (["truth", "in 90 %"] if truth else [])
    table = [head]
    for r in rows:
        line = [r["parameter"], r["prior"], f"{r['mean']:.4g}", f"{r['median']:.4g}",
                f"[{r['q05']:.4g}, {r['q95']:.4g}]", f"{r['ci90_share']:.2f}"]
        if truth:
            line += ["" if r["truth"] is None else f"{r['truth']:.4g}",
                     "" if r["truth_in_90"] is None else ("yes" if r["truth_in_90"] else "NO")]
        table.append(line)
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    text = "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table)
    check = done.summary["predictive"]
    months = f"{check['months_inside']:.0%} of observed months inside the 90 % band, " if "months_inside" in check else ""
    before = f" ({done.before} were already stored)" if done.before else ""
    return (f"\ncoprod: {done.generations} generations{before}, {done.runs:,} runs, {done.seconds:.0f} s; "
            f"stopped at {done.stopped}; final epsilon {done.epsilon:.4g}\n\n{text}\n\n"
            f"Posterior predictive check ({check['runs']} runs): {months}"
            f"{check['statistics_inside']:.0%} of statistics inside their 90 % interval\n"
            f"Wrote {done.out}/: posterior.csv, posterior.json, pairs.png, epsilon.png, predictive.png, "
            "predictive.json, generations.csv, particles.csv, posterior_scenario.yaml, history.db")
