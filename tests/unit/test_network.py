"""Tests for sim.model.network: exact small cases, invariants, determinism and validation."""

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.neighbourhood import neighbour_mean
from sim.model.network import NETWORK_KINDS, build_network, to_networkx
from sim.primitives.errors import InputError


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def neighbours(adjacency: sp.csr_array, i: int) -> set[int]:
    return set(adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]].tolist())


def edge_set(adjacency: sp.csr_array) -> set[tuple[int, int]]:
    coo = sp.triu(adjacency, k=1).tocoo()
    return set(zip(coo.row.tolist(), coo.col.tolist(), strict=True))


def assert_well_formed(adjacency: sp.csr_array, n: int) -> None:
    assert isinstance(adjacency, sp.csr_array)
    assert adjacency.shape == (n, n)
    assert adjacency.indices.dtype == np.int32
    assert adjacency.indptr.dtype == np.int32
    assert adjacency.data.dtype == np.float64
    assert np.all(adjacency.data == 1.0)
    assert adjacency.has_canonical_format  # sorted indices, no duplicate entries
    rows = np.repeat(np.arange(n), np.diff(adjacency.indptr))
    assert np.all((np.diff(adjacency.indices) > 0) | (np.diff(rows) > 0))  # strictly sorted rows
    assert np.all(adjacency.diagonal() == 0)
    assert (adjacency != adjacency.T).nnz == 0


# --- exact cases --------------------------------------------------------------------------


def test_small_world_without_rewiring_is_ring_lattice():
    adjacency = build_network("small_world", 10, rng(), degree=4, rewire=0.0)
    assert_well_formed(adjacency, 10)
    for i in range(10):
        assert neighbours(adjacency, i) == {(i + d) % 10 for d in (-2, -1, 1, 2)}


def test_groups_are_consecutive_cliques_with_smaller_last_group():
    adjacency = build_network("groups", 10, rng(), group_size=4)
    assert_well_formed(adjacency, 10)
    expected = nx.Graph()
    expected.add_nodes_from(range(10))
    for group in ([0, 1, 2, 3], [4, 5, 6, 7], [8, 9]):
        expected.add_edges_from((a, b) for a in group for b in group if a < b)
    assert edge_set(adjacency) == set(expected.edges)


def test_lattice_von_neumann_on_3x3_torus():
    adjacency = build_network("lattice", 9, rng(), degree=4)
    assert_well_formed(adjacency, 9)
    for i in range(9):
        r, c = divmod(i, 3)
        expected = {((r + 1) % 3) * 3 + c, ((r - 1) % 3) * 3 + c, r * 3 + (c + 1) % 3}
        expected.add(r * 3 + (c - 1) % 3)
        assert neighbours(adjacency, i) == expected


def test_lattice_moore_on_4x4_torus():
    adjacency = build_network("lattice", 16, rng(), degree=8)
    for i in range(16):
        r, c = divmod(i, 4)
        expected = {
            ((r + dr) % 4) * 4 + (c + dc) % 4
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr, dc) != (0, 0)
        }
        assert neighbours(adjacency, i) == expected


def test_lattice_partial_last_row_wraps_only_to_existing_nodes():
    # n=10 -> width 4: rows [0..3], [4..7], [8, 9]; column 2 and 3 have only two cells.
    adjacency = build_network("lattice", 10, rng(), degree=4)
    assert_well_formed(adjacency, 10)
    assert neighbours(adjacency, 8) == {9, 4, 0}  # row ring {8, 9}; column ring {0, 4, 8}
    assert neighbours(adjacency, 3) == {2, 0, 7}  # column 3 ring is {3, 7}
    assert np.diff(adjacency.indptr).max() == 4


def test_scale_free_matches_sequential_batagelj_brandes():
    """Pointer jumping must equal the sequential recurrence M[2i+1] = M[r] with the same draws."""
    n, m = 60, 2
    adjacency = build_network("scale_free", n, rng(5), degree=2 * m)
    seed_u, seed_v = np.triu_indices(m + 1, 1)
    ends = [x for pair in zip(seed_u.tolist(), seed_v.tolist(), strict=True) for x in pair]
    odd = np.arange(len(ends) + 1, 2 * (len(seed_u) + m * (n - m - 1)), 2)
    draws = rng(5).integers(0, odd - 1).tolist()
    for node in range(m + 1, n):
        for _ in range(m):
            ends += [node, ends[draws[len(ends) // 2 - len(seed_u)]]]
    expected = {
        (min(a, b), max(a, b)) for a, b in zip(ends[::2], ends[1::2], strict=True) if a != b
    }
    assert edge_set(adjacency) == expected


def test_scale_free_small_n_is_a_clique():
    adjacency = build_network("scale_free", 3, rng(), degree=6)
    assert edge_set(adjacency) == {(0, 1), (0, 2), (1, 2)}


def test_single_node_has_no_edges():
    for kind, degree in (("scale_free", 6), ("lattice", 4), ("groups", 6)):
        adjacency = build_network(kind, 1, rng(), degree=degree)
        assert adjacency.shape == (1, 1)
        assert adjacency.nnz == 0


def test_neighbour_mean_hand_made_graph_with_isolated_node():
    # edges 0-1, 1-2; node 3 isolated.
    adjacency = sp.csr_array(
        (np.ones(4), np.array([1, 0, 2, 1], dtype=np.int32), np.array([0, 1, 3, 4, 4])),
        shape=(4, 4),
    )
    degree = np.diff(adjacency.indptr)
    values = np.array([1.0, 2.0, 4.0, 8.0])
    assert neighbour_mean(adjacency, values, degree, 7.0).tolist() == [2.0, 2.5, 2.0, 7.0]
    fallback = np.array([-1.0, -2.0, -3.0, -4.0])
    assert neighbour_mean(adjacency, values, degree, fallback).tolist() == [2.0, 2.5, 2.0, -4.0]


def test_neighbour_mean_matches_dense_computation():
    adjacency = build_network("scale_free", 200, rng(3), degree=4)
    values = rng(4).random(200)
    degree = np.diff(adjacency.indptr)
    dense = adjacency.toarray()
    np.testing.assert_allclose(
        neighbour_mean(adjacency, values, degree, 0.0), dense @ values / degree
    )


def test_to_networkx_preserves_edges():
    adjacency = build_network("small_world", 30, rng(), degree=4)
    graph = to_networkx(adjacency)
    assert graph.number_of_nodes() == 30
    assert set(map(tuple, map(sorted, graph.edges))) == edge_set(adjacency)


# --- invariants ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(NETWORK_KINDS),
    n=st.integers(50, 600),
    degree_half=st.integers(1, 4),
    rewire=st.floats(0.0, 1.0),
    group_size=st.integers(2, 9),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants(kind, n, degree_half, rewire, group_size, seed):
    degree = {"lattice": 4 * (1 + degree_half % 2)}.get(kind, 2 * degree_half)
    adjacency = build_network(
        kind, n, rng(seed), degree=degree, rewire=rewire, group_size=group_size
    )
    assert_well_formed(adjacency, n)
    mean_degree = adjacency.nnz / n
    if kind == "groups":
        sizes = np.diff(np.append(np.arange(0, n, group_size), n))
        assert np.array_equal(np.diff(adjacency.indptr), np.repeat(sizes - 1, sizes))
    else:
        # small_world has exactly degree*n/2 edges before duplicates from rewiring are removed.
        assert degree * (1 - 2 / math.sqrt(n)) <= mean_degree <= degree
        if kind == "lattice":
            assert np.diff(adjacency.indptr).max() <= degree


@pytest.mark.parametrize(("width", "height"), [(3, 3), (5, 5), (10, 9), (20, 19)])
@pytest.mark.parametrize("degree", [4, 8])
def test_full_lattice_is_regular(width, height, degree):
    adjacency = build_network("lattice", width * height, rng(), degree=degree)
    assert np.all(np.diff(adjacency.indptr) == degree)


def test_scale_free_has_heavy_tail():
    adjacency = build_network("scale_free", 20_000, rng(1), degree=6)
    degree = np.diff(adjacency.indptr)
    assert abs(degree.mean() - 6) < 0.1
    assert degree.max() > 30 * degree.mean()
    small_world_max = np.diff(build_network("small_world", 20_000, rng(1)).indptr).max()
    assert small_world_max < 3 * 6


# --- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NETWORK_KINDS)
def test_same_seed_gives_identical_arrays(kind):
    degree = 4 if kind == "lattice" else 6
    a = build_network(kind, 2_000, rng(42), degree=degree)
    b = build_network(kind, 2_000, rng(42), degree=degree)
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)


@pytest.mark.parametrize("kind", ["small_world", "scale_free"])
def test_different_seed_gives_different_network(kind):
    a = build_network(kind, 2_000, rng(1))
    b = build_network(kind, 2_000, rng(2))
    assert not (np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices))


# --- validation ---------------------------------------------------------------------------


def test_unknown_kind_names_field_value_choices_and_suggestion():
    with pytest.raises(InputError) as err:
        build_network("smallworld", 10, rng())
    (problem,) = err.value.problems
    assert (problem.field, problem.value) == ("network", "smallworld")
    assert "small_world, scale_free, lattice, groups" in problem.allowed
    assert "did you mean 'small_world'?" in str(err.value)


@pytest.mark.parametrize(
    ("kind", "kwargs", "field", "allowed"),
    [
        ("groups", {"n": 0}, "citizens", "an integer >= 1"),
        ("small_world", {"degree": 5}, "degree", "an even integer in [2, citizens - 1]"),
        ("small_world", {"degree": 0}, "degree", "an even integer in [2, citizens - 1]"),
        ("small_world", {"degree": 10}, "degree", "(citizens = 10)"),
        ("scale_free", {"degree": 0}, "degree", "an integer >= 1 for network 'scale_free'"),
        ("lattice", {"degree": 6}, "degree", "4 (von Neumann) or 8 (Moore)"),
    ],
)
def test_degree_and_size_that_do_not_fit_the_kind_are_input_errors(kind, kwargs, field, allowed):
    kwargs = {"n": 10, **kwargs}
    with pytest.raises(InputError) as err:
        build_network(kind, rng=rng(), **kwargs)
    (problem,) = err.value.problems
    assert problem.field == field and allowed in problem.allowed
    assert problem.value == kwargs["n" if field == "citizens" else field]
