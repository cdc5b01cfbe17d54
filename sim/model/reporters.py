"""The model's reporters: one value per outcome and month, computed from the step record.

`REPORTERS` lists the outcomes in the order the DataCollector records them; `measure`
computes them all from a step's record and the model's state, using the classification
functions of `sim.model.record` (participation, exit, exclusion and free riding are shares
of all citizens, so they never overlap and sum to at most 1); `collector_reporters` gives
Mesa's DataCollector one function per outcome reading ``model.last_step.outcomes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np

from sim.model.institutions import INSTITUTION_OUTCOMES, INSTITUTION_SHARES
from sim.model.metrics import concentration, share
from sim.model.population import TYPE_NAMES
from sim.model.record import StepRecord, classify
from sim.model.service import SOURCES
from sim.primitives.numeric import Scratch, mean

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
    *INSTITUTION_OUTCOMES,
)
#: Outcomes that are shares of citizens (or of firms), in [0, 1].
SHARES: frozenset[str] = frozenset(
    name for name in REPORTERS
    if name.startswith(("participation", "free_rider", "exit", "excluded", "public_use", "data_",
                        "firm_free", "efficacy", "trust", "legitimacy", "top1", "contribution_gini",
                        "rule_choice_support"))
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
        group, ctype = citizens.group[idx], citizens.ctype[idx]
        for g, mask in enumerate(self.groups):
            mask[idx] = group == g
        for k, mask in enumerate(self.types):
            mask[idx] = ctype == k
        return Strata(self.groups, self.types, tuple(int(np.count_nonzero(m)) for m in self.groups),
                      tuple(int(np.count_nonzero(m)) for m in self.types))

    @staticmethod
    def shares(active: np.ndarray, masks: tuple[np.ndarray, ...], sizes: tuple[int, ...],
               work: np.ndarray) -> list[float]:
        """``share(active, within=mask)`` for each mask (0 for an empty one)."""
        return [float(np.count_nonzero(np.bitwise_and(active, m, out=work))) / k if k else 0.0
                for m, k in zip(masks, sizes, strict=True)]


def measure(record: StepRecord, citizens: Any, p: dict, agg: Aggregates,  # noqa: PLR0917
            strata: Strata | None = None, work: Scratch | None = None) -> dict[str, float]:
    """Every reporter's value for one step, in `REPORTERS` order.

    Args:
        record: The step's record.
        citizens: The population's state after the step.
        p: Resolved model parameters.
        agg: The step's model-level results.
        strata: The population's `Strata`, if already known (they never change).
        work: Work arrays for the intermediate terms (fresh arrays if None).
    """
    classes = classify(record)
    active = classes.took_part
    n_active = int(np.count_nonzero(active))
    groups = p["groups"]
    strata = strata or Strata.of(citizens, groups)
    work = work or Scratch(active.shape[0])
    # Hours of every act: collective hours plus ``act_hours`` per individual act.
    hours = np.add(record.reports, record.shared, out=work("act_hours"))
    hours += record.voted
    hours *= p["act_hours"]
    hours += record.hours
    mask = work("stratum", bool)
    by_group = strata.shares(active, strata.groups, strata.group_sizes, mask)
    by_type = strata.shares(active, strata.types, strata.type_sizes, mask)
    present = [rate for rate, k in zip(by_group, strata.group_sizes, strict=True) if k]
    hours_gini, top1 = concentration(hours, 0.01)
    out: dict[str, float] = {
        "participation": share(active),
        "participation_individual": share(classes.individual),
        "participation_collective": share(classes.collective),
        "hours_per_participant": float(np.compress(active, hours).sum()) / n_active if n_active else 0.0,
        "mean_contribution": mean(record.contribution),
        "quality": float(agg.quality_stocks.sum()),
        **{f"quality_{s}": float(v) for s, v in zip(SOURCES, agg.quality_stocks, strict=True)},
        "quality_growth": agg.quality_growth,
        "free_rider_share": share(classes.free_riding),
        "exit_share": share(classes.exited),
        "excluded_share": share(classes.excluded),
        "trust": mean(citizens.trust),
        "efficacy": mean(citizens.efficacy),
        "efficacy_heard": _mean_where(citizens.efficacy, np.equal(citizens.feedback, 1, out=mask)),
        "efficacy_ignored": _mean_where(citizens.efficacy, np.equal(citizens.feedback, 0, out=mask)),
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
        **agg.choice,
        **dict.fromkeys(INSTITUTION_OUTCOMES, 0.0), **agg.institutions,
    }
    return {name: out[name] for name in REPORTERS}


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
