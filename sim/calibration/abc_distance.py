"""The distance of `sim.calibration.distance` as a pyabc component.

`ScaledDistance` is what pyabc calls to compare a particle's statistics with the data.
Scales not given (those of observed series) are estimated in `initialize`, from pyabc's
calibration sample of prior draws taken before generation 0, and handed to `record`
(the fit writes them to ``statistics.json``, so ``--resume`` uses the very same scales).
It is its own module because it needs pyabc, which takes seconds to import.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pyabc

from sim.calibration.distance import prior_scale, scaled_distance
from sim.primitives.errors import InputError, Problem


class ScaledDistance(pyabc.Distance):
    """pyabc distance `scaled_distance`; scales not given are estimated from the prior sample.

    Args:
        weights: Statistic -> weight (0 leaves it out).
        scales: Statistic -> scale, ``None`` for those to estimate (`prior_scale`).
        record: Called once with the completed scales when they are estimated (the fit
            writes them to ``statistics.json``); not called on a worker.
    """

    def __init__(self, weights: Mapping[str, float], scales: Mapping[str, float | None],
                 record: Callable[[dict[str, float]], None] | None = None):
        super().__init__()
        self.weights, self.scales, self.record = dict(weights), dict(scales), record

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "record": None}  # workers only compute distances

    def requires_calibration(self) -> bool:
        """Whether some scale still has to be estimated from the prior sample."""
        return any(s is None for s in self.scales.values())

    def initialize(self, t: int, get_sample: Callable[[], Any], x_0: dict, total_sims: int) -> None:
        """Estimate the missing scales from pyabc's calibration sample (prior draws)."""
        if not self.requires_calibration():
            return
        stats = get_sample().all_sum_stats
        for name, scale in self.scales.items():
            if scale is None:
                self.scales[name] = prior_scale([float(s.get(name, math.nan)) for s in stats])
        if not any(self.scales[n] and w for n, w in self.weights.items()):
            raise InputError(Problem("parameters", "no statistic varies over the prior: the fitted "
                                     "parameters do not move the targets", allowed="parameters that "
                                     "change the observed outcomes (see docs/calibration.md)"))
        if self.record is not None:
            self.record({n: float(s or 0.0) for n, s in self.scales.items()})

    def __call__(self, x: dict, x_0: dict, t: int | None = None, par: dict | None = None) -> float:
        """The distance of simulated statistics `x` to the observed `x_0`."""
        return scaled_distance(x, x_0, self.weights, self.scales)

    def get_config(self) -> dict[str, Any]:
        """What pyabc stores in its history to describe the distance."""
        return {"name": type(self).__name__, "weights": self.weights, "scales": self.scales}
