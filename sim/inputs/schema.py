"""The scenario file's schema, generated from the declared parameters, and its messages.

A scenario file has top-level text fields (``name``, ``description``, ``source``), run
settings (``steps``, ``seed``) and one section per parameter group (population, service,
administration, governance, firms, game). Each section's pydantic model is generated from
the `Param` declarations of `sim.model.parameters.MODEL_PARAMS` (plus the scenario-only
``game`` fields), with ``extra="forbid"``: one list of parameters, no schema written by
hand. `problems_of` turns a pydantic error into `Problem` values naming the dotted field,
the value, what is allowed and a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from sim.inputs.yamlfile import key_hint
from sim.model.parameters import MODEL_PARAMS, SECTIONS
from sim.primitives.errors import Origin, Problem, did_you_mean
from sim.primitives.params import Param
from sim.primitives.sources import FG

#: Scenario-only fields of the ``game`` section (the others are model parameters).
GAME_PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("endowment", 20, "Tokens each player receives per round (outputs report tokens).", "game", 1, 1_000_000, source=FG),
    Param("rounds", 10, "Rounds played: the run's steps unless `steps` is given.", "game", 1, 100_000, source=FG),
    Param("punishment", "none", "Costly peer punishment (peer: 1:3 technology).", "game", choices=("none", "peer"), source=FG),
)}
#: Top-level numeric fields.
RUN_PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("steps", 240, "Months to run (lab designs: game.rounds unless given); 20 years lets every named scenario settle.", "run", 1, 100_000, unit="months"),
    Param("seed", 42, "Seed of the model's random generator.", "run", 0, 2**63 - 1),
)}
TEXT_FIELDS = {
    "name": "Short name (defaults to the file name).",
    "description": "What the scenario represents; the first line is its one-line description.",
    "source": "Seed document or literature the scenario comes from.",
}
#: Section -> field name -> Param, in declaration order.
SECTION_PARAMS: dict[str, dict[str, Param]] = {
    s: {n: p for n, p in {**MODEL_PARAMS, **GAME_PARAMS}.items() if p.section == s}
    for s in SECTIONS
}
#: What ``events:`` holds (checked by `sim.inputs.events`).
EVENTS_DOC = ("Timed policy changes: a list of {month, set: {section.key: value}, label}; at the start of "
              "the month the levers take the values.")
TOP_KEYS: tuple[str, ...] = (*TEXT_FIELDS, *RUN_PARAMS, *SECTIONS, "events")
#: Flat model parameter name -> its dotted scenario path.
DOTTED: dict[str, str] = {n: f"{p.section}.{n}" for n, p in MODEL_PARAMS.items()}
#: Dotted scenario path -> declared parameter, for every key of every section.
PATHS: dict[str, Param] = {f"{s}.{n}": p for s in SECTIONS for n, p in SECTION_PARAMS[s].items()}


def section_model(section: str) -> type[BaseModel]:
    """The pydantic model of one section, generated from its declared parameters."""
    fields: dict[str, Any] = {n: p.field() for n, p in SECTION_PARAMS[section].items()}
    doc = f"The `{section}` section of a scenario (generated from the declared parameters)."
    config = ConfigDict(extra="forbid", frozen=True)
    return create_model(f"{section.capitalize()}Section", __config__=config, __doc__=doc, **fields)


SECTION_MODELS: dict[str, type[BaseModel]] = {s: section_model(s) for s in SECTIONS}


def param_at(loc: tuple[str, ...]) -> Param | None:
    """The declared parameter at a scenario location (``("governance", "fine")``), if any."""
    if len(loc) == 2 and loc[0] in SECTION_PARAMS:
        return SECTION_PARAMS[loc[0]].get(loc[1])
    if len(loc) == 1:
        return RUN_PARAMS.get(loc[0])
    return None


def _allowed(loc: tuple[str, ...]) -> str:
    if (p := param_at(loc)) is not None:
        return p.allowed()
    if loc[0] in SECTIONS:
        return f"a mapping of {loc[0]} keys: {', '.join(SECTION_PARAMS[loc[0]])}"
    return "a string" + (" (its first line is the one-line description)" if loc[0] == "description" else "")


def unknown_key(loc: tuple[str, ...]) -> Problem:
    """The problem of an unknown key at `loc`, with the valid keys and a suggestion."""
    key = loc[-1]
    in_section = len(loc) == 2 and loc[0] in SECTION_PARAMS
    options = tuple(SECTION_PARAMS[loc[0]]) if in_section else TOP_KEYS
    allowed = f"a key of {loc[0]}: " if in_section else "a top-level key: "
    hint = did_you_mean(key, options)
    if not hint:  # a key of another section?
        homes = {n: f"{p.section}.{n}" for n, p in {**MODEL_PARAMS, **GAME_PARAMS}.items()}
        close = difflib.get_close_matches(key, homes, n=1, cutoff=0.75)
        hint = f" (did you mean {homes[close[0]]!r}?)" if close else ""
    return Problem(".".join(loc), "unknown", allowed=allowed + ", ".join(options), hint=hint)


def problems_of(error: ValidationError, origin_of: Callable[[tuple], Origin | None]) -> list[Problem]:
    """One `Problem` per pydantic error of a scenario: dotted field, value, what is allowed."""
    out = []
    for e in error.errors():
        loc = tuple(str(x) for x in e["loc"])
        origin = origin_of(loc)
        if e["type"] == "extra_forbidden":
            problem = unknown_key(loc)
        elif e["type"] == "invalid_key":  # `1: x`: YAML made the key a number
            problem = replace(unknown_key(loc), hint=key_hint(e["loc"][-1]))
        elif e["type"] == "missing":
            problem = Problem(".".join(loc), "missing", allowed=_allowed(loc))
        elif (p := param_at(loc)) is not None:
            problem = p.problem(e.get("input"), ".".join(loc))
        else:
            problem = Problem(".".join(loc), "invalid", e.get("input"), _allowed(loc))
        out.append(Problem(problem.field, problem.issue, problem.value, problem.allowed,
                           problem.hint, origin))
    return out
