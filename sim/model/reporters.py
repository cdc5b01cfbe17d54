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
from sim.model.metrics import gini, group_gap, share, top_share
from sim.model.population import TYPE_NAMES
from sim.model.record import (
    StepRecord,
    excluded,
    exited,
    free_riding,
    took_part_collective,
    took_part_individual,
)
from sim.model.service import SOURCES

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
    *INSTITUTION_OUTCOMES,
)
#: Outcomes that are shares of citizens (or of firms), in [0, 1].
SHARES: frozenset[str] = frozenset(
    name for name in REPORTERS
    if name.startswith(("participation", "free_rider", "exit", "excluded", "public_use", "data_",
                        "firm_free", "efficacy", "trust", "legitimacy", "top1", "contribution_gini"))
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
        institutions: Civil society's, budgets', the life-cycle's and engagement's outcomes.
    """

    quality_stocks: np.ndarray
    quality_growth: float
    admin_cost: float
    welfare: float
    legitimacy: float
    firm_free_rider_share: float
    active_firms: int
    institutions: dict[str, float] = field(default_factory=dict)


def _mean_where(values: np.ndarray, mask: np.ndarray) -> float:
    k = int(np.count_nonzero(mask))
    return float(values[mask].mean()) if k else float("nan")


def measure(record: StepRecord, citizens: Any, p: dict, agg: Aggregates) -> dict[str, float]:
    """Every reporter's value for one step, in `REPORTERS` order."""
    acts = took_part_individual(record)
    collective = took_part_collective(record)
    active = acts | collective
    out_of = excluded(record)
    n_active = int(np.count_nonzero(active))
    groups = p["groups"]
    hours = record.hours + p["act_hours"] * (record.reports + record.shared + record.voted)
    out: dict[str, float] = {
        "participation": share(active),
        "participation_individual": share(acts),
        "participation_collective": share(collective),
        "hours_per_participant": float(hours[active].sum()) / n_active if n_active else 0.0,
        "mean_contribution": float(record.contribution.mean()),
        "quality": float(agg.quality_stocks.sum()),
        **{f"quality_{s}": float(v) for s, v in zip(SOURCES, agg.quality_stocks, strict=True)},
        "quality_growth": agg.quality_growth,
        "free_rider_share": share(free_riding(record)),
        "exit_share": share(exited(record)),
        "excluded_share": share(out_of),
        "trust": float(citizens.trust.mean()),
        "efficacy": float(citizens.efficacy.mean()),
        "efficacy_heard": _mean_where(citizens.efficacy, citizens.feedback == 1),
        "efficacy_ignored": _mean_where(citizens.efficacy, citizens.feedback == 0),
        "legitimacy": agg.legitimacy,
        "inclusiveness_gap": group_gap(active, citizens.group, groups),
        "participation_most_deprived": share(active, within=citizens.group == 0),
        "participation_least_deprived": share(active, within=citizens.group == groups - 1),
        **{f"participation_{t}": share(active, within=citizens.ctype == k) for k, t in enumerate(TYPE_NAMES)},
        "contribution_gini": gini(hours),
        "top1_share": top_share(hours, 0.01),
        "admin_cost": agg.admin_cost,
        "active_firms": agg.active_firms,
        "welfare": agg.welfare,
        "data_contributions": share(record.shared),
        "public_use": share(record.uses),
        "firm_free_rider_share": agg.firm_free_rider_share,
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
