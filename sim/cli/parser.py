"""The ``coprod`` command line: the parser of every subcommand, and `main`.

``coprod run SCENARIO [--steps N] [--seed S] [--set dotted.key=value ...] [--out DIR]``
runs a scenario (a file, or a name from ``scenarios/``) and writes its outputs;
``coprod scenarios`` lists the named scenarios; ``sweep``, ``report``, ``optimize``,
``discover``, ``explain``, ``validate`` and ``dashboard`` are the other subcommands. Exit status: 0 done, 2 bad input or a problem in
the environment the user can fix (a message on stderr naming the field and what is
allowed, or the folder, disk or scheduler; never a traceback), 1 unexpected failure
(``--debug`` shows its traceback), 130 interrupted (Ctrl-C or SIGTERM, at any moment).

Errors arrive here as structured values (`InputError`, `SetupError`) and are formatted
only here.

A subcommand is one function decorated with `sim.cli.registry.subcommand`; its module
is imported here, so registering it is all a new command needs.
"""

from __future__ import annotations

import argparse
import os
import sys

import sim
from sim.cli import checks, policy, signals, single, sweeps
from sim.cli.registry import COMMANDS, add_to, overrides
from sim.primitives.errors import InputError, SetupError

#: The order ``coprod --help`` lists the subcommands in.
ORDER = ("run", "scenarios", "sweep", "report", "optimize", "discover", "explain", "validate", "dashboard")
__all__ = ["COMMANDS", "build_parser", "checks", "main", "overrides", "policy", "single", "sweeps"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="coprod", description="Simulate the collective co-production of public services.")
    parser.add_argument("--version", action="version", version=f"coprod {sim.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in sorted(COMMANDS, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
        help_text, args, handler = COMMANDS[name]
        command = sub.add_parser(name, help=help_text, description=help_text)
        add_to(command, args)
        command.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 done, 1 unexpected, 2 bad input, 130 stopped)."""
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
    except KeyboardInterrupt as err:
        print(f"coprod: {signals.stopped_by(err)}", file=sys.stderr)
        return 130
    except Exception as err:
        if (why := signals.stopped_by()) is not None:  # an interrupt a library turned into its own error
            print(f"coprod: {why}", file=sys.stderr)
            return 130
        if args.debug or os.environ.get("COPROD_DEBUG"):
            raise
        print(f"coprod: unexpected error: {type(err).__name__}: {err}\n"
              "(run again with `coprod --debug ...` to see the traceback)", file=sys.stderr)
        return 1
