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
