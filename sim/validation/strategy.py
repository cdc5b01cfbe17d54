"""Eliciting contributor types with the strategy method (Fischbacher, Gächter & Fehr 2001).

Each simulated citizen states, through the model's own decision rule at the lab's
incentives (a token costs 1 and returns MPCR 0.4, no administration, decision noise on),
how much it would contribute for each average contribution of the others on a 21-point
grid. The schedules are then classified with the paper's criteria: free riders give zero
everywhere; conditional cooperators' schedules have a significantly positive Spearman
correlation with others' contribution; hump-shaped ones rise to an interior peak and fall
after it; the rest are "others".
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from sim.model import behaviour
from sim.model.coproduction import CoProductionModel

GRID = np.linspace(0.0, 1.0, 21)
#: Spearman correlation significant at the 1 % level for 21 points (two-sided).
RHO_1PCT = 0.555
ZERO = 0.025  # a stated contribution below half a token of 20 counts as zero


def elicit(model: CoProductionModel, rng: np.random.Generator) -> np.ndarray:
    """Stated contribution of every citizen for every grid value: shape (citizens, 21)."""
    c, p = model.citizens, model.p
    factor, gain = behaviour.incentive_factors(
        np.ones(c.n), behaviour.REFERENCE_RETURN, 0.0, p["incentive_sensitivity"]
    )
    neutral = np.ones(c.n)  # no administration in the lab: trust and efficacy play no part
    out = np.empty((c.n, GRID.size))
    for j, b in enumerate(GRID):
        tau = behaviour.schedule(c.slope, c.level, model.hump_index(), np.full(c.n, b))
        want = behaviour.willingness(tau, neutral, factor, gain)
        out[:, j] = behaviour.add_noise(want, p["decision_noise"], rng)
    return out


def _spearman_rows(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row of `y` with `x` (0 for constant rows)."""
    ry = rankdata(y, axis=1)
    rx = rankdata(x)
    ry -= ry.mean(1, keepdims=True)
    rx = rx - rx.mean()
    den = np.sqrt((ry**2).sum(1) * (rx**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (ry @ rx) / np.where(den > 0, den, 1.0), 0.0)


def classify(schedules: np.ndarray) -> np.ndarray:
    """Type name per schedule: free_rider, conditional, hump or other."""
    n = schedules.shape[0]
    kinds = np.full(n, "other", dtype=object)
    free = (schedules <= ZERO).all(1)
    kinds[free] = "free_rider"
    peak = schedules.argmax(1)
    interior = (peak >= 3) & (peak <= GRID.size - 4) & ~free
    for i in np.flatnonzero(interior):
        k = peak[i]
        up = _spearman_rows(schedules[i : i + 1, : k + 1], GRID[: k + 1])[0]
        down = _spearman_rows(schedules[i : i + 1, k:], GRID[k:])[0]
        if up > 0.5 and down < -0.5 and schedules[i, -1] < 0.6 * schedules[i, k]:
            kinds[i] = "hump"
    rho = _spearman_rows(schedules, GRID)
    kinds[(kinds == "other") & ~free & (rho > RHO_1PCT)] = "conditional"
    return kinds


def recovered_shares(model: CoProductionModel, seed: int) -> dict[str, float]:
    """Shares of each elicited type in the model's population."""
    kinds = classify(elicit(model, np.random.default_rng(seed)))
    return {k: float(np.mean(kinds == k)) for k in ("conditional", "free_rider", "hump", "other")}
