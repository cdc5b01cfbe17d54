"""Shared fixtures: a small model whose state rules and mechanisms can be applied to."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.governance import StepContext


def small_context(seed: int = 3, n: int = 200, **params) -> StepContext:
    """A step context over a freshly drawn population with a few steps of history."""
    params.setdefault("degree", 2 if n < 10 else 6)
    model = CoProductionModel(rng=seed, citizens=n, **params)
    for _ in range(3):
        model.step()
    c = model.citizens
    return StepContext(c, np.full(n, 0.4), np.full(n, 0.5))


@pytest.fixture
def ctx() -> StepContext:
    return small_context()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small sweep experiment file of tests/test_sweep.py (shared with the Dask test)."""
    from tests.test_sweep import SMALL, write  # noqa: PLC0415

    return write(tmp_path_factory.mktemp("exp") / "small.yaml", SMALL)


@pytest.fixture(scope="module")
def local2(small, tmp_path_factory):
    """The small sweep run on two local worker processes."""
    from tests.test_sweep import sweep_local2  # noqa: PLC0415

    return sweep_local2(small, tmp_path_factory.mktemp("local2") / "out")
