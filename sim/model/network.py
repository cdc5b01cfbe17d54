"""Social networks for the agent-based model, as sparse CSR adjacency matrices.

Every generator is vectorised with NumPy (no per-node Python loops) so that
networks with millions of nodes build in about a second.  All of them return a
symmetric 0/1 :class:`scipy.sparse.csr_array` with float64 data, int32
``indices``/``indptr``, sorted column indices, no self-loops and no duplicate
edges.  Randomness comes only from the :class:`numpy.random.Generator` passed
in, so the same generator state always gives identical arrays.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.primitives.errors import InputError, Problem, did_you_mean
from sim.primitives.params import Param

NETWORK_KINDS: tuple[str, ...] = ("small_world", "scale_free", "lattice", "groups")
NETWORK_PARAMS: tuple[Param, ...] = (
    Param("network", "small_world", "Social network kind.", "population", choices=NETWORK_KINDS),
    Param("degree", 6, "Mean number of social ties (lattice: 4 or 8).", "population", 2, 100, source="Watts & Strogatz 1998"),
    Param("rewire", 0.1, "Rewiring probability of the small-world network.", "population", 0, 1),
)


def _csr_from_edges(u: np.ndarray, v: np.ndarray, n: int) -> sp.csr_array:
    """Build the symmetric adjacency of the undirected edges ``u[i]--v[i]``.

    Self-loops are dropped and duplicates removed by sorting int64 keys
    ``row * n + col`` (much faster than ``np.unique`` on millions of keys); the
    sorted keys give the CSR ``indptr`` by binary search and the sorted indices.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    loop = u == v
    if loop.any():
        u, v = u[~loop], v[~loop]
    keys = np.empty(2 * u.size, dtype=np.int64)
    np.multiply(u, n, out=keys[: u.size])
    keys[: u.size] += v
    np.multiply(v, n, out=keys[u.size :])
    keys[u.size :] += u
    del u, v, loop
    keys.sort()
    if keys.size:
        fresh = np.empty(keys.size, dtype=bool)
        fresh[0] = True
        np.not_equal(keys[1:], keys[:-1], out=fresh[1:])
        if not fresh.all():
            keys = keys[fresh]
        del fresh
    bounds = np.arange(n + 1, dtype=np.int64)
    bounds *= n
    indptr = np.searchsorted(keys, bounds).astype(np.int32)
    del bounds
    keys %= n
    indices = keys.astype(np.int32)
    del keys
    data = np.ones(indices.size, dtype=np.float64)
    adjacency = sp.csr_array((data, indices, indptr), shape=(n, n), copy=False)
    adjacency.has_sorted_indices = True
    return adjacency


def _small_world(n: int, degree: int, rewire: float, rng: np.random.Generator) -> sp.csr_array:
    """Watts-Strogatz small-world network (Watts & Strogatz 1998, Nature 393:440).

    A ring lattice joins each node to its ``degree // 2`` nearest neighbours on
    each side; then the far endpoint of each lattice edge is, with probability
    ``rewire``, moved to a node drawn uniformly from all nodes except the near
    endpoint (so no self-loops).  Duplicate edges created by rewiring are
    removed rather than re-drawn, so the edge count can fall slightly below
    ``degree * n / 2``.
    """
    half = degree // 2
    u = np.repeat(np.arange(n, dtype=np.int64), half)
    v = u + np.tile(np.arange(1, half + 1, dtype=np.int64), n)
    v[v >= n] -= n
    if rewire > 0:
        moved = np.flatnonzero(rng.random(u.size) < rewire)
        target = rng.integers(0, n - 1, size=moved.size)
        target += target >= u[moved]  # skip the near endpoint itself
        v[moved] = target
    return _csr_from_edges(u, v, n)


def _scale_free(n: int, degree: int, rng: np.random.Generator) -> sp.csr_array:
    """Barabási-Albert preferential attachment (Barabási & Albert 1999, Science 286:509).

    Uses the edge-list formulation of Batagelj & Brandes (2005, Phys. Rev. E
    71:036113): in the endpoint array ``M``, ``M[2i]`` is the node that adds
    edge ``i`` and ``M[2i+1] = M[r]`` for ``r`` uniform in ``[0, 2i)``, which
    picks an existing node with probability proportional to its degree.  The
    references to earlier targets are resolved all at once by pointer jumping
    (each round doubles the resolved chain length, so O(log n) rounds).  The
    seed is a clique on ``m + 1`` nodes with ``m = max(1, degree // 2)`` edges
    per new node; self-loops and duplicate edges are dropped, so the mean
    degree is slightly below ``2 m``.
    """
    m = max(1, degree // 2)
    seed_u, seed_v = np.triu_indices(min(n, m + 1), 1)
    if n <= m + 1:
        return _csr_from_edges(seed_u, seed_v, n)
    n_seed = seed_u.size
    n_edges = n_seed + m * (n - m - 1)
    ends = np.zeros(2 * n_edges, dtype=np.int64)
    ends[0 : 2 * n_seed : 2] = seed_u
    ends[1 : 2 * n_seed : 2] = seed_v
    ends[2 * n_seed :: 2] = np.repeat(np.arange(m + 1, n, dtype=np.int64), m)
    pointer = np.arange(2 * n_edges, dtype=np.int64)  # fixed point = resolved
    pending = pointer[2 * n_seed + 1 :: 2].copy()
    pointer[pending] = rng.integers(0, pending - 1)  # r uniform in [0, 2i)
    while pending.size:  # pointer jumping until every target is a fixed point
        pending = pending[pointer[pointer[pending]] != pointer[pending]]
        pointer[pending] = pointer[pointer[pending]]
    ends = ends[pointer]
    return _csr_from_edges(ends[0::2], ends[1::2], n)


def _lattice(n: int, degree: int) -> sp.csr_array:
    """2-D torus with von Neumann (``degree=4``) or Moore (``degree=8``) neighbourhoods.

    Nodes are laid row-major on a grid of width ``w = ceil(sqrt(n))``.  When
    ``n`` is not a multiple of ``w`` the last row is partial; every row is then
    a ring over the nodes it actually holds and every column a ring over its
    existing cells, so horizontal and vertical wrap-around only reaches nodes
    that exist.  Diagonal (Moore) links are "right-then-down" and
    "left-then-down" steps on those rings.  On a full grid every node has
    exactly ``degree`` neighbours; next to a partial last row (or on grids
    narrower than 3) a few nodes have fewer because coincident links merge.
    """
    w = math.isqrt(n)
    w += w * w < n
    h = -(-n // w)
    last = n - (h - 1) * w  # length of the (possibly partial) last row
    node = np.arange(n, dtype=np.int64)
    row, col = np.divmod(node, w)

    def step(r: np.ndarray, c: np.ndarray, dc: int) -> tuple[np.ndarray, np.ndarray]:
        return r, (c + dc) % np.where(r == h - 1, last, w)  # along the row's ring

    def down(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return ((r + 1) % np.where(c < last, h, h - 1)) * w + c  # along the column's ring

    targets = [step(row, col, 1)[1] + row * w, down(row, col)]
    if degree == 8:
        targets += [down(*step(row, col, 1)), down(*step(row, col, -1))]
    return _csr_from_edges(np.tile(node, len(targets)), np.concatenate(targets), n)


def _groups(n: int, group_size: int) -> sp.csr_array:
    """Disjoint cliques of ``group_size`` consecutive nodes; the last group may be smaller."""
    pair_u, pair_v = np.triu_indices(group_size, 1)
    start = np.arange(0, n, group_size, dtype=np.int64)[:, None]
    u, v = (start + pair_u).ravel(), (start + pair_v).ravel()
    inside = v < n
    return _csr_from_edges(u[inside], v[inside], n)


def build_network(
    kind: str,
    n: int,
    rng: np.random.Generator,
    *,
    degree: int = 6,
    rewire: float = 0.1,
    group_size: int = 4,
) -> sp.csr_array:
    """Build a social network of ``n`` agents.

    Args:
        kind: One of :data:`NETWORK_KINDS`.
        n: Number of nodes (>= 1).
        rng: The only source of randomness; the same state gives identical arrays.
        degree: Target mean degree.  ``small_world``: even, ``2 <= degree <= n - 1``;
            ``scale_free``: ``>= 1`` (``m = max(1, degree // 2)`` edges per new node);
            ``lattice``: 4 (von Neumann) or 8 (Moore); ignored by ``groups``.
        rewire: Watts-Strogatz rewiring probability in ``[0, 1]``.
        group_size: Clique size for ``groups`` (>= 2).

    Returns:
        Symmetric 0/1 adjacency (float64 data, int32 sorted indices and indptr,
        no self-loops, no duplicate edges), shape ``(n, n)``.

    Raises:
        InputError: If ``kind`` is unknown or ``degree`` does not fit it and ``n`` (see
            `network_problems`).
    """
    if problems := network_problems(kind, n, degree):
        raise InputError(problems)
    if kind == "small_world":
        return _small_world(n, degree, rewire, rng)
    if kind == "scale_free":
        return _scale_free(n, degree, rng)
    if kind == "lattice":
        return _lattice(n, degree)
    return _groups(n, group_size)


def network_problems(kind: str, citizens: int, degree: int) -> list[Problem]:
    """What is wrong with a network's size and degree together (nothing is built).

    The single values are checked by their declared parameters; these are the limits
    that depend on the network kind and on the number of citizens. Problems name the
    model parameters (``degree``, ``citizens``, ``network``).
    """
    if kind not in NETWORK_KINDS:
        return [Problem("network", "invalid", kind, "one of: " + ", ".join(NETWORK_KINDS),
                        did_you_mean(kind, NETWORK_KINDS))]
    if citizens < 1:
        return [Problem("citizens", "invalid", citizens, "an integer >= 1")]
    if kind == "small_world" and (degree < 2 or degree % 2 or degree > citizens - 1):
        allowed = f"an even integer in [2, citizens - 1] for network 'small_world' (citizens = {citizens})"
        return [Problem("degree", "invalid", degree, allowed)]
    if kind == "scale_free" and degree < 1:
        return [Problem("degree", "invalid", degree, "an integer >= 1 for network 'scale_free'")]
    if kind == "lattice" and degree not in (4, 8):
        return [Problem("degree", "invalid", degree, "4 (von Neumann) or 8 (Moore) for network 'lattice'")]
    return []


def to_networkx(adjacency: sp.csr_array) -> nx.Graph:
    """Convert an adjacency matrix to a :class:`networkx.Graph` (for drawing small graphs only)."""
    return nx.from_scipy_sparse_array(adjacency)
