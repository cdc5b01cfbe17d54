"""``coprod sweep`` and ``coprod report``: many runs over a design, and their report."""

from __future__ import annotations

import argparse
import sys

from sim.cli.registry import arg, subcommand
from sim.primitives.errors import InputError, Origin, Problem


@subcommand(
    "sweep", "Run an experiment's sweep on local worker processes or a Dask cluster, then report.",
    arg("experiment", help="experiment file (.yaml) or name of one in experiments/"),
    arg("--out", required=True, metavar="DIR",
        help="output directory: experiment.json, runs/part-*.parquet, summary.csv, plots, report.html"),
    arg("--workers", type=int, metavar="N", help="local worker processes (default: all CPUs; 1: in process)"),
    arg("--scheduler", metavar="ADDRESS",
        help="run on an existing Dask distributed cluster instead, e.g. tcp://10.0.0.5:8786"),
    arg("--resume", action="store_true",
        help="finish a sweep started in DIR (refused if the experiment changed since)"),
    arg("--chunk", type=int, metavar="N", help="runs per task (default: about a second of work)"),
    arg("--progress", choices=("auto", "always", "never"), default="auto",
        help="progress bar on stderr: runs done / total, ETA (auto: only on a terminal)"),
    arg("--no-report", action="store_true", help="do not write the report at the end"),
)
def sweep(args: argparse.Namespace) -> int:
    """Run (or ``--resume``) an experiment's sweep into ``--out``, then write its report."""
    from sim.analysis.report import report_text, write_report  # noqa: PLC0415
    from sim.sweep.coordinator import default_workers, run_sweep  # noqa: PLC0415
    from sim.sweep.experiment import load_experiment  # noqa: PLC0415

    for flag, value in (("--workers", args.workers), ("--chunk", args.chunk)):
        if value is not None and value < 1:
            raise InputError(Problem("", "invalid", value, "an integer >= 1", origin=Origin("option", flag)))
    exp = load_experiment(args.experiment)
    workers = args.workers or default_workers()
    where = f"Dask cluster {args.scheduler}" if args.scheduler else f"{workers} local worker(s)"
    print(f"coprod: sweep {exp.name}: {exp.n_points} design points x {exp.replications} "
          f"replications = {exp.n_runs} runs on {where} -> {args.out}", flush=True)
    try:
        done = run_sweep(exp, args.out, workers=workers, scheduler=args.scheduler, resume=args.resume,
                         progress=args.progress, chunk_size=args.chunk)
    except KeyboardInterrupt:
        print(f"coprod: finished runs are saved; finish with: coprod sweep {args.experiment} "
              f"--out {args.out} --resume", file=sys.stderr)
        raise
    rate = f", {done.ran / done.seconds:.1f} runs/s" if done.ran and done.seconds > 0 else ""
    print(f"coprod: {done.ran} runs in {done.seconds:.1f} s{rate}"
          + (f" ({done.before} were already done)" if done.before else ""), flush=True)
    if not args.no_report:
        print(report_text(*write_report(args.out)))
    return 0


@subcommand(
    "report", "Write summary.csv, plots and report.html for a sweep's output directory.",
    arg("dir", metavar="DIR", help="the --out directory of a `coprod sweep`"),
)
def report(args: argparse.Namespace) -> int:
    """Analyse a sweep's results and write its report files."""
    from sim.analysis.report import report_text, write_report  # noqa: PLC0415

    print(report_text(*write_report(args.dir)))
    return 0
