"""The policy sections of an experiment file: ``optimize``, ``discover`` and a crossed design.

``optimize`` names the objectives and outcome constraints of `coprod optimize`, its
budget and its robustness measure; ``discover`` names the policy, outcome and threshold of
`coprod discover`; a ``crossed`` design names its ``policies`` and ``contexts``. Numeric
fields are declared as `Param`s, so their messages say what is allowed like every other
field's. The format is documented in docs/policy.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictFloat, StrictInt, StrictStr, create_model

from sim.primitives.errors import Problem, did_you_mean
from sim.primitives.params import Param

#: Numeric fields of the sections, declared once (default, range, doc).
SECTION_FIELDS: dict[str, Param] = {p.name: p for p in (
    Param("trials", 50, "optimize: candidate policies tried.", "optimize", 1, 100_000),
    Param("batch", 8, "optimize: trials asked together and run as one batch.", "optimize", 1, 1000),
    Param("contexts", 0, "optimize: contexts each candidate is run in (0: the base only); "
          "discover: contexts sampled.", "policy", 0, 1_000_000),
    Param("quantile", 0.1, "optimize: the quantile of `robustness: quantile`.", "optimize", 0, 1),
    Param("reevaluate", 10, "optimize: replications on fresh seeds for the Pareto front (0: none).",
          "optimize", 0, 100_000),
    Param("population", 20, "optimize: NSGA-II population size.", "optimize", 2, 10_000),
    Param("window", 24, "Steps averaged for the steady state (default: the final 24, as sweep reports).",
          "policy", 1, 100_000),
    Param("peel_alpha", 0.05, "discover: share of points peeled per PRIM step.", "discover", 0.01, 0.5),
    Param("mass_min", 0.05, "discover: smallest share of contexts a box may hold.", "discover", 0.001, 0.9),
    Param("boxes", 2, "discover: boxes found at most, one after another.", "discover", 1, 10),
)}
MEASURES = ("steady", "final")
OPTIMIZE_KEYS = ("objectives", "subject_to", "trials", "batch", "measure", "window", "contexts",
                 "robustness", "quantile", "reevaluate", "sampler", "population")
DISCOVER_KEYS = ("policy", "outcome", "below", "above", "contexts", "measure", "window",
                 "peel_alpha", "mass_min", "boxes")
ALLOWED = {
    "objectives": "a mapping of outcome to maximize or minimize",
    "subject_to": "a list of 'outcome >= number' or 'outcome <= number'",
    "measure": "one of: steady, final", "robustness": "one of: mean, quantile, regret",
    "sampler": "one of: auto, tpe, nsga2", "policy": "a mapping of dotted parameter paths to values",
    "outcome": "an outcome name", "below": "a number", "above": "a number",
    "policies": "a number of policies sampled from the levers, or a mapping of policy names to "
                "mappings of dotted parameter paths to values",
}
_CONFIG = ConfigDict(extra="forbid", frozen=True)


def _number(name: str, optional: bool = False) -> tuple[Any, Any]:
    p = SECTION_FIELDS[name]
    if optional:
        return p.annotation | None, Field(None, description=p.doc)
    return p.annotation, Field(p.default, description=p.doc)


Optimize = create_model(  # type: ignore[call-overload]
    "Optimize", __config__=_CONFIG, __doc__="The optimize section.",
    objectives=(dict[StrictStr, Literal["maximize", "minimize"]], ...),
    subject_to=(list[StrictStr], Field(default_factory=list)),
    measure=(Literal[MEASURES], "steady"), robustness=(Literal["mean", "quantile", "regret"], "mean"),
    sampler=(Literal["auto", "tpe", "nsga2"], "auto"),
    **{n: _number(n, optional=n == "window")
       for n in ("trials", "batch", "window", "contexts", "quantile", "reevaluate", "population")})
Discover = create_model(  # type: ignore[call-overload]
    "Discover", __config__=_CONFIG, __doc__="The discover section.",
    policy=(dict[StrictStr, Any], Field(default_factory=dict)), outcome=(StrictStr, ...),
    below=(StrictFloat | StrictInt | None, None), above=(StrictFloat | StrictInt | None, None),
    measure=(Literal[MEASURES], "steady"), contexts=(SECTION_FIELDS["contexts"].annotation, 200),
    **{n: _number(n, optional=n == "window") for n in ("window", "peel_alpha", "mass_min", "boxes")})
#: Crossed design: policies (a count sampled from the levers, or named) x contexts.
CROSSED_FIELDS: dict[str, Any] = {
    "policies": (SECTION_FIELDS["contexts"].annotation | dict[StrictStr, dict[StrictStr, Any]], ...),
    "contexts": (SECTION_FIELDS["contexts"].annotation, ...),
}
SECTION_KEYS = {"optimize": OPTIMIZE_KEYS, "discover": DISCOVER_KEYS}


def section_problem(e: dict[str, Any], loc: tuple, origin: Any) -> Problem | None:
    """The problem of a pydantic error inside a policy section or field (else ``None``)."""
    path = ".".join(str(x) for x in loc)
    head = str(loc[0]) if loc else ""
    if head in ("policies", "contexts"):
        allowed = ALLOWED["policies"] if head == "policies" else SECTION_FIELDS["contexts"].allowed()
        if e["type"] == "missing":
            return Problem(path, "missing", allowed=f"{allowed} for a crossed design", origin=origin)
        return Problem(head, "invalid", e.get("input"), allowed, origin=origin)
    if head not in SECTION_KEYS:
        return None
    keys = ", ".join(SECTION_KEYS[head])
    key = str(loc[1]) if len(loc) > 1 else ""
    if not key:
        problem = Problem(path, "invalid", e.get("input"), f"a mapping with keys: {keys}")
    elif e["type"] == "extra_forbidden":
        problem = Problem(path, "unknown", allowed=f"a key of {head}: {keys}", hint=did_you_mean(key, SECTION_KEYS[head]))
    elif e["type"] == "missing":
        problem = Problem(path, "missing", allowed=ALLOWED.get(key, ""))
    else:
        allowed = SECTION_FIELDS[key].allowed() if key in SECTION_FIELDS else ALLOWED.get(key, "a string")
        problem = Problem(path, "invalid", e.get("input"), allowed)
    return Problem(problem.field, problem.issue, problem.value, problem.allowed, problem.hint, origin)
