"""The step record: what one step computed, kept by the model as ``model.last_step``.

Reporters, validation patterns and the dashboard read a step through this record and the
classification functions below, so "took part", "excluded", "exited" and "free riding"
are defined once, with one meaning in every interaction mode:

* **took part**: gave at least ``min_hours`` of collective effort this month, or did an
  individual act (filed a report, shared data, voted in a participatory budget);
* **excluded**: did not take part because the access rule barred it or rationed it out
  (wanted to, was not admitted);
* **exited**: took part before, does not now, was not excluded, and would take part with
  the trust and efficacy it started with: it stopped after losing trust or being ignored;
* **free riding**: used the service, was eligible and able (a time budget of at least
  ``min_hours``) to contribute, contributed nothing while others did, and neither was
  excluded nor exited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.primitives.params import Param
from sim.primitives.sources import CLS

RECORD_PARAMS: tuple[Param, ...] = (
    Param("min_hours", 1.0, "Collective effort below this many hours in a month does not count as taking part.", "population", 0.01, 100, source=CLS + " (volunteering counted from any time given)", unit="hours per month"),
)


@dataclass
class StepRecord:
    """One step's per-citizen results and outcomes (arrays indexed by citizen).

    Attributes:
        step: The model's step number (1 for the first step).
        min_hours: The participation threshold for collective effort, in hours.
        contribution: Collective effort, share of the time budget in [0, 1], after access.
        hours: Collective effort in hours this month.
        willing: Wanted to give collective effort (at least ``min_hours``), before access.
        eligible: May contribute under the access rule.
        admitted: Was admitted by the access rule (capacity, registration).
        uses: Used the public service.
        able: Has a time budget of at least ``min_hours``.
        reports: Number of reports filed.
        shared: Shared data.
        voted: Voted in a participatory budget.
        lost: Would take part with its initial trust and efficacy, does not now.
        was_active: Took part in some act before this month.
        heard: Had input reach the administration's response this step (after its delay).
        acted: Of those, had it acted on.
        fines: Fine paid this month (sanctions), in units of a month's time-budget cost.
        punishing_cost: Cost of punishing others this month (peer sanctions), same units.
        outcomes: The reporters' values for this step (`sim.model.reporters.REPORTERS`).
        classes: The citizens' classification, once computed (`classify`).
    """

    step: int
    min_hours: float
    contribution: np.ndarray
    hours: np.ndarray
    willing: np.ndarray
    eligible: np.ndarray
    admitted: np.ndarray
    uses: np.ndarray
    able: np.ndarray
    reports: np.ndarray
    shared: np.ndarray
    voted: np.ndarray
    lost: np.ndarray
    was_active: np.ndarray
    heard: np.ndarray | None = None
    acted: np.ndarray | None = None
    fines: np.ndarray | None = None
    punishing_cost: np.ndarray | None = None
    outcomes: dict[str, float] = field(default_factory=dict)
    classes: Classification | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Classification:
    """Who did what this month, each citizen classified once (the definitions above).

    Attributes:
        collective: Gave at least ``min_hours`` of collective effort.
        individual: Did an individual act (report, data share, participatory-budget vote).
        took_part: Took part in any act.
        excluded: Barred or rationed out by the access rule.
        exited: Stopped after losing trust or being ignored.
        free_riding: Used the service, could contribute, contributed nothing while others did.
    """

    collective: np.ndarray
    individual: np.ndarray
    took_part: np.ndarray
    excluded: np.ndarray
    exited: np.ndarray
    free_riding: np.ndarray


def classify(record: StepRecord) -> Classification:
    """The record's classification, computed on first use and kept with the record.

    Call it once the step has filled the record (the model does, when it measures the
    outcomes); the record's arrays are not changed afterwards.
    """
    if record.classes is not None:
        return record.classes
    collective = np.greater_equal(record.hours, record.min_hours)
    individual = np.greater(record.reports, 0)
    individual |= record.shared
    individual |= record.voted
    took_part = individual | collective
    absent = ~took_part
    # Excluded: absent, and barred (not eligible) or rationed (willing, eligible, not admitted).
    barred = ~record.eligible
    rationed = record.willing & record.eligible
    rationed &= ~record.admitted
    barred |= rationed
    excluded = np.bitwise_and(absent, barred, out=barred)
    exited = record.lost & record.was_active
    exited &= absent
    exited &= ~excluded
    if took_part.any():
        free_riding = record.uses & record.eligible
        free_riding &= record.able
        free_riding &= absent
        free_riding &= ~excluded
        free_riding &= ~exited
    else:
        free_riding = np.zeros_like(took_part)
    record.classes = Classification(collective, individual, took_part, excluded, exited, free_riding)
    return record.classes


def took_part_collective(record: StepRecord) -> np.ndarray:
    """Gave at least ``min_hours`` of collective effort this month."""
    return classify(record).collective


def took_part_individual(record: StepRecord) -> np.ndarray:
    """Did an individual act: a report, a data share, a participatory-budget vote."""
    return classify(record).individual


def took_part(record: StepRecord) -> np.ndarray:
    """Took part in any co-production act this month."""
    return classify(record).took_part


def excluded(record: StepRecord) -> np.ndarray:
    """Did not take part because the access rule barred or rationed it."""
    return classify(record).excluded


def exited(record: StepRecord) -> np.ndarray:
    """Stopped after losing trust or being ignored: took part before, not now, not excluded."""
    return classify(record).exited


def free_riding(record: StepRecord) -> np.ndarray:
    """Used the service, could contribute, contributed nothing while others did."""
    return classify(record).free_riding
