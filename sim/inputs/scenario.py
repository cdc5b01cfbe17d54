"""Scenario files: a situation described in readable YAML, validated by a typed schema.

The schema (`sim.inputs.schema`) is generated from the declared parameters. A ``game``
section makes a lab public-goods design: ``mpcr``, ``group_size`` and the scenario-only
``endowment`` (tokens; outputs convert shares to tokens), ``rounds`` and ``punishment``
(none / peer). It maps to ``network=groups``, ``sanctions=peer`` with
``punishment_ratio=1/3`` for peer punishment (Fehr & Gächter 2000's 1:3) else ``none``,
``response=direct`` (no administration in between; trust and efficacy do not learn) with
``responsiveness=1`` and ``response_delay=0`` (every token reaches the pot),
``neighbour_weight=1``, ``detection_error=0`` and ``monitoring_hours=0`` (subjects see
their group's contributions exactly, at no cost), ``legitimacy=1`` (the punishment stage
is a rule every subject accepted on joining; crowding-out concerns sanctions imposed by a
principal, Fehr & Rockenbach 2003), ``record_decay=0`` (rounds of one session, not months),
``initial_belief=0.75`` (first-round lab beliefs), ``loafing=0`` (each contribution is
one's own and its return is set by the MPCR: group size acts through the MPCR alone,
Isaac & Walker 1988), ``turnover=0`` (nobody leaves a session), ``task_group_size`` the game's group size, and ``rounds`` steps unless ``steps`` is given. An explicit ``population.network`` or ``governance.sanctions``
contradicting it is an error; explicit values of the other settings win. See
docs/scenarios.md.

Overrides are values, not text: `apply_overrides` takes a mapping of dotted names to
values (the CLI parses ``--set k=v``; the dashboard and experiments pass values).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictStr,
    ValidationError,
    create_model,
)

from sim.inputs.bounds import memory_problem
from sim.inputs.events import check_events, event_path, set_in_events
from sim.inputs.locate import locate, read_text
from sim.inputs.schema import (
    DOTTED,
    EVENTS_DOC,
    RUN_PARAMS,
    SECTION_MODELS,
    SECTIONS,
    TEXT_FIELDS,
    TOP_KEYS,
    problems_of,
)
from sim.inputs.yamlfile import parse_yaml
from sim.model.parameters import MODEL_PARAMS, resolve_model_params
from sim.primitives.errors import InputError, Origin, Problem

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
LAB_PUNISHMENT_RATIO = 1 / 3  # Fehr & Gächter 2000: one token of cost removes three
#: Lab settings an explicit value overrides: every token reaches the pot, no administration.
LAB_DEFAULTS = {"response": "direct", "responsiveness": 1.0, "response_delay": 0,
                # subjects see only their own group's contributions, exactly
                "neighbour_weight": 1.0, "detection_error": 0.0,
                # the screen shows everyone's contribution: monitoring takes no time
                "monitoring_hours": 0.0,
                # the punishment stage is a rule every subject accepted on joining
                "legitimacy": 1.0,
                # rounds of one session, not months: nothing is forgotten in between
                "record_decay": 0.0,
                # first-round beliefs in the lab (Fischbacher & Gächter 2010)
                "initial_belief": 0.75,
                # each contribution is one's own, paid for and returned by the MPCR: group size
                # acts through the MPCR alone (no pure numbers effect, Isaac & Walker 1988)
                "loafing": 0.0,
                # nobody leaves a session
                "turnover": 0.0}
OriginOf = Callable[[tuple], Origin | None]


class ScenarioBase(BaseModel):
    """Fields and behaviour shared by every scenario; `Scenario` adds the generated sections."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: StrictStr | None = Field(None, description=TEXT_FIELDS["name"])
    description: StrictStr = Field(description=TEXT_FIELDS["description"])
    source: StrictStr | None = Field(None, description=TEXT_FIELDS["source"])
    events: Any = Field(None, description=EVENTS_DOC)  # checked in `_resolve` (sim.inputs.events)
    _origin: str = PrivateAttr("scenario")
    if TYPE_CHECKING:  # fields `Scenario` generates from the declarations
        steps: int
        seed: int
        game: Any
    _kwargs: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def one_line(self) -> str:
        """First line of the description."""
        return (self.description.strip().splitlines() or [""])[0].strip()

    @property
    def label(self) -> str:
        """Where the scenario came from (its file, and ``with --set`` when overridden)."""
        return self._origin

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

        Computed once, when the scenario is validated (or on first use for a scenario built
        directly); this returns a copy.

        Raises:
            InputError: A cross-field constraint fails (only for a scenario built directly).
        """
        if not self._kwargs:
            self._resolve(lambda loc: None)
        return dict(self._kwargs)

    def _resolve(self, origin_of: OriginOf) -> None:
        """Resolve the model's keyword arguments once (cross-field checks included)."""
        flat = {}
        for name, p in MODEL_PARAMS.items():
            section = getattr(self, p.section)
            flat[name] = p.default if section is None else getattr(section, name)
        if self.is_game:
            self._lab_kwargs(flat, origin_of)
        try:
            kwargs = resolve_model_params(flat)
        except InputError as err:
            renamed = err.renamed(DOTTED)
            raise renamed.map(lambda p: _at(p, origin_of(tuple(p.field.split("."))))) from None
        too_big = memory_problem(kwargs["citizens"], kwargs["degree"], origin=origin_of(("population", "citizens")))
        if too_big is not None:
            raise InputError(too_big)
        if events := check_events(self.events, kwargs, self.run_steps, origin_of):
            kwargs["events"] = events
        self._kwargs = kwargs

    def with_events(self, events: list[dict[str, Any]], origin: Origin | None = None) -> ScenarioBase:
        """This scenario with its ``events`` replaced (dotted paths, as in a file), validated.

        Args:
            events: ``[{"month": 24, "set": {"governance.fine": 0.0}, "label": "..."}, ...]``.
            origin: Where they come from (named in any error; default: this method).
        """
        return apply_overrides(self, {"events": list(events)}, origin or Origin("option", "Scenario.with_events"))

    def _lab_kwargs(self, flat: dict[str, Any], origin_of: OriginOf) -> None:
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
                raise InputError(Problem(
                    f"{section}.{name}", f"value {flat[name]!r} conflicts with the game section ({why})",
                    allowed=f"{value!r}, or leave {section}.{name} out", origin=origin_of((section, name))))
            flat[name] = value
        lab: dict[str, Any] = {**LAB_DEFAULTS, "task_group_size": game.group_size}
        if game.punishment == "peer":
            lab["punishment_ratio"] = LAB_PUNISHMENT_RATIO
        for key, setting in lab.items():
            if key not in getattr(self, MODEL_PARAMS[key].section).model_fields_set:
                flat[key] = setting


def _at(problem: Problem, origin: Origin | None) -> Problem:
    if problem.origin is not None or origin is None:
        return problem
    return Problem(problem.field, problem.issue, problem.value, problem.allowed, problem.hint, origin)


Scenario: type[ScenarioBase] = create_model(  # type: ignore[call-overload]
    "Scenario",
    __base__=ScenarioBase,
    __doc__="A validated scenario: run settings plus one section per parameter group.",
    **{n: p.field() for n, p in RUN_PARAMS.items()},
    **{s: (m, Field(default_factory=m)) for s, m in SECTION_MODELS.items() if s != "game"},
    game=(SECTION_MODELS["game"] | None, Field(None, description="Lab public-goods design.")),
)


def validate_scenario(data: Any, label: str, origin_of: OriginOf) -> ScenarioBase:
    """Validate raw scenario data; problems carry the origin `origin_of` gives their location."""
    if not isinstance(data, dict):
        raise InputError(Problem("", f"a scenario must be a mapping of top-level keys; got {type(data).__name__}",
                                 allowed=", ".join(TOP_KEYS), origin=origin_of(())))
    data = {k: ({} if v is None and k in SECTIONS else v) for k, v in data.items()}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(problems_of(err, origin_of)) from None
    scenario._origin = str(label)
    scenario._resolve(origin_of)
    return scenario


def scenario_names() -> list[str]:
    """Names of the scenarios in `scenarios/` (file names without ``.yaml``), sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def load_scenario(path_or_name: str | Path) -> ScenarioBase:
    """Load and validate a scenario file, or a named one from `scenarios/` (``"austerity"``).

    Raises:
        InputError: Missing file, bad YAML, unknown key, bad value or a failed cross-field
            check; each problem names the file and line, the field and what is allowed.
    """
    path, label = locate(path_or_name, SCENARIO_DIR, "scenario")
    doc = parse_yaml(read_text(path, label), label)
    data = doc.data
    if isinstance(data, dict):
        data.setdefault("name", path.stem)
    return validate_scenario({} if data is None else data, label, doc.origin)


def apply_overrides(scenario: ScenarioBase, values: Mapping[str, Any], origin: Origin) -> ScenarioBase:
    """Return `scenario` with dotted-name overrides applied and validated like file values.

    Args:
        scenario: A validated scenario.
        values: Dotted name -> value (``{"governance.sanctions": "peer"}``); a top-level
            key (``steps``) has no dot.
        origin: Where the overrides come from (``--set``, a dashboard control, an
            experiment file); every problem names it.
    """
    if not values:
        return scenario
    data = scenario.model_dump(exclude_unset=True)
    for key, value in values.items():
        if event_path(key) is not None:  # events.0.set.governance.fine, events.1.month
            data["events"] = set_in_events(data.get("events"), key, value, origin)
            continue
        parts = key.split(".")
        if not all(parts) or len(parts) > 2 or (len(parts) == 2 and parts[0] not in SECTIONS):
            raise InputError(Problem(key, "not a scenario key", allowed="a top-level key "
                                     f"({', '.join(TOP_KEYS)}), section.key (e.g. service.channel) or "
                                     "a path inside an event (events.0.set.governance.fine)", origin=origin))
        if len(parts) == 1:
            data[key] = value
        else:
            section = data.get(parts[0])
            data[parts[0]] = {**(section if isinstance(section, dict) else {}), parts[1]: value}
    return validate_scenario(data, f"{scenario.label} with overrides", lambda loc: origin)


def list_scenarios() -> list[tuple[str, str]]:
    """(name, one-line description) of every scenario in `scenarios/`."""
    return [(name, load_scenario(name).one_line) for name in scenario_names()]
