"""Timed policy changes: at the start of month t, these levers take these values.

A schedule is plain data (picklable, JSON), so it travels with the model's keyword
arguments to sweep workers and into a sweep's hash: ``events=[{"month": 24, "set":
{"austerity_response": 1.0}, "label": "austerity"}, ...]`` with flat parameter names. The
model checks the whole schedule when it is built (`check_schedule`): months are integers
in [1, `MAX_MONTH`], every name is a lever (not a parameter the population or network was
drawn from, `sim.model.levers.STRUCTURAL`), and each event's values resolve together with
everything in force before it, so a bad event fails before the first month, not in year
ten. Event ``t`` is applied at the start of month ``t`` (step ``t``; the first step is month
1), before anyone moves or decides, through `sim.model.levers.apply_levers` -- exactly
what ``model.set_levers`` does -- so the change is in force during month ``t``. Events of
one month apply in the order given.

Scenario files write the same schedule with dotted names (``events:``,
`sim.inputs.events`), checked with their file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.model.levers import STRUCTURAL, apply_levers
from sim.model.parameters import MODEL_PARAMS, resolve_model_params
from sim.primitives.errors import InputError, Origin, Problem, did_you_mean
from sim.primitives.params import Param

#: Latest month an event may name (the longest run a scenario may ask for).
MAX_MONTH = 100_000
MONTH = Param("month", 1, "Month at whose start the event's levers take their values (1 = the first).",
              "run", 1, MAX_MONTH, unit="month")
LEVER_SECTIONS = "a lever of the governance, administration, service or firms sections"


@dataclass(frozen=True)
class Event:
    """One timed policy change.

    Attributes:
        month: Month at whose start the values apply (the model's step number).
        values: Flat parameter name -> value.
        label: What the change is, for timelines (default: what it sets, ``austerity_response=1.0``).
    """

    month: int
    values: dict[str, Any]
    label: str

    def as_data(self) -> dict[str, Any]:
        """The event as plain data (``month``, ``set``, ``label``)."""
        return {"month": self.month, "set": dict(self.values), "label": self.label}


def default_label(values: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """``governance.fine=0`` -- an event's label when it has none (what it sets)."""
    return ", ".join(f"{(names or {}).get(k, k)}={v}" for k, v in values.items())


Where = Callable[[int, tuple], Origin | None]


def _lever_problems(values: Mapping[str, Any], field: Callable[[str], str],
                   origin: Callable[[str], Origin | None]) -> list[Problem]:
    """Names that are no model parameter, or cannot change during a run."""
    out = []
    for name in values:
        if name not in MODEL_PARAMS:
            out.append(Problem(field(name), "unknown", allowed=LEVER_SECTIONS,
                               hint=did_you_mean(name, MODEL_PARAMS), origin=origin(name)))
        elif name in STRUCTURAL:
            out.append(Problem(field(name), "cannot change during a run (the population and its network "
                               "are drawn from it at the start)", values[name], allowed=LEVER_SECTIONS,
                               origin=origin(name)))
    return out


def check_schedule(events: Iterable[Mapping[str, Any] | Event], params: Mapping[str, Any],
                   names: Mapping[str, str] | None = None, where: Where | None = None,
                   indices: Sequence[int] | None = None) -> tuple[Event, ...]:
    """The schedule checked against the run's resolved parameters, in the order it applies.

    Args:
        events: Plain-data events (``month``, ``set``, optional ``label``) or `Event` values.
        params: The run's resolved model parameters (what is in force before any event).
        names: Flat name -> how messages name it (a scenario's dotted paths).
        where: ``(event index, location inside it) -> Origin`` for the problems (a file and
            line); ``None`` leaves origins to the caller.
        indices: How messages number the events (default 0, 1, ...): a caller that checked
            some events itself passes the others with their own numbers.

    Raises:
        InputError: Every problem found: the field is ``events[i].month`` or
            ``events[i].set.<name>``.
    """
    names = names or {}
    locate: Where = where or (lambda i, loc: None)
    problems: list[Problem] = []
    checked: list[tuple[int, Event]] = []
    items = list(events)
    for i, raw in zip(indices if indices is not None else range(len(items)), items, strict=True):
        event, here = _one_event(i, raw.as_data() if isinstance(raw, Event) else raw, names, locate)
        problems += here
        if event is not None:
            checked.append((i, event))
    order = sorted(checked, key=lambda pair: pair[1].month)  # stable: one month's in the given order
    current = dict(params)
    out = []
    for i, event in order:
        try:
            resolved = resolve_model_params({**current, **event.values})
        except InputError as err:
            bad = [Problem(f"events[{i}].set.{names.get(p.field, p.field)}", p.issue, p.value, p.allowed,
                           p.hint, locate(i, ("set", names.get(p.field, p.field)))) for p in err.problems]
            problems += bad
            continue
        current = resolved
        out.append(Event(event.month, {k: resolved[k] for k in event.values}, event.label))
    if problems:
        raise InputError(problems)
    return tuple(out)


def _one_event(i: int, data: Any, names: Mapping[str, str], locate: Where) -> tuple[Event | None, list[Problem]]:
    """One event checked on its own (month, names); ``None`` with its problems if it is bad."""
    if not isinstance(data, Mapping):
        return None, [Problem(f"events[{i}]", "invalid", data, "a mapping of month, set and label",
                              origin=locate(i, ()))]
    month: Any = data.get("month")
    values = data.get("set") or {}
    here: list[Problem] = []
    try:
        month = MONTH.validate(month)
    except InputError:
        here.append(Problem(f"events[{i}].month", "invalid", month, MONTH.allowed() + " (a month of the run)",
                            origin=locate(i, ("month",))))
    if not isinstance(values, Mapping) or not values:
        here.append(Problem(f"events[{i}].set", "missing" if not values else "invalid",
                            allowed="a mapping of levers to their new values", origin=locate(i, ("set",))))
        values = {}
    here += _lever_problems(values, lambda name: f"events[{i}].set.{names.get(name, name)}",
                            lambda name: locate(i, ("set", names.get(name, name))))
    if here:
        return None, here
    label = data.get("label") or default_label(values, names)
    return Event(int(month), dict(values), str(label)), []


class Schedule:
    """A checked schedule, by month: what `CoProductionModel.step` applies at its start."""

    def __init__(self, events: tuple[Event, ...]):
        """Index the events by month (each month's in the order they apply)."""
        self.events = events
        self.by_month: dict[int, list[Event]] = {}
        for event in events:
            self.by_month.setdefault(event.month, []).append(event)
        #: (month, label, values actually changed) of every event applied so far.
        self.applied: list[tuple[int, str, dict[str, Any]]] = []

    def due(self, month: int) -> list[Event]:
        """The events of `month` (none for most months)."""
        return self.by_month.get(month, [])

    def timeline(self) -> list[tuple[int, str]]:
        """(month, label) of every event, in the order they apply."""
        return [(e.month, e.label) for e in self.events]


def apply_due(model: Any) -> None:
    """Apply the events of the model's current month (its step number) with `apply_levers`."""
    schedule: Schedule = model.policy_events
    for event in schedule.due(model.steps):
        schedule.applied.append((event.month, event.label, apply_levers(model, event.values)))
