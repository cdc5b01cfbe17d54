"""``coprod sweep`` and ``coprod report``: many runs over a design, and their report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.registry import arg, evaluator_args, positive, subcommand, where


@subcommand(
    "sweep", "Run an experiment's sweep on local worker processes or a Dask cluster, then report.",
    arg("experiment", help="experiment file (.yaml) or name of one in experiments/"),
    arg("--out", required=True, metavar="DIR",
        help="output directory: experiment.json, runs/part-*.parquet, summary.csv, plots, report.html"),
    *evaluator_args("a sweep"),
    arg("--chunk", type=int, metavar="N", help="runs per task (default: about a second of work)"),
    arg("--explain-replications", type=int, default=10, metavar="N",
        help="replications of the attribution of the best design point's lead (coprod explain; "
             "grids of scenarios with common random numbers; default 10, 0: none)"),
    arg("--no-report", action="store_true", help="do not write the report at the end"),
)
def sweep(args: argparse.Namespace) -> int:
    """Run (or ``--resume``) an experiment's sweep into ``--out``, then write its report."""
    from sim.analysis.report import report_text, write_report  # noqa: PLC0415
    from sim.sweep.coordinator import default_workers, run_sweep  # noqa: PLC0415
    from sim.sweep.experiment import load_experiment  # noqa: PLC0415

    positive(workers=args.workers, chunk=args.chunk)
    exp = load_experiment(args.experiment)
    workers = args.workers or default_workers()
    dropped = f" ({exp.dropped} grid points left out: they break a constraint)" if exp.dropped else ""
    print(f"coprod: sweep {exp.name}: {exp.n_points} design points x {exp.replications} "
          f"replications = {exp.n_runs} runs on {where(workers, args.scheduler)} -> {args.out}{dropped}",
          flush=True)
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
        if args.explain_replications > 1 and exp.common_random_numbers and exp.design == "grid":
            _explain_best(exp, args, workers)
        print(report_text(*write_report(args.out)))
    return 0


def _explain_best(exp, args: argparse.Namespace, workers: int) -> None:
    """Attribute the best design points' leads (`sim.analysis.attribution`) before the report."""
    from sim.analysis.attribution import explain_best, pairs  # noqa: PLC0415
    from sim.analysis.reading import analyse  # noqa: PLC0415

    results = analyse(args.out)
    if pairs(results) and len(results.runs) == exp.n_runs:
        print(f"coprod: explaining the best design points' leads ({len(pairs(results))} pair(s), "
              f"{min(args.explain_replications, exp.replications)} replications)", flush=True)
        explain_best(exp, args.out, results, args.explain_replications, workers=workers,
                     scheduler=args.scheduler, progress=args.progress)


@subcommand(
    "report", "Write summary.csv, plots and report.html for a sweep's (or optimize, discover, explain) output directory.",
    arg("dir", metavar="DIR", help="the --out directory of a `coprod sweep`"),
)
def report(args: argparse.Namespace) -> int:
    """Analyse a sweep's results and write its report files."""
    from sim.analysis.policy_report import KINDS, write_policy_report  # noqa: PLC0415
    from sim.analysis.report import report_text, write_report  # noqa: PLC0415
    from sim.sweep.store import read_manifest  # noqa: PLC0415

    manifest = read_manifest(Path(args.dir)) or {}
    if manifest.get("kind") in KINDS:
        kind, _, path = write_policy_report(args.dir)
        print(f"Report: {path} (coprod {kind})")
        return 0
    print(report_text(*write_report(args.dir)))
    return 0
