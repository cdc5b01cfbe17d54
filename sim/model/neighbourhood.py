"""Means over each citizen's neighbours on a fixed social network (`sim.model.network`).

One sparse product per call: what neighbours gave, believed or learned, averaged over
each citizen's ties; citizens without ties get a fallback. `Neighbourhood` keeps what
depends on the network only (the divisors, the isolated nodes, a split of the rows for
two threads at scale), so the step does not recompute it.
"""

from __future__ import annotations

import itertools
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


#: Citizens from which the step runs compiled kernels (`sim.model.kernels`, the same
#: doubles as the NumPy and SciPy code they replace); a neighbourhood's means are then split
#: across two threads (balanced by ties) on a machine with more than one core.
COMPILED_ROWS = 200_000
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
    `COMPILED_ROWS` nodes on, compiled kernels compute them (far ties read in one sweep,
    `sim.model.kernels`), in two halves of the rows in two threads where there
    is more than one core.
    """

    def __init__(self, adjacency: sp.csr_array, degree: np.ndarray):
        """Keep the adjacency, the degree as a float divisor (1 where isolated) and the isolated nodes."""
        self.adjacency = adjacency
        self.isolated = np.flatnonzero(degree == 0)
        self.divisor = np.where(degree > 0, degree, 1).astype(np.float64)
        self._divisors: dict[int, np.ndarray] = {}
        n = adjacency.shape[0]
        #: Rows of each part, its far ties (sources sorted, slots) and its buffers by width.
        self.parts: list[tuple[int, int, np.ndarray, np.ndarray, dict[int, np.ndarray]]] = []
        if n >= COMPILED_ROWS and n < 2**31:  # (int32 far-tie slots)
            from sim.model import kernels  # noqa: PLC0415  (Numba only at scale)

            self._kernels = kernels
            bounds = [0, n]
            if len(os.sched_getaffinity(0)) > 1:
                bounds.insert(1, int(np.searchsorted(adjacency.indptr, adjacency.nnz // 2)))
            for start, stop in itertools.pairwise(bounds):
                source, slot = kernels.far_ties(adjacency.indptr, adjacency.indices, start, stop,
                                                          kernels.NEAR)
                self.parts.append((start, stop, source, slot, {}))

    def _part(self, part, values: np.ndarray, out: np.ndarray) -> None:
        start, stop, source, slot, buffers = part
        k = values.shape[1]
        if k not in buffers:
            buffers[k] = np.empty((source.shape[0], k))
        kernels = self._kernels
        kernels.neighbour_means(self.adjacency.indptr, self.adjacency.indices, values, self.divisor, out,
                                start, stop, source, slot, buffers[k], kernels.NEAR)

    def means(self, columns: np.ndarray, fallback) -> np.ndarray:
        """`neighbour_means` of the ``(n, k)`` columns; ``fallback[k]`` where a node has no neighbour."""
        if self.parts and columns.shape[1] in self._kernels.WIDTHS:
            values = np.ascontiguousarray(columns, dtype=np.float64)
            total = np.empty(values.shape)
            if len(self.parts) == 1:
                self._part(self.parts[0], values, total)
            else:
                for job in [_pool().submit(self._part, part, values, total) for part in self.parts]:
                    job.result()
        else:
            total = self.adjacency @ columns
            k = total.shape[1]
            if k not in self._divisors:  # the divisor repeated per column: a plain (fast) division
                self._divisors[k] = np.repeat(self.divisor, k).reshape(-1, k)
            total /= self._divisors[k]
        if self.isolated.shape[0]:
            total[self.isolated] = fallback
        return total
