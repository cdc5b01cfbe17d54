"""The empirical patterns the model is calibrated against (pattern-oriented modelling).

Each pattern runs a named scenario with the model's *default* behavioural parameters (only
the scenario's own design differs), measures one headline value per replication, and
checks it against a published target with a fixed tolerance. Whether a tolerance is
published or ours, and why, is declared with the pattern (`sim.validation.PATTERNS`);
none is loosened to make a pattern pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.inputs.scenario import apply_overrides, load_scenario
from sim.model.coproduction import CoProductionModel
from sim.primitives.errors import Origin
from sim.primitives.stats import mean_ci
from sim.validation.evidence import Evidence

#: Fischbacher, Gächter & Fehr (2001) type shares (conditional, free rider, hump-shaped).
FGF_SHARES = {"conditional": 0.50, "free_rider": 0.30, "hump": 0.14}
SHARE_TOLERANCE = 0.05


@dataclass
class PatternResult:
    """One pattern's outcome, as written to validation.json.

    Attributes:
        id: Pattern id.
        source: Publication the target comes from.
        target: The target with its tolerance, in words.
        value: Model value (mean over replications).
        ci_low: Lower end of the 95 % confidence interval of the value.
        ci_high: Upper end of it.
        passed: Whether the model meets the target (all checks).
        checks: Every criterion of the pattern: name -> {value, target, passed}.
        curves: Data for the pattern's plot (name -> list of numbers).
        evidence: What kind of evidence the pattern is (set from the registry).
    """

    id: str
    source: str
    target: str
    value: float
    ci_low: float
    ci_high: float
    passed: bool
    checks: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    evidence: Evidence | None = None


def check(value: float, ok: bool, target: str) -> dict:
    """One criterion of a pattern."""
    return {"value": round(float(value), 4), "target": target, "passed": bool(ok)}


def run(name: str, seed: int, sets: dict[str, Any] | None = None, steps: int | None = None,
        observe: Callable | None = None) -> CoProductionModel:
    """Run named scenario `name` with overrides; call `observe(model)` after every step."""
    scenario = apply_overrides(load_scenario(name), sets or {}, Origin("option", f"pattern on {name}"))
    model = CoProductionModel(rng=seed, **scenario.model_kwargs())
    for _ in range(steps or scenario.run_steps):
        model.step()
        if observe is not None:
            observe(model)
    return model


def trajectory(name: str, seed: int, outcome: str = "mean_contribution") -> np.ndarray:
    """One outcome's trajectory over a scenario's run."""
    df = run(name, seed).datacollector.get_model_vars_dataframe()
    return df[outcome].to_numpy()


def lab_decay(reps: int) -> PatternResult:
    """Lab public goods without punishment: 40-60 % in round 1, decaying, never to zero."""
    runs = np.array([trajectory("lab_public_goods", seed) for seed in range(reps)])
    first, last = runs[:, 0], runs[:, -1]
    m, lo, hi = mean_ci(first)
    ratio = float(last.mean() / first.mean())
    checks = {
        "round_1": check(m, 0.40 <= m <= 0.60, "round-1 mean in [0.40, 0.60] of endowment"),
        "decay": check(ratio, ratio <= 2 / 3, "round-10 mean <= 2/3 of round-1 mean"),
        "falling": check(float(np.mean(np.diff(runs.mean(0)) < 0)),
                         bool(np.all(np.diff(runs.mean(0)) < 0)), "mean falls every round"),
        "never_zero": check(float(runs.mean(0).min()), bool(runs.mean(0).min() > 0),
                            "every round's mean > 0"),
    }
    return PatternResult(
        "lab_decay", "Ledyard 1995; Fehr & Gächter 2000 (no-punishment treatment)",
        "round 1 in 40-60 % of endowment, falling over 10 rounds, round 10 below round 1 by "
        "at least a third, never 0", m, lo, hi, all(c["passed"] for c in checks.values()),
        checks, {"no punishment": runs.mean(0).tolist()},
    )


def lab_punishment(reps: int) -> PatternResult:
    """Peer punishment (1:3): mean over rounds at least twice the no-punishment mean."""
    base = np.array([trajectory("lab_public_goods", seed) for seed in range(reps)])
    pun = np.array([trajectory("lab_public_goods_punishment", seed) for seed in range(reps)])
    ratios = pun.mean(1) / base.mean(1)  # paired: same seed, same population
    m, lo, hi = mean_ci(ratios)
    slope = float(pun.mean(0)[-1] - pun.mean(0)[0])
    checks = {
        "ratio": check(m, m >= 2.0, "mean over rounds >= 2x the no-punishment mean"),
        "not_decaying": check(slope, slope >= 0.0, "round-10 mean >= round-1 mean"),
    }
    return PatternResult(
        "lab_punishment", "Fehr & Gächter 2000 (punishment treatment)",
        "mean contribution over rounds at least twice the no-punishment mean, not decaying",
        m, lo, hi, all(c["passed"] for c in checks.values()), checks,
        {"punishment": pun.mean(0).tolist(), "no punishment": base.mean(0).tolist()},
    )
