"""Network layout for the dashboard: computed once per network, cached.

A spectral start and a few vectorised force-directed iterations place up to `MAX_DRAWN`
citizens in the unit square (about 0.2 s at 1,000 citizens, against several seconds for
`networkx.spring_layout`); larger populations show a connected neighbourhood of that size,
disconnected components are laid out on a grid. Plain NumPy and SciPy, no drawing.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import eigsh

#: Citizens drawn at most; larger populations show a connected neighbourhood of this size.
MAX_DRAWN = 2000



@dataclass(frozen=True)
class Layout:
    """Positions of the citizens drawn, in the unit square.

    Attributes:
        nodes: Indices of the citizens drawn (all of them up to `MAX_DRAWN`).
        pos: Their positions, shape ``(len(nodes), 2)``.
        segments: Ties among them as line segments, shape ``(ties, 2, 2)``.
        total: Number of citizens in the model.
        seconds: Time the layout took.
    """

    nodes: np.ndarray
    pos: np.ndarray
    segments: np.ndarray
    total: int
    seconds: float

    @property
    def sampled(self) -> bool:
        """Whether only part of the population is drawn."""
        return len(self.nodes) < self.total


def _sample(adjacency: sp.csr_array, max_nodes: int) -> np.ndarray:
    """Up to `max_nodes` citizens forming connected neighbourhoods (breadth-first)."""
    n = adjacency.shape[0]
    if n <= max_nodes:
        return np.arange(n)
    count, labels = connected_components(adjacency, directed=False)
    chosen: list[np.ndarray] = []
    size = 0
    if count == 1:
        return np.sort(breadth_first_order(adjacency, 0, directed=False, return_predecessors=False)[:max_nodes])
    sizes = np.bincount(labels)
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for label in range(count):  # labels are numbered in order of their first citizen
        members = order[starts[label] : starts[label + 1]]
        if size + len(members) > max_nodes:
            root = int(members[0])
            bfs = breadth_first_order(adjacency, root, directed=False, return_predecessors=False)
            chosen.append(bfs[: max_nodes - size])
            break
        chosen.append(members)
        size += len(members)
        if size >= max_nodes:
            break
    return np.sort(np.concatenate(chosen))


def _force_directed(adjacency: sp.csr_array, pos: np.ndarray, iterations: int) -> np.ndarray:
    """Fruchterman-Reingold iterations, vectorised (all-pairs repulsion in float32)."""
    n = adjacency.shape[0]
    upper = sp.triu(adjacency, 1).tocoo()
    u, v = upper.row, upper.col
    x = pos[:, 0].astype(np.float32)
    y = pos[:, 1].astype(np.float32)
    k2 = np.float32(1.0 / n)
    sqrt_n = np.float32(math.sqrt(n))
    step = 0.05
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        d2 = dx * dx
        d2 += dy * dy
        d2 += np.float32(1e-5)
        np.divide(k2, d2, out=d2)
        fx = (d2 * dx).sum(axis=1)
        fy = (d2 * dy).sum(axis=1)
        ex, ey = x[u] - x[v], y[u] - y[v]
        pull = np.sqrt(ex * ex + ey * ey) * sqrt_n
        ax, ay = ex * pull, ey * pull
        fx -= np.bincount(u, ax, n) - np.bincount(v, ax, n)
        fy -= np.bincount(u, ay, n) - np.bincount(v, ay, n)
        length = np.sqrt(fx * fx + fy * fy) + 1e-9
        scale = np.minimum(length, step) / length
        x += fx * scale
        y += fy * scale
        step *= 0.93
    return np.column_stack([x, y]).astype(np.float64)


def _spectral(adjacency: sp.csr_array, rng: np.random.Generator) -> np.ndarray:
    """Laplacian eigenvectors 2 and 3 of a connected graph (a spectral layout).

    As networkx's `spectral_layout`, with a seeded start vector so that the same network
    always gets the same picture.
    """
    n = adjacency.shape[0]
    laplacian = csgraph.laplacian(adjacency.astype(np.float64))
    if n < 500:
        _, vectors = np.linalg.eigh(laplacian.toarray())
        return vectors[:, 1:3]
    ncv = max(7, int(math.sqrt(n)))
    _, vectors = eigsh(laplacian, k=3, which="SM", ncv=ncv, v0=rng.random(n))
    return vectors[:, 1:3]


def _normalise(pos: np.ndarray) -> np.ndarray:
    """Fit positions into the unit square (outliers beyond the 0.5/99.5 percentiles clipped)."""
    lo = np.percentile(pos, 0.5, axis=0)
    hi = np.percentile(pos, 99.5, axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    return np.clip((pos - lo) / span, 0.0, 1.0)


def _components_grid(labels: np.ndarray, count: int) -> np.ndarray:
    """Many small components (e.g. lab groups): each on a circle in its own grid cell."""
    side = math.ceil(math.sqrt(count))
    cell = 1.0 / side
    pos = np.zeros((labels.shape[0], 2))
    order = np.argsort(labels, kind="stable")
    sizes = np.bincount(labels, minlength=count)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for label in range(count):
        members = order[starts[label] : starts[label + 1]]
        cx = (label % side + 0.5) * cell
        cy = 1.0 - (label // side + 0.5) * cell
        if len(members) == 1:
            pos[members] = (cx, cy)
            continue
        angle = 2 * math.pi * np.arange(len(members)) / len(members)
        radius = 0.32 * cell
        pos[members, 0] = cx + radius * np.cos(angle)
        pos[members, 1] = cy + radius * np.sin(angle)
    return pos


def compute_layout(adjacency: sp.csr_array, max_nodes: int = MAX_DRAWN, seed: int = 0) -> Layout:
    """Lay out the citizens' network once (no `spring_layout`: ~0.2 s at 1,000 citizens).

    A connected-enough network gets a spectral embedding refined by 40 vectorised
    force-directed iterations; a network of many small components (lab groups) gets one
    circle per component on a grid. Above `max_nodes` citizens, connected neighbourhoods
    of `max_nodes` citizens are drawn.
    """
    import time  # noqa: PLC0415

    start = time.perf_counter()
    adjacency = sp.csr_array(adjacency)
    nodes = _sample(adjacency, max_nodes)
    sub = adjacency[nodes][:, nodes] if len(nodes) < adjacency.shape[0] else adjacency
    sub = sp.csr_array(sub)
    n = sub.shape[0]
    count, labels = connected_components(sub, directed=False)
    giant = np.bincount(labels).max() if n else 0
    rng = np.random.default_rng(seed)
    if n <= 2:
        pos = rng.random((n, 2))
    elif giant < 0.5 * n:
        pos = _components_grid(labels, count)
    else:
        main = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
        init = rng.random((n, 2)) - 0.5
        if len(main) > 3:
            spectral = _spectral(sp.csr_array(sub[main][:, main]), rng)
            spectral = (spectral - spectral.mean(axis=0)) / (spectral.std(axis=0) + 1e-12) * 0.3
            init[main] = spectral
        pos = _normalise(_force_directed(sub, init, 40))
    upper = sp.triu(sub, 1).tocoo()
    segments = np.stack([pos[upper.row], pos[upper.col]], axis=1)
    return Layout(nodes, pos, segments, adjacency.shape[0], time.perf_counter() - start)


_CACHE: OrderedDict[str, Layout] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def network_layout(adjacency: sp.csr_array, max_nodes: int = MAX_DRAWN) -> Layout:
    """`compute_layout`, cached by the network's structure.

    A reset with the same network and seed reuses the layout, so citizens keep their
    places between runs.
    """
    adjacency = sp.csr_array(adjacency)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.asarray(adjacency.shape, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(adjacency.indptr).tobytes())
    digest.update(np.ascontiguousarray(adjacency.indices).tobytes())
    key = f"{digest.hexdigest()}:{max_nodes}"
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    layout = compute_layout(adjacency, max_nodes)
    with _CACHE_LOCK:
        _CACHE[key] = layout
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return layout
