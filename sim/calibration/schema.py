"""The targets file's schema (pydantic, ``extra="forbid"``) and its error messages.

A targets file says what to fit and to what (docs/calibration.md)::

    description: What is fitted, to which data.
    base: co_delivery              # scenario name or file (beside this file first)
    fixed: {population.citizens: 1500}
    parameters:                    # dotted path -> prior (empty: uniform over its range)
      population.trust_weight:
      population.report_propensity: {prior: log-uniform, low: 0.05, high: 1}
    observed: {file: observed.csv, window: 12}
    patterns: [repeat_reporting]   # built-in calibration patterns (sim.calibration.patterns)
    population_size: 100
    generations: 8

The numeric settings are declared as `Param`s (`FIELDS`), like experiment files, so their
defaults, ranges and messages live in one place. Every problem names the file and line,
the dotted field, the value and what is allowed; unknown keys list the valid ones.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr

from sim.calibration.patterns import PATTERNS
from sim.calibration.priors import KINDS
from sim.inputs.yamlfile import Document
from sim.primitives.errors import Problem, did_you_mean
from sim.primitives.params import Param, number_only

FIELDS: dict[str, Param] = {p.name: p for p in (
    Param("steps", 240, "Months per model run (default: burn_in + the observed months, or the base scenario's steps).", "calibration", 1, 100_000, unit="months"),
    Param("burn_in", 0, "Months simulated before observed month 1, not compared (0: the data start when the model starts).", "calibration", 0, 100_000, unit="months"),
    Param("seed", 0, "Seed of the fit: proposals, model runs and predictive draws all derive from it.", "calibration", 0, 2**63 - 1),
    Param("population_size", 100, "Particles accepted per generation.", "calibration", 10, 1_000_000),
    Param("generations", 8, "Largest number of ABC-SMC generations.", "calibration", 1, 1000),
    Param("min_epsilon", 0.0, "Stop once a generation's acceptance threshold is at or below this distance.", "calibration", 0, 1e9),
    Param("max_runs", 20_000, "Largest number of model runs of the fit, the prior sample for the scales included.", "calibration", 1, 10**9),
    Param("replications", 1, "Model runs per particle, their statistics averaged (1 for one city's data; see docs).", "calibration", 1, 1000),
    Param("predictive_draws", 100, "Posterior draws run for the posterior predictive check.", "calibration", 10, 1_000_000),
    Param("window", 12, "Months per window of the observed series' statistics (window means).", "observed", 1, 100_000, unit="months"),
)}
Number = Annotated[float, BeforeValidator(number_only), Field(allow_inf_nan=False)]
_CONFIG = ConfigDict(extra="forbid", frozen=True)


def _field(name: str, default: Any = ...) -> Any:
    p = FIELDS[name]
    return Field(p.default if default is ... else default, description=p.doc)


class PriorEntry(BaseModel):
    """One fitted parameter's prior, as written (checked against its range later)."""

    model_config = _CONFIG
    prior: Literal[KINDS] = "uniform"  # type: ignore[valid-type]
    low: Number | None = None
    high: Number | None = None
    mean: Number | None = None
    sd: Number | None = None


class ObservedEntry(BaseModel):
    """The observed-data section: a CSV of monthly series, its window and weights."""

    model_config = _CONFIG
    file: StrictStr
    window: FIELDS["window"].annotation = _field("window")  # type: ignore[valid-type]
    weights: dict[StrictStr, Number] = Field(default_factory=dict)


class TargetsFile(BaseModel):
    """A targets file, as written."""

    model_config = _CONFIG
    name: StrictStr | None = None
    description: StrictStr
    base: StrictStr
    fixed: dict[StrictStr, Any] = Field(default_factory=dict)
    parameters: dict[StrictStr, PriorEntry | None]
    observed: ObservedEntry | None = None
    patterns: list[Literal[tuple(PATTERNS)]] = Field(default_factory=list)  # type: ignore[valid-type]
    truth: dict[StrictStr, Number] = Field(default_factory=dict)
    steps: FIELDS["steps"].annotation | None = None  # type: ignore[valid-type]
    burn_in: FIELDS["burn_in"].annotation = _field("burn_in")  # type: ignore[valid-type]
    seed: FIELDS["seed"].annotation = _field("seed")  # type: ignore[valid-type]
    population_size: FIELDS["population_size"].annotation = _field("population_size")  # type: ignore[valid-type]
    generations: FIELDS["generations"].annotation = _field("generations")  # type: ignore[valid-type]
    min_epsilon: FIELDS["min_epsilon"].annotation = _field("min_epsilon")  # type: ignore[valid-type]
    max_runs: FIELDS["max_runs"].annotation = _field("max_runs")  # type: ignore[valid-type]
    replications: FIELDS["replications"].annotation = _field("replications")  # type: ignore[valid-type]
    predictive_draws: FIELDS["predictive_draws"].annotation = _field("predictive_draws")  # type: ignore[valid-type]


TOP_KEYS: tuple[str, ...] = tuple(TargetsFile.model_fields)
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "observed": tuple(ObservedEntry.model_fields), "parameters": tuple(PriorEntry.model_fields)}
ALLOWED: dict[str, str] = {
    "name": "a string", "description": "a string (its first line is the one-line description)",
    "base": "a scenario name or file", "fixed": "a mapping of dotted scenario paths to values",
    "parameters": "a mapping of dotted scenario paths to priors (or nothing for the default prior)",
    "observed": "a mapping with file, window, weights", "observed.file": "a CSV file path",
    "observed.weights": "a mapping of observed columns to weights >= 0",
    "patterns": "a list of: " + ", ".join(PATTERNS),
    "truth": "a mapping of fitted parameters to their known values (synthetic data)",
    "prior": "one of: " + ", ".join(KINDS), "low": "a number", "high": "a number",
    "mean": "a number", "sd": "a number > 0",
}


def _path(loc: tuple) -> str:
    """``parameters.population.trust_weight.low``: dotted keys stay as written."""
    return ".".join(str(x) for x in loc)


def problem_of(e: Any, doc: Document) -> Problem:
    """One pydantic error of a targets file as a `Problem` with its line."""
    loc = tuple(e["loc"])
    if len(loc) >= 3 and loc[0] == "parameters" and loc[2] in ("PriorEntry", "none"):
        loc = (*loc[:2], *loc[3:])  # pydantic's union branch names are not keys of the file
    origin, key = doc.origin(loc), str(loc[-1]) if loc else ""
    if e["type"] == "extra_forbidden":
        section = "parameters" if loc[0] == "parameters" else str(loc[0]) if len(loc) > 1 else ""
        keys = SECTION_KEYS.get(section, TOP_KEYS) if len(loc) > 1 else TOP_KEYS
        where = f"a key of {'a prior' if section == 'parameters' else section}" if len(loc) > 1 else "a top-level key"
        return Problem(_path(loc), "unknown", allowed=f"{where}: {', '.join(keys)}",
                       hint=did_you_mean(key, keys), origin=origin)
    if e["type"] == "missing":
        allowed = FIELDS[key].doc if key in FIELDS else ALLOWED.get(key, "a value")
        return Problem(_path(loc), "missing", allowed=allowed, origin=origin)
    if key in FIELDS:
        return Problem(_path(loc), "invalid", e.get("input"), FIELDS[key].allowed(), origin=origin)
    field = loc[-1] if (loc and loc[0] != "parameters") or len(loc) > 2 else loc[0]
    dotted = ".".join(str(x) for x in loc[:2]) if loc[:1] == ("observed",) else str(field)
    allowed = ALLOWED.get(dotted, ALLOWED.get(str(loc[0]), "a value"))
    if loc[:1] in (("fixed",), ("truth",), ("observed",)) and len(loc) > 1 and dotted not in ALLOWED:
        allowed = "a number" if loc[0] != "fixed" else ALLOWED["fixed"]
    if loc[:1] == ("parameters",) and len(loc) == 2:
        allowed = "a mapping with prior, low, high, mean, sd (or nothing for the default prior)"
    return Problem(_path(loc), "invalid", e.get("input"), allowed, origin=origin)
