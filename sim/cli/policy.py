"""``coprod optimize``, ``coprod discover`` and ``coprod explain``: policy design (docs/policy.md).

Each command's total runs are checked against the sweeps' cap (`sim.policy.run_cap.MAX_RUNS`)
before its first line is printed, so a request too large starts nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.registry import (
    arg,
    bounded_workers,
    evaluator_args,
    out_folder,
    overrides,
    positive,
    subcommand,
    where,
)
from sim.primitives.errors import InputError, Origin, Problem

_OUT = "output directory: experiment.json, runs/part-*.parquet, CSV files, plot, report.html"


def _prepare(args: argparse.Namespace, section: str) -> tuple[Any, int]:
    """The experiment file (with its `section`) and the number of workers."""
    from sim.inputs.experiment import load_experiment_file  # noqa: PLC0415

    positive(workers=args.workers)
    workers = bounded_workers(args)
    spec = load_experiment_file(args.experiment)
    if getattr(spec, section) is None:
        raise InputError(Problem(section, "missing", allowed=f"an {section} section (docs/policy.md)",
                                 origin=Origin("file", spec.label)))
    return spec, workers


def _interrupted(command: str, args: argparse.Namespace) -> None:
    print(f"coprod: finished runs are saved; finish with: coprod {command} {args.experiment} "
          f"--out {args.out} --resume", file=sys.stderr)


def _run(command: str, run: Any, spec: Any, args: argparse.Namespace, workers: int) -> Any:
    """Run a policy tool on the evaluator the options name; say how to resume if interrupted."""
    try:
        done = run(spec, args.out, resume=args.resume, workers=workers, scheduler=args.scheduler,
                   progress=args.progress)
    except KeyboardInterrupt:
        _interrupted(command, args)
        raise
    for note in done.notes:
        print(f"coprod: {note}", file=sys.stderr)
    return done


def _report(args: argparse.Namespace) -> str:
    from sim.analysis.policy_report import write_policy_report  # noqa: PLC0415

    return "" if args.no_report else f"\nReport: {write_policy_report(args.out)[2]} (open it in a browser)"


@subcommand(
    "optimize", "Search the levers for the policies that best meet the objectives (Optuna), then report.",
    arg("experiment", help="experiment file with levers and an optimize section (docs/policy.md)"),
    arg("--out", required=True, metavar="DIR", help=_OUT + "; and optuna.journal (the study)"),
    *evaluator_args("an optimisation"),
    arg("--no-report", action="store_true", help="do not write the report at the end"),
)
def optimize(args: argparse.Namespace) -> int:
    """Run (or ``--resume``) an optimisation into ``--out`` and print the Pareto front."""
    from sim.policy.optimize import optimize as run  # noqa: PLC0415
    from sim.policy.optimize import planned_runs  # noqa: PLC0415

    spec, workers = _prepare(args, "optimize")
    o = spec.optimize
    contexts = max(1, o.contexts)
    runs = planned_runs(spec)
    print(f"coprod: optimize {spec.name}: {o.trials} trials x {contexts} context(s) x {spec.replications} "
          f"replications (with the front's re-evaluation, at most {runs:,} runs), batches of {o.batch}, "
          f"on {where(workers, args.scheduler)} -> {args.out}", flush=True)
    done = _run("optimize", run, spec, args, workers)
    print(f"coprod: {done.ran} runs in {done.seconds:.1f} s; {int((done.trials.state == 'complete').sum())} "
          f"trials complete")
    names = list(o.objectives)
    for _, r in done.front.iterrows():
        levers = ", ".join(f"{f.name}={_short(r[f.name])}" for f in spec.space.levers)
        scores = "; ".join(f"{n} {r[f'{n}/fresh']:.4g} [{r[f'{n}/low']:.4g}, {r[f'{n}/high']:.4g}]" for n in names)
        print(f"front: trial {int(r.trial)}: {levers} -> fresh seeds: {scores}")
    print(_report(args))
    return 0


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


@subcommand(
    "discover", "Find the contexts where a policy falls short (PRIM scenario discovery), then report.",
    arg("experiment", help="experiment file with uncertainties and a discover section (docs/policy.md)"),
    arg("--out", required=True, metavar="DIR", help=_OUT),
    *evaluator_args("a discovery"),
    arg("--no-report", action="store_true", help="do not write the report at the end"),
)
def discover(args: argparse.Namespace) -> int:
    """Run (or ``--resume``) a discovery into ``--out`` and print its boxes."""
    from sim.analysis.policy_report import box_sentence  # noqa: PLC0415
    from sim.policy.discover import discover as run  # noqa: PLC0415
    from sim.policy.discover import planned_runs  # noqa: PLC0415

    spec, workers = _prepare(args, "discover")
    d = spec.discover
    runs = planned_runs(spec)
    print(f"coprod: discover {spec.name}: {d.contexts} contexts x {spec.replications} replications = {runs:,} "
          f"runs on {where(workers, args.scheduler)} -> {args.out}", flush=True)
    done = _run("discover", run, spec, args, workers)
    print(f"coprod: {done.ran} runs in {done.seconds:.1f} s; {done.cases} of {len(done.contexts)} contexts "
          f"have {d.outcome} {'below' if d.below else 'above'} {d.threshold:g}")
    for i, b in enumerate(done.boxes):
        box = {"coverage": b.coverage, "density": b.density, "mass": b.mass,
               "limits": {k: list(v) for k, v in b.limits.items()}}
        print(f"box {i + 1}: {box_sentence(box, d.outcome, d.threshold, d.below)}")
    print(_report(args))
    return 0


@subcommand(
    "explain", "Attribute the difference between two scenarios to the levers they differ in.",
    arg("a", help="scenario A (file or name)"), arg("b", help="scenario B (file or name)"),
    arg("--out", metavar="DIR", help="output directory (default: runs/explain-A-B)"),
    arg("--replications", type=int, default=10, metavar="N",
        help="paired replications (default 10); 2^levers combinations x N runs, at most 1,000,000"),
    arg("--steps", type=int, metavar="N", help="steps per run (default: A's)"),
    arg("--seed", type=int, default=0, metavar="S", help="seed the replications' seeds derive from"),
    arg("--window", type=int, metavar="N", help="steps of the steady state (default: the final 24 months)"),
    arg("--measure", choices=("steady", "final"), default="steady", help="what is compared (default steady)"),
    arg("--outcome", dest="outcomes", action="append", metavar="NAME",
        help="outcome to explain (repeatable; default participation, quality, free_rider_share)"),
    arg("--group", dest="groups", action="append", default=[], metavar="NAME=P,Q",
        help="switch these flat parameters together as one lever (repeatable)"),
    arg("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a value in both scenarios, e.g. --set population.citizens=500"),
    *evaluator_args("an explanation"),
    arg("--no-report", action="store_true", help="do not write the report at the end"),
)
def explain(args: argparse.Namespace) -> int:
    """Run the attribution of B - A into ``--out`` and print a sentence per outcome."""
    from sim.inputs.scenario import apply_overrides, load_scenario  # noqa: PLC0415
    from sim.model.reporters import REPORTERS  # noqa: PLC0415
    from sim.policy.explain import OUTCOMES, levers_between, planned_runs  # noqa: PLC0415
    from sim.policy.explain import explain as run  # noqa: PLC0415
    from sim.run.single import checked  # noqa: PLC0415
    from sim.sweep.coordinator import default_workers  # noqa: PLC0415
    from sim.sweep.design import spawn_seeds  # noqa: PLC0415

    positive(workers=args.workers, replications=args.replications, window=args.window)
    for name in args.outcomes or ():
        if name not in REPORTERS:
            raise InputError(Problem("", "invalid", name, "one of: " + ", ".join(REPORTERS),
                                     origin=Origin("option", "--outcome")))
    values = overrides(args.overrides)
    a, b = (apply_overrides(load_scenario(s), values, Origin("set")) for s in (args.a, args.b))
    steps = checked("steps", args.steps, a.run_steps)
    groups = {}
    for item in args.groups:
        name, sep, params = item.partition("=")
        if not sep or not name.strip() or not params.strip():
            raise InputError(Problem("", f"{item!r} is not NAME=P,Q", allowed="a lever name and flat "
                                     "parameter names, e.g. --group shares=share_conditional,share_hump",
                                     origin=Origin("option", "--group")))
        groups[name.strip()] = [p.strip() for p in params.split(",") if p.strip()]
    levers = levers_between(a.model_kwargs(), b.model_kwargs(), groups or None)
    runs = planned_runs(levers, args.replications, field="", origin=Origin("option", "--replications"))
    workers = args.workers or default_workers()
    out = out_folder(args.out, f"runs/explain-{a.name}-{b.name}")
    args.out, args.experiment = out, f"{args.a} {args.b}"
    print(f"coprod: explain {b.name} against {a.name}: {args.replications} paired replications of every "
          f"combination of the {len(levers)} levers they differ in ({runs:,} runs), on "
          f"{where(workers, args.scheduler)} -> {out}", flush=True)
    try:
        done = run(a, b, out, seeds=spawn_seeds(args.seed, args.replications), steps=steps,
                   window=args.window, measure=args.measure, outcomes=tuple(args.outcomes or OUTCOMES),
                   groups=groups or None, resume=args.resume, workers=workers, scheduler=args.scheduler,
                   progress=args.progress)
    except KeyboardInterrupt:
        _interrupted("explain", args)
        raise
    print(f"coprod: {len(done.levers)} levers ({', '.join(lev.name for lev in done.levers)}), "
          f"{2 ** len(done.levers)} combinations, {done.ran} runs in {done.seconds:.1f} s")
    for text in done.sentences.values():
        print(f"- {text}")
    print(_report(args))
    return 0
