"""Directional test of appeals against fines (`sim.governance.appeals`) over a grid and seeds.

Consultation with administration fines (monitoring 0.6, the threshold 0.2) over detection
error x the regime's legitimacy, three seeds each, with and without an arbiter: where
monitoring errs, the arbiter refunds the wrongful fines, so trust and legitimacy are
higher; where it does not err, only frivolous appeals are heard, and they change nothing
but the administration's cost. ``pytest -s`` prints the means per cell.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np

from sim import CoProductionModel
from sim.inputs.scenario import load_scenario

ERRORS = (0.0, 0.15, 0.3)
LEGITIMACY = (0.4, 0.8)
SEEDS = (1, 2, 3)
MONTHS = 120
OUTCOMES = ("trust", "exit_share", "legitimacy", "participation", "admin_cost", "appeals_filed", "appeals_upheld")


@cache
def cell(error: float, legitimacy: float, appeals: str) -> dict[str, float]:
    """Steady-state means (final 24 months) over the seeds of one cell."""
    base = {**load_scenario("consultative").model_kwargs(), "citizens": 300, "sanctions": "admin",
            "monitoring": 0.6, "detection_error": error, "legitimacy": legitimacy, "appeals": appeals}
    rows = []
    for seed in SEEDS:
        model = CoProductionModel(rng=seed, **base)
        for _ in range(MONTHS):
            model.step()
        rows.append(model.datacollector.get_model_vars_dataframe().tail(24).mean())
    return {o: float(np.mean([r[o] for r in rows])) for o in OUTCOMES}


def test_appeals_raise_trust_where_monitoring_errs_and_cost_only_money_where_it_does_not():
    print()
    for error, legitimacy in itertools.product(ERRORS, LEGITIMACY):
        off, on = cell(error, legitimacy, "none"), cell(error, legitimacy, "arbiter")
        print(f"error {error} legitimacy {legitimacy}: " + ", ".join(
            f"{o} {off[o]:.4f} -> {on[o]:.4f}" for o in OUTCOMES))
        assert on["appeals_filed"] > 0 and on["admin_cost"] > off["admin_cost"]  # hearings cost
        if error > 0:
            assert on["trust"] > off["trust"] + 0.05
            assert on["legitimacy"] > off["legitimacy"] + 0.05
            assert on["appeals_upheld"] > 0.5 * on["appeals_filed"]  # most appeals are the wrongly fined
        else:  # only offenders appeal; the few the arbiter wrongly refunds barely move anything
            assert on["appeals_upheld"] < 0.2 * on["appeals_filed"]
            for o in ("trust", "exit_share", "participation", "legitimacy"):
                assert abs(on[o] - off[o]) < 0.005, o
