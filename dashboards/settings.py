"""What the dashboard's controls edit: a named scenario plus validated overrides.

The controls are generated from `sim.model.parameters.MODEL_PARAMS` (one control per declared
`Param`, grouped by its ``section`` exactly like the scenario schema), and every edit is
validated by `sim.inputs.scenario.apply_overrides`, so the dashboard has no parameter list of its
own and accepts exactly what a scenario file or ``coprod run --set`` accepts. This module
is plain Python (no Solara), so it is unit-tested without a browser.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from sim.inputs.scenario import ScenarioBase, apply_overrides, list_scenarios, load_scenario
from sim.inputs.yamlfile import parse_scalar
from sim.model.parameters import MODEL_PARAMS, SECTIONS
from sim.primitives.errors import InputError, Origin, Problem
from sim.primitives.params import Param

#: Sections in the order the dashboard shows them: the governance levers first, then context.
SECTION_ORDER: tuple[str, ...] = ("governance", *(s for s in SECTIONS if s != "governance"))
#: Most months a dashboard run may plan.
MAX_STEPS = 100_000
SECTION_TITLES: dict[str, str] = {
    "governance": "Governance levers",
    "population": "Context: population",
    "service": "Context: service",
    "administration": "Context: administration",
    "firms": "Context: firms",
    "game": "Context: public-goods game",
}


@dataclass(frozen=True)
class Control:
    """One generated control: a declared model parameter and how to edit it.

    Attributes:
        param: The declared parameter (name, section, default, range or choices, doc).
        widget: ``"select"`` for a categorical parameter, else ``"int"`` or ``"float"``.
    """

    param: Param
    widget: str

    @property
    def name(self) -> str:
        """Flat parameter name (the model's keyword)."""
        return self.param.name

    @property
    def key(self) -> str:
        """Dotted scenario key, ``section.name`` (as in a scenario file or ``--set``)."""
        return f"{self.param.section}.{self.param.name}"

    @property
    def label(self) -> str:
        """Human label: the name with spaces."""
        return self.param.name.replace("_", " ")

    @property
    def range_hint(self) -> str:
        """Short allowed range for a number's label, e.g. ``[0, 1]`` or ``integer [2, 100]``."""
        if self.widget == "select":
            return ""
        text = self.param.allowed()
        for prefix, short in (("an integer in ", "integer "), ("a number in ", "")):
            if text.startswith(prefix):
                return short + text[len(prefix):]
        return text

    @property
    def hint(self) -> str:
        """Tooltip / help text: what it is and what is allowed."""
        return f"{self.param.doc} Allowed: {self.param.allowed()}."


def _widget(p: Param) -> str:
    if p.choices is not None:
        return "select"
    return "int" if p.kind is int else "float"


def controls(sections: tuple[str, ...] = SECTION_ORDER) -> dict[str, list[Control]]:
    """Controls for every declared model parameter, by section (generated, never listed)."""
    out: dict[str, list[Control]] = {s: [] for s in sections}
    for p in MODEL_PARAMS.values():
        if p.section in out:
            out[p.section].append(Control(p, _widget(p)))
    return {s: c for s, c in out.items() if c}


CONTROLS: dict[str, Control] = {c.name: c for cs in controls().values() for c in cs}


def scenarios() -> list[tuple[str, str]]:
    """(name, one-line description) of every named scenario in ``scenarios/``."""
    return list_scenarios()


def format_value(value: Any) -> str:
    """A parameter value as a control shows it (``0.5``, ``1e-05``, ``peer``, ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def parse_input(control: Control, value: Any) -> Any:
    """The value an input's text stands for (read like a ``--set`` value); values pass through."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if control.widget == "select":
        return text
    return parse_scalar(text, control.key)


def field_message(error: InputError, key: str) -> str:
    """What a control shows for `error`: its own problems first, without origin or field."""
    own = [p.describe() for p in error.problems if p.field == key]
    other = [f"{p.field}: {p.describe()}" if p.field else p.describe()
             for p in error.problems if p.field != key]
    return "\n".join(own + other)


@dataclass(frozen=True)
class Settings:
    """A named scenario with validated overrides, and the seed to run it with.

    Attributes:
        scenario: Name of a scenario in ``scenarios/`` (or a path to a scenario file).
        overrides: Parameter name -> validated value, on top of the scenario's values.
        seed: Seed of the model's random generator (``None``: the scenario's).
        steps: Planned months of the run (``None``: the scenario's); playing pauses there once.
    """

    scenario: str
    overrides: tuple[tuple[str, Any], ...] = ()
    seed: int | None = None
    steps: int | None = None

    def loaded(self) -> ScenarioBase:
        """The scenario with the overrides applied (validated; raises `InputError`)."""
        return _loaded(self.scenario, self.overrides)

    def model_kwargs(self) -> dict[str, Any]:
        """Every model keyword argument, resolved, plus ``rng`` (the seed)."""
        scenario = self.loaded()
        return {"rng": self.run_seed(scenario), **scenario.model_kwargs()}

    def run_seed(self, scenario: ScenarioBase | None = None) -> int:
        """The seed: the one set here, else the scenario's."""
        if self.seed is not None:
            return self.seed
        return (scenario or load_scenario(self.scenario)).seed

    def locked(self) -> dict[str, str]:
        """Parameters that cannot be edited here, with the reason (shown instead of a field).

        The ``game`` section turns a scenario into a lab public-goods design (separate
        groups, lab sanctions, every token reaches the pot), so in a field scenario its
        parameters are shown but not editable: editing one would silently change the design.
        """
        if self.loaded().is_game:
            return {}
        why = "only for lab public-goods designs (pick a lab scenario to change it)"
        return {name: why for name, p in MODEL_PARAMS.items() if p.section == "game"}

    def values(self) -> dict[str, Any]:
        """Effective value of every model parameter (what the controls show)."""
        return self.loaded().model_kwargs()

    def with_value(self, name: str, value: Any) -> Settings:
        """These settings with parameter `name` set to `value` (text from an input, or a value).

        Raises:
            InputError: The value, or the combination it makes, is not valid; its problems
                (see `field_message`) name the field and what is allowed.
        """
        if name not in CONTROLS:
            raise InputError(Problem(name, "not a model parameter", origin=Origin("dashboard")))
        control = CONTROLS[name]
        overrides = {k: v for k, v in self.overrides if k != name}
        overrides[name] = parse_input(control, value)
        scenario = _loaded(self.scenario, tuple(overrides.items()), control.label)
        overrides[name] = getattr(getattr(scenario, control.param.section), name)  # validated
        return replace(self, overrides=tuple(overrides.items()))

    def with_overrides(self, overrides: dict[str, Any]) -> Settings:
        """These settings with several parameters set (validated one by one, then together)."""
        settings = self
        for name, value in overrides.items():
            settings = settings.with_value(name, value)
        return settings

    def with_seed(self, seed: Any) -> Settings:
        """These settings with another seed (an integer >= 0, or its text)."""
        try:
            number = int(str(seed).strip())
        except ValueError:
            number = -1
        if number < 0 or str(seed).strip() not in (str(number), f"+{number}"):
            raise InputError(Problem("seed", "invalid", seed, "an integer >= 0", origin=Origin("dashboard", "seed")))
        return replace(self, seed=number)

    def horizon(self) -> int:
        """Planned months: the ones set here, else the scenario's."""
        return self.steps if self.steps is not None else self.loaded().run_steps

    def with_steps(self, steps: Any) -> Settings:
        """These settings with another planned number of months (an integer in [1, 100000])."""
        text = str(steps).strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_STEPS:
            raise InputError(Problem("steps", "invalid", steps, f"an integer in [1, {MAX_STEPS}]",
                                     origin=Origin("dashboard", "planned months")))
        return replace(self, steps=int(text))


def try_value(settings: Settings, name: str, text: Any) -> tuple[Settings, str | None]:
    """`Settings.with_value`, returning ``(settings, None)`` or ``(unchanged, message)``."""
    try:
        return settings.with_value(name, text), None
    except InputError as err:
        return settings, field_message(err, CONTROLS[name].key if name in CONTROLS else name)


@functools.lru_cache(maxsize=64)
def _loaded(scenario: str, overrides: tuple[tuple[str, Any], ...], control: str = "") -> ScenarioBase:
    """A named scenario with flat-name overrides applied (cached: settings are immutable)."""
    values = {CONTROLS[k].key: v for k, v in overrides}
    return apply_overrides(load_scenario(scenario), values, Origin("dashboard", control))


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Names whose values differ between two resolved parameter dicts."""
    return [k for k in a if k in b and a[k] != b[k]]
