"""``coprod validate`` (the model against published patterns) and ``coprod dashboard``."""

from __future__ import annotations

import argparse
import sys

from dashboards.server import add_arguments
from sim.cli.registry import arg, subcommand
from sim.primitives.errors import InputError, Origin, Problem, did_you_mean


class PatternOption(argparse._AppendAction):
    """``--pattern ID`` (repeatable), whose help lists the pattern ids.

    The ids are read from `sim.validation.PATTERNS` only when the help is shown: importing
    the patterns loads the model, which every other command (and ``coprod --help``) skips.
    """

    @property
    def help(self) -> str:
        """The option's help, with every pattern id."""
        from sim.validation import PATTERNS  # noqa: PLC0415

        return "run only this pattern (repeatable); one of: " + ", ".join(PATTERNS)

    @help.setter
    def help(self, _value: str | None) -> None:
        pass


@subcommand(
    "validate", "Check the model against the published patterns; exit 1 if any fails.",
    arg("--out", metavar="DIR", default="validation",
        help="where to write validation.json and one PNG per pattern (default: ./validation)"),
    arg("--quick", action="store_true",
        help="fewer replications (as in CI), same tolerances"),
    arg("--pattern", dest="patterns", action=PatternOption, metavar="ID"),
    arg("--kind", dest="kinds", action="append", choices=("input", "calibration", "out_of_sample"),
        help="run only the patterns of this kind of evidence (repeatable)"),
)
def validate(args: argparse.Namespace) -> int:
    """Run the validation patterns, print the table, write the files; 1 if any fails."""
    from pathlib import Path  # noqa: PLC0415

    from sim.validation import PATTERNS  # noqa: PLC0415
    from sim.validation.report import run_validation, table, tally, write  # noqa: PLC0415

    for pid in args.patterns or ():
        if pid not in PATTERNS:
            raise InputError(Problem("", "invalid", pid, "one of: " + ", ".join(PATTERNS),
                                     did_you_mean(pid, PATTERNS), Origin("option", "--pattern")))
    print("coprod: validating against published patterns"
          + (" (reduced replications)" if args.quick else ""), file=sys.stderr)
    only = [pid for pid, p in PATTERNS.items()
            if (not args.patterns or pid in args.patterns) and (not args.kinds or p.evidence.kind in args.kinds)]
    results = run_validation(quick=args.quick, only=only)
    path = write(results, Path(args.out))
    print(table(results))
    failed = [r.id for r in results if not r.passed]
    print(f"\n{tally(results)}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed; wrote {path} "
          f"and {len(results)} plots")
    return 1 if failed else 0


@subcommand(
    "dashboard", "Serve the browser dashboard (offline) on http://HOST:PORT/.", add_arguments,
)
def dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until Ctrl-C (docs/dashboard.md)."""
    from dashboards.server import run as serve  # noqa: PLC0415 (Solara only when asked)

    return serve(args)
