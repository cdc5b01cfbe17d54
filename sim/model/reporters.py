"""The model's reporters: one value per outcome and month, computed from the step record.

`REPORTERS` lists the outcomes in the order the DataCollector records them; `measure`
computes them all from a step's record and the model's state, using the classification
functions of `sim.model.record` (participation, exit, exclusion and free riding are shares
of all citizens, so they never overlap and sum to at most 1); `collector_reporters` gives
Mesa's DataCollector one function per outcome reading ``model.last_step.outcomes``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np

from sim.governance.appeals import APPEAL_OUTCOMES
from sim.model.institutions import INSTITUTION_OUTCOMES, INSTITUTION_SHARES
from sim.model.metrics import concentration, share
from sim.model.neighbourhood import COMPILED_ROWS
from sim.model.population import TYPE_NAMES
from sim.model.record import StepRecord, classify
from sim.model.service import SOURCES
from sim.primitives.numeric import Scratch, mean
from sim.primitives.threads import worker_threads

#: Model reporter names, in the order the DataCollector records them.
REPORTERS: tuple[str, ...] = (
    "participation", "participation_individual", "participation_collective",
    "hours_per_participant", "mean_contribution",
    "quality", *(f"quality_{s}" for s in SOURCES), "quality_growth",
    "free_rider_share", "exit_share", "excluded_share",
    "trust", "efficacy", "efficacy_heard", "efficacy_ignored", "legitimacy",
    "inclusiveness_gap", "participation_most_deprived", "participation_least_deprived",
    *(f"participation_{t}" for t in TYPE_NAMES),
    "contribution_gini", "top1_share", "admin_cost", "active_firms", "welfare",
    "data_contributions", "public_use", "firm_free_rider_share",
    "rule_chosen_option", "rule_choice_support", "local_rule_range", "neighbourhood_participation_gap",
    *APPEAL_OUTCOMES,
    *INSTITUTION_OUTCOMES,
)
#: Outcomes that are shares of citizens (or of firms), in [0, 1].
SHARES: frozenset[str] = frozenset(
    name for name in REPORTERS
    if name.startswith(("participation", "free_rider", "exit", "excluded", "public_use", "data_",
                        "firm_free", "efficacy", "trust", "legitimacy", "top1", "contribution_gini",
                        "rule_choice_support", "appeals_"))
    or name == "mean_contribution" or name in INSTITUTION_SHARES
)


@dataclass(frozen=True)
class Aggregates:
    """The step's model-level results that the reporters need beside the record.

    Attributes:
        quality_stocks: Quality by source (`sim.model.service.SOURCES`), summing to quality.
        quality_growth: Relative change of quality this step.
        admin_cost: Administration cost per citizen this step.
        welfare: Mean citizen welfare, net of the administration's cost per citizen.
        legitimacy: Legitimacy of the sanction regime (1 with no sanctions).
        firm_free_rider_share: Share of active firms not contributing back.
        active_firms: Number of active firms.
        choice: The collective choice's reporters (`sim.model.choice.RuleChoice.outcomes`).
        institutions: Civil society's, budgets', the life-cycle's and engagement's outcomes.
        appeals: The appeals' reporters (`sim.governance.appeals.AppealOutcome.outcomes`).
    """

    quality_stocks: np.ndarray
    quality_growth: float
    admin_cost: float
    welfare: float
    legitimacy: float
    firm_free_rider_share: float
    active_firms: int
    choice: dict[str, float] = field(default_factory=dict)
    institutions: dict[str, float] = field(default_factory=dict)
    appeals: dict[str, float] = field(default_factory=dict)


def _mean_where(values: np.ndarray, mask: np.ndarray) -> float:
    k = int(np.count_nonzero(mask))
    return mean(np.compress(mask, values)) if k else float("nan")  # compress: values[mask], faster


@dataclass(frozen=True)
class Strata:
    """The subpopulations outcomes are broken down by: groups and contributor types.

    Attributes:
        groups: One mask per socio-economic group (0 = most deprived).
        types: One mask per contributor type (`TYPE_NAMES` order).
        group_sizes: Citizens in each group.
        type_sizes: Citizens of each type.
    """

    groups: tuple[np.ndarray, ...]
    types: tuple[np.ndarray, ...]
    group_sizes: tuple[int, ...]
    type_sizes: tuple[int, ...]

    @classmethod
    def of(cls, citizens: Any, groups: int) -> Strata:
        """The strata of a population (kept by the model; updated when residents are replaced)."""
        by_group = tuple(citizens.group == g for g in range(groups))
        by_type = tuple(citizens.ctype == k for k in range(len(TYPE_NAMES)))
        return cls(by_group, by_type, tuple(int(np.count_nonzero(m)) for m in by_group),
                   tuple(int(np.count_nonzero(m)) for m in by_type))

    def moved(self, citizens: Any, idx: np.ndarray) -> Strata:
        """The strata once newcomers took the homes `idx` (their group and type are their own)."""
        def update(masks: tuple[np.ndarray, ...], sizes: tuple[int, ...], now: np.ndarray) -> tuple[int, ...]:
            out = []
            for k, mask in enumerate(masks):  # sizes move by who left and who came (no full count)
                left = int(np.count_nonzero(mask[idx]))
                mask[idx] = now == k
                out.append(sizes[k] - left + int(np.count_nonzero(mask[idx])))
            return tuple(out)

        return Strata(self.groups, self.types, update(self.groups, self.group_sizes, citizens.group[idx]),
                      update(self.types, self.type_sizes, citizens.ctype[idx]))

    @staticmethod
    def shares(active: np.ndarray, masks: tuple[np.ndarray, ...], sizes: tuple[int, ...],
               work: np.ndarray) -> list[float]:
        """``share(active, within=mask)`` for each mask (0 for an empty one)."""
        return [float(np.count_nonzero(np.bitwise_and(active, m, out=work))) / k if k else 0.0
                for m, k in zip(masks, sizes, strict=True)]


def measure(record: StepRecord, citizens: Any, p: dict, agg: Aggregates,  # noqa: PLR0917
            strata: Strata | None = None, work: Scratch | None = None,
            hours: HoursMeasures | Future | None = None) -> dict[str, float]:
    """Every reporter's value for one step, in `REPORTERS` order.

    Args:
        record: The step's record.
        citizens: The population's state after the step.
        p: Resolved model parameters.
        agg: The step's model-level results.
        strata: The population's `Strata`, if already known (they never change).
        work: Work arrays for the intermediate terms (fresh arrays if None).
        hours: The record's `hours_measures`, if already computed or under way (`start_hours_measures`).
    """
    classes = classify(record)
    active = classes.took_part
    groups = p["groups"]
    strata = strata or Strata.of(citizens, groups)
    work = work or Scratch(active.shape[0])
    mask = work("stratum", bool)
    if hours is None:
        hours = hours_measures(record, p["act_hours"], work)
    measured: HoursMeasures = hours.result() if isinstance(hours, Future) else hours
    hours_gini, top1, hours_per_participant = measured
    efficacy_heard, efficacy_ignored = _efficacy_by_feedback(citizens, mask, work)
    by_group = strata.shares(active, strata.groups, strata.group_sizes, mask)
    by_type = strata.shares(active, strata.types, strata.type_sizes, mask)
    present = [rate for rate, k in zip(by_group, strata.group_sizes, strict=True) if k]
    out: dict[str, float] = {
        "participation": share(active),
        "participation_individual": share(classes.individual),
        "participation_collective": share(classes.collective),
        "hours_per_participant": hours_per_participant,
        "mean_contribution": mean(record.contribution),
        "quality": float(agg.quality_stocks.sum()),
        **{f"quality_{s}": float(v) for s, v in zip(SOURCES, agg.quality_stocks, strict=True)},
        "quality_growth": agg.quality_growth,
        "free_rider_share": share(classes.free_riding),
        "exit_share": share(classes.exited),
        "excluded_share": share(classes.excluded),
        "trust": mean(citizens.trust),
        "efficacy": mean(citizens.efficacy),
        "efficacy_heard": efficacy_heard,
        "efficacy_ignored": efficacy_ignored,
        "legitimacy": agg.legitimacy,
        "inclusiveness_gap": max(present) - min(present) if len(present) >= 2 else 0.0,
        "participation_most_deprived": by_group[0],
        "participation_least_deprived": by_group[groups - 1],
        **{f"participation_{t}": by_type[k] for k, t in enumerate(TYPE_NAMES)},
        "contribution_gini": hours_gini,
        "top1_share": top1,
        "admin_cost": agg.admin_cost,
        "active_firms": agg.active_firms,
        "welfare": agg.welfare,
        "data_contributions": share(record.shared),
        "public_use": share(record.uses),
        "firm_free_rider_share": agg.firm_free_rider_share,
        **agg.choice, **dict.fromkeys(APPEAL_OUTCOMES, 0.0), **agg.appeals,
        **dict.fromkeys(INSTITUTION_OUTCOMES, 0.0), **agg.institutions,
    }
    return {name: out[name] for name in REPORTERS}


#: (contribution_gini, top1_share, hours_per_participant) of a month's record.
HoursMeasures = tuple[float, float, float]


def hours_measures(record: StepRecord, act_hours: float, work: Scratch) -> HoursMeasures:
    """How the month's hours of co-production are spread: Gini, top 1 % share, hours per participant."""
    active = classify(record).took_part
    n_active = int(np.count_nonzero(active))
    hours, positive, active_hours = _hours(record, active, act_hours, work)
    gini, top1 = concentration(hours, 0.01, positive=positive, work=work)
    return gini, top1, float(active_hours.sum()) / n_active if n_active else 0.0


def start_hours_measures(record: StepRecord, act_hours: float, work: Scratch) -> Future | None:
    """At scale, `hours_measures` started in the second thread (the record is final); else None.

    The sort they need then runs while the model finishes its month (learning, payoffs),
    which reads and writes none of what they read and write.
    """
    if record.hours.shape[0] < COMPILED_ROWS:
        return None
    classify(record)  # here, so that only this thread writes the record's classes
    return worker_threads().submit(hours_measures, record, act_hours, work)


def _hours(record: StepRecord, active: np.ndarray, act_hours: float, work: Scratch):
    """(hours of every act, the positive ones or None, those of the active).

    Hours are the collective hours plus ``act_hours`` per individual act (a report, a data
    share, a vote).
    """
    if active.shape[0] >= COMPILED_ROWS:  # one pass (`sim.model.fused`)
        from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

        hours, positive, of_active = work("act_hours"), work("positive_hours"), work("active_hours")
        k, m = fused.hours_of_acts(record.reports, record.shared, record.voted, act_hours, record.hours, active,
                                   hours, positive, of_active)
        return hours, positive[:k], of_active[:m]
    hours = np.add(record.reports, record.shared, out=work("act_hours"))
    hours += record.voted
    hours *= act_hours
    hours += record.hours
    return hours, None, np.compress(active, hours)


def _efficacy_by_feedback(citizens: Any, mask: np.ndarray, work: Scratch) -> tuple[float, float]:
    """Mean efficacy of the citizens whose last input was acted on, and of those ignored (NaN: none)."""
    efficacy, feedback = citizens.efficacy, citizens.feedback
    if efficacy.shape[0] >= COMPILED_ROWS:  # one pass (`sim.model.fused`): the same values, in order
        from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

        heard, ignored = work("efficacy_heard"), work("efficacy_ignored")
        k, m = fused.by_feedback(efficacy, feedback, heard, ignored)
        return (mean(heard[:k]) if k else float("nan")), (mean(ignored[:m]) if m else float("nan"))
    return (_mean_where(efficacy, np.equal(feedback, 1, out=mask)),
            _mean_where(efficacy, np.equal(feedback, 0, out=mask)))


def _reader(name: str) -> Callable[[Any], float]:
    def read(model: Any) -> float:
        return model.last_step.outcomes[name]

    read.__name__ = read.__qualname__ = name
    return read


def collector_reporters() -> dict[str, Callable[[Any], float]]:
    """Mesa DataCollector model reporters: one function per outcome, in `REPORTERS` order."""
    return {name: _reader(name) for name in REPORTERS}


class OutcomeCollector(mesa.DataCollector):
    """Mesa's DataCollector, collecting the step record's outcomes without per-value copies.

    The outcomes are Python floats (immutable), so Mesa's defensive ``deepcopy`` of each
    reporter's value is not needed; with agent reporters added, Mesa's own path runs.
    """

    def collect(self, model: Any) -> None:
        """Append this step's outcomes (and anything else Mesa collects)."""
        if self.agent_reporters or self.agenttype_reporters or set(self.model_reporters) != set(REPORTERS):
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        for name, value in model.last_step.outcomes.items():
            self.model_vars[name].append(value)


def empty_record(n: int, min_hours: float) -> StepRecord:
    """The record before the first step: nobody has done anything yet."""
    zeros, none = np.zeros(n), np.zeros(n, dtype=bool)
    return StepRecord(0, min_hours, zeros, zeros, none, ~none, ~none, ~none, ~none, none, none, none,
                      none, none, outcomes=dict.fromkeys(REPORTERS, 0.0))
