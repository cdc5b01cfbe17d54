"""The ABC-SMC fit: pyabc's `ABCSMC` on the targets, its history in the output folder.

Settings (docs/calibration.md explains each):

- model: `sim.calibration.simulate.ParticleModel` (statistics of seeded runs);
- priors: `sim.calibration.priors` (pyabc ``Distribution`` of one ``RV`` per parameter);
- distance: `sim.calibration.distance.ScaledDistance`, scales fixed from pyabc's prior
  sample before generation 0 (written to ``statistics.json``, read back on resume);
- thresholds: pyabc's ``QuantileEpsilon`` with alpha 0.5: generation t accepts what is
  closer than the weighted median distance of generation t - 1 (the first: of the prior
  sample), the standard schedule (Beaumont et al. 2009; Del Moral et al. 2012);
- proposals: pyabc's default ``MultivariateNormalTransition`` (a Gaussian kernel around
  the previous population, bandwidth by Silverman's rule), constant population size;
- sampler: `sim.calibration.sampler.SeededSampler` on the pool of ``--workers`` or
  ``--scheduler``, so the posterior depends on the seed only.

Stopping: ``generations`` generations stored, a threshold at or below ``min_epsilon``, or
``max_runs`` model runs (a generation that would exceed the budget is not stored).
``--resume`` loads the history (pyabc ``ABCSMC.load``) and runs the generations left; a
fit already finished only rewrites its outputs. NumPy's global generator is seeded from
the fit's seed in this process too, so anything pyabc draws here is reproducible.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np

from sim.calibration.distance import read_scales, write_statistics
from sim.calibration.outputs import write_outputs
from sim.calibration.plan import FitStatistics, statistics_of
from sim.calibration.progress import FitProgress
from sim.calibration.simulate import ParticleModel
from sim.calibration.store import history_url, hold, manifest, prepare
from sim.calibration.targets import Targets
from sim.primitives.errors import SetupError


@dataclass
class FitResult:
    """What a fit did.

    Attributes:
        out: The output folder.
        generations: Generations stored in the history.
        before: Generations already stored when this call started (``--resume``).
        epsilon: The last stored generation's threshold.
        evaluations: Particles evaluated (the prior sample included), as pyabc counts them.
        runs: Model runs: evaluations x replications.
        discarded: Proposals run in parallel past each generation's n-th acceptance.
        seconds: Wall-clock time of this call.
        stopped: Why the fit ended.
        summary: What the outputs show (`sim.calibration.outputs.write_outputs`).
    """

    out: Path
    generations: int
    before: int
    epsilon: float
    evaluations: int
    runs: int
    discarded: int
    seconds: float
    stopped: str
    summary: dict[str, Any]


def _abc(targets: Targets, stats: FitStatistics, sampler: Any, out: Path, scales: dict[str, float] | None) -> Any:
    import pyabc  # noqa: PLC0415 (pyabc takes seconds to import)

    from sim.calibration.abc_distance import ScaledDistance  # noqa: PLC0415

    def record(estimated: dict[str, float]) -> None:
        write_statistics(out, stats.observed, stats.weights, estimated, stats.given)

    known = stats.scales if scales is None else {**stats.scales, **scales}
    distance = ScaledDistance(stats.weights, known, record)
    if scales is not None:  # resumed: the file already holds them
        distance.record = None
    priors = pyabc.Distribution(**{name: prior.pyabc() for name, prior in targets.priors.items()})
    return pyabc.ABCSMC(ParticleModel(stats.plan), priors, distance, population_size=targets.population_size,
                        sampler=sampler, eps=pyabc.QuantileEpsilon(alpha=0.5),
                        transitions=pyabc.MultivariateNormalTransition())


def _stopped(targets: Targets, generations: int, epsilon: float, evaluations: int) -> str:
    if generations >= targets.generations:
        return f"{generations} generations (the targets file's limit)"
    if generations and epsilon <= targets.min_epsilon:
        return f"epsilon {epsilon:.4g} <= min_epsilon {targets.min_epsilon:g}"
    if evaluations * targets.replications >= targets.max_runs or generations < targets.generations:
        return f"the run budget (max_runs {targets.max_runs:,})"
    return "done"


def _state(history: Any) -> tuple[int, float, int]:
    """(generations stored, last threshold, evaluations) of a pyabc history."""
    generations = history.max_t + 1
    populations = history.get_all_populations()
    epsilon = float(populations["epsilon"].iloc[-1]) if generations else float("inf")
    return generations, epsilon, int(history.total_nr_simulations or 0)


def run_calibration(targets: Targets, out: str | Path, *, pool: Any, resume: bool = False,
                    progress: Literal["auto", "always", "never"] = "auto", stream: TextIO | None = None,
                    batch: int = 2) -> FitResult:
    """Fit `targets` (or continue the fit in `out`, with `resume`) on `pool`; write the outputs.

    Args:
        targets: A loaded targets file (`sim.calibration.targets.load_targets`).
        out: The output folder (history, manifest, statistics).
        pool: Where the runs execute (`sim.calibration.pools.make_pool`).
        resume: Continue the fit stored in `out` (refused if the targets changed).
        progress: The bar within a generation: ``auto`` (on a terminal), ``always``, ``never``.
        stream: Where progress goes (default stderr).
        batch: Proposals per task.

    Raises:
        SetupError: `out` holds a fit (without `resume`), the targets changed (with
            `resume`), or another process is writing to `out`.
    """
    from sim.calibration.sampler import SeededSampler  # noqa: PLC0415 (imports pyabc)

    start, out = time.perf_counter(), Path(out)
    lock = hold(out)
    try:
        stored = prepare(out, manifest(targets), resume)
        stats = statistics_of(targets)
        scales = read_scales(out) if stored else None
        np.random.seed(np.random.SeedSequence([targets.seed, 2**32]).generate_state(4))  # noqa: NPY002 (pyabc draws from it)
        logging.getLogger("ABC").setLevel(logging.WARNING)  # progress is ours (FitProgress)
        display = FitProgress(targets.replications, mode=progress, stream=stream)
        sampler = SeededSampler(pool, targets.seed, batch, display)
        abc = _abc(targets, stats, sampler, out, scales)
        if stored:
            history = abc.load(history_url(out), 1)
        else:
            history = abc.new(history_url(out), stats.observed, gt_par=dict(targets.truth) or None,
                              meta_info={"targets_hash": targets.hash})
        before, epsilon, evaluations = _state(history)
        if before and scales is None:
            raise SetupError(f"--resume {out}: the history has generations but statistics.json is "
                             "missing; remove the directory to start again")
        display.evaluations = evaluations
        left = targets.generations - before
        budget = targets.max_runs // targets.replications
        if left > 0 and evaluations < budget and not (before and epsilon <= targets.min_epsilon):
            abc.run(minimum_epsilon=targets.min_epsilon, max_nr_populations=left,
                    max_total_nr_simulations=budget)
        generations, epsilon, evaluations = _state(history)
        if not generations:
            raise SetupError(f"max_runs {targets.max_runs:,}: the run budget ended before the first "
                             "generation; raise max_runs (the prior sample alone takes population_size runs)")
        summary = write_outputs(targets, out, history, stats, scales=abc.distance_function.scales, pool=pool)
    finally:
        lock.close()
    return FitResult(out, generations, before, epsilon, evaluations, evaluations * targets.replications,
                     sampler.discarded, time.perf_counter() - start,
                     _stopped(targets, generations, epsilon, evaluations), summary)
