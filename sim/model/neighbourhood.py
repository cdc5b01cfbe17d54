"""Means over each citizen's neighbours on a fixed social network (`sim.model.network`).

One sparse product per call: what neighbours gave, believed or learned, averaged over
each citizen's ties; citizens without ties get a fallback. `Neighbourhood` keeps what
depends on the network only (the divisors, the isolated nodes, a split of the rows for
two threads at scale), so the step does not recompute it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp


def neighbour_mean(
    adjacency: sp.csr_array,
    values: np.ndarray,
    degree: np.ndarray,
    fallback: np.ndarray | float,
) -> np.ndarray:
    """Mean of ``values`` over each node's neighbours, as one sparse mat-vec.

    Args:
        adjacency: 0/1 adjacency from :func:`build_network`.
        values: Per-node values, shape ``(n,)``.
        degree: Per-node degree, e.g. ``np.diff(adjacency.indptr)``.
        fallback: Result for nodes with degree 0 (scalar or per-node array).

    Returns:
        Float64 array of shape ``(n,)``: ``adjacency @ values / degree``, or
        ``fallback`` where the degree is 0.
    """
    total = adjacency @ np.asarray(values, dtype=np.float64)
    out = np.array(np.broadcast_to(fallback, total.shape), dtype=np.float64)
    np.divide(total, degree, out=out, where=np.asarray(degree) > 0)
    return out


def neighbour_means(adjacency: sp.csr_array, columns: np.ndarray, degree: np.ndarray,
                    fallback: np.ndarray) -> np.ndarray:
    """`neighbour_mean` of several per-node columns at once (one sparse product).

    Args:
        adjacency: 0/1 adjacency from :func:`build_network`.
        columns: Per-node values, shape ``(n, k)``.
        degree: Per-node degree.
        fallback: Result for nodes with degree 0, shape ``(k,)`` (one value per column).

    Returns:
        Float64 array of shape ``(n, k)``.
    """
    total = adjacency @ np.asarray(columns, dtype=np.float64)
    out = np.empty_like(total)
    out[:] = fallback
    np.divide(total, degree[:, None], out=out, where=np.asarray(degree)[:, None] > 0)
    return out


#: Citizens from which a neighbourhood's sparse product is split across two threads
#: (SciPy releases the GIL in it; each row is computed as before, so results are the same).
PARALLEL_ROWS = 200_000
_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL  # noqa: PLW0603  (one pool per process, created on first use)
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="neighbourhood")
    return _POOL


class Neighbourhood:
    """Means over each node's neighbours for a fixed network, with the divisors kept.

    The same numbers as `neighbour_means` (one sparse product, then a division by the
    degree), without recomputing per call what depends on the network only. From
    `PARALLEL_ROWS` nodes on, on a machine with more than one core, the product runs as
    two halves of the rows (balanced by ties) in two threads.
    """

    def __init__(self, adjacency: sp.csr_array, degree: np.ndarray):
        """Keep the adjacency, the degree as a float divisor (1 where isolated) and the isolated nodes."""
        self.adjacency = adjacency
        self.isolated = np.flatnonzero(degree == 0)
        self.divisor = np.where(degree > 0, degree, 1).astype(np.float64)
        self._divisors: dict[int, np.ndarray] = {}
        n = adjacency.shape[0]
        self.split = 0
        self.halves: tuple[sp.csr_array, ...] = ()
        if n >= PARALLEL_ROWS and len(os.sched_getaffinity(0)) > 1:
            self.split = int(np.searchsorted(adjacency.indptr, adjacency.nnz // 2))
            self.halves = (adjacency[: self.split], adjacency[self.split :])

    def sums(self, columns: np.ndarray) -> np.ndarray:
        """Sum of the ``(n, k)`` columns over each node's neighbours (the sparse product)."""
        if not self.split:
            return self.adjacency @ columns
        out = np.empty(columns.shape)
        first, second = (_pool().submit(half.__matmul__, columns) for half in self.halves)
        out[: self.split] = first.result()
        out[self.split :] = second.result()
        return out

    def means(self, columns: np.ndarray, fallback) -> np.ndarray:
        """`neighbour_means` of the ``(n, k)`` columns; ``fallback[k]`` where a node has no neighbour."""
        total = self.sums(columns)
        k = total.shape[1]
        if k not in self._divisors:  # the divisor repeated per column: a plain (fast) division
            self._divisors[k] = np.repeat(self.divisor, k).reshape(-1, k)
        total /= self._divisors[k]
        if self.isolated.shape[0]:
            total[self.isolated] = fallback
        return total
