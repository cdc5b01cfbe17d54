"""Built-in calibration patterns: published targets, and the statistic each computes from a run.

A pattern is a few named statistics with a target value and a tolerance each, and an
*observer*: an object called after every step of a model run that computes the
statistics from what the run did. Targets, tolerances and observers are those of
``coprod validate`` (`sim.validation.platform`), imported, not restated, so a fit and
the validation table measure the same thing. Here a pattern is a calibration target
(parameters are fitted to it), so a fit to it is no evidence for the model's validity.

The tolerance is the pattern's scale in the distance (`sim.calibration.distance`): a
distance of 1 means "on average one tolerance away from the published value".

- ``repeat_reporting``: citizens whose first report was acted on are about 1.57 times as
  likely to report again within a year as those whose first report was ignored
  (Sjoberg, Mellon & Peixoto 2017, FixMyStreet; the tolerance of +/- 0.2 is ours).
- ``participation_inequality``: the top 0.1 / 1 / 10 % of users (people who reported at
  least once, counted per person across residential moves) file 16 / 33 / 62 % of the
  reports (mySociety's FixMyStreet data; Nielsen 2006; the tolerance of +/- 0.05 is ours).

Both need a base scenario where citizens file reports (``interaction: reporting``, e.g.
``open_platform``) and enough months: first reports are taken from the first half of the
run, and each needs `FOLLOW_UP` months after its response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.model.metrics import top_share
from sim.validation.platform import (
    CONCENTRATION,
    CONCENTRATION_TOLERANCE,
    FOLLOW_UP,
    SJOBERG_RATIO,
    SJOBERG_TOLERANCE,
    FirstReports,
    ReportTally,
)

__all__ = ["FOLLOW_UP", "PATTERNS", "Pattern", "RepeatReports", "UserConcentration", "share_name"]


class RepeatReports(FirstReports):
    """`FirstReports` of ``coprod validate``, giving its ratio as a statistic."""

    def statistics(self) -> dict[str, float]:
        """The repeat-report ratio (NaN when nobody's first report was ignored and repeated)."""
        return {"repeat_report_ratio": self.ratio()}


class UserConcentration(ReportTally):
    """`ReportTally` of ``coprod validate``, giving the top users' shares of reports."""

    def statistics(self) -> dict[str, float]:
        """Share of all reports filed by the top 0.1 %, 1 % and 10 % of users."""
        users = self.users()
        return {share_name(f): top_share(users, f) for f in CONCENTRATION}


def share_name(fraction: float) -> str:
    """``top_1%_share``: the statistic of the top `fraction` of users."""
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

    def observer(self, kwargs: dict[str, Any], steps: int) -> RepeatReports | UserConcentration:
        """A fresh observer for one run of `steps` months of a model built from `kwargs`."""
        if self.id == "repeat_reporting":
            return RepeatReports(kwargs["citizens"], kwargs["response_delay"], steps // 2)
        return UserConcentration()


PATTERNS: dict[str, Pattern] = {p.id: p for p in (
    Pattern("repeat_reporting", "Sjoberg, Mellon & Peixoto 2017 (FixMyStreet)",
            {"repeat_report_ratio": (SJOBERG_RATIO, SJOBERG_TOLERANCE)},
            f"target published; tolerance +/- {SJOBERG_TOLERANCE} ours"),
    Pattern("participation_inequality", "mySociety, Super contributors and power laws (FixMyStreet); Nielsen 2006",
            {share_name(f): (v, CONCENTRATION_TOLERANCE) for f, v in CONCENTRATION.items()},
            f"targets published; tolerance +/- {CONCENTRATION_TOLERANCE} ours"),
)}
