"""Structured input errors: what was wrong, where it came from, and what is allowed.

An `InputError` carries one or more `Problem` values, each naming the (dotted) field, the
value given, what is allowed and where the value came from (an `Origin`: a file and line,
a ``--set`` option, a dashboard control, a constructor keyword). Layers add what they know
by building new problems (`InputError.renamed`, `InputError.at`), never by editing text;
each edge (the CLI, the dashboard, the Python API's ``str()``) formats them with `format`.

`SetupError` is the other kind of problem a user can fix: the environment (an unwritable
folder, an unreachable scheduler), not a value.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

#: Longest excerpt of a value shown in a message (values can be huge: YAML alias bombs).
EXCERPT = 80
_repr = reprlib.Repr(maxlevel=2, maxlist=6, maxdict=6, maxstring=EXCERPT, maxother=EXCERPT)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Marks a problem that has no value (an unknown key, a missing field).
MISSING: Any = _Missing()


def excerpt(value: Any) -> str:
    """A bounded ``repr`` of `value`: never longer than about `EXCERPT` characters."""
    text = _repr.repr(value)
    return text if len(text) <= EXCERPT + 3 else text[:EXCERPT] + "..."


def describe_value(value: Any) -> str:
    """``value 'x' (a string)``: a value as a message names it, its kind when it misleads."""
    if value is MISSING or value is None:
        return "no value"
    kind = " (a string)" if isinstance(value, str) else " (a boolean)" if isinstance(value, bool) else ""
    return f"value {excerpt(value)}{kind}"


def describe_plain(value: Any) -> str:
    """``value 'x'``: a value as a message names it, without its kind."""
    return "no value" if value is MISSING or value is None else f"value {excerpt(value)}"


def did_you_mean(word: Any, options: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Origin:
    """Where a value came from.

    Attributes:
        kind: ``file``, ``set`` (a ``--set`` option), ``option`` (a command-line option),
            ``dashboard`` (a control) or ``constructor`` (a keyword argument).
        name: The file's label, the option, the control or the class.
        line: 1-based line in the file, when known.
        column: 1-based column in the file, when known.
        detail: What in the input the value belongs to (``point 3 (fine=2)``), if not obvious.
    """

    kind: str
    name: str = ""
    line: int | None = None
    column: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        if self.kind == "file":
            where = self.name
            if self.line is not None:
                where += f", line {self.line}" + (f", column {self.column}" if self.column else "")
        elif self.kind == "set":
            where = "--set"
        else:
            where = self.name or self.kind
        return f"{where}, {self.detail}" if self.detail else where


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes:
        field: Dotted field name (``governance.monitoring``), or ``""`` for the whole input.
        issue: What is wrong: ``invalid`` (the value is not allowed), ``unknown`` (no such
            field), ``missing`` (a required field), or a sentence of its own.
        value: The value given (`MISSING` if none).
        allowed: What is allowed, in words.
        hint: A suggestion (``did you mean ...``), starting with a space.
        origin: Where the value came from.
    """

    field: str
    issue: str = "invalid"
    value: Any = MISSING
    allowed: str = ""
    hint: str = ""
    origin: Origin | None = None

    def format(self) -> str:
        """One line: origin, field, what is wrong, what is allowed."""
        if self.origin is None:
            where = ""
        elif self.origin.kind == "set":  # --set governance.monitoring: ...
            where = "--set "
        else:
            where = f"{self.origin}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.describe()}"

    def describe(self) -> str:
        """What is wrong and what is allowed, without the origin and field."""
        if self.issue == "invalid":
            numeric = self.allowed.startswith(("a number", "an integer"))
            body = f"{describe_value(self.value) if numeric else describe_plain(self.value)} is not valid"
        elif self.issue == "unknown":
            body = "unknown key"
        elif self.issue == "missing":
            body = "missing"
        else:
            body = self.issue
        allowed = ""
        if self.allowed:
            allowed = f"; {'required' if self.issue == 'missing' else 'allowed'}: {self.allowed}"
        return f"{body}{allowed}{self.hint}"


class InputError(ValueError):
    """Bad input: one or more `Problem` values, formatted one per line by ``str()``."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        """Collect the problems (at least one)."""
        items = (problems,) if isinstance(problems, Problem) else tuple(problems)
        if not items:
            raise ValueError("an InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(dict.fromkeys(items))
        super().__init__(self.format())

    def format(self) -> str:
        """Every problem, one line each."""
        return "\n".join(p.format() for p in self.problems)

    @property
    def message(self) -> str:
        """The formatted message, as the CLI prints it."""
        return self.format()

    def map(self, change: Callable[[Problem], Problem]) -> InputError:
        """A new error with `change` applied to every problem."""
        return InputError(change(p) for p in self.problems)

    def at(self, origin: Origin) -> InputError:
        """A new error whose problems without an origin come from `origin`."""
        return self.map(lambda p: p if p.origin is not None else replace(p, origin=origin))

    def renamed(self, names: Mapping[str, str]) -> InputError:
        """A new error with field names replaced by `names` (e.g. flat to dotted)."""
        return self.map(lambda p: replace(p, field=names.get(p.field, p.field)))


class SetupError(RuntimeError):
    """A problem in the environment the user can fix (folder, disk, scheduler, workers)."""

    @property
    def message(self) -> str:
        """The message, as the CLI prints it."""
        return str(self.args[0])
