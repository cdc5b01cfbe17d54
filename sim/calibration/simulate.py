"""What a worker runs: a particle's parameters -> seeded model runs -> summary statistics.

`ParticleModel` is the model pyabc calls (``model(parameters) -> statistics``). It applies
the parameters to the base scenario's model keyword arguments through the model's own
validation (`sim.model.parameters.resolve_model_params`: ranges and cross-field checks),
runs ``replications`` seeded runs and returns the statistics (window means of the
observed outcomes, `sim.calibration.statistics`, and the built-in patterns',
`sim.calibration.patterns`), averaged over the replications. A combination the model
refuses (type shares summing past 1) gets NaN statistics, so distance infinity: the prior
is in effect restricted to what the model accepts.

Seeds: the seed of each run is derived from the fit's seed and the particle's parameter
values (their float64 bits) by `numpy.random.SeedSequence`, so a run is a pure function
of (parameters, seed): any worker, any order, any resumption gives the same statistics,
and a row of the outputs can be rerun with ``coprod run --seed``. Posterior predictive
runs use another stream of the same seed (`PREDICTIVE_STREAM`) and the draw's index, so
they are not the very runs that were accepted for being close to the data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.calibration.patterns import PATTERNS
from sim.calibration.statistics import SeriesStatistics
from sim.primitives.errors import InputError

FIT_STREAM, PREDICTIVE_STREAM = 0, 1


def run_seeds(seed: int, values: Sequence[float], count: int, stream: int = FIT_STREAM) -> list[int]:
    """`count` run seeds (53-bit) derived from `seed`, a stream and `values` (their bits)."""
    bits = np.asarray(values, dtype=np.float64).view(np.uint32).tolist()
    children = np.random.SeedSequence([seed, stream, *bits]).spawn(count)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(11)) for child in children]


def run_model(kwargs: Mapping[str, Any], seed: int, steps: int, observers: Sequence[Any] = ()) -> dict[str, list]:
    """Run the model once, calling each observer after every step; the reporters' series."""
    from sim.model.coproduction import CoProductionModel  # noqa: PLC0415 (workers import it once)

    model = CoProductionModel(rng=seed, **kwargs)
    for _ in range(steps):
        model.step()
        for observe in observers:
            observe(model)
    return model.datacollector.model_vars


@dataclass(frozen=True)
class RunPlan:
    """Everything a worker needs to turn parameters into statistics.

    Attributes:
        base: Model keyword arguments of the base scenario (fixed values applied).
        flat: Dotted path -> flat model parameter name, for each fitted parameter.
        steps: Months per run.
        replications: Runs per particle.
        seed: The fit's seed.
        series: The observed series' statistics (``None`` if none are observed).
        patterns: Built-in calibration patterns used as targets.
    """

    base: dict[str, Any]
    flat: dict[str, str]
    steps: int
    replications: int
    seed: int
    series: SeriesStatistics | None
    patterns: tuple[str, ...]

    @property
    def statistic_names(self) -> list[str]:
        """Every statistic, in order: the series' window means, then the patterns'."""
        names = [w.name for w in self.series.windows] if self.series else []
        return names + [s for p in self.patterns for s in PATTERNS[p].targets]

    def kwargs(self, values: Mapping[str, float]) -> dict[str, Any] | None:
        """The model's keyword arguments at `values` (dotted -> value); ``None`` if refused."""
        from sim.model.parameters import resolve_model_params  # noqa: PLC0415

        try:
            return resolve_model_params({**self.base, **{self.flat[k]: float(v) for k, v in values.items()}})
        except InputError:
            return None

    def run(self, kwargs: Mapping[str, Any], seed: int) -> tuple[dict[str, float], dict[str, list]]:
        """One run's statistics and its reporters' series."""
        observers = [PATTERNS[p].observer(dict(kwargs), self.steps) for p in self.patterns]
        series = run_model(kwargs, seed, self.steps, observers)
        stats = self.series.of_run(series) if self.series else {}
        for observer in observers:
            stats |= observer.statistics()
        return stats, series


class ParticleModel:
    """The model pyabc calls: parameters (dotted -> value) -> averaged statistics."""

    def __init__(self, plan: RunPlan):
        """Hold the plan (pickled to every worker with pyabc's simulate function)."""
        self.plan = plan

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        """The statistics of ``replications`` seeded runs at `parameters`, averaged."""
        plan = self.plan
        values = {name: float(parameters[name]) for name in plan.flat}
        kwargs = plan.kwargs(values)
        if kwargs is None:
            return dict.fromkeys(plan.statistic_names, math.nan)
        runs = [plan.run(kwargs, seed)[0] for seed in run_seeds(plan.seed, list(values.values()), plan.replications)]
        return {name: _mean([r[name] for r in runs]) for name in plan.statistic_names}


def _mean(values: list[float]) -> float:
    """Mean of the finite values (a pattern can be undefined in one replication); NaN if none."""
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else math.nan


def predictive_run(plan: RunPlan, values: Mapping[str, float], draw: int) -> dict[str, Any]:
    """One posterior predictive run at `values` (draw number `draw`): statistics and series."""
    kwargs = plan.kwargs(values)
    if kwargs is None:
        return {"draw": draw, "seed": None, "statistics": {}, "series": {}}
    (seed,) = run_seeds(plan.seed, [float(draw)], 1, PREDICTIVE_STREAM)
    stats, series = plan.run(kwargs, seed)
    compared = plan.series.compared(series) if plan.series else {}
    return {"draw": draw, "seed": seed, "statistics": stats,
            "series": {k: v.tolist() for k, v in compared.items()}}


def predictive_chunk(plan: RunPlan, draws: Sequence[tuple[int, dict[str, float]]]) -> list[dict[str, Any]]:
    """Several predictive runs as one task (a task costs more than a short run)."""
    return [predictive_run(plan, values, k) for k, values in draws]
