"""``coprod sweep`` and ``coprod report``: many runs over a design, and their report.

Before a sweep starts, its inputs are bounded: ``--workers`` at most the CPUs (``--force``
allows up to `sim.cli.registry.MAX_FORCED_WORKERS`), the design's size (`sim.sweep.experiment.MAX_RUNS`)
and the memory its concurrent models need, and a sweep estimated above `CONFIRM_SECONDS`
of work or `CONFIRM_BYTES` on disk needs ``--yes``. The estimate is printed either way.
A sweep stopped part way (Ctrl-C, SIGTERM, a full disk, a lost Dask cluster, a worker
with other code) says how to resume it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.registry import (
    arg,
    bounded_workers,
    evaluator_args,
    out_folder,
    positive,
    subcommand,
    where,
)
from sim.primitives.errors import InputError, Origin, Problem, SetupError

CONFIRM_SECONDS = 3600.0
CONFIRM_BYTES = 10e9


def _progress(mode: str):
    """A progress callback for checking a large design's points (a bar on a terminal)."""
    state: dict = {}

    def show(done: int, total: int) -> None:
        if total < 5000 or mode == "never":
            return
        if "bar" not in state:
            from tqdm import tqdm  # noqa: PLC0415

            state["bar"] = tqdm(total=total, unit="point", desc="checking design points", file=sys.stderr,
                                disable=not (mode == "always" or sys.stderr.isatty()), leave=False)
        state["bar"].update(done - state["bar"].n)

    return show


@subcommand(
    "sweep", "Run an experiment's sweep on local worker processes or a Dask cluster, then report.",
    arg("experiment", help="experiment file (.yaml) or name of one in experiments/"),
    arg("--out", required=True, metavar="DIR",
        help="output directory: experiment.json, runs/part-*.parquet, summary.csv, plots, report.html"),
    *evaluator_args("a sweep"),
    arg("--chunk", type=int, metavar="N", help="runs per task (default: about a second of work)"),
    arg("--yes", action="store_true",
        help=f"start even if estimated above {CONFIRM_SECONDS / 3600:.0f} h of work or "
             f"{CONFIRM_BYTES / 1e9:.0f} GB on disk"),
    arg("--lost-timeout", type=float, default=60.0, metavar="SECONDS",
        help="stop (resumable) when the Dask cluster has had no worker this long (default 60)"),
    arg("--explain-replications", type=int, default=10, metavar="N",
        help="replications of the attribution of the best design point's lead (coprod explain; "
             "grids of scenarios with common random numbers; default 10, 0: none)"),
    arg("--no-report", action="store_true", help="do not write the report at the end"),
)
def sweep(args: argparse.Namespace) -> int:
    """Run (or ``--resume``) an experiment's sweep into ``--out``, then write its report."""
    from sim.analysis.report import report_text, write_report  # noqa: PLC0415
    from sim.sweep.chunks import SweepStoppedError  # noqa: PLC0415
    from sim.sweep.cluster import check_address  # noqa: PLC0415
    from sim.sweep.coordinator import check_memory, estimate, run_sweep  # noqa: PLC0415
    from sim.sweep.experiment import load_experiment  # noqa: PLC0415
    from sim.sweep.lock import hold  # noqa: PLC0415

    out = out_folder(args.out, "")
    positive(workers=args.workers, chunk=args.chunk)
    if args.lost_timeout <= 0:
        raise InputError(Problem("", "invalid", args.lost_timeout, "a number > 0",
                                 origin=Origin("option", "--lost-timeout")))
    workers = bounded_workers(args)
    scheduler = check_address(args.scheduler) if args.scheduler else None
    exp = load_experiment(args.experiment, progress=_progress(args.progress))
    cost = estimate(exp, workers)
    dropped = f" ({exp.dropped} grid points left out: they break a constraint)" if exp.dropped else ""
    print(f"coprod: sweep {exp.name}: {exp.n_points} design points x {exp.replications} "
          f"replications = {exp.n_runs} runs on {where(workers, scheduler)} -> {out}{dropped}\n"
          f"coprod: {cost}", flush=True)
    if not scheduler:
        check_memory(exp, workers)
    if (cost.seconds > CONFIRM_SECONDS or cost.bytes > CONFIRM_BYTES) and not args.yes:
        raise InputError(Problem("", "this sweep is large (see the estimate above)",
                                 allowed="--yes to start it anyway", origin=Origin("option", "--yes")))
    resume = f"coprod sweep {args.experiment} --out {out} --resume"
    try:
        with hold(out, f"coprod sweep {args.experiment} --out {out}") as notes:
            for note in notes:
                print(f"coprod: {note}", file=sys.stderr)
            done = run_sweep(exp, out, workers=workers, scheduler=scheduler, resume=args.resume,
                             progress=args.progress, chunk_size=args.chunk, lost_after=args.lost_timeout)
            rate = f", {done.ran / done.seconds:.1f} runs/s" if done.ran and done.seconds > 0 else ""
            print(f"coprod: {done.ran} runs in {done.seconds:.1f} s{rate}"
                  + (f" ({done.before} were already done)" if done.before else ""), flush=True)
            if not args.no_report:
                if args.explain_replications > 1 and exp.common_random_numbers and exp.design == "grid":
                    _explain_best(exp, args, workers)
                print(report_text(*write_report(out)))
    except SweepStoppedError as err:
        raise SetupError(f"{err.message}\ncoprod: finished runs are saved; finish with: {resume}") from None
    except KeyboardInterrupt:
        if (Path(out) / "experiment.json").exists():
            print(f"coprod: finished runs are saved; finish with: {resume}", file=sys.stderr)
        raise
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

    out = out_folder(args.dir, "", "DIR")
    manifest = read_manifest(Path(out)) or {}
    if manifest.get("kind") in KINDS:
        kind, _, path = write_policy_report(out)
        print(f"Report: {path} (coprod {kind})")
        return 0
    print(report_text(*write_report(out)))
    return 0
