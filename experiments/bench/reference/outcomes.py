"""The reference model's outcomes, from what each citizen did this month (its own classification)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.model.metrics import gini, group_gap, share, top_share
from sim.model.population import TYPE_NAMES
from sim.model.service import SOURCES

if TYPE_CHECKING:
    from .model import ReferenceModel


def _share(hits: int, base: int) -> float:
    return hits / base if base else 0.0


def measure(m: ReferenceModel, firms: Any, growth: float) -> None:
    """Set the outcome attributes the DataCollector reads (the same outcomes as the model)."""
    agents = m.citizen_list
    n = m.n
    active = [a for a in agents if a.took_part]
    anyone = bool(active)
    free_riders = sum(anyone and a.uses and a.eligible and a.able and not a.took_part and not a.excluded
                      and not a.exited for a in agents)
    m.participation = len(active) / n
    m.participation_individual = sum(a.individual for a in agents) / n
    m.participation_collective = sum(a.collective for a in agents) / n
    m.hours_per_participant = sum(a.all_hours for a in active) / len(active) if active else 0.0
    m.mean_contribution = sum(a.contribution for a in agents) / n
    m.quality = sum(m.stocks)
    for source, stock in zip(SOURCES, m.stocks, strict=True):
        setattr(m, f"quality_{source}", stock)
    m.quality_growth = growth
    m.free_rider_share = free_riders / n
    m.exit_share = sum(a.exited for a in agents) / n
    m.excluded_share = sum(a.excluded for a in agents) / n
    m.trust = sum(a.trust for a in agents) / n
    m.efficacy = sum(a.efficacy for a in agents) / n
    for name, code in (("efficacy_heard", 1), ("efficacy_ignored", 0)):
        values = [a.efficacy for a in agents if a.feedback == code]
        setattr(m, name, sum(values) / len(values) if values else float("nan"))
    m.legitimacy = m.perceived
    took_part, group, hours = m.arrays("took_part", "group", "all_hours")
    groups = m.p["groups"]
    m.inclusiveness_gap = group_gap(took_part, group, groups)
    m.participation_most_deprived = share(took_part, within=group == 0)
    m.participation_least_deprived = share(took_part, within=group == groups - 1)
    for code, name in enumerate(TYPE_NAMES):
        of_type = [a for a in agents if a.ctype == code]
        setattr(m, f"participation_{name}", _share(sum(a.took_part for a in of_type), len(of_type)))
    m.contribution_gini = gini(hours)
    m.top1_share = top_share(hours, 0.01)
    m.active_firms = firms.active
    m.welfare = sum(a.payoff for a in agents) / n - m.admin_cost
    m.data_contributions = sum(a.shared for a in agents) / n
    m.public_use = sum(a.uses for a in agents) / n
    m.firm_free_rider_share = firms.firm_free_rider_share
