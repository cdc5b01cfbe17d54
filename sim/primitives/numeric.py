"""Numerical helpers every layer uses: machine-independent sums and mean-one draws."""

from __future__ import annotations

import numpy as np


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Dot product by NumPy's pairwise summation, not BLAS.

    BLAS splits long dot products across threads, which is slow when cores are busy and
    makes the summation order depend on the machine; results must be bit-identical on any
    machine (local, other processes, Dask workers).
    """
    return float(np.multiply(a, b).sum())


def log_variance(sd: float) -> float:
    """Variance of the log of a mean-one lognormal whose standard deviation is `sd`."""
    return float(np.log1p(sd * sd))


def lognormal_mean_one(rng: np.random.Generator, variance: float, n: int) -> np.ndarray:
    """`n` lognormal draws with mean 1 and log-variance `variance` (see `log_variance`)."""
    return rng.lognormal(-variance / 2.0, np.sqrt(variance), n)


#: Largest engagement drawn: nobody meets more than this many times the mean (the Pareto
#: tail is otherwise unbounded and one citizen could dominate a small population).
PARETO_CAP = 1000.0


def pareto_mean_one(rng: np.random.Generator, tail: float, n: int) -> np.ndarray:
    """`n` Pareto (type I) draws with tail index `tail` (> 1), scaled to mean 1, capped.

    ``x_m / U ** (1 / tail)`` with ``x_m = (tail - 1) / tail``; values above `PARETO_CAP`
    are set to it.
    """
    scale = (tail - 1.0) / tail
    u = 1.0 - rng.random(n)  # in (0, 1]
    return np.minimum(scale * u ** (-1.0 / tail), PARETO_CAP)
