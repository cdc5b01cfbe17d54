"""Scenario files: a situation described in readable YAML, validated by a typed schema.

Top-level keys: ``name``, ``description`` (required; first line = one-line description),
``source``, ``steps``, ``seed``, and the sections population, service, administration,
governance, firms and game, whose schemas are generated from `sim.model.parameters.MODEL_PARAMS`
(field = `Param` name, default, range or choices, description): one list of parameters.

A ``game`` section makes a lab public-goods design: ``mpcr``, ``group_size`` and the
scenario-only ``endowment`` (tokens; outputs convert shares to tokens), ``rounds`` and
``punishment`` (none / peer). It maps to ``network=groups``, ``sanctions=peer`` with
``punishment_ratio=1/3`` for peer punishment (Fehr & Gächter 2000's 1:3) else ``none``,
``response=direct`` (no administration in between; trust does not learn) with
``responsiveness=1`` and ``response_delay=0`` (every token reaches the pot),
``neighbour_weight=1`` (subjects see only their group), and
``rounds`` steps unless ``steps`` is given. An explicit ``population.network`` or
``governance.sanctions`` contradicting it is an error; explicit ``response``,
``responsiveness``, ``response_delay``, ``neighbour_weight`` or ``punishment_ratio`` win. See docs/scenarios.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictStr,
    ValidationError,
    create_model,
)

from sim.inputs.yamlfile import ScenarioError, parse_yaml
from sim.model.parameters import MODEL_PARAMS, SECTIONS, resolve_model_params
from sim.primitives.params import Param, ParameterError, did_you_mean

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
FG = "Fehr & Gächter 2000"

#: Scenario-only fields of the ``game`` section (the others are model parameters).
GAME_PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("endowment", 20, "Tokens each player receives per round (outputs report tokens).", "game", 1, 1_000_000, source=FG),
    Param("rounds", 10, "Rounds played: the run's steps unless `steps` is given.", "game", 1, 1_000_000, source=FG),
    Param("punishment", "none", "Costly peer punishment (peer: 1:3 technology).", "game", choices=("none", "peer"), source=FG),
)}
#: Top-level numeric fields.
RUN_PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("steps", 100, "Steps to run (lab designs: game.rounds unless given).", "run", 1),
    Param("seed", 42, "Seed of the model's random generator.", "run", 0),
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
TOP_KEYS: tuple[str, ...] = (*TEXT_FIELDS, *RUN_PARAMS, *SECTIONS)
LAB_PUNISHMENT_RATIO = 1 / 3  # Fehr & Gächter 2000: one token of cost removes three
#: Lab settings an explicit value overrides: every token reaches the pot, no administration.
LAB_DEFAULTS = {"response": "direct", "responsiveness": 1.0, "response_delay": 0,
                # subjects see only their own group's contributions
                "neighbour_weight": 1.0}


def _number_only(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        raise ValueError("not a number")
    return value


def _field(p: Param) -> tuple[Any, Any]:
    """Pydantic (type, Field) for one declared parameter."""
    extra = {"json_schema_extra": {"source": p.source}, "description": p.doc}
    if p.choices is not None:
        return Literal[p.choices], Field(default=p.default, **extra)
    bounds = {"ge": p.low, "le": p.high}
    if p.kind is float:
        bounds["allow_inf_nan"] = False
    return Annotated[p.kind, Field(**bounds), BeforeValidator(_number_only)], Field(p.default, **extra)


def _section_model(section: str) -> type[BaseModel]:
    fields = {n: _field(p) for n, p in SECTION_PARAMS[section].items()}
    doc = f"The `{section}` section of a scenario (generated from the declared parameters)."
    config = ConfigDict(extra="forbid", frozen=True)
    return create_model(f"{section.capitalize()}Section", __config__=config, __doc__=doc, **fields)


SECTION_MODELS: dict[str, type[BaseModel]] = {s: _section_model(s) for s in SECTIONS}


class ScenarioBase(BaseModel):
    """Fields and behaviour shared by every scenario; `Scenario` adds the generated sections."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: StrictStr | None = Field(None, description=TEXT_FIELDS["name"])
    description: StrictStr = Field(description=TEXT_FIELDS["description"])
    source: StrictStr | None = Field(None, description=TEXT_FIELDS["source"])
    _origin: str = PrivateAttr("scenario")

    @property
    def one_line(self) -> str:
        """First line of the description."""
        return (self.description.strip().splitlines() or [""])[0].strip()

    @property
    def is_game(self) -> bool:
        """Whether this is a lab public-goods design (it has a ``game`` section)."""
        return getattr(self, "game", None) is not None

    @property
    def run_steps(self) -> int:
        """Steps to run: ``steps`` if given, else ``game.rounds`` for a game, else the default."""
        if self.is_game and "steps" not in self.model_fields_set:
            return self.game.rounds
        return self.steps

    def model_kwargs(self) -> dict[str, Any]:
        """Flat keyword arguments for `sim.CoProductionModel`, every parameter resolved.

        Raises:
            ScenarioError: A cross-field constraint fails (e.g. type shares over 1).
        """
        flat = {}
        for name, p in MODEL_PARAMS.items():
            section = getattr(self, p.section)
            flat[name] = p.default if section is None else getattr(section, name)
        if self.is_game:
            self._lab_kwargs(flat)
        try:
            return resolve_model_params(flat)
        except ParameterError as err:
            raise self.error(str(err)) from None

    def error(self, message: str) -> ScenarioError:
        """A `ScenarioError` for a model-level `message`, naming this scenario's file and fields."""
        return ScenarioError(f"{self._origin}: {dotted_message(message)}")

    def _lab_kwargs(self, flat: dict[str, Any]) -> None:
        """Apply the lab public-goods mapping of the ``game`` section to `flat`."""
        game = self.game
        forced = {
            "network": ("groups", "a game design plays in separate groups of game.group_size"),
            "sanctions": ("peer" if game.punishment == "peer" else "none",
                          f"game.punishment is {game.punishment!r}"),
        }
        for name, (value, why) in forced.items():
            section = MODEL_PARAMS[name].section
            if name in getattr(self, section).model_fields_set and flat[name] != value:
                raise self.error(
                    f"{section}.{name}: value {flat[name]!r} conflicts with the game section "
                    f"({why}); allowed: {value!r}, or leave {section}.{name} out"
                )
            flat[name] = value
        lab = dict(LAB_DEFAULTS)
        if game.punishment == "peer":
            lab["punishment_ratio"] = LAB_PUNISHMENT_RATIO
        for name, value in lab.items():
            if name not in getattr(self, MODEL_PARAMS[name].section).model_fields_set:
                flat[name] = value


Scenario: type[ScenarioBase] = create_model(
    "Scenario",
    __base__=ScenarioBase,
    __doc__="A validated scenario: run settings plus one section per parameter group.",
    **{n: _field(p) for n, p in RUN_PARAMS.items()},
    **{s: (m, Field(default_factory=m)) for s, m in SECTION_MODELS.items() if s != "game"},
    game=(SECTION_MODELS["game"] | None, Field(None, description="Lab public-goods design.")),
)


def dotted_message(message: str) -> str:
    """Rewrite flat parameter names in a model error (``degree=3``) as dotted (``population.degree=3``)."""
    names = "|".join(sorted(MODEL_PARAMS, key=len, reverse=True))
    pattern = rf"(?<![\w.'\"])({names})(?=\s*[=+])"
    return re.sub(pattern, lambda m: f"{MODEL_PARAMS[m[1]].section}.{m[1]}", message)


def _allowed(loc: tuple[str, ...]) -> str:
    if len(loc) == 2:
        return SECTION_PARAMS[loc[0]][loc[1]].allowed()
    if loc[0] in RUN_PARAMS:
        return RUN_PARAMS[loc[0]].allowed()
    if loc[0] in SECTIONS:
        return f"a mapping of {loc[0]} keys: {', '.join(SECTION_PARAMS[loc[0]])}"
    return "a string" + (" (its first line is the one-line description)" if loc[0] == "description" else "")


def _unknown(loc: tuple[str, ...]) -> str:
    key = loc[-1]
    options = SECTION_PARAMS[loc[0]] if len(loc) == 2 else TOP_KEYS
    where = f"keys in {loc[0]}" if len(loc) == 2 else "top-level keys"
    hint = did_you_mean(key, options)
    if not hint:
        homes = {n: f"{p.section}.{n}" for n, p in {**MODEL_PARAMS, **GAME_PARAMS}.items()}
        close = difflib.get_close_matches(key, homes, n=1, cutoff=0.75)
        hint = f" (did you mean {homes[close[0]]!r}?)" if close else ""
    return f"unknown key; valid {where}: {', '.join(options)}{hint}"


def _explain(error: dict[str, Any]) -> str:
    """One line for one pydantic error: dotted field, value given, what is allowed."""
    loc = tuple(str(x) for x in error["loc"])
    path, kind, value = ".".join(loc), error["type"], error.get("input")
    if kind == "extra_forbidden":
        return f"{path}: {_unknown(loc)}"
    if kind == "missing":
        return f"{path}: missing; required: {_allowed(loc)}"
    given = "no value" if value is None else f"value {value!r}"
    if isinstance(value, str | bool) and len(loc) == 2 and SECTION_PARAMS[loc[0]][loc[1]].choices is None:
        given += f" (a {'string' if isinstance(value, str) else 'boolean'})"
    hint = ""
    if len(loc) == 2 and (choices := SECTION_PARAMS[loc[0]][loc[1]].choices):
        hint = did_you_mean(str(value), choices)
        if isinstance(value, bool):
            hint += " (YAML reads yes/no/on/off as booleans; quote the word)"
    return f"{path}: {given} is not valid; allowed: {_allowed(loc)}{hint}"


def _validate(data: Any, prefix: str, origin: str) -> ScenarioBase:
    """Validate raw scenario data; errors start with `prefix` (``"FILE: "`` or ``"--set "``)."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{prefix}a scenario must be a mapping of top-level keys ({', '.join(TOP_KEYS)}); "
            f"got {type(data).__name__}"
        )
    data = {k: ({} if v is None and k in SECTIONS else v) for k, v in data.items()}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        lines = dict.fromkeys(prefix + _explain(e) for e in err.errors())
        raise ScenarioError("\n".join(lines)) from None
    scenario._origin = origin
    scenario.model_kwargs()  # cross-field checks now, not at run time
    return scenario


def scenario_names() -> list[str]:
    """Names of the scenarios in `scenarios/` (file names without ``.yaml``), sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def _locate(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.is_file():
        return path
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        raise ScenarioError(f"{path}: no such scenario file")
    named = SCENARIO_DIR / f"{path_or_name}.yaml"
    if not named.is_file():
        names = scenario_names()
        raise ScenarioError(
            f"{path_or_name}: no such scenario file or named scenario"
            f"{did_you_mean(str(path_or_name), names)}; available: {', '.join(names)}"
        )
    return named


def load_scenario(path_or_name: str | Path) -> ScenarioBase:
    """Load and validate a scenario file, or a named one from `scenarios/` (``"austerity"``).

    Raises:
        ScenarioError: Missing file, bad YAML (line, column), unknown key, bad value or a
            failed cross-field check; the message says which field and what is allowed.
    """
    path = _locate(path_or_name)
    short = path.is_absolute() and path.is_relative_to(Path.cwd())
    label = str(path.relative_to(Path.cwd()) if short else path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{label}: cannot read the file ({err})") from None
    data = parse_yaml(text, label)
    if isinstance(data, dict):
        data.setdefault("name", path.stem)
    return _validate({} if data is None else data, f"{label}: ", label)


def apply_overrides(scenario: ScenarioBase, assignments: Iterable[str]) -> ScenarioBase:
    """Return `scenario` with ``dotted.key=value`` overrides applied and validated.

    Values are read as YAML (``3``, ``0.5``, ``peer``) and validated exactly like file
    values; errors name ``--set dotted.key``.
    """
    data = scenario.model_dump(exclude_unset=True)
    done = []
    for item in assignments:
        key, sep, text = (s.strip() for s in item.partition("="))
        parts = key.split(".")
        if not sep or not all(parts) or len(parts) > 2:
            raise ScenarioError(
                f"--set {item}: expected KEY=VALUE with KEY a top-level key ({', '.join(TOP_KEYS)}) "
                "or section.key, e.g. --set service.channel=online"
            )
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as err:
            why = getattr(err, "problem", None) or "syntax error"
            raise ScenarioError(f"--set {key}: value {text!r} is not valid YAML ({why})") from None
        if len(parts) == 1:
            data[key] = value
        elif parts[0] in TOP_KEYS and parts[0] not in SECTIONS:
            raise ScenarioError(f"--set {key}: {parts[0]} has no keys; sections: {', '.join(SECTIONS)}")
        else:
            section = data.get(parts[0])
            data[parts[0]] = {**(section if isinstance(section, dict) else {}), parts[1]: value}
        done.append(key)
    if not done:
        return scenario
    return _validate(data, "--set ", f"{scenario._origin} with --set")


def list_scenarios() -> list[tuple[str, str]]:
    """(name, one-line description) of every scenario in `scenarios/`."""
    return [(name, load_scenario(name).one_line) for name in scenario_names()]
