"""Individual co-production acts: reporting a problem and sharing data (vectorised).

Individual acts are low-effort and done alone (reporting a problem, sharing data,
self-care), collective ones effortful and done with others; surveys of citizens in five
European countries find a "major gulf" between the two, individual acts being far more
common (Bovaird, Van Ryzin, Loeffler & Parrado 2015). A user meets ``encounter_rate x
engagement`` things worth acting on a month (engagement is heavy-tailed: a few citizens
meet most issues, Nielsen 2006), and

* **reports** (a hurdle model): with probability ``min(1, r)``, where ``r`` is what it meets
  times its report propensity (``report_propensity`` x trust factor x efficacy factor), it
  files ``1 + Poisson(r)`` reports that month, so a small core of super-contributors files
  a large share of all reports (mySociety's FixMyStreet data). Each report takes
  ``act_hours``; reports go to the administration's response rule like any input, so
  reporters learn from whether they were fixed (Sjoberg, Mellon & Peixoto 2017);
* **shares data** about what it met, where a data platform exists (``data_value`` > 0),
  with probability ``min(1, encounters) x trust x (1 - privacy x (1 - data_control))``:
  without control over their data citizens share less (citizens as sensors, Castelnovo
  2016).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.neighbourhood import COMPILED_ROWS
from sim.primitives.numeric import Scratch
from sim.primitives.params import Param
from sim.primitives.sources import BOVAIRD, MYSOCIETY, SJOBERG
from sim.primitives.threads import fill_uniform

ACT_PARAMS: tuple[Param, ...] = (
    Param("encounter_rate", 0.3, "Monthly rate at which a citizen of engagement 1 meets something worth reporting.", "population", 0, 10, source=f"{MYSOCIETY} (reports per user); calibrated with engagement_sigma", unit="per month"),
    Param("report_propensity", 0.3, "Probability of reporting what one meets, at reference trust and prior efficacy.", "population", 0, 1, source=SJOBERG),
    Param("act_hours", 0.25, "Hours an individual act (a report, a data upload) takes.", "population", 0, 10, source=BOVAIRD + " (individual acts are low-effort)", unit="hours"),
)


@dataclass(frozen=True)
class Acts:
    """This month's individual acts, per citizen.

    Attributes:
        reports: Number of reports filed (float64: it enters sums and the response queue).
        shared: Shared data (bool).
    """

    reports: np.ndarray
    shared: np.ndarray

    @property
    def reported(self) -> np.ndarray:
        """Filed at least one report."""
        return self.reports > 0

    @property
    def any(self) -> np.ndarray:
        """Took part in an individual act."""
        return self.reported | self.shared


def individual_acts(uses, engagement, propensity, trust, data_base, p, rng,  # noqa: PLR0917
                    work: Scratch | None = None) -> Acts:
    """Draw this month's encounters, reports and data shares.

    Args:
        uses: Who uses the service (only users meet its problems).
        engagement: Each citizen's rate of meeting something to report (mean 1).
        propensity: Each citizen's probability of reporting what it meets.
        trust: Each citizen's trust in the administration.
        data_base: Each citizen's willingness to share data at full trust (``1 - privacy x
            (1 - data_control)``); sharing takes ``trust x data_base``.
        p: Resolved model parameters.
        rng: The model's random generator.
        work: Work arrays for the intermediate terms (fresh arrays if None).
    """
    n = uses.shape[0]
    work = work or Scratch(n)
    if n >= COMPILED_ROWS:
        return _compiled_acts(uses, engagement, propensity, trust, data_base, p, rng, work)
    met = np.multiply(engagement, p["encounter_rate"], out=work("met"))
    met *= uses  # only users meet the service's problems
    rate = np.multiply(met, propensity, out=work("report_rate"))
    hurdle = np.minimum(rate, 1.0, out=work("hurdle"))
    draws = rng.random(dtype=np.float32, out=work("draws", np.float32))
    reporters = np.flatnonzero(np.less(draws, hurdle, out=work("reporting", bool)))
    reports = np.zeros(n)
    reports[reporters] = 1.0 + rng.poisson(rate[reporters])
    if p["data_value"] > 0.0:
        np.minimum(met, 1.0, out=met)
        met *= np.multiply(trust, data_base, out=work("consent"))
        shared = rng.random(dtype=np.float32, out=draws) < met
    else:
        shared = np.zeros(n, dtype=bool)
    return Acts(reports, shared)


def _compiled_acts(uses, engagement, propensity, trust, data_base, p, rng, work: Scratch) -> Acts:  # noqa: PLR0917
    """`individual_acts` in compiled passes (`sim.model.fused`): the same draws and numbers."""
    from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

    n = uses.shape[0]
    draws = fill_uniform(rng, work("draws", np.float32))
    rate, reporters = work("report_rate"), work("reporters", np.int64)
    reporters = reporters[: fused.reporting(engagement, p["encounter_rate"], uses, propensity, draws, rate, reporters)]
    reports = np.zeros(n)
    reports[reporters] = 1.0 + rng.poisson(rate[reporters])
    shared = np.zeros(n, dtype=bool)
    if p["data_value"] > 0.0:
        fill_uniform(rng, draws)
        fused.sharing(engagement, p["encounter_rate"], uses, trust, data_base, draws, shared)
    return Acts(reports, shared)
