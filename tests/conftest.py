"""Shared fixtures: a small model whose state rules and mechanisms can be applied to."""

from __future__ import annotations

import pytest

from sim.governance import StepContext
from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from tests.helpers import SMALL, small_context, write


@pytest.fixture
def ctx() -> StepContext:
    return small_context()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small sweep experiment file (`tests.helpers.SMALL`, shared with the Dask test)."""
    return write(tmp_path_factory.mktemp("exp") / "small.yaml", SMALL)


@pytest.fixture(scope="module")
def local2(small, tmp_path_factory):
    """The small sweep run on two local worker processes, two runs per chunk."""
    out = tmp_path_factory.mktemp("local2") / "out"
    run_sweep(load_experiment(small), out, workers=2, chunk_size=2, progress="never")
    return out
