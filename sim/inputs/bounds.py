"""Bounds checked before any work starts: the memory a model of a population would need.

A model's memory grows with its citizens and their ties: measured peaks (creation plus a
step, Python 3.12, mesa 3.5) are about 520 bytes per citizen at degree 6 and 2,670 at
degree 100, linear in the number of citizens (1M and 2.5M at degree 100: 2,667 and 2,665
bytes each). `model_bytes` is a slightly conservative fit of that, ``500 + 22 x degree``
bytes per citizen. A scenario whose model (or a sweep whose concurrent models) would need
more than `MEMORY_SHARE` of the memory available now is refused up front with the
estimate, rather than dying with a MemoryError after minutes of work.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.primitives.errors import Origin, Problem

BYTES_PER_CITIZEN = 500
BYTES_PER_TIE = 22
#: Share of the memory available now that the models of one command may use.
MEMORY_SHARE = 0.8


def model_bytes(citizens: int, degree: int) -> int:
    """Estimated peak memory of one model, in bytes (see the module docstring)."""
    return int(citizens * (BYTES_PER_CITIZEN + BYTES_PER_TIE * degree))


def available_bytes() -> int | None:
    """Memory available to new allocations now (Linux ``MemAvailable``), or ``None`` if unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def size(n: float) -> str:
    """``820 kB``, ``12 MB``, ``13.5 GB``."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def memory_problem(citizens: int, degree: int, models: int = 1, origin: Origin | None = None,
                   available: int | None = None) -> Problem | None:
    """The problem `models` concurrent models of this population would be, if they do not fit.

    Args:
        citizens: Citizens per model.
        degree: Mean ties per citizen.
        models: Models alive at once (local sweep workers).
        origin: Where the population came from.
        available: Memory available, in bytes (default: `available_bytes` now).
    """
    available = available_bytes() if available is None else available
    need = models * model_bytes(citizens, degree)
    if available is None or need <= MEMORY_SHARE * available:
        return None
    each = f"{models} models at once ({size(model_bytes(citizens, degree))} each)" if models > 1 else "one model"
    return Problem(
        "population.citizens",
        f"{citizens:,} citizens with population.degree {degree} need about {size(need)} of memory "
        f"for {each}; {size(available)} is available now",
        allowed=f"populations that fit in {MEMORY_SHARE:.0%} of it ({BYTES_PER_CITIZEN} + "
                f"{BYTES_PER_TIE} x degree bytes per citizen)",
        hint=" (fewer citizens, a smaller degree" + (", or fewer --workers)" if models > 1 else ")"),
        origin=origin)
