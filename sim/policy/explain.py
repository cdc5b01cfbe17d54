"""``coprod explain A B``: which of the levers two scenarios differ in make the difference?

The *levers* are the model parameters whose values differ between scenarios A and B (a
named scenario sets several at once: a rule, its parameters, the channel, ...). Parameters
tied by a constraint (the type shares) are one lever; with more than `MAX_LEVERS` levers,
a governance rule and its parameters become one lever, then each section's remaining ones
(or give the grouping with ``--group``). Every one of the ``2**k`` combinations (A with
some levers switched to B's values) runs with the same seeds, and the difference B - A on
each outcome is attributed with exact Shapley values and one-at-a-time switches
(`sim.policy.shapley`), each with a 95 % t-interval over the paired replications. The
Shapley values add up to the total difference exactly, replication by replication.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.governance import REGISTRY, family_params
from sim.inputs.constraints import MODEL_CONSTRAINTS
from sim.inputs.scenario import ScenarioBase
from sim.inputs.schema import PATHS
from sim.model.events import check_schedule
from sim.model.parameters import MODEL_PARAMS, resolve_model_params
from sim.policy.campaign import Campaign, Point, Progress
from sim.policy.measures import window_of
from sim.policy.run_cap import Term, check_runs
from sim.policy.shapley import MAX_LEVERS, one_at_a_time, shapley
from sim.primitives.errors import InputError, Origin, Problem
from sim.primitives.files import write_text
from sim.primitives.stats import mean_ci

#: Outcomes explained by default (the sweep report's headline outcomes).
OUTCOMES = ("participation", "quality", "free_rider_share")
#: Where `explain`'s sizes come from when it is called from Python (its ``seeds``).
ORIGIN = Origin("constructor", "sim.policy.explain.explain")


@dataclass(frozen=True)
class Lever:
    """One lever: a name and the flat model parameters it switches together."""

    name: str
    params: tuple[str, ...]


@dataclass
class Explanation:
    """The attribution of B - A on each outcome.

    Attributes:
        a: Scenario A's name; b: scenario B's name.
        levers: The levers, in combination-bit order.
        table: One row per outcome and lever: Shapley value, one-at-a-time switches, each
            mean with ``/low`` and ``/high`` 95 % bounds.
        totals: Outcome -> (mean, low, high) of B - A over the replications.
        sums: Outcome -> the largest |sum of Shapley values - total| over replications.
        sentences: Outcome -> a plain sentence.
    """

    a: str
    b: str
    levers: list[Lever]
    table: pd.DataFrame
    totals: dict[str, tuple[float, float, float]]
    sums: dict[str, float]
    sentences: dict[str, str]
    measures: dict[str, str] = field(default_factory=dict)
    ran: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _family_of() -> dict[str, str]:
    out = {family: family for family in REGISTRY}
    for family in REGISTRY:
        out.update(dict.fromkeys(family_params(family), family))
    return out


def levers_between(a: dict[str, Any], b: dict[str, Any], groups: dict[str, list[str]] | None = None) -> list[Lever]:
    """The levers scenarios A and B (model keyword arguments) differ in (see the module docstring).

    Raises:
        InputError: A ``--group`` names an unknown parameter, or more than `MAX_LEVERS` remain.
    """
    differ = [n for n in MODEL_PARAMS if a[n] != b[n]]
    given = groups or {}
    for name, params in given.items():
        for p in params:
            if p not in MODEL_PARAMS:
                raise InputError(Problem("", f"unknown parameter {p!r} in group {name!r}",
                                         allowed="flat model parameter names", origin=Origin("option", "--group")))
    owner = {p: name for name, params in given.items() for p in params}
    for c in MODEL_CONSTRAINTS:  # constraint-tied parameters switch together
        tied = [PATHS[t].name for t in c.terms]
        if any(t in differ for t in tied) and not any(t in owner for t in tied):
            owner.update(dict.fromkeys(tied, "type shares" if len(tied) > 1 else tied[0]))
    units = list(dict.fromkeys(owner.get(n, n) for n in differ))
    if len(units) > MAX_LEVERS and not groups:
        family = _family_of()
        owner.update({n: family[n] for n in differ if n in family and n not in owner})
        units = list(dict.fromkeys(owner.get(n, n) for n in differ))
        if len(units) > MAX_LEVERS:
            owner.update({n: MODEL_PARAMS[n].section for n in differ if n not in owner})
            units = list(dict.fromkeys(owner.get(n, n) for n in differ))
    if len(units) > MAX_LEVERS:
        raise InputError(Problem("", f"the scenarios differ in {len(units)} levers ({', '.join(units)})",
                                 allowed=f"at most {MAX_LEVERS}; group them with --group NAME=param,param",
                                 origin=Origin("option", "--group")))
    levers = [Lever(u, tuple(n for n in differ if owner.get(n, n) == u)) for u in units]
    if a.get("events", []) != b.get("events", []):  # the timed policy changes switch as one lever
        levers.append(Lever("events", ("events",)))
    return levers


def combination(a: dict[str, Any], b: dict[str, Any], levers: list[Lever], mask: int) -> dict[str, Any]:
    """A with the levers of `mask`'s set bits switched to B's values, validated by the model.

    Raises:
        InputError: The model rejects the mix, naming the levers to group.
    """
    mixed = dict(a)
    for i, lever in enumerate(levers):
        if mask >> i & 1:
            mixed.update({p: b.get(p, []) for p in lever.params})
    events = mixed.pop("events", [])
    try:
        params = resolve_model_params(mixed)
        if events:  # the schedule must fit the levers it starts from
            check_schedule(events, params)
            params["events"] = events
        return params
    except InputError as err:
        switched = [lev.name for i, lev in enumerate(levers) if mask >> i & 1]
        raise InputError(Problem("", f"A with only {', '.join(switched)} switched to B is not a valid model "
                                 f"({err.problems[0].format()})", allowed="levers that can be switched alone;"
                                 " group the tied ones with --group NAME=param,param",
                                 origin=Origin("option", "--group"))) from None


def planned_runs(levers: list[Lever], replications: int, *, field: str = "seeds",
                 origin: Origin = ORIGIN) -> int:
    """The runs of an explanation: every combination of the `levers` (``2**k``) x `replications`.

    Args:
        levers: The levers A and B differ in (`levers_between`).
        replications: Paired replications of each combination.
        field: The field that set `replications` (``seeds``; ``""`` for an option).
        origin: Where `replications` came from (`ORIGIN`; the CLI: ``--replications``).

    Raises:
        InputError: More than `sim.policy.run_cap.MAX_RUNS` runs.
    """
    k = len(levers)
    term = Term(((2**k, f"combinations (2^{k}: {k} lever{'s' if k != 1 else ''})"), (replications, "replications")))
    return check_runs("the explanation", [term], field=field, formula="2^levers combinations x replications",
                      fix="fewer replications, or fewer levers (--group NAME=param,param switches them as one)",
                      origin=origin)


def explain(a: ScenarioBase, b: ScenarioBase, out: str | Path, *, seeds: list[int], steps: int,
            window: int | None = None, measure: str | dict[str, str] = "steady",
            outcomes: tuple[str, ...] = OUTCOMES,
            groups: dict[str, list[str]] | None = None, names: tuple[str, str] | None = None,
            resume: bool = False, workers: int = 1,
            scheduler: str | None = None, progress: Progress = "never", stream: Any = None) -> Explanation:
    """Attribute B - A on `outcomes` to the levers they differ in; write explain.csv and explain.json.

    Args:
        a: Scenario A (overrides applied).
        b: Scenario B (overrides applied).
        out: Output folder (its own Parquet store; resumable).
        seeds: One seed per replication, shared by every combination (paired).
        steps: Steps per run.
        window: Steps of the steady state (default the final 24, as sweep reports).
        measure: ``steady`` or ``final``, or one of them per outcome.
        outcomes: The outcomes attributed.
        groups: Lever name -> flat parameters switched together (``--group``).
        names: How A and B are named in the sentences (default: the scenarios' names).
        resume: Finish an explanation started in `out`.
        workers: Local worker processes (1: in process).
        scheduler: A Dask scheduler's address instead.
        progress: Progress bar: ``auto``, ``always`` or ``never``.
        stream: Where the progress bar goes.

    Raises:
        InputError: Bad `groups`, more than `MAX_LEVERS` levers, a combination the model
            rejects, or more than `sim.policy.run_cap.MAX_RUNS` runs (`planned_runs`), each
            refused before any run starts.
    """
    start = time.perf_counter()
    ka, kb = a.model_kwargs(), b.model_kwargs()
    levers = levers_between(ka, kb, groups)
    planned_runs(levers, len(seeds))
    k, w = len(levers), window_of(steps, window)
    canonical = {"kind": "explain", "a": ka, "b": kb, "levers": [[lev.name, list(lev.params)] for lev in levers],
                 "seeds": seeds, "steps": steps, "window": w, "outcomes": list(outcomes)}
    manifest = {"kind": "explain", "name": f"{a.name} vs {b.name}", "a": a.name, "b": b.name,
                "description": f"Why {b.name} differs from {a.name}", "file": f"{a.label} / {b.label}"}
    points = [Point(m, combination(ka, kb, levers, m), {"scenario": f"{a.name}->{b.name}", "combination": m},
                    tuple(seeds)) for m in range(2**k)]
    with Campaign(out, canonical, manifest, labels={"scenario": str, "combination": int}, outcomes=outcomes,
                  steps=steps, window=w, points=len(points), stride=len(seeds), resume=resume, workers=workers, scheduler=scheduler,
                  progress=progress, stream=stream) as campaign:
        runs = campaign.run(points, "combinations")
        ran, notes = campaign.ran, campaign.notes
    name_a, name_b = names or (str(a.name), str(b.name))
    result = attribute(runs, levers, outcomes, measure, a=name_a, b=name_b)
    result.ran, result.seconds, result.notes = ran, time.perf_counter() - start, notes
    write(result, Path(out))
    return result


def attribute(runs: pd.DataFrame, levers: list[Lever], outcomes: tuple[str, ...], measure: str | dict[str, str],
              *, a: str, b: str) -> Explanation:
    """Shapley values and switches from every combination's runs (`Campaign.run`'s frame)."""
    rows, totals, sums, sentences = [], {}, {}, {}
    measures = measure if isinstance(measure, dict) else dict.fromkeys(outcomes, measure)
    for outcome in outcomes:
        column = f"{outcome}/{measures[outcome]}"
        v = runs.pivot_table(index="replicate", columns="point_id", values=column).to_numpy()
        phi = shapley(v)
        on, off = one_at_a_time(v)
        total = v[:, -1] - v[:, 0]
        totals[outcome] = mean_ci(total)
        sums[outcome] = float(np.max(np.abs(phi.sum(axis=1) - total)))
        for i, lever in enumerate(levers):
            row: dict[str, Any] = {"outcome": outcome, "lever": lever.name, "parameters": " ".join(lever.params)}
            for name, values in (("shapley", phi[:, i]), ("switch_on", on[:, i]), ("switch_off", off[:, i])):
                row[name], row[f"{name}/low"], row[f"{name}/high"] = mean_ci(values)
            rows.append(row)
        sentences[outcome] = sentence(outcome, a, b, totals[outcome], [r for r in rows if r["outcome"] == outcome])
    return Explanation(a, b, levers, pd.DataFrame(rows), totals, sums, sentences, measures)


def sentence(outcome: str, a: str, b: str, total: tuple[float, float, float], rows: list[dict[str, Any]]) -> str:
    """``participation is 0.350 higher in B than in A (95 %: 0.30 to 0.40); monitoring accounts for 0.21 ...``."""
    mean, low, high = total
    what = outcome.replace("_", " ")
    if mean == 0:
        return f"{what} is the same in {b} as in {a} on every replication: there is nothing to attribute."
    way = "higher" if mean > 0 else "lower"
    head = f"{what} is {abs(mean):.3g} {way} in {b} than in {a} (95 % interval of the difference {low:.3g} to {high:.3g})"
    ranked = sorted(rows, key=lambda r: -abs(r["shapley"]))
    parts = [f"{r['lever']} accounts for {r['shapley']:+.3g} [{r['shapley/low']:+.3g}, {r['shapley/high']:+.3g}]"
             for r in ranked[:3]]
    rest = ranked[3:]
    if rest:
        parts.append(f"the other {len(rest)} lever{'s' if len(rest) > 1 else ''} for "
                     f"{sum(r['shapley'] for r in rest):+.3g}")
    return f"{head}; of that difference, " + ", ".join(parts) + "."


def write(result: Explanation, out: Path) -> None:
    """``explain.csv`` (the table) and ``explain.json`` (levers, totals, sentences)."""
    write_text(out / "explain.csv", result.table.to_csv(index=False))
    summary = {"a": result.a, "b": result.b, "measures": result.measures,
               "levers": [{"name": lev.name, "parameters": list(lev.params)} for lev in result.levers],
               "totals": result.totals, "sum_error": result.sums, "sentences": result.sentences,
               "ran": result.ran, "seconds": result.seconds}
    write_text(out / "explain.json", json.dumps(summary, indent=1) + "\n")
