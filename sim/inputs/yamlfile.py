"""Reading the project's YAML input files (scenarios, experiments) safely and strictly.

A safe loader that also rejects duplicate keys, and syntax errors reported with the line
and column; `ScenarioError` is the one error type every input-file problem raises.
"""

from __future__ import annotations

from typing import Any

import yaml


class ScenarioError(ValueError):
    """Bad scenario input; the message names the file or option, the field and what is allowed."""

    @property
    def message(self) -> str:
        """The message, as printed."""
        return str(self.args[0])


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loader that rejects duplicate keys instead of keeping the last one."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key if isinstance(key, str) else id(key_node))
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML safely; syntax errors become a `ScenarioError` with line and column."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        context = f" ({err.context})" if err.context else ""
        raise ScenarioError(f"{label}: {where}invalid YAML: {err.problem}{context}") from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"{label}: invalid YAML: {err}") from None
