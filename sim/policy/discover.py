"""``coprod discover``: the contexts where a policy falls short (PRIM scenario discovery).

The policy (the base scenario with the experiment's fixed values and ``discover.policy``)
is run with its replications in ``discover.contexts`` contexts, a Latin hypercube over the
uncertainties. A context is a *case of interest* when the policy's outcome there (its
steady state or final value, averaged over the replications) is below (or above) the
threshold. PRIM (Friedman & Fisher 1999; EMA Workbench's implementation, as in Bryant &
Lempert 2010's scenario discovery) then peels the space of uncertainties down to boxes
where such cases are dense. For each box the report gives its **coverage** (the share of
all cases of interest inside it), **density** (the share of contexts inside it that are
cases of interest), **mass** (the share of all contexts inside it), the restricted
dimensions with their limits, and the peeling trajectory. The box chosen on a trajectory is
the densest one that still covers at least half of the cases of interest (ties: the larger
coverage); up to ``discover.boxes`` boxes are found one after another, a later one kept only
if it covers at least a tenth of the cases (fewer is noise the first box left behind).

`find_boxes` is the PRIM step alone, on any table of contexts and yes/no outcomes.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.inputs.experiment_fields import ExperimentFile
from sim.policy.campaign import Campaign, Point, Progress
from sim.policy.run_cap import Term, check_runs
from sim.policy.setting import setting
from sim.primitives.errors import Origin
from sim.primitives.files import write_text
from sim.sweep.design import sample, sampler_seed, spawn_seeds

MIN_COVERAGE = 0.5  # a chosen box covers at least half of the cases of interest (if any does)
MIN_FURTHER = 0.1  # a second or later box is kept only if it covers a tenth of the cases


@dataclass
class Box:
    """One box of contexts.

    Attributes:
        coverage: Share of the cases of interest inside the box.
        density: Share of the contexts inside the box that are cases of interest.
        mass: Share of all contexts inside the box.
        limits: Restricted dimension -> ``(low, high)`` (numbers) or sorted categories.
        trajectory: The peeling trajectory (one row per box: coverage, density, mass,
            res_dim), the chosen box marked in ``chosen``.
    """

    coverage: float
    density: float
    mass: float
    limits: dict[str, Any]
    trajectory: pd.DataFrame


@dataclass
class DiscoverResult:
    """What a discovery found: the contexts, their outcome, and the boxes."""

    out: Path
    contexts: pd.DataFrame
    boxes: list[Box]
    cases: int
    ran: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _limits(box_lim: pd.DataFrame, init: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in init.columns:
        low, high = box_lim[column].iloc[0], box_lim[column].iloc[1]
        if isinstance(low, set):
            if low != init[column].iloc[0]:
                out[column] = sorted(low)
        elif (low, high) != (init[column].iloc[0], init[column].iloc[1]):
            out[column] = (float(low), float(high))
    return out


def find_boxes(x: pd.DataFrame, y: np.ndarray, boxes: int = 1, peel_alpha: float = 0.05,
               mass_min: float = 0.05) -> list[Box]:
    """PRIM boxes of the rows of `x` where `y` is true (see the module docstring).

    Args:
        x: One row per context, one column per uncertainty (categorical: strings).
        y: Whether each context is a case of interest.
        boxes: Boxes found at most, one after another (each on the cases left outside
            the boxes before).
        peel_alpha: Share of the points peeled per step.
        mass_min: Smallest share of the contexts a box may hold.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim  # noqa: PLC0415 (slow to import: only here)

    y = np.asarray(y, dtype=bool)
    if not y.any():
        return []
    x = x.reset_index(drop=True).copy()
    for column in x.columns:
        if x[column].dtype == object or pd.api.types.is_string_dtype(x[column]):
            x[column] = x[column].astype(str).astype("category")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA Workbench's own deprecation warnings (pandas)
        algorithm = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
    found: list[Box] = []
    for _ in range(boxes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = algorithm.find_box()
        if box is None or float(box.peeling_trajectory.density.iloc[0]) == 0:
            break  # no case of interest left outside the boxes found
        traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)
        covered = traj[traj.coverage >= MIN_COVERAGE - 1e-12]
        pick = covered if not covered.empty else traj
        chosen = int(pick.sort_values(["density", "coverage"], ascending=False, kind="stable").index[0])
        if found and float(traj.coverage.iloc[chosen]) < MIN_FURTHER:
            break
        box.select(chosen)
        traj = traj.assign(chosen=traj.index == chosen)
        found.append(Box(float(box.coverage), float(box.density), float(box.mass),
                         _limits(box.box_lims[chosen], algorithm.box_init), traj))
    return found


def planned_runs(spec: ExperimentFile) -> int:
    """The runs discovering `spec` makes: the policy's replications in every context.

    Raises:
        InputError: More than `sim.policy.run_cap.MAX_RUNS` runs.
    """
    d = spec.discover
    assert d is not None, "an experiment with a discover section"
    term = Term(((d.contexts, "contexts"), (spec.replications, "replications")))
    return check_runs("the discovery", [term], field="discover.contexts, replications",
                      formula="contexts x replications", fix="lower one of these fields",
                      origin=Origin("file", spec.label))


def discover(spec: ExperimentFile, out: str | Path, *, resume: bool = False, workers: int = 1,
             scheduler: str | None = None, progress: Progress = "never", stream: Any = None,
             pool: Any = None) -> DiscoverResult:
    """Run (or finish) the discovery of `spec` into `out`; write contexts.csv and boxes.json.

    Raises:
        InputError: The discovery would make more than `sim.policy.run_cap.MAX_RUNS` runs
            (`planned_runs`; refused before anything is sampled or written).
    """
    d = spec.discover
    assert d is not None, "an experiment with a discover section"
    planned_runs(spec)
    start, out = time.perf_counter(), Path(out)
    where = setting(spec, d.window, (d.outcome,))
    worlds = sample(spec.space.uncertainties, d.contexts, sampler_seed(spec.seed, 1))
    seeds = tuple(spawn_seeds(spec.seed, spec.replications))
    canonical = {"kind": "discover", "discover": d.__dict__, "contexts": worlds, "seeds": list(seeds),
                 "steps": where.steps, "window": where.window, "fixed": spec.fixed, "base": spec.base,
                 "base_parameters": where.base.model_kwargs(), "outcomes": list(where.outcomes),
                 "constraints": [c.text for c in spec.space.constraints]}
    manifest = {"kind": "discover", "name": spec.name, "description": spec.description, "file": spec.label}
    points, values = [], []
    for c, world in enumerate(worlds):
        v = where.values({**d.policy, **world})
        values.append(v)
        points.append(Point(c, where.kwargs(v, f"context {c}"), {"scenario": str(spec.base), "context": c,
                                                               **{k: v[k] for k in where.columns}}, seeds))
    with Campaign(out, canonical, manifest, labels=where.labels(("context", int)), outcomes=where.outcomes,
                  steps=where.steps, window=where.window, points=len(points), stride=len(seeds), resume=resume, workers=workers,
                  scheduler=scheduler, progress=progress, stream=stream, pool=pool) as campaign:
        runs = campaign.run(points, "contexts")
        ran, notes = campaign.ran, campaign.notes
    column = f"{d.outcome}/{d.measure}"
    outcome = runs.groupby("point_id")[column].mean().reindex(range(len(points))).to_numpy()
    names = [f.name for f in spec.space.uncertainties]
    contexts = pd.DataFrame([{k: v[k] for k in names} for v in values])
    contexts[d.outcome] = outcome
    contexts["case"] = outcome < d.threshold if d.below else outcome > d.threshold
    boxes = find_boxes(contexts[names], contexts["case"].to_numpy(), d.boxes, d.peel_alpha, d.mass_min)
    result = DiscoverResult(out, contexts, boxes, int(contexts["case"].sum()), ran,
                            time.perf_counter() - start, notes)
    write(result, spec)
    return result


def write(result: DiscoverResult, spec: ExperimentFile) -> None:
    """``contexts.csv``, ``peeling.csv`` (every box's trajectory) and ``discover.json``."""
    d, out = spec.discover, result.out
    assert d is not None
    peel = pd.concat([b.trajectory.assign(box=i + 1) for i, b in enumerate(result.boxes)]) \
        if result.boxes else pd.DataFrame(columns=["coverage", "density", "mass", "res_dim", "chosen", "box"])
    for name, frame in (("contexts.csv", result.contexts), ("peeling.csv", peel)):
        write_text(out / name, frame.to_csv(index=False))
    summary = {
        "policy": dict(d.policy), "base": spec.base, "outcome": d.outcome,
        "measure": d.measure, "threshold": d.threshold, "below": d.below, "contexts": len(result.contexts),
        "cases": result.cases, "uncertainties": {f.name: f.spec() for f in spec.space.uncertainties},
        "boxes": [{"coverage": b.coverage, "density": b.density, "mass": b.mass,
                   "limits": {k: list(v) for k, v in b.limits.items()}} for b in result.boxes],
        "ran": result.ran, "seconds": result.seconds,
    }
    write_text(out / "discover.json", json.dumps(summary, indent=1, default=str) + "\n")
