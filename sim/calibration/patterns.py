"""Built-in calibration patterns: published targets, and the statistic each computes from a run.

A pattern is a few named statistics with a target value and a tolerance each, and an
*observer*: an object called after every step of a model run that computes the
statistics from what the run did. The targets and tolerances restate those of
``coprod validate`` (`sim.validation.platform`: ``SJOBERG_RATIO``, ``CONCENTRATION``)
with their citations; a test checks the two agree. Here a pattern is a calibration target
(parameters are fitted to it), so a fit to it is no evidence for the model's validity.

The tolerance is the pattern's scale in the distance (`sim.calibration.distance`): a
distance of 1 means "on average one tolerance away from the published value".

- ``repeat_reporting``: citizens whose first report was acted on are about 1.57 times as
  likely to report again within a year as those whose first report was ignored
  (Sjoberg, Mellon & Peixoto 2017, FixMyStreet; the tolerance of +/- 0.2 is ours).
- ``participation_inequality``: the top 0.1 / 1 / 10 % of users file 16 / 33 / 62 % of
  the reports (mySociety's FixMyStreet data; Nielsen 2006; the tolerance of +/- 0.05 is
  ours).

Both need a base scenario where citizens file reports (``interaction: reporting``, e.g.
``open_platform``) and enough months: first reports are taken from the first half of the
run, and each needs `FOLLOW_UP` months after its response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.metrics import top_share

#: Sjoberg, Mellon & Peixoto 2017: repeat-report ratio on FixMyStreet; tolerance ours.
SJOBERG_RATIO, SJOBERG_TOLERANCE = 1.57, 0.2
#: mySociety's FixMyStreet data: shares of reports by the top 0.1 %, 1 %, 10 % of users.
CONCENTRATION = {0.001: 0.16, 0.01: 0.33, 0.1: 0.62}
CONCENTRATION_TOLERANCE = 0.05
#: Months after the response to a first report in which a second report counts (a year).
FOLLOW_UP = 12


class RepeatReports:
    """Each citizen's first report, whether it was acted on, and whether it reported again.

    Args:
        n: Number of citizens.
        delay: The administration's response delay, in months.
        last_first: Last month in which a first report counts (half the run).
    """

    def __init__(self, n: int, delay: int, last_first: int):
        self.first = np.full(n, -1)
        self.acted = np.full(n, -1)  # -1 unknown, 0 ignored, 1 acted on
        self.again = np.zeros(n, dtype=bool)
        self.delay, self.last_first = delay, last_first

    def __call__(self, model: Any) -> None:
        """Record one step of `model`."""
        t, record = model.steps, model.last_step
        reported = record.reports > 0
        if t <= self.last_first:
            self.first[reported & (self.first < 0)] = t
        if record.acted is not None:
            due = self.first == t - self.delay
            self.acted[due] = record.acted[due]
        answered = self.first + self.delay
        known = (self.first >= 0) & (t > answered) & (t <= answered + FOLLOW_UP)
        self.again |= reported & known

    def statistics(self) -> dict[str, float]:
        """The repeat-report ratio (NaN when nobody's first report was ignored and repeated)."""
        acted, ignored = self.acted == 1, self.acted == 0
        if not acted.any() or not ignored.any() or not self.again[ignored].any():
            return {"repeat_report_ratio": float("nan")}
        return {"repeat_report_ratio": float(self.again[acted].mean() / self.again[ignored].mean())}


class ReportTally:
    """Each citizen's reports summed over the run; the top users' shares of them."""

    def __init__(self) -> None:
        self.counts: np.ndarray | None = None

    def __call__(self, model: Any) -> None:
        """Add one step's reports."""
        reports = model.last_step.reports
        self.counts = reports.copy() if self.counts is None else self.counts + reports

    def statistics(self) -> dict[str, float]:
        """Share of all reports filed by the top 0.1 %, 1 % and 10 % of citizens."""
        counts = self.counts if self.counts is not None else np.zeros(0)
        return {share_name(f): top_share(counts, f) for f in CONCENTRATION}


def share_name(fraction: float) -> str:
    """``top_1%_share``: the statistic of the top `fraction` of citizens."""
    return f"top_{fraction * 100:g}%_share"


@dataclass(frozen=True)
class Pattern:
    """A built-in calibration pattern.

    Attributes:
        id: Its name in a targets file.
        source: The publication the targets come from.
        targets: Statistic name -> (published value, tolerance).
        note: Which tolerance is published and which is ours.
    """

    id: str
    source: str
    targets: dict[str, tuple[float, float]]
    note: str

    def observer(self, kwargs: dict[str, Any], steps: int) -> RepeatReports | ReportTally:
        """A fresh observer for one run of `steps` months of a model built from `kwargs`."""
        if self.id == "repeat_reporting":
            return RepeatReports(kwargs["citizens"], kwargs["response_delay"], steps // 2)
        return ReportTally()


PATTERNS: dict[str, Pattern] = {p.id: p for p in (
    Pattern("repeat_reporting", "Sjoberg, Mellon & Peixoto 2017 (FixMyStreet)",
            {"repeat_report_ratio": (SJOBERG_RATIO, SJOBERG_TOLERANCE)},
            f"target published; tolerance +/- {SJOBERG_TOLERANCE} ours"),
    Pattern("participation_inequality", "mySociety, Super contributors and power laws (FixMyStreet); Nielsen 2006",
            {share_name(f): (v, CONCENTRATION_TOLERANCE) for f, v in CONCENTRATION.items()},
            f"targets published; tolerance +/- {CONCENTRATION_TOLERANCE} ours"),
)}
