"""The step record: what one step computed, kept by the model as ``model.last_step``.

Reporters, validation patterns and the dashboard read a step through this record and the
classification functions below, so "took part" and "free riding" are defined once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: A contribution (or input) below this share of capacity does not count as taking part.
PARTICIPATION_EPS = 0.05


@dataclass
class StepRecord:
    """One step's per-citizen results and outcomes (arrays indexed by citizen).

    Attributes:
        step: The model's step number (1 for the first step).
        contribution: Effort given, share of capacity in [0, 1], after access.
        inputs: What each citizen handed in (the contribution; a report: 1, in reporting).
        willing: Wanted to contribute something (before access).
        eligible: May contribute under the access rule.
        uses: Used the public service.
        matured: Had input reach the administration's response this step (after its delay).
        acted: Of those, had it acted on.
        outcomes: The reporters' values for this step (`sim.model.reporters.REPORTERS`).
    """

    step: int
    contribution: np.ndarray
    inputs: np.ndarray
    willing: np.ndarray
    eligible: np.ndarray
    uses: np.ndarray
    matured: np.ndarray | None = None
    acted: np.ndarray | None = None
    outcomes: dict[str, float] = field(default_factory=dict)


def took_part(record: StepRecord) -> np.ndarray:
    """Citizens who took part this step: handed in more than `PARTICIPATION_EPS`."""
    return record.inputs > PARTICIPATION_EPS


def free_riding(record: StepRecord) -> np.ndarray:
    """Citizens who used the service, were eligible to contribute, and did not want to."""
    return record.uses & record.eligible & ~record.willing


def free_riding_base(record: StepRecord) -> np.ndarray:
    """Citizens who could free ride: users eligible to contribute (the share's denominator)."""
    return record.uses & record.eligible
