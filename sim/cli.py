"""The ``coprod`` command line.

``coprod run SCENARIO [--steps N] [--seed S] [--set dotted.key=value ...] --out DIR`` runs
a scenario (a file, or a name from ``scenarios/``) and writes its outputs;
``coprod scenarios`` lists the named scenarios. Exit status: 0 done, 2 bad input (a
message on stderr naming the field and what is allowed, never a traceback), 1 unexpected
failure (``--debug`` shows its traceback).

A subcommand is one function decorated with `subcommand`, which declares its arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

import sim
from sim.scenario import ScenarioError

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


@subcommand(
    "run", "Run a scenario and write timeseries.csv, summary.json and plots.",
    arg("scenario", help="scenario file (.yaml) or name of one in scenarios/ (see `coprod scenarios`)"),
    arg("--out", required=True, metavar="DIR", help="output directory (created if missing)"),
    arg("--steps", type=int, metavar="N", help="steps to run (default: the scenario's)"),
    arg("--seed", type=int, metavar="S", help="random seed (default: the scenario's)"),
    arg("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set service.channel=online (repeatable)"),
    arg("--progress", choices=("auto", "always", "never"), default="auto",
        help="progress line on stderr for long runs (auto: only on a terminal)"),
    arg("--quiet", action="store_true", help="do not print the summary table"),
)
def run(args: argparse.Namespace) -> int:
    """Run one scenario, write its outputs to ``--out`` and print a summary table."""
    from sim.runner import game_tokens, outcome_table, run_scenario, write_outputs  # noqa: PLC0415
    from sim.scenario import apply_overrides, load_scenario  # noqa: PLC0415

    scenario = apply_overrides(load_scenario(args.scenario), args.overrides)
    progress = {"auto": True, "always": "always", "never": False}[args.progress]
    result = run_scenario(scenario, steps=args.steps, seed=args.seed, progress=progress)
    try:
        files = write_outputs(result, args.out)
    except OSError as err:
        raise ScenarioError(f"--out {args.out}: cannot write the outputs ({err.strerror or err})") from None
    if not args.quiet:
        print(f"coprod: {scenario.name}: {scenario.one_line}")
        print(f"{result.steps} steps, {result.params['citizens']} citizens, seed {result.seed} "
              f"({result.seconds:.2f} s)\n")
        print(outcome_table(result))
        if (game := game_tokens(result)) is not None:
            tokens = game["mean_contribution_tokens"]
            print(f"\nMean contribution, tokens of {game['endowment']}: first round "
                  f"{tokens['first']:.1f}, last {tokens['final']:.1f}, mean {tokens['mean']:.1f}")
        print(f"\nWrote {', '.join(str(p) for p in files.values())}")
    return 0


@subcommand("scenarios", "List the named scenarios with their one-line descriptions.")
def scenarios(args: argparse.Namespace) -> int:
    """Print each named scenario and its one-line description."""
    from sim.scenario import list_scenarios  # noqa: PLC0415

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
    except ScenarioError as err:
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


if __name__ == "__main__":
    sys.exit(main())
