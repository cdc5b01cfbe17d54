"""The model's reporters: one value per outcome and step, computed from the step record.

`REPORTERS` lists the outcomes in the order the DataCollector records them;
`measure` computes them all from a step's record and the model's state, using the
classification functions of `sim.model.record`; `collector_reporters` gives Mesa's
DataCollector one function per outcome reading ``model.last_step.outcomes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.metrics import gini, group_gap, share, top_share
from sim.model.record import StepRecord, free_riding, free_riding_base, took_part

#: Model reporter names, in the order the DataCollector records them.
REPORTERS: tuple[str, ...] = (
    "participation", "mean_contribution", "quality", "quality_growth", "free_rider_share",
    "trust", "inclusiveness_gap", "contribution_gini", "top1_share", "admin_cost",
    "active_firms", "welfare", "data_contributions", "public_use",
    "firm_free_rider_share",
)


@dataclass(frozen=True)
class Aggregates:
    """The step's model-level results that the reporters need beside the record.

    Attributes:
        quality: Service quality after this step.
        quality_growth: Relative change of quality this step.
        admin_cost: Administration cost per citizen this step.
        data_contributions: Share of citizens who shared data.
        firm_free_rider_share: Share of active firms not contributing back.
        active_firms: Number of active firms.
    """

    quality: float
    quality_growth: float
    admin_cost: float
    data_contributions: float
    firm_free_rider_share: float
    active_firms: int


def measure(record: StepRecord, citizens: Any, groups: int, agg: Aggregates) -> dict[str, float]:
    """Every reporter's value for one step, in `REPORTERS` order."""
    active = took_part(record)
    contribution = record.contribution
    out: dict[str, float] = {
        "participation": share(active),
        "mean_contribution": float(contribution.mean()),
        "quality": agg.quality,
        "quality_growth": agg.quality_growth,
        "free_rider_share": share(free_riding(record), within=free_riding_base(record)),
        "trust": float(citizens.trust.mean()),
        "inclusiveness_gap": group_gap(active, citizens.group, groups),
        "contribution_gini": gini(contribution),
        "top1_share": top_share(contribution, 0.01),
        "admin_cost": agg.admin_cost,
        "active_firms": agg.active_firms,
        "welfare": float(citizens.payoff.mean()),
        "data_contributions": agg.data_contributions,
        "public_use": share(record.uses),
        "firm_free_rider_share": agg.firm_free_rider_share,
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


def empty_record(n: int) -> StepRecord:
    """The record before the first step: nobody has done anything yet."""
    zeros, none = np.zeros(n), np.zeros(n, dtype=bool)
    return StepRecord(0, zeros, zeros, none, ~none, ~none, outcomes=dict.fromkeys(REPORTERS, 0.0))
