"""The subcommand registry of the ``coprod`` command line, and what several commands share.

A subcommand is one function decorated with `subcommand`, which declares its arguments;
the command-line edge is also where text becomes values (`overrides`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sim.primitives.errors import InputError, Origin, Problem

Handler = Callable[[argparse.Namespace], int]
#: An argument declaration (`arg`) or a function adding arguments to a parser.
Argument = tuple[tuple, dict] | Callable[[argparse.ArgumentParser], Any]
#: name -> (help, argument declarations, handler), in registration order.
COMMANDS: dict[str, tuple[str, tuple[Argument, ...], Handler]] = {}
PROGRESS = ("auto", "always", "never")
MAX_FORCED_WORKERS = 256  # --workers with --force (each worker is a process)


def arg(*flags: str, **options: Any) -> tuple[tuple, dict]:
    """Declare one argument of a subcommand (same arguments as `add_argument`)."""
    return flags, options


def subcommand(name: str, help_text: str, *args: Argument):
    """Register the decorated ``handler(args) -> exit status`` as subcommand `name`."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = (help_text, args, handler)
        return handler

    return register


def add_to(parser: argparse.ArgumentParser, args: tuple[Argument, ...]) -> None:
    """Add a subcommand's declared arguments to its parser."""
    for a in args:
        if callable(a):
            a(parser)
        else:
            parser.add_argument(*a[0], **a[1])


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


def out_folder(value: str | None, default: str, option: str = "--out") -> str:
    """The ``--out`` folder (or another `option`'s): `default` when not given; never empty."""
    if value is None:
        return default
    if not value.strip():
        raise InputError(Problem("", "value '' is not valid", allowed="a folder path",
                                 origin=Origin("option", option)))
    return value


def evaluator_args(what: str) -> tuple[Argument, ...]:
    """``--workers``, ``--scheduler``, ``--resume`` and ``--progress``: how runs are made."""
    return (
        arg("--workers", type=int, metavar="N",
            help="local worker processes (default: all CPUs, also the most allowed; 1: in process)"),
        arg("--force", action="store_true", help=f"allow --workers above the CPUs (up to {MAX_FORCED_WORKERS})"),
        arg("--scheduler", metavar="ADDRESS",
            help="run on an existing Dask distributed cluster instead, e.g. tcp://10.0.0.5:8786"),
        arg("--resume", action="store_true",
            help=f"finish {what} started in DIR (refused if the experiment changed since)"),
        arg("--progress", choices=PROGRESS, default="auto",
            help="progress bar on stderr: runs done / total, ETA (auto: only on a terminal)"),
    )


def positive(**values: int | None) -> None:
    """Refuse option values below 1 (``--workers 0``), naming the option."""
    for name, value in values.items():
        if value is not None and value < 1:
            flag = "--" + name.replace("_", "-")
            raise InputError(Problem("", "invalid", value, "an integer >= 1", origin=Origin("option", flag)))


def bounded_workers(args: argparse.Namespace) -> int:
    """``--workers`` (default: the CPUs), at most the CPUs unless ``--force`` (or ``--scheduler``)."""
    from sim.sweep.coordinator import default_workers  # noqa: PLC0415

    cpus = default_workers()
    workers = args.workers or cpus
    limit = MAX_FORCED_WORKERS if args.force else cpus
    if workers > limit and not args.scheduler:
        more = "" if args.force else "; add --force to use more (each worker is a process)"
        raise InputError(Problem("", "invalid", workers, f"an integer in [1, {limit}] (the CPUs this "
                                 f"process may use: {cpus}){more}", origin=Origin("option", "--workers")))
    return workers


def where(workers: int, scheduler: str | None) -> str:
    """Where runs are made, as the commands announce it."""
    return f"Dask cluster {scheduler}" if scheduler else f"{workers} local worker(s)"
