"""Random streams of their own for mechanisms that can be switched on or off.

A mechanism that draws from the model's main generator shifts every later draw of the run
when it is switched on, so two runs of one seed that differ in that lever differ in
everything else too. Each mechanism here draws from its own stream instead (common random
numbers across levers), derived from the model's seed by a fixed tag: the same stream
whatever other mechanisms exist or the order they are built in (unlike
``Generator.spawn``, whose children are numbered in the order they are asked for).
"""

from __future__ import annotations

import numpy as np

#: Tags of the mechanisms' streams (large, so they never meet ``spawn``'s children 0, 1, ...).
CIVIL_SOCIETY, LIFECYCLE, PERSONAL_BUDGETS, ENGAGEMENT = 1_300_001, 1_300_002, 1_300_003, 1_300_004
#: The appeals' decisions (`sim.governance.appeals`).
APPEALS = 1_300_011


def own_stream(rng: np.random.Generator, tag: int) -> np.random.Generator:
    """A generator derived from `rng`'s seed and `tag` alone; `rng`'s state is untouched."""
    seq = rng.bit_generator.seed_seq
    if not isinstance(seq, np.random.SeedSequence):  # built from a state: no seed to derive from
        return rng.spawn(1)[0]
    child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, tag), pool_size=seq.pool_size)
    return np.random.Generator(type(rng.bit_generator)(child))
