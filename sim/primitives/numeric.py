"""Numerical helpers every layer uses: machine-independent sums, means, mean-one draws, work arrays."""

from __future__ import annotations

import numpy as np


def dot(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> float:
    """Dot product by NumPy's pairwise summation, not BLAS.

    BLAS splits long dot products across threads, which is slow when cores are busy and
    makes the summation order depend on the machine; results must be bit-identical on any
    machine (local, other processes, Dask workers). The products go into `out` if given
    (a float64 work array of the same length: a fresh one a month costs page faults at
    millions of agents).
    """
    return float(np.add.reduce(np.multiply(a, b, out=out)))


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


try:  # the ufunc `np.clip` calls, without its Python-level argument handling (NumPy 2)
    from numpy._core.umath import clip as _clip  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another NumPy layout: the public function
    _clip = np.clip


def clip(values: np.ndarray, low: float, high: float, out: np.ndarray | None = None) -> np.ndarray:
    """``np.clip(values, low, high, out=out)``: the same ufunc, called directly."""
    return _clip(values, low, high, out=out)


def mean(values: np.ndarray) -> float:
    """Mean of a non-empty float64 array: the same number as ``values.mean()``.

    ``ndarray.mean`` is NumPy's pairwise sum divided by the count; this does exactly that
    without its Python-level bookkeeping (which costs more than the sum at 1,000 values).
    """
    return float(np.add.reduce(values)) / values.shape[0]


class Scratch:
    """Work arrays reused from step to step, one per name.

    At millions of agents a fresh temporary costs more than the arithmetic done in it
    (the kernel maps and zeroes its pages), so a step computes its intermediate terms in
    named buffers instead. A buffer's content is garbage once the step that filled it is
    over: never keep one (or a view of it) beyond that.
    """

    def __init__(self, n: int):
        """Buffers of `n` rows."""
        self.n = n
        self._buffers: dict[tuple[str, type, int], np.ndarray] = {}

    def __call__(self, name: str, dtype: type = np.float64, columns: int = 0) -> np.ndarray:
        """The buffer called `name`: shape ``(n,)``, or ``(n, columns)`` if `columns` > 0."""
        key = (name, dtype, columns)
        buffer = self._buffers.get(key)
        if buffer is None:
            shape = (self.n, columns) if columns else (self.n,)
            buffer = self._buffers[key] = np.empty(shape, dtype=dtype)
        return buffer
