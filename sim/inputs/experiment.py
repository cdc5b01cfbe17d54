"""Experiment files: which scenarios to run, what to vary, how often, and what to record.

An experiment file (``experiments/*.yaml``) is validated by pydantic models: one per
design (``grid``, ``lhs``, ``sobol``, ``morris``, ``crossed``), a union discriminated on ``design``,
with the numeric fields declared as `Param`s like every model parameter. The varied and
fixed parameters are scenario dotted paths checked against the scenario schema's own
declarations (`sim.inputs.schema.PATHS`), so an experiment accepts exactly what a scenario
file accepts. Beside ``vary``, a file may declare ``levers`` (what a policy designer
chooses) and ``uncertainties`` (the context sampled around them), in EMA Workbench's
vocabulary, ``constraints`` between parameters, and the ``optimize`` and ``discover``
sections of the policy tools (`sim.inputs.experiment_sections`). Every problem names the file and line, the dotted field, the value and what
is allowed. `load_experiment_file` returns an `ExperimentFile`: plain values, the base
scenarios loaded; `sim.sweep.experiment` resolves it into design points and seeds. The
format is documented in docs/sweeps.md and docs/policy.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
    create_model,
)

from sim.inputs.experiment_fields import check_fields
from sim.inputs.experiment_sections import CROSSED_FIELDS, Discover, Optimize, section_problem
from sim.inputs.locate import locate, read_text
from sim.inputs.yamlfile import Document, key_hint, parse_yaml
from sim.primitives.errors import InputError, Problem, did_you_mean
from sim.primitives.params import Param

EXPERIMENT_DIR = Path(__file__).resolve().parents[2] / "experiments"
DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris", "crossed")
SAMPLED: tuple[str, ...] = ("lhs", "sobol", "morris")
FIELDS: dict[str, Param] = {p.name: p for p in (
    Param("replications", 10, "Runs per design point, each with its own seed.", "experiment", 1, 1_000_000),
    Param("steps", 100, "Steps (months) per run (default: each scenario's own).", "experiment", 1, 100_000),
    Param("seed", 0, "Experiment seed; run seeds and sampled designs derive from it.", "experiment", 0, 2**63 - 1),
    Param("samples", 8, "lhs: points; sobol: base sample (a power of 2); morris: trajectories.", "experiment", 1, 1_000_000),
    Param("levels", 4, "morris: levels of the sampling grid (an even number).", "experiment", 2, 64),
    Param("every", 1, "Record the outcomes every k steps (and always at the last step).", "record", 1, 1_000_000),
)}
#: Keys only some designs use.
ONLY = {"samples": SAMPLED, "levels": ("morris",), "second_order": ("sobol",),
        "policies": ("crossed",), "contexts": ("crossed",)}


def _number(name: str, default: Any = ...) -> tuple[Any, Any]:
    """A numeric field declared by `FIELDS[name]` (required when `default` is ``...``)."""
    return FIELDS[name].annotation, Field(default, description=FIELDS[name].doc)


Outcomes = Literal["all"] | list[StrictStr]
_CONFIG = ConfigDict(extra="forbid", frozen=True)
Record = create_model(
    "Record", __config__=_CONFIG, __doc__="The record section: which outcomes, every how many steps.",
    outcomes=(Outcomes, "all"), every=_number("every", 1))
_COMMON: dict[str, Any] = {
    "name": (StrictStr | None, None),
    "description": (StrictStr, Field(description="What the experiment is (first line: one line).")),
    "base": (StrictStr | None, None),
    "vary": (dict[StrictStr, Any], Field(default_factory=dict)),
    "levers": (dict[StrictStr, Any], Field(default_factory=dict)),
    "uncertainties": (dict[StrictStr, Any], Field(default_factory=dict)),
    "constraints": (list[StrictStr], Field(default_factory=list)),
    "fixed": (dict[StrictStr, Any], Field(default_factory=dict)),
    "replications": _number("replications", 10),
    "steps": (FIELDS["steps"].annotation | None, None),
    "seed": _number("seed", 0),
    "common_random_numbers": (StrictBool, True),
    "record": (Record, Field(default_factory=Record)),
    "optimize": (Optimize | None, None),
    "discover": (Discover | None, None),
}
#: Design -> its own fields (beside the common ones).
_DESIGN_FIELDS: dict[str, dict[str, Any]] = {
    "grid": {"design": (Literal["grid"], "grid")},
    "lhs": {"design": (Literal["lhs"], ...), "samples": _number("samples")},
    "sobol": {"design": (Literal["sobol"], ...), "samples": _number("samples"),
              "second_order": (StrictBool, False)},
    "morris": {"design": (Literal["morris"], ...), "samples": _number("samples"),
               "levels": _number("levels", 4)},
    "crossed": {"design": (Literal["crossed"], ...), **CROSSED_FIELDS},
}
FILE_MODELS = {d: create_model(f"{d.capitalize()}Experiment", __config__=_CONFIG,
                               __doc__=f"An experiment file with a {d} design.", **_COMMON, **fields)
               for d, fields in _DESIGN_FIELDS.items()}
_UNION: Any = Union[tuple(FILE_MODELS.values())]  # noqa: UP007 (built from a tuple)
_ADAPTER: TypeAdapter[Any] = TypeAdapter(Annotated[_UNION, Field(discriminator="design")])
TOP_KEYS: tuple[str, ...] = ("name", "description", "base", "design", "vary", "fixed", "levers",
                             "uncertainties", "constraints", "replications", "steps", "seed",
                             "common_random_numbers", "samples", "levels", "second_order",
                             "policies", "contexts", "record", "optimize", "discover")


def _problem(e: Any, design: str, doc: Document) -> Problem:
    loc = tuple(e["loc"][1:] if e["loc"] and e["loc"][0] == design else e["loc"])
    top_level_extra = e["type"] == "extra_forbidden" and len(loc) == 1
    section = None if top_level_extra else section_problem(e, loc, doc.origin(loc))
    return section or _file_problem(e, loc, design, doc)


def _file_problem(e: Any, loc: tuple, design: str, doc: Document) -> Problem:  # noqa: PLR0911 (one return per kind of error)
    path = ".".join(str(x) for x in loc)
    origin = doc.origin(loc)
    key = str(loc[0]) if loc else ""
    if e["type"] == "extra_forbidden" and key in ONLY and len(loc) == 1:
        return Problem(key, f"only used by {' and '.join(ONLY[key])} designs (design is {design})", origin=origin)
    if loc and loc[-1] == "[key]" and key in ("vary", "fixed"):  # `fixed: {1: x}`
        return Problem(f"{key}.{loc[1]}", "unknown parameter", allowed="a dotted scenario path section.key",
                       hint=key_hint(loc[1]), origin=origin)
    if e["type"] in ("extra_forbidden", "invalid_key"):
        keys = TOP_KEYS if len(loc) == 1 else ("outcomes", "every")
        where = "a top-level key" if len(loc) == 1 else "a key of record"
        hint = key_hint(loc[-1]) if e["type"] == "invalid_key" else did_you_mean(loc[-1], keys)
        return Problem(path, "unknown", allowed=f"{where}: {', '.join(keys)}", hint=hint, origin=origin)
    if e["type"] == "missing":
        required = FIELDS[key].doc if key in FIELDS else "a string"
        extra = f" for a {design} design" if key == "samples" else ""
        return Problem(path, "missing", allowed=required + extra, origin=origin)
    if e["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return Problem("design", "invalid", e.get("input", {}).get("design") if isinstance(e.get("input"), dict) else None,
                       "one of: " + ", ".join(DESIGNS), origin=doc.origin(("design",)))
    if (key in FIELDS and len(loc) == 1) or loc[:2] == ("record", "every"):
        return Problem(path, "invalid", e.get("input"), FIELDS[str(loc[-1])].allowed(), origin=origin)
    allowed = {"common_random_numbers": "true or false", "second_order": "true or false",
               "vary": "a mapping of dotted parameter paths", "fixed": "a mapping of dotted parameter paths",
               "levers": "a mapping of dotted parameter paths",
               "uncertainties": "a mapping of dotted parameter paths",
               "constraints": "a list of 'a.x + b.y <= number'",
               "record": "a mapping with outcomes and every"}.get(key, "a string")
    if loc[:2] == ("record", "outcomes"):
        allowed = "all, or a list of outcome names"
    return Problem(path, "invalid", e.get("input"), allowed, origin=origin)


def load_experiment_file(path_or_name: str | Path) -> Any:
    """Load and validate an experiment file (or a name from ``experiments/``).

    Returns:
        An `sim.inputs.experiment_fields.ExperimentFile` (plain values, scenarios loaded).

    Raises:
        InputError: Bad YAML, unknown key, bad value, bad range, unknown scenario; each
            problem names the file and line and the dotted field.
    """
    path, label = locate(path_or_name, EXPERIMENT_DIR, "experiment")
    doc = parse_yaml(read_text(path, label), label)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(Problem("", "an experiment must be a mapping of keys", allowed=", ".join(TOP_KEYS),
                                 origin=doc.origin(())))
    data = {**data, "design": data.get("design", "grid")}
    try:
        model = _ADAPTER.validate_python(data)
    except ValidationError as err:
        design = data["design"] if data["design"] in DESIGNS else ""
        raise InputError(_problem(e, design, doc) for e in err.errors()) from None
    return check_fields(model, doc, path)
