"""The ``events:`` of a scenario file: timed policy changes, checked with their file and line.

.. code-block:: yaml

    events:
      - month: 24
        set: {administration.austerity_response: 1.0}
        label: austerity begins
      - month: 13
        set: {governance.fine: 0.0}

Each event names a month (an integer from 1, the first month, to the run's last) and the
levers it sets from the start of that month, with their dotted scenario paths; ``label``
(optional) names it on timelines. The checks: an event is a mapping of ``month``, ``set``
and ``label``; ``set`` names levers (``section.key``; not the population, its network or
a lab design's scenario-only fields); values are valid for their parameter and, with
everything set before them, pass the model's cross-field checks. A problem names the
field -- ``events[2].set.governance.fine`` -- and its line. The model applies the checked
schedule (`sim.model.events`) through ``set_levers``.

Overrides and experiments reach inside events with dotted paths: ``events.0.month``,
``events.0.set.governance.fine`` (`event_path`, `event_param`); ``events`` itself can be
replaced as a whole (a list of events).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sim.inputs.schema import DOTTED, PATHS
from sim.model.events import MONTH, check_schedule
from sim.model.parameters import MODEL_PARAMS
from sim.primitives.errors import InputError, Origin, Problem, did_you_mean
from sim.primitives.params import Param

EVENT_KEYS: tuple[str, ...] = ("month", "set", "label")
#: Dotted paths an event may set: every model parameter's (the model refuses structural ones).
LEVER_PATHS: dict[str, str] = {dotted: name for name, dotted in DOTTED.items()}
EVENTS_ALLOWED = "a list of events, each a mapping of month, set and label"
_PATH = re.compile(r"^events\.(\d+)\.(month|label|set\.([A-Za-z_]\w*\.[A-Za-z_]\w*))$")
OriginOf = Callable[[tuple], Origin | None]


def event_path(key: str) -> tuple[int, tuple[str, ...]] | None:
    """``(index, location inside the event)`` of a dotted event path, or ``None``.

    ``events.2.set.governance.fine`` -> ``(2, ("set", "governance.fine"))``.
    """
    m = _PATH.match(key)
    if m is None:
        return None
    return int(m.group(1)), ("set", m.group(3)) if m.group(3) else (m.group(2),)


def event_param(key: str) -> Param | None:
    """The parameter a dotted event path's value is checked by (``None`` for a label or no path)."""
    found = event_path(key)
    if found is None:
        return None
    _, loc = found
    if loc[0] == "month":
        return MONTH
    return PATHS.get(loc[1]) if loc[0] == "set" and loc[1] in LEVER_PATHS else None


def path_param(key: str) -> Param | None:
    """The parameter of a dotted scenario path (``governance.fine``) or event path, if any."""
    return PATHS.get(key) or event_param(key)


def path_kind(key: str) -> type:
    """The Python type of a checked path's values (`path_param`'s kind)."""
    p = path_param(key)
    if p is None:
        raise KeyError(key)
    return p.kind


def event_value(scenario: Any, key: str) -> Any:
    """The value a scenario gives a dotted event path: its month, or the value the event sets.

    An event that does not set the path's lever gives the scenario's own value of it.
    """
    index, loc = event_path(key) or (-1, ())
    events = scenario.events if isinstance(scenario.events, list) else []
    if not 0 <= index < len(events):
        raise InputError(Problem(key, "names no event of the scenario", origin=Origin("option", key)))
    if loc[0] != "set":
        return events[index].get(loc[0])
    given = events[index].get("set") or {}
    return given[loc[1]] if loc[1] in given else scenario.model_kwargs()[LEVER_PATHS[loc[1]]]


def _set_problems(i: int, values: Any, origin_of: OriginOf) -> tuple[dict[str, Any], list[Problem]]:
    """The flat-named values of one event's ``set``, and the problems of its keys."""
    where = ("events", i, "set")
    if not isinstance(values, Mapping):
        if values is None:
            return {}, [Problem(f"events[{i}].set", "missing", allowed="a mapping of levers (section.key) to "
                                "their new values", origin=origin_of(where))]
        return {}, [Problem(f"events[{i}].set", "invalid", values, "a mapping of levers (section.key) to "
                            "their new values", origin=origin_of(where))]
    flat, problems = {}, []
    for key, value in values.items():
        if key in LEVER_PATHS:
            flat[LEVER_PATHS[key]] = value
            continue
        name = str(key)
        hint = did_you_mean(name, LEVER_PATHS) or (f" (did you mean {DOTTED[name]!r}?)" if name in DOTTED else "")
        if isinstance(value, Mapping) and name in {p.section for p in MODEL_PARAMS.values()}:
            hint = f" (write the dotted path, e.g. {name}.{next(iter(value), 'key')})"
        problems.append(Problem(f"events[{i}].set.{name}", "unknown",
                                allowed="a dotted scenario path section.key of a lever", hint=hint,
                                origin=origin_of((*where, key))))
    return flat, problems


def check_events(raw: Any, params: Mapping[str, Any], run_steps: int, origin_of: OriginOf) -> list[dict[str, Any]]:
    """A scenario's ``events:`` checked against its resolved parameters; plain model data.

    Args:
        raw: The ``events`` value as read from the file (``None`` when absent).
        params: The scenario's resolved model parameters.
        run_steps: The run's steps (an event after the last month is an error).
        origin_of: Location in the file (``("events", 2, "month")``) -> where it is.

    Returns:
        ``[{"month", "set" (flat names), "label"}, ...]`` in the order the events apply.

    Raises:
        InputError: Every problem, each naming ``events[i]...`` and its line.
    """
    if raw is None or raw == []:
        return []
    if not isinstance(raw, list):
        raise InputError(Problem("events", "invalid", raw, EVENTS_ALLOWED, origin=origin_of(("events",))))
    problems: list[Problem] = []
    data: list[dict[str, Any]] = []
    good: list[int] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            problems.append(Problem(f"events[{i}]", "invalid", item, "a mapping of month, set and label",
                                    origin=origin_of(("events", i))))
            continue
        here = _item_problems(i, item, run_steps, origin_of)
        flat, wrong = _set_problems(i, item.get("set"), origin_of)
        problems += here + wrong
        if not here and not wrong:
            good.append(i)
            data.append({"month": item["month"], "set": flat, "label": item.get("label")})
        elif not wrong:  # a bad month or key: still say which values are wrong
            problems += _value_problems(i, flat, origin_of)
    try:
        schedule = check_schedule(data, params, names=DOTTED, indices=good,
                                  where=lambda i, loc: origin_of(("events", i, *loc)))
    except InputError as err:
        problems += err.problems
    if problems:
        raise InputError(problems)
    return [event.as_data() for event in schedule]


def _value_problems(i: int, flat: Mapping[str, Any], origin_of: OriginOf) -> list[Problem]:
    """Each value of an event that cannot be scheduled, checked on its own (no cross-field checks)."""
    out = []
    for name, value in flat.items():
        try:
            MODEL_PARAMS[name].validate(value)
        except InputError as err:
            out += [Problem(f"events[{i}].set.{DOTTED[name]}", p.issue, p.value, p.allowed, p.hint,
                            origin_of(("events", i, "set", DOTTED[name]))) for p in err.problems]
    return out


def _item_problems(i: int, item: Mapping[str, Any], run_steps: int, origin_of: OriginOf) -> list[Problem]:
    """The problems of one event's keys, month and label (its ``set`` is checked apart)."""
    out = [Problem(f"events[{i}].{key}", "unknown", allowed="a key of an event: " + ", ".join(EVENT_KEYS),
                   hint=did_you_mean(key, EVENT_KEYS), origin=origin_of(("events", i, key)))
           for key in item if key not in EVENT_KEYS]
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        out.append(Problem(f"events[{i}].label", "invalid", label, "a string", origin=origin_of(("events", i, "label"))))
    if "month" not in item:
        return [*out, Problem(f"events[{i}].month", "missing", allowed=MONTH.allowed(), origin=origin_of(("events", i)))]
    month, allowed = item["month"], f"an integer in [1, {run_steps}] (a month of the run)"
    try:
        month = MONTH.validate(month)
    except InputError:
        return [*out, Problem(f"events[{i}].month", "invalid", month, allowed, origin=origin_of(("events", i, "month")))]
    if month > run_steps:
        out.append(Problem(f"events[{i}].month", f"is after the run's last month ({run_steps})", month,
                           allowed=f"{allowed}, or more steps", origin=origin_of(("events", i, "month"))))
    return out


def set_in_events(events: Any, key: str, value: Any, origin: Origin) -> list[dict[str, Any]]:
    """A copy of a scenario's raw events with one dotted event path (`event_path`) set.

    Raises:
        InputError: The path names an event the scenario does not have.
    """
    index, loc = event_path(key) or (-1, ())
    items = [dict(e) if isinstance(e, Mapping) else e for e in (events if isinstance(events, list) else [])]
    if not 0 <= index < len(items) or not isinstance(items[index], dict):
        have = f"events 0 to {len(items) - 1}" if items else "no events"
        raise InputError(Problem(key, "names no event of the scenario", allowed=f"the scenario has {have}",
                                 origin=origin))
    if loc[0] == "set":
        current = items[index].get("set")
        items[index]["set"] = {**(current if isinstance(current, Mapping) else {}), loc[1]: value}
    else:
        items[index][loc[0]] = value
    return items


def events_of(scenario: Any) -> list[tuple[int, str]]:
    """(month, label) of every timed policy change of a scenario, in the order they apply.

    What a timeline marks (the dashboard draws one marker per event).
    """
    return [(e["month"], e["label"]) for e in scenario.model_kwargs().get("events", [])]
