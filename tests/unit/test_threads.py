"""Uniform draws split across two threads are exactly the sequential draws (`sim.primitives.threads`)."""

import numpy as np
import pytest

from sim.primitives import threads


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("before", [0, 1, 2, 3])  # 32-bit draws before: an odd count leaves half a 64-bit output kept
@pytest.mark.parametrize("n", [1_000, 1_001, 4_096, 3_333])
def test_a_split_fill_gives_the_sequential_numbers_and_state(monkeypatch, dtype, before, n):
    monkeypatch.setattr(threads, "SPLIT_DRAWS", 1_000)
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0, 1})  # split even on one core
    sequential, split = np.random.default_rng(42), np.random.default_rng(42)
    for rng in (sequential, split):
        rng.random(before, dtype=np.float32)
    expected = sequential.random(n, dtype=dtype)
    got = threads.fill_uniform(split, np.empty(n, dtype))
    assert np.array_equal(got, expected)
    assert split.bit_generator.state == sequential.bit_generator.state
    assert np.array_equal(split.random(7, dtype=np.float32), sequential.random(7, dtype=np.float32))
    assert np.array_equal(split.random(7), sequential.random(7))


def test_small_fills_and_other_bit_generators_are_drawn_in_one_piece(monkeypatch):
    monkeypatch.setattr(threads, "SPLIT_DRAWS", 1_000)
    for make in (lambda: np.random.Generator(np.random.MT19937(3)), lambda: np.random.default_rng(3)):
        a, b = make(), make()
        n = 2_000 if isinstance(a.bit_generator, np.random.MT19937) else 999
        assert np.array_equal(threads.fill_uniform(a, np.empty(n)), b.random(n))
        assert np.array_equal(a.random(5), b.random(5))  # the same state after
