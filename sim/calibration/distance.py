"""The distance between simulated and observed statistics, on scales fixed once.

    d(x, o) = sqrt( sum_k w_k ((x_k - o_k) / s_k)^2 / sum_k w_k )

a weighted root-mean-square of standardised differences: ``d = 1`` means the statistics
are, on average, one scale away from the data, whatever their units.

The scale ``s_k`` of each statistic:

- a built-in pattern's statistic: its tolerance (`sim.calibration.patterns`), so the
  distance reads in tolerances;
- a statistic of observed series: its median absolute deviation (MAD) over a sample of
  `population_size` runs drawn from the prior (pyabc's calibration sample, taken before
  generation 0). That puts every statistic on the spread the prior gives it, so an
  outcome in hours does not drown one in shares (Prangle 2017, "Adapting the ABC distance
  function", non-adaptive variant; the MAD resists the few extreme runs a wide prior
  gives). If the MAD is 0 the standard deviation is used; a statistic that does not vary
  at all over the prior cannot inform the fit and is left out (weight 0), and said so.

Why fixed rather than pyabc's adaptive distance (scales re-estimated every generation):
a resumed fit must compute exactly the distances an uninterrupted one would, and pyabc
does not store an adaptive distance's scales; fixed scales are written to
``statistics.json`` in the output folder the moment they are known, and read back by
``--resume``. A particle whose statistics are not finite (a pattern with no data in that
run) is at distance infinity: always rejected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from sim.primitives.files import write_atomic

STATISTICS_FILE = "statistics.json"


def scaled_distance(x: Mapping[str, float], observed: Mapping[str, float],
                    weights: Mapping[str, float], scales: Mapping[str, float | None]) -> float:
    """The distance of the module docstring (statistics with scale 0 or weight 0 left out)."""
    num = den = 0.0
    for name, w in weights.items():
        s = scales.get(name)
        if not s or not w:
            continue
        value = x.get(name, math.nan)
        if not math.isfinite(value):
            return math.inf
        num += w * ((value - observed[name]) / s) ** 2
        den += w
    return math.sqrt(num / den) if den else 0.0


def prior_scale(values: list[float]) -> float:
    """Scale of one statistic over the prior sample: its MAD, else its sd, else 0 (left out)."""
    x = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    if x.size < 2:
        return 0.0
    mad = float(np.median(np.abs(x - np.median(x))))
    return mad if mad > 0 else float(x.std())


def write_statistics(folder: Path, observed: Mapping[str, float], weights: Mapping[str, float],
                     scales: Mapping[str, float], given: Mapping[str, str]) -> Path:
    """Write ``statistics.json``: each statistic's observed value, weight, scale and its origin."""
    rows = {name: {"observed": observed[name], "weight": weights[name], "scale": scales[name],
                   "scale_from": given.get(name, "MAD over the prior sample"),
                   "used": bool(scales[name] and weights[name])} for name in weights}
    text = json.dumps(rows, indent=1, allow_nan=False) + "\n"
    path = Path(folder) / STATISTICS_FILE
    write_atomic(path, lambda h: h.write(text.encode()))
    return path


def read_scales(folder: Path) -> dict[str, float] | None:
    """The scales a fit in `folder` estimated (``None`` before they were written)."""
    path = Path(folder) / STATISTICS_FILE
    if not path.is_file():
        return None
    return {name: float(row["scale"]) for name, row in json.loads(path.read_text()).items()}
