"""Reading the project's YAML input files (scenarios, experiments) safely and strictly.

`parse_yaml` returns a `Document`: the data and the line and column of every key, so a
problem found later names where its value is in the file. The loader is YAML's safe loader
with four changes: duplicate keys are errors instead of the last one winning; numbers
written with an exponent and no dot (``1e-05``, ``1e308``) are numbers, as YAML 1.2 reads
them, not strings; a document larger than `MAX_SIZE` characters, or whose aliases would
expand to more than `MAX_NODES` values (a "billion laughs" file), is refused before it is
built; syntax errors carry the line and column.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.primitives.errors import InputError, Origin, Problem

#: Largest input file read, in characters.
MAX_SIZE = 1_000_000
#: Largest number of values a document may hold once its aliases are expanded.
MAX_NODES = 100_000
#: Numbers YAML 1.1 misreads as strings: an exponent without a dot (``1e-05``).
EXPONENT_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")

Path = tuple[Hashable, ...]


class _Loader(yaml.SafeLoader):
    """Safe loader: duplicate keys rejected, ``1e-05`` read as a number."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key if isinstance(key, Hashable) else id(key_node))
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, list("-+0123456789"))


@dataclass
class Document:
    """A parsed YAML document and where each of its values is.

    Attributes:
        data: The parsed value (mappings, lists, scalars).
        label: How the file is named in messages.
        marks: (line, column), 1-based, of each mapping key and list item, by path.
    """

    data: Any
    label: str
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def origin(self, path: Path) -> Origin:
        """Where the value at `path` (or the nearest enclosing one) is in the file."""
        for end in range(len(path), 0, -1):
            mark = self.marks.get(tuple(path[:end])) or self.marks.get((*path[:end - 1], str(path[end - 1])))
            if mark is not None:  # (the second: a key YAML read as a number, `1: x`)
                return Origin("file", self.label, *mark)
        return Origin("file", self.label)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of values `node` holds once aliases are expanded (linear time, memoised)."""
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = 1  # a recursive alias counts once (the loader rejects it later)
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[id(node)] = size
    return size


def _marks(node: yaml.Node, path: Path, out: dict[Path, tuple[int, int]], seen: set[int]) -> None:
    if id(node) in seen:  # an alias: its values were marked where they were defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value if isinstance(key, yaml.ScalarNode) else id(key))
            out[sub] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _marks(value, sub, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            out[(*path, i)] = (value.start_mark.line + 1, value.start_mark.column + 1)
            _marks(value, (*path, i), out, seen)


def _syntax_error(label: str, err: yaml.YAMLError) -> InputError:
    mark = getattr(err, "problem_mark", None)
    origin = Origin("file", label, mark.line + 1, mark.column + 1) if mark else Origin("file", label)
    problem = getattr(err, "problem", None) or str(err)
    note = getattr(err, "context", None)
    context = f" ({note})" if note else ""
    return InputError(Problem("", f"invalid YAML: {problem}{context}", origin=origin))


def parse_yaml(text: str, label: str) -> Document:
    """Parse YAML safely into a `Document`; syntax errors and oversized files are `InputError`s."""
    where = Origin("file", label)
    if len(text) > MAX_SIZE:
        raise InputError(Problem("", f"the file has {len(text):,} characters",
                                 allowed=f"at most {MAX_SIZE:,}", origin=where))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, label)
        size = _expanded_size(node, {})
        if size > MAX_NODES:
            raise InputError(Problem("", f"its aliases expand to {size:,} values",
                                     allowed=f"at most {MAX_NODES:,} values", origin=where))
        marks: dict[Path, tuple[int, int]] = {}
        _marks(node, (), marks, set())
        return Document(loader.construct_document(node), label, marks)
    except yaml.YAMLError as err:
        raise _syntax_error(label, err) from None
    finally:
        loader.dispose()


def key_hint(key: Any) -> str:
    """Why a key that is not text is refused: ``" (YAML reads 1 as a number, not a key name)"``."""
    kind = "a boolean" if isinstance(key, bool) else "a number" if isinstance(key, int | float) else type(key).__name__
    return f" (YAML reads {key!r} as {kind}, not a key name)"


def parse_scalar(text: str, what: str) -> Any:
    """A value written on the command line, read as YAML (``3``, ``0.5``, ``peer``, ``1e-5``).

    Args:
        text: The text after ``=``.
        what: The option, for the message (``--set governance.monitoring``).
    """
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        why = getattr(err, "problem", None) or "syntax error"
        raise InputError(Problem("", f"value {text!r} is not valid YAML ({why})",
                                 origin=Origin("option", what))) from None
