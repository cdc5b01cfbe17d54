"""The ``coprod`` command line (`sim.cli.parser`: the subcommands and `main`).

The console script runs `entry`. This module imports nothing else until `entry` has
installed its signal handling, so a Ctrl-C or SIGTERM at any moment once the script runs
(the imports of start-up included) ends with status 130 and one line, never a traceback.
The names of `sim.cli.parser` (``main``, ``COMMANDS``, ``build_parser``, ``overrides``)
are available here, imported on first use.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from sim.cli import signals


def entry() -> int:
    """The ``coprod`` console script: `sim.cli.parser.main`, with Ctrl-C and SIGTERM handled.

    A Ctrl-C or SIGTERM that arrives while the process exits is ignored (it is exiting
    anyway), so no clean-up can print a traceback.
    """
    signals.install()
    try:
        from sim.cli.parser import main  # noqa: PLC0415

        return main()
    except KeyboardInterrupt as err:  # before main's own handlers (imports at start-up)
        print(f"coprod: {signals.stopped_by(err)}", file=sys.stderr)
        return 130
    finally:
        signals.ignore()


def __getattr__(name: str) -> Any:
    """`sim.cli.parser`'s names, imported on first use."""
    parser = importlib.import_module("sim.cli.parser")
    if name in parser.__all__:
        return getattr(parser, name)
    raise AttributeError(f"module 'sim.cli' has no attribute {name!r}")
