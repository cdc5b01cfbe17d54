"""A/B comparisons: two settings run on the same seed, and what differs (no Solara)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboards.runs import build_model, timeseries
from dashboards.settings import Settings
from sim.analysis.headline import STEADY_WINDOW


@dataclass(frozen=True)
class Comparison:
    """Two runs on the same seed.

    Attributes:
        a: Time series of setting A.
        b: Time series of setting B.
        seed: The seed both used.
        steps: Steps run.
        differences: ``(name, value in A, value in B)`` for each parameter that differs.
    """

    a: pd.DataFrame
    b: pd.DataFrame
    seed: int
    steps: int
    differences: tuple[tuple[str, Any, Any], ...]

    def summary(self, reporters: tuple[str, ...]) -> list[dict[str, Any]]:
        """Per reporter: steady state (mean of the final months) and final value of A and B."""
        window = min(STEADY_WINDOW, self.steps)
        rows = []
        for r in reporters:
            sa, sb = float(self.a[r].iloc[-window:].mean()), float(self.b[r].iloc[-window:].mean())
            rows.append({"reporter": r, "steady A": sa, "steady B": sb, "B - A": sb - sa,
                         "final A": float(self.a[r].iloc[-1]), "final B": float(self.b[r].iloc[-1]),
                         "window": window})
        return rows


def compare(a: Settings, b: Settings, steps: int, seed: int) -> Comparison:
    """Run A and B for `steps` steps, both with `seed` (raises `InputError`)."""
    a = Settings(a.scenario, a.overrides, seed)
    b = Settings(b.scenario, b.overrides, seed)
    frames, params = [], []
    for settings in (a, b):
        model, kwargs = build_model(settings)
        for _ in range(steps):
            model.step()
        frames.append(timeseries(model))
        params.append(kwargs)
    differences = tuple(
        (k, params[0][k], params[1][k]) for k in params[0] if k != "rng" and params[0][k] != params[1][k]
    )
    return Comparison(frames[0], frames[1], seed, steps, differences)
