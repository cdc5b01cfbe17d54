"""Exact Shapley values and one-at-a-time switches over every combination of k levers.

Combination ``mask`` (an integer, bit ``i`` for lever ``i``) is scenario A with the levers
whose bits are set switched to scenario B's values: ``0`` is A, ``2**k - 1`` is B. Given
the value of every combination (per replication, on shared seeds), lever ``i``'s Shapley
value is the average of its marginal contributions over every order of switching::

    phi_i = sum over S not containing i of |S|! (k - |S| - 1)! / k! * (v(S + i) - v(S))

They add up exactly to ``v(B) - v(A)`` (efficiency), replication by replication. The
one-at-a-time switches are ``v({i}) - v(A)`` (lever i alone switched from A) and
``v(B) - v(B without i)`` (lever i alone switched back from B).
"""

from __future__ import annotations

from math import factorial

import numpy as np

MAX_LEVERS = 8


def weights(k: int) -> np.ndarray:
    """Shapley weight of a coalition of size s (index s) among k players."""
    return np.array([factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)])


def shapley(values: np.ndarray) -> np.ndarray:
    """Shapley values per replication.

    Args:
        values: Shape (replications, 2**k): the value of every combination.

    Returns:
        Shape (replications, k).
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    k = int(np.log2(values.shape[1]))
    assert values.shape[1] == 2**k, "one value per combination of the levers"
    w = weights(k)
    masks = np.arange(2**k)
    sizes = np.array([bin(m).count("1") for m in masks])
    out = np.zeros((values.shape[0], k))
    for i in range(k):
        without = masks[(masks >> i) & 1 == 0]
        gains = values[:, without | (1 << i)] - values[:, without]
        out[:, i] = gains @ w[sizes[without]]
    return out


def one_at_a_time(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per replication and lever: the switch from A alone, and the switch back from B alone."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    k = int(np.log2(values.shape[1]))
    full = 2**k - 1
    on = np.stack([values[:, 1 << i] - values[:, 0] for i in range(k)], axis=1)
    off = np.stack([values[:, full] - values[:, full ^ (1 << i)] for i in range(k)], axis=1)
    return on, off
