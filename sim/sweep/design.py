"""Design samplers and run seeds.

A design turns the varied parameters (`Factor`) into a list of design points, each a
mapping of parameter name to value:

- ``grid``: every combination of the listed values (size = product of the list lengths).
- ``lhs``: a Latin hypercube of ``samples`` points over the ``[low, high]`` ranges
  (`scipy.stats.qmc.LatinHypercube`).
- ``sobol``: Saltelli's scheme for Sobol indices (`SALib.sample.sobol`):
  ``samples * (D + 2)`` points, or ``samples * (2 D + 2)`` with second-order indices.
- ``morris``: ``samples`` Morris trajectories of ``D + 1`` points on a ``levels`` grid
  (`SALib.sample.morris`).

Integer parameters are rounded after sampling; a categorical parameter of a sampled
design is sampled on ``[0, k)`` for its k choices and takes choice ``floor(x)`` (each
choice an equal share of the range, as EMA Workbench does); the unrounded sample is kept
for SALib.

A *crossed* design (`crossed`) is every policy (sampled from the levers, or named) in
every context (sampled from the uncertainties).

Run seeds come from `numpy.random.SeedSequence` spawned from the experiment seed. With
common random numbers (the default) the seed depends on the replicate index only, so
replicate ``k`` of every design point shares one seed: differences between governance
rules are then not blurred by different random draws (paired comparison).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.inputs.experiment import DESIGNS, SAMPLED
from sim.inputs.experiment_fields import Factor

__all__ = ["DESIGNS", "LABELS", "SAMPLED", "Design", "Factor", "generate", "record_steps", "run_seeds", "seed_of"]
#: Label columns of a crossed design beside its levers and uncertainties.
LABELS: dict[str, type] = {"policy": str, "context": int}



@dataclass(frozen=True)
class Design:
    """Generated design points.

    Attributes:
        points: One mapping of factor name to value per design point, in order.
        sample: For sampled designs, the unrounded sample matrix (points x factors) that
            SALib's analysis expects; ``None`` for a grid.
    """

    points: list[dict[str, Any]]
    sample: list[list[float]] | None = None


def design_size(kind: str, n_factors: int, samples: int, second_order: bool = False) -> int:
    """Number of design points a sampled design of `kind` yields (grid: not used)."""
    if kind == "lhs":
        return samples
    if kind == "sobol":
        return samples * (2 * n_factors + 2 if second_order else n_factors + 2)
    if kind == "morris":
        return samples * (n_factors + 1)
    raise ValueError(f"not a sampled design: {kind!r}")


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """SALib's problem dictionary for sampled factors."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[float(f.low or 0.0), float(f.high or 0.0)] for f in factors],
    }


def grid_points(factors: list[Factor]) -> list[dict[str, Any]]:
    """Every combination of the factors' values, the last factor varying fastest."""
    names = [f.name for f in factors]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(f.values or () for f in factors))]


def _lhs(factors: list[Factor], samples: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc  # noqa: PLC0415 (scipy.stats is slow to import)

    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(seed)).random(samples)
    low = np.array([f.low for f in factors], dtype=float)
    high = np.array([f.high for f in factors], dtype=float)
    return low + unit * (high - low)


def sample_matrix(kind: str, factors: list[Factor], samples: int, *, levels: int = 4,
                  second_order: bool = False, seed: int = 0) -> np.ndarray:
    """The unrounded sample of a sampled design, one row per design point.

    Args:
        kind: ``lhs``, ``sobol`` or ``morris``.
        factors: Factors with ``low`` and ``high`` set.
        samples: LHS points, Sobol base sample size (a power of 2) or Morris trajectories.
        levels: Morris grid levels.
        second_order: Sobol: also sample for second-order indices.
        seed: Seed of the sampler.
    """
    if kind == "lhs":
        return _lhs(factors, samples, seed)
    problem = salib_problem(factors)
    if kind == "sobol":
        from SALib.sample import sobol  # noqa: PLC0415

        return sobol.sample(problem, samples, calc_second_order=second_order, seed=seed)
    if kind == "morris":
        from SALib.sample import morris  # noqa: PLC0415

        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    raise ValueError(f"not a sampled design: {kind!r}")


def generate(kind: str, factors: list[Factor], *, samples: int | None = None, levels: int = 4,
             second_order: bool = False, seed: int = 0) -> Design:
    """Generate the design points of `kind` over `factors` (see the module docstring)."""
    if kind == "grid":
        return Design(grid_points(factors))
    matrix = sample_matrix(kind, factors, samples or 0, levels=levels, second_order=second_order, seed=seed)
    points = [{f.name: f.value(x) for f, x in zip(factors, row, strict=True)} for row in matrix]
    return Design(points, [[float(x) for x in row] for row in matrix])


def sampler_seed(seed: int, stream: int) -> int:
    """The seed of sampler `stream` of an experiment (policies, contexts: independent streams)."""
    return seed_at(seed, stream)


def sample(factors: list[Factor], samples: int, seed: int) -> list[dict[str, Any]]:
    """`samples` points of a Latin hypercube over `factors` (categorical ones included)."""
    return generate("lhs", factors, samples=samples, seed=seed).points if factors else [{}] * samples


def crossed(policies: int | dict[str, dict[str, Any]], levers: list[Factor], contexts: int,
            uncertainties: list[Factor], seed: int) -> Design:
    """Every policy in every context: policy-major order, contexts the same for each policy.

    Args:
        policies: How many policies to sample from `levers` (a Latin hypercube), or named
            policies (name -> dotted path -> value).
        levers: The levers sampled when `policies` is a count.
        contexts: How many contexts to sample from `uncertainties` (a Latin hypercube).
        uncertainties: The uncertainties.
        seed: The experiment seed (policies and contexts use independent streams of it).
    """
    if isinstance(policies, int):
        named = {f"policy {i}": p for i, p in enumerate(sample(levers, policies, sampler_seed(seed, 2)))}
    else:
        named = policies
    worlds = sample(uncertainties, contexts, sampler_seed(seed, 1))
    points = [{"policy": name, "context": c, **values, **world}
              for name, values in named.items() for c, world in enumerate(worlds)]
    return Design(points)


def seed_at(seed: int, index: int) -> int:
    """Child `index` of `SeedSequence(seed)` (as `spawn` makes it) as a 53-bit run seed.

    ``generate_state(1, uint64) >> 11``: a non-negative 53-bit integer that fits Parquet's
    int64 and survives every tool that reads numbers as doubles (JSON in a browser,
    spreadsheets, ``coprod run --seed``) exactly.
    """
    child = np.random.SeedSequence(seed, spawn_key=(index,))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(11))


def spawn_seeds(seed: int, count: int) -> list[int]:
    """`count` run seeds: children ``0 .. count - 1`` of `SeedSequence(seed)` (`seed_at`)."""
    return [seed_at(seed, i) for i in range(count)]


def run_seeds(seed: int, n_points: int, replications: int, common: bool = True) -> list[int]:
    """The seed table: per replicate (common random numbers) or per run (independent).

    Look a run's seed up with `seed_of`. Raises ValueError on a (vanishingly unlikely)
    collision, so seeds are guaranteed unique within the table.
    """
    seeds = spawn_seeds(seed, replications if common else n_points * replications)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seed {seed}: two runs would share a seed; choose another experiment seed")
    return seeds


def seed_of(seeds: list[int], run_id: int, replications: int, common: bool = True) -> int:
    """Seed of run `run_id` (= point_id * replications + replicate) in a `run_seeds` table."""
    return seeds[run_id % replications] if common else seeds[run_id]


def record_steps(steps: int, every: int) -> list[int]:
    """The steps recorded in a run of `steps` steps: every `every`-th and the last."""
    return [*range(every, steps + 1, every)] + ([steps] if steps % every else [])
