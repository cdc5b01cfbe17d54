"""Levers in plain words, and which of them matter for the rules and settings chosen.

A lever **matters** unless one of two things makes it idle, both read from declarations:

- **Rule capabilities.** A governance rule declares its parameters (`params` on the rule
  class, `sim.governance.REGISTRY`); a parameter of a family that the selected rule does
  not declare is idle ("used only when sanctions is peer or admin"). Nothing here lists
  them: they follow the registry.
- **Declared dependencies** (`DEPENDENCIES`, data, not code): a parameter that only acts
  when another setting allows it, e.g. the participatory-budget levers when ``pb_share`` is
  0, or the firms' levers when there are no firms. The tests check each one against the
  model: changing an idle lever changes no outcome, bit for bit.

Plain words come from the `Param` declarations (description, unit, source, range) and
the rules' docstrings; nothing is written twice. No Solara here.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.governance import REGISTRY
from sim.model.budgeting import PB_PARAMS
from sim.model.firms import FIRM_PARAMS
from sim.model.parameters import MODEL_PARAMS
from sim.primitives.params import Param

_OPS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    ">": (operator.gt, "above"), "==": (operator.eq, "set to"), "!=": (operator.ne, "not"),
}


@dataclass(frozen=True)
class Requirement:
    """A condition on one parameter, e.g. ``Requirement("pb_share", ">", 0)``."""

    param: str
    op: str
    value: Any

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether the condition holds for resolved parameter `values`."""
        return _OPS[self.op][0](values[self.param], self.value)

    def words(self) -> str:
        """The condition in words: ``"pb share above 0"``."""
        return f"{label(self.param).lower()} {_OPS[self.op][1]} {self.value}"


@dataclass(frozen=True)
class Dependency:
    """Parameters that act only when every requirement holds.

    Attributes:
        params: The dependent parameters.
        requires: Conditions that must all hold for them to act.
        why: What the unmet condition means, in words (shown beside the idle lever).
    """

    params: tuple[str, ...]
    requires: tuple[Requirement, ...]
    why: str


# `pb_needs_gap` also shapes what the life-cycle commissions (`sim.model.lifecycle`): never idle.
_PB = tuple(p.name for p in PB_PARAMS if p.name not in ("pb_share", "pb_needs_gap"))
_FIRMS = tuple(p.name for p in FIRM_PARAMS if p.name != "firms")
#: Which parameters act only when another setting allows it (checked against the model by the tests).
DEPENDENCIES: tuple[Dependency, ...] = (
    Dependency((*_PB, "voting"), (Requirement("pb_share", ">", 0),),
               "participatory budgeting is off (pb share is 0)"),
    Dependency(_FIRMS, (Requirement("firms", ">", 0),), "there are no firms (firms is 0)"),
    Dependency(("sla_penalty", "sla_fine"), (Requirement("sla_floor", ">", 0),),
               "there is no service-level agreement (sla floor is 0)"),
    Dependency(("sla_fine",), (Requirement("sla_penalty", "==", "fine"),),
               "a firm below the floor is excluded, not fined"),
    Dependency(("outsourcing_efficiency",), (Requirement("outsourcing", ">", 0),),
               "nothing is outsourced (outsourcing is 0)"),
    Dependency(("online_share",), (Requirement("channel", "==", "mixed"),),
               "the channel is not mixed"),
    Dependency(("interoperability",), (Requirement("administrations", ">", 1),),
               "there is a single administration"),
    Dependency(("data_control",), (Requirement("data_value", ">", 0),),
               "there is no data platform (data value is 0)"),
    Dependency(("rewire",), (Requirement("network", "==", "small_world"),),
               "the network is not small-world"),
    Dependency(("choice_level", "local_floor", "local_ceiling", "neighbourhood_contrast"),
               (Requirement("neighbourhoods", ">", 1),), "the city is one neighbourhood (neighbourhoods is 1)"),
    Dependency(("local_floor", "local_ceiling"), (Requirement("choice_level", "==", "neighbourhood"),),
               "the rule is chosen city-wide (choice level is city)"),
)
#: The few levers classroom mode shows (in large type); idle ones are still hidden.
CLASSROOM: tuple[str, ...] = ("sanctions", "fine", "responsiveness", "rewards", "reward",
                              "interaction", "responsibility", "austerity_response")
_ACRONYMS = {"pb": "PB", "sla": "SLA", "mpcr": "MPCR", "cc": "CC"}


def rules_declaring() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Rule parameter -> (family, the rules of that family that declare it)."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for family, rules in REGISTRY.items():
        names: dict[str, list[str]] = {}
        for rule, cls in rules.items():
            for p in cls.params:
                names.setdefault(p.name, []).append(rule)
        for name, declaring in names.items():
            out[name] = (family, tuple(declaring))
    return out


_DECLARING = rules_declaring()


def idle(values: Mapping[str, Any]) -> dict[str, str]:
    """Parameters that do nothing under resolved `values`, with the reason in words."""
    out: dict[str, str] = {}
    for name, (family, declaring) in _DECLARING.items():
        if values.get(family) not in declaring:
            out[name] = (f"used only when {family} is {' or '.join(declaring)} "
                         f"(now {values.get(family)})")
    for dependency in DEPENDENCIES:
        if not all(r.holds(values) for r in dependency.requires):
            for name in dependency.params:
                out.setdefault(name, f"no effect: {dependency.why}")
    return out


def label(name: str) -> str:
    """A parameter's name in words: ``pb_share`` -> ``"PB share"``."""
    words = [_ACRONYMS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def rule_summary(family: str, rule: str) -> str:
    """What a governance rule does: the first line of its docstring."""
    cls = REGISTRY[family][rule]
    return (cls.__doc__ or "").strip().splitlines()[0].replace("`", "")


def number(value: Any) -> str:
    """A number as a reader wants it: ``0.333``, ``1,000``, ``1e-05``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0 or (1e-3 <= abs(value) < 1e6):
            return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return f"{value:.2g}"
    return str(value)


def value_text(param: Param, value: Any) -> str:
    """The current value with its unit: ``"1 hours per month"``, ``"0.333"``, ``"peer"``."""
    text = number(value)
    return f"{text} {param.unit}" if param.unit else text


def description(param: Param, value: Any = None) -> str:
    """What the lever is (its declared doc); for a rule family, what the selected rule does."""
    if param.section == "governance" and param.name in REGISTRY and value in REGISTRY[param.name]:
        return f"{param.doc.rstrip('.')}: {rule_summary(param.name, value)}"
    return param.doc.replace("`", "")


def source_text(param: Param) -> str:
    """Where the default comes from, as a short line."""
    return f"Source: {param.source}" if param.source else ""


def slider_range(param: Param) -> tuple[float, float, float] | None:
    """``(low, high, step)`` of a slider for `param`, or None where a slider does not fit.

    A slider needs finite bounds and a span a hand can set (integers up to 100 steps,
    numbers up to 10 units, in steps of about a hundredth of the span).
    """
    if param.choices is not None or param.low is None or param.high is None:
        return None
    span = float(param.high) - float(param.low)
    if param.kind is int:
        return (float(param.low), float(param.high), 1.0) if 0 < span <= 100 else None
    if not 0 < span <= 10:
        return None
    step = 10 ** math.floor(math.log10(span / 100))
    return float(param.low), float(param.high), step


def classroom(names: list[str]) -> list[str]:
    """The classroom levers among `names`, in classroom order."""
    return [n for n in CLASSROOM if n in names]


def declared(name: str) -> Param:
    """The declaration of model parameter `name`."""
    return MODEL_PARAMS[name]
