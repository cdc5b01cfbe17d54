"""Priors of the fitted parameters, checked against each parameter's declared range.

A fitted parameter is a numeric (float) model parameter named by its dotted scenario path.
Its prior is one of:

- ``uniform`` over ``[low, high]`` (the default; ``low`` and ``high`` default to the
  parameter's declared `Param` range, read from the declaration, never restated);
- ``log-uniform`` over ``[low, high]`` with ``low > 0``: uniform in the logarithm, for a
  rate whose order of magnitude is unknown;
- ``normal`` with ``mean`` and ``sd``, truncated to ``[low, high]`` (by default the
  declared range), so no particle is ever proposed outside what the model accepts.

A prior reaching outside the declared range is an error, not clipped: the user would
believe the fit explored values the model refuses. Integer and categorical parameters
are refused: ABC-SMC perturbs particles with a continuous (Gaussian) kernel.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.primitives.errors import Origin, Problem
from sim.primitives.params import Param

KINDS: tuple[str, ...] = ("uniform", "log-uniform", "normal")


@dataclass(frozen=True)
class Prior:
    """The prior of one fitted parameter.

    Attributes:
        kind: ``uniform``, ``log-uniform`` or ``normal`` (truncated to ``[low, high]``).
        low: Lower bound of the support.
        high: Upper bound of the support.
        mean: Mean of the normal before truncation (``None`` otherwise).
        sd: Standard deviation of the normal before truncation (``None`` otherwise).
    """

    kind: str
    low: float
    high: float
    mean: float | None = None
    sd: float | None = None

    def scipy(self) -> Any:
        """The frozen `scipy.stats` distribution of this prior."""
        from scipy import stats  # noqa: PLC0415 (scipy.stats is slow to import)

        if self.kind == "uniform":
            return stats.uniform(self.low, self.high - self.low)
        if self.kind == "log-uniform":
            return stats.loguniform(self.low, self.high)
        assert self.mean is not None and self.sd is not None
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)

    def pyabc(self) -> Any:
        """The same distribution as a `pyabc.RV`."""
        import pyabc  # noqa: PLC0415 (pyabc takes seconds to import)

        if self.kind == "uniform":
            return pyabc.RV("uniform", self.low, self.high - self.low)
        if self.kind == "log-uniform":
            return pyabc.RV("loguniform", self.low, self.high)
        assert self.mean is not None and self.sd is not None
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return pyabc.RV("truncnorm", a, b, loc=self.mean, scale=self.sd)

    def describe(self) -> str:
        """``uniform [0, 5]``, ``normal(0.1, 0.05) on [0, 1]``."""
        bounds = f"[{self.low:g}, {self.high:g}]"
        if self.kind == "normal":
            return f"normal({self.mean:g}, {self.sd:g}) on {bounds}"
        return f"{self.kind} {bounds}"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values (for the manifest and the hash)."""
        out: dict[str, Any] = {"prior": self.kind, "low": self.low, "high": self.high}
        if self.kind == "normal":
            out |= {"mean": self.mean, "sd": self.sd}
        return out

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """`size` draws from the prior with `rng`."""
        return np.asarray(self.scipy().rvs(size=size, random_state=rng), dtype=float)


def fittable(p: Param) -> str:
    """Why `p` cannot be fitted (``""`` if it can)."""
    if p.choices is not None:
        return f"a categorical parameter ({p.allowed()})"
    if p.kind is not float:
        return f"an integer parameter ({p.allowed()})"
    return ""


def check_prior(name: str, p: Param, spec: Any, origin: Callable[[str], Origin]) -> tuple[Prior | None, list[Problem]]:
    """The prior of parameter `name` (declared as `p`) from its file entry `spec`.

    Args:
        name: The dotted scenario path (``population.trust_weight``).
        p: The parameter's declaration (its range bounds the prior).
        spec: The validated entry: an object with ``prior``, ``low``, ``high``, ``mean``,
            ``sd`` (each possibly ``None``), or ``None`` for the default prior.
        origin: Where a key of the entry (``""``: the entry itself) is in the file.

    Returns:
        The prior (``None`` if there are problems) and the problems found.
    """
    problems: list[Problem] = []

    def bad(key: str, issue: str, value: Any = None, allowed: str = "") -> None:
        problems.append(Problem(f"parameters.{name}" + (f".{key}" if key else ""), issue, value, allowed,
                                origin=origin(key)))

    if why := fittable(p):
        bad("", f"{why} cannot be fitted", allowed="a number parameter: ABC-SMC perturbs particles "
            "continuously; set integer and categorical parameters under `fixed`")
        return None, problems
    kind = "uniform" if spec is None else spec.prior
    low = p.low if spec is None or spec.low is None else spec.low
    high = p.high if spec is None or spec.high is None else spec.high
    declared = f"within the declared range of {name}, [{p.low:g}, {p.high:g}]" if (
        p.low is not None and p.high is not None) else p.allowed()
    for key, value, limit, outside in (("low", low, p.low, lambda v, lim: v < lim),
                                       ("high", high, p.high, lambda v, lim: v > lim)):
        if value is None:
            bad(key, "missing", allowed=f"a number: {name} has no declared {key} bound")
        elif limit is not None and outside(value, limit):
            bad(key, "invalid", value, f"a bound {declared} (the prior must not reach values the model refuses)")
    if problems:
        return None, problems
    assert low is not None and high is not None
    if not low < high:
        bad("", f"the range [{low:g}, {high:g}] is empty", allowed="low < high")
    if kind == "log-uniform" and low <= 0:
        bad("low", "invalid", low, "a number > 0 for a log-uniform prior")
    mean = sd = None
    if kind == "normal":
        mean, sd = spec.mean, spec.sd
        if mean is None:
            bad("mean", "missing", allowed="a number: the mean of the normal prior")
        if sd is None:
            bad("sd", "missing", allowed="a number > 0: the standard deviation of the normal prior")
        elif not (sd > 0 and math.isfinite(sd)):
            bad("sd", "invalid", sd, "a number > 0")
    else:
        for key in ("mean", "sd"):
            if spec is not None and getattr(spec, key) is not None:
                bad(key, f"only used by a normal prior (prior is {kind})")
    if problems:
        return None, problems
    return Prior(kind, float(low), float(high), mean, sd), problems
