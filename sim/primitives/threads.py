"""Two threads for the month's large passes, and uniform draws made by both at once.

At a million citizens a month makes several fills of a million uniform draws (3 ms each
on one core). A PCG64 generator can jump ahead (``advance``), so the second half of a fill
can be drawn by a copy of the generator moved past the first half, in the second thread,
while the first half is drawn: the numbers, and the generator's state afterwards, are
exactly those of the one sequential fill (`fill_uniform`; tests compare the two).

How NumPy draws them (``numpy/random/src/distributions``, PCG64): a float64 takes one
64-bit output (``next_double``), a float32 one 32-bit output (``next_float``); PCG64
serves 32-bit outputs as the two halves of a 64-bit one, keeping the unused half in its
state (``has_uint32``, ``uinteger``). Fills below `SPLIT_DRAWS`, other bit generators and
other dtypes are drawn sequentially.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Fills from this many draws on are split across the two threads (where there are two cores).
SPLIT_DRAWS = 200_000
_POOL: ThreadPoolExecutor | None = None


def worker_threads() -> ThreadPoolExecutor:
    """The process's two threads for compiled kernels and draws (both release the GIL)."""
    global _POOL  # noqa: PLW0603  (one pool per process, created on first use)
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="coprod-worker")
    return _POOL


def fill_uniform(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """``rng.random(dtype=out.dtype, out=out)``: the same numbers and final state, drawn by two threads.

    `out` is a C-contiguous float64 or float32 array.
    """
    n = out.shape[0]
    bits = rng.bit_generator
    if (n < SPLIT_DRAWS or type(bits) is not np.random.PCG64 or out.dtype not in (np.float64, np.float32)
            or len(os.sched_getaffinity(0)) < 2):
        return rng.random(dtype=out.dtype, out=out)
    state = bits.state
    first = n // 2
    if out.dtype == np.float64:
        skip = first  # 64-bit outputs the first part uses
    else:  # the first part ends on a whole 64-bit output: the second starts with no half kept
        held = state["has_uint32"]
        first += (first - held) % 2
        skip = (first - held) // 2
    ahead = np.random.PCG64()
    ahead.state = state
    ahead.advance(skip)  # (and keeps no half)
    second = worker_threads().submit(np.random.Generator(ahead).random, dtype=out.dtype, out=out[first:])
    rng.random(dtype=out.dtype, out=out[:first])
    second.result()
    final = ahead.state
    if out.dtype == np.float64:  # 64-bit outputs leave the kept half alone
        final["has_uint32"], final["uinteger"] = state["has_uint32"], state["uinteger"]
    bits.state = final
    return out


def in_halves(n: int, job: Callable[[int, int], object]) -> None:
    """``job(0, n)`` as ``job(0, n // 2)`` in this thread and ``job(n // 2, n)`` in the second.

    For element-by-element work on rows (each row's result its own): the same numbers as one call.
    """
    if n < SPLIT_DRAWS or len(os.sched_getaffinity(0)) < 2:
        job(0, n)
        return
    half = n // 2
    second = worker_threads().submit(job, half, n)
    job(0, half)
    second.result()
