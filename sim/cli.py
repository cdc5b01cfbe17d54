"""The ``coprod`` command line.

``coprod run SCENARIO [--steps N] [--seed S] [--set dotted.key=value ...] [--out DIR]``
runs a scenario (a file, or a name from ``scenarios/``) and writes its outputs;
``coprod scenarios`` lists the named scenarios; ``sweep``, ``report``, ``validate`` and
``dashboard`` are the other subcommands. Exit status: 0 done, 2 bad input or a problem in
the environment the user can fix (a message on stderr naming the field and what is
allowed, never a traceback), 1 unexpected failure (``--debug`` shows its traceback), 130
interrupted.

Errors arrive here as structured values (`InputError`, `SetupError`) and are formatted
only here.

A subcommand is one function decorated with `subcommand`, which declares its arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any, Literal

import sim
from sim.primitives.errors import InputError, Origin, Problem, SetupError, did_you_mean

#: name -> (help, argument declarations, handler)
COMMANDS: dict[str, tuple[str, tuple[tuple[tuple, dict], ...], Callable[[argparse.Namespace], int]]] = {}


def arg(*flags: str, **options: Any) -> tuple[tuple, dict]:
    """Declare one argument of a subcommand (same arguments as `add_argument`)."""
    return flags, options


def subcommand(name: str, help_text: str, *args: tuple[tuple, dict]):
    """Register the decorated ``handler(args) -> exit status`` as subcommand `name`."""

    def register(handler: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = (help_text, args, handler)
        return handler

    return register


def overrides(assignments: list[str]) -> dict[str, object]:
    """``--set KEY=VALUE`` options as a mapping of dotted names to values (read as YAML)."""
    from sim.inputs.yamlfile import parse_scalar  # noqa: PLC0415

    values: dict[str, object] = {}
    for item in assignments:
        key, sep, text = (s.strip() for s in item.partition("="))
        if not sep or not key:
            raise InputError(Problem("", f"{item!r} is not KEY=VALUE", allowed="KEY=VALUE with KEY a "
                                     "top-level key or section.key, e.g. --set service.channel=online",
                                     origin=Origin("option", "--set")))
        values[key] = parse_scalar(text, f"--set {key}")
    return values


def out_folder(value: str | None, default: str) -> str:
    """The ``--out`` folder: `default` when not given; never an empty path."""
    if value is None:
        return default
    if not value.strip():
        raise InputError(Problem("", "value '' is not valid", allowed="a folder path",
                                 origin=Origin("option", "--out")))
    return value


@subcommand(
    "run", "Run a scenario and write timeseries.csv, summary.json and plots.",
    arg("scenario", help="scenario file (.yaml) or name of one in scenarios/ (see `coprod scenarios`)"),
    arg("--out", metavar="DIR", help="output folder (default: runs/SCENARIO-seedS; replaced as a whole)"),
    arg("--steps", type=int, metavar="N", help="steps (months) to run (default: the scenario's)"),
    arg("--seed", type=int, metavar="S", help="random seed (default: the scenario's)"),
    arg("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set service.channel=online (repeatable)"),
    arg("--progress", choices=("auto", "always", "never"), default="auto",
        help="progress bar on stderr for long runs (auto: only on a terminal)"),
    arg("--quiet", action="store_true", help="do not print the summary table"),
)
def run(args: argparse.Namespace) -> int:
    """Run one scenario, write its outputs to ``--out`` and print a summary table."""
    from sim.inputs.scenario import apply_overrides, load_scenario  # noqa: PLC0415
    from sim.run.outputs import game_tokens, outcome_table, write_outputs  # noqa: PLC0415
    from sim.run.single import run_scenario  # noqa: PLC0415

    scenario = apply_overrides(load_scenario(args.scenario), overrides(args.overrides), Origin("set"))
    progress: bool | Literal["always"] = {"auto": True, "never": False}.get(args.progress, "always")
    result = run_scenario(scenario, steps=args.steps, seed=args.seed, progress=progress)
    out = out_folder(args.out, f"runs/{scenario.name}-seed{result.seed}")
    try:
        files = write_outputs(result, out)
    except OSError as err:
        raise SetupError(f"--out {out}: cannot write the outputs ({err.strerror or err})") from None
    if not args.quiet:
        print(f"coprod: {scenario.name}: {scenario.one_line}")
        print(f"{result.steps} steps, {result.params['citizens']} citizens, seed {result.seed} "
              f"({result.seconds:.2f} s)\n")
        print(outcome_table(result))
        if (game := game_tokens(result)) is not None:
            tokens = game["mean_contribution_tokens"]
            print(f"\nMean contribution, tokens of {game['endowment']}: first round "
                  f"{tokens['first']:.1f}, last {tokens['final']:.1f}, mean {tokens['mean']:.1f}")
        print(f"\nWrote {out}/: {', '.join(p.name for p in files.values())}")
    return 0


@subcommand("scenarios", "List the named scenarios with their one-line descriptions.")
def scenarios(args: argparse.Namespace) -> int:
    """Print each named scenario and its one-line description."""
    from sim.inputs.scenario import list_scenarios  # noqa: PLC0415

    rows = list_scenarios()
    width = max((len(name) for name, _ in rows), default=0)
    for name, line in rows:
        print(f"{name:<{width}}  {line}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="coprod", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"coprod {sim.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, args, handler) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        for flags, options in args:
            command.add_argument(*flags, **options)
        command.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``coprod`` console script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error (status 2)
        return int(done.code or 0)
    try:
        return args.handler(args)
    except (InputError, SetupError) as err:
        print(err.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coprod: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        if args.debug or os.environ.get("COPROD_DEBUG"):
            raise
        print(f"coprod: unexpected error: {type(err).__name__}: {err}\n"
              "(run again with `coprod --debug ...` to see the traceback)", file=sys.stderr)
        return 1


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


@subcommand(
    "validate", "Check the model against the published patterns; exit 1 if any fails.",
    arg("--out", metavar="DIR", default="validation",
        help="where to write validation.json and one PNG per pattern (default: ./validation)"),
    arg("--quick", action="store_true",
        help="fewer replications (as in CI), same tolerances"),
    arg("--pattern", dest="patterns", action="append", metavar="ID",
        help="run only this pattern (repeatable)"),
)
def validate(args: argparse.Namespace) -> int:
    """Run the validation patterns, print the table, write the files; 1 if any fails."""
    from pathlib import Path  # noqa: PLC0415

    from sim.validation import PATTERNS  # noqa: PLC0415
    from sim.validation.report import run_validation, table, write  # noqa: PLC0415

    for pid in args.patterns or ():
        if pid not in PATTERNS:
            raise InputError(Problem("", "invalid", pid, "one of: " + ", ".join(PATTERNS),
                                     did_you_mean(pid, PATTERNS), Origin("option", "--pattern")))
    print("coprod: validating against published patterns"
          + (" (reduced replications)" if args.quick else ""), file=sys.stderr)
    results = run_validation(quick=args.quick, only=args.patterns)
    path = write(results, Path(args.out))
    print(table(results))
    failed = [r.id for r in results if not r.passed]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed; wrote {path} "
          f"and {len(results)} plots")
    return 1 if failed else 0


@subcommand(
    "dashboard", "Serve the browser dashboard (offline) on http://HOST:PORT/.",
    arg("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"),
    arg("--port", type=int, default=8765, help="port (default 8765)"),
    arg("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"),
        help="server log level (default warning)"),
)
def dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until Ctrl-C (docs/dashboard.md)."""
    from dashboards.server import run as serve  # noqa: PLC0415 (Solara only when asked)

    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
