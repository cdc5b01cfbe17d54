"""A pyabc sampler whose generations do not depend on the number or kind of workers.

pyabc's samplers (``MulticoreEvalParallelSampler``, ``DaskDistributedSampler``, ...)
reseed every task from the operating system's entropy (``np.random.seed()``) and keep the
particles that come back first, so two fits with the same settings give different
posteriors. `SeededSampler` uses the same evaluation-parallel scheme as pyabc's
``EPSMixin`` (the scheme behind ``DaskDistributedSampler``: number the proposals, run them
in parallel, keep the first ``n`` accepted *in number order*), with one change: proposal
``j`` of generation ``t`` seeds NumPy's global generator (from which pyabc draws the
proposal: which particle to perturb, the perturbation, and prior draws) from
``SeedSequence([seed, t + 1, j])`` before it runs. A proposal is then a pure function of
(seed, generation, job id, the previous population), and so is the kept population:

- the same seed gives the same posterior, bit for bit, in process, on any number of local
  workers and on Dask;
- a generation interrupted and rerun after ``--resume`` gives what it would have given;
- the evaluations counted (the acceptance rate, pyabc's total) are those up to the n-th
  accepted proposal; proposals run past it in parallel are discarded and counted apart
  (`SeededSampler.discarded`), since their number depends on timing.

Proposals run in batches of `batch` per task (a task costs more than a short run), at
most two tasks per worker in flight. The fit's run budget is honoured inside a generation:
no proposal past it is started, and a generation that cannot complete within it is
returned as not ``ok``, which makes pyabc stop without storing it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Protocol

import cloudpickle
import numpy as np
import pyabc

from sim.calibration.pools import InProcessPool


class Display(Protocol):
    """What shows a fit's progress (`sim.calibration.progress.FitProgress`)."""

    def update(self, t: int, accepted: int, evaluated: int, n: int) -> None:
        """After every finished task of generation `t`."""

    def done(self, t: int, accepted: int, evaluated: int, epsilon: float, ok: bool) -> None:
        """At the end of generation `t` (not ``ok``: stopped by the run budget)."""


def job_seed(seed: int, t: int, job: int) -> np.ndarray:
    """The 128-bit state that seeds NumPy's global generator for proposal `job` of generation `t`."""
    return np.random.SeedSequence([seed, t + 1, job]).generate_state(4)


def run_jobs(payload: bytes, seed: int, t: int, first: int, last: int) -> list[tuple[int, Any]]:
    """Run proposals `first` .. `last` - 1 of generation `t`: (job id, evaluated particle) each."""
    simulate_one = cloudpickle.loads(payload)
    out = []
    for job in range(first, last):
        state = job_seed(seed, t, job)
        np.random.seed(state)  # noqa: NPY002 (pyabc draws the proposal from the global generator)
        random.seed(int(state[0]))
        out.append((job, simulate_one()))
    return out


class SeededSampler(pyabc.sampler.Sampler):
    """Deterministic evaluation-parallel sampling on a pool (see the module docstring).

    Args:
        pool: Where tasks run (`sim.calibration.pools`).
        seed: The fit's seed.
        batch: Proposals per task.
        display: Shows the progress (`Display`), if given.
    """

    def __init__(self, pool: Any, seed: int, batch: int = 2, display: Display | None = None):
        super().__init__()
        self.pool, self.seed, self.batch, self.display = pool, seed, batch, display
        self.discarded = 0

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("the sampler stays in the coordinating process")

    def sample_until_n_accepted(self, n: int, simulate_one: Callable, t: int, *, max_eval: float = np.inf,
                                all_accepted: bool = False, ana_vars: Any = None) -> Any:
        """Evaluate proposals 0, 1, 2, ... until the first `n` accepted in job order are known."""
        cap = max_eval
        if ana_vars is not None and np.isfinite(ana_vars.max_total_nr_simulations):
            cap = min(cap, ana_vars.max_total_nr_simulations - ana_vars.prev_total_nr_simulations)
        payload = cloudpickle.dumps(simulate_one)
        window = 1 if isinstance(self.pool, InProcessPool) else 2 * self.pool.workers
        results: dict[int, Any] = {}
        running: dict[Any, range] = {}
        submitted = prefix = accepted = 0
        nth: int | None = None
        try:
            while True:
                while nth is None and len(running) < window and submitted < cap:
                    last = int(min(submitted + self.batch, cap))
                    running[self.pool.submit(run_jobs, payload, self.seed, t, submitted, last)] = range(submitted, last)
                    submitted = last
                if nth is not None or not running:
                    break
                for future in self.pool.first_done(running):
                    del running[future]
                    results.update(future.result())
                while nth is None and prefix in results:
                    accepted += bool(results[prefix].accepted)
                    nth = prefix if accepted == n else None
                    prefix += 1
                if self.display is not None:
                    self.display.update(t, accepted, prefix, n)
        except BaseException:
            for future in running:
                future.cancel()
            raise
        for future in running:
            future.cancel()
        sample = self._create_empty_sample()
        kept = prefix if nth is None else nth + 1
        for job in range(kept):
            sample.append(results[job])
        sample.ok = nth is not None
        self.nr_evaluations_ = kept
        self.discarded += len(results) - kept + sum(len(r) for r in running.values())
        if self.display is not None:
            epsilon = float(ana_vars.eps(t)) if ana_vars is not None and t >= 0 else np.inf
            self.display.done(t, accepted, kept, epsilon, sample.ok)
        return sample
