"""Means over each citizen's neighbours on a fixed social network (`sim.model.network`).

One sparse product per call: what neighbours gave, believed or learned, averaged over
each citizen's ties; citizens without ties get a fallback. `Neighbourhood` keeps what
depends on the network only (the divisors, the isolated nodes, a split of the rows for
two threads at scale), so the step does not recompute it.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import scipy.sparse as sp

from sim.primitives.threads import worker_threads


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


class Neighbourhood:
    """Means over each node's neighbours for a fixed network, with the divisors kept.

    The same numbers as `neighbour_means` (one sparse product, then a division by the
    degree), without recomputing per call what depends on the network only. From
    `COMPILED_ROWS` nodes on, compiled kernels compute them (far ties read in one sweep,
    `sim.model.kernels`), in two halves of the rows in two threads where there
    is more than one core. Fill the values into `columns` (on that path a view of the
    kernels' staging array, which saves a copy) and pass them to `means`.
    """

    def __init__(self, adjacency: sp.csr_array, degree: np.ndarray):
        """Keep the adjacency, the degree as a float divisor (1 where isolated) and the isolated nodes."""
        self.adjacency = adjacency
        self.isolated = np.flatnonzero(degree == 0)
        self.divisor = np.where(degree > 0, degree, 1).astype(np.float64)
        self._divisors: dict[int, np.ndarray] = {}
        self._columns: dict[int, np.ndarray] = {}
        self._totals: dict[int, np.ndarray] = {}  # the compiled path's results, reused
        n = adjacency.shape[0]
        #: Rows of each part, its far ties' sources (sorted), their slots and the part's first staging row.
        self.parts: list[tuple[int, int, np.ndarray, np.ndarray, int]] = []
        if n >= COMPILED_ROWS and n < 2**31 - adjacency.nnz:  # (int32 staging rows)
            from sim.model import kernels  # noqa: PLC0415  (Numba only at scale)

            self._kernels = kernels
            bounds = [0, n]
            if len(os.sched_getaffinity(0)) > 1:
                bounds.insert(1, int(np.searchsorted(adjacency.indptr, adjacency.nnz // 2)))
            where, first = [], n
            for start, stop in itertools.pairwise(bounds):
                source, slot, part_where = kernels.far_ties(adjacency.indptr, adjacency.indices, start, stop,
                                                            kernels.NEAR, first)
                self.parts.append((start, stop, source, slot, first))
                where.append(part_where)
                first += source.shape[0]
            self.where = np.concatenate(where)
            self.staged_rows = first

    def columns(self, k: int) -> np.ndarray:
        """A ``(n, k)`` float64 array to fill with the values to average (reused from call to call)."""
        if k not in self._columns:
            rows = self.staged_rows if self.parts and k in self._kernels.WIDTHS else self.adjacency.shape[0]
            self._columns[k] = np.empty((rows, k))
        return self._columns[k][: self.adjacency.shape[0]]

    def _part(self, part, staged: np.ndarray, out: np.ndarray) -> None:
        start, stop, source, slot, first = part
        self._kernels.neighbour_means(self.adjacency.indptr, self.where, staged, self.divisor, out,
                                      start, stop, source, slot, first)

    def means(self, columns: np.ndarray, fallback) -> np.ndarray:
        """`neighbour_means` of the ``(n, k)`` columns; ``fallback[k]`` where a node has no neighbour.

        On the compiled path the result is a work array (fresh 16 MB a month cost page
        faults at a million citizens): it holds until the next call, so read it within the
        month (the model does).
        """
        k = columns.shape[1]
        if self.parts and k in self._kernels.WIDTHS:
            staged = self._columns.get(k)
            if staged is None or columns.base is not staged:  # values not filled in place: copy them
                self.columns(k)[:] = columns
                staged = self._columns[k]
            if k not in self._totals:
                self._totals[k] = np.empty(columns.shape)
            total = self._totals[k]
            others = [worker_threads().submit(self._part, part, staged, total) for part in self.parts[1:]]
            self._part(self.parts[0], staged, total)  # this thread sums the first part
            for job in others:
                job.result()
        else:
            total = self.adjacency @ columns
            if k not in self._divisors:  # the divisor repeated per column: a plain (fast) division
                self._divisors[k] = np.repeat(self.divisor, k).reshape(-1, k)
            total /= self._divisors[k]
        if self.isolated.shape[0]:
            total[self.isolated] = fallback
        return total
