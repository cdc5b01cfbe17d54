"""The dead-lever screen: every screened lever moves a headline outcome where it acts.

Every numeric lever of the governance, administration and service sections must move at
least one headline outcome, in a scenario where it is active.

One factor at a time: each lever is set to the low and the high end of its screening range
(its declared range, narrowed where the declared one reaches values no scenario uses, as
`RANGES` says) in a scenario where it acts (`CONTEXT`), with paired seeds, and the effect
on each headline outcome is the difference of their steady states (the mean over the
final 24 months). A lever passes when some outcome moves by at least `MIN_EFFECT`.
"""

from __future__ import annotations

import numpy as np

from sim.model.parameters import MODEL_PARAMS
from sim.validation.runs import steady

SECTIONS = ("governance", "administration", "service")
OUTCOMES = ("participation", "participation_collective", "participation_individual", "quality",
            "free_rider_share", "exit_share", "excluded_share", "trust", "efficacy", "admin_cost",
            "welfare", "inclusiveness_gap")
MIN_EFFECT = 0.005
HORIZON = 120
#: Lever -> (scenario, dotted overrides that make it act).
SANCTIONED = {"governance.sanctions": "admin"}
CONTEXT: dict[str, tuple[str, dict]] = {
    **{n: ("ostrom_commons", {}) for n in ("monitoring", "fine", "graduation", "detection_error",
                                          "record_decay", "legitimacy", "punishment_ratio",
                                          "monitoring_hours", "punisher_tolerance")},
    "sanction_threshold": ("consultative", SANCTIONED), "monitoring_cost": ("consultative", SANCTIONED),
    "reward": ("co_delivery", {}),
    "design_learning": ("integrated_services", {}), "design_ceiling": ("integrated_services", {}),
    "design_obsolescence": ("integrated_services", {}),
    "assigned_share": ("co_delivery", {"governance.responsibility": "individual"}),
    "assignment_cost": ("co_delivery", {"governance.responsibility": "individual"}),
    **{n: ("participatory_budgeting", {}) for n in ("pb_share", "pb_cycle", "pb_projects", "pb_turnout",
                                                     "pb_deliberation", "pb_implementation", "pb_delay")},
    "access_capacity": ("co_delivery", {"governance.access": "open"}),
    # The institutions (`sim.model.institutions`, `sim.model.agreements`): each in the named
    # scenario that switches it on.
    **{n: ("community_groups", {}) for n in ("cso_support", "cso_grant", "cso_efficiency")},
    **{n: ("social_care", {}) for n in ("budget_offer", "budget_eligible", "budget_support", "budget_gain",
                                        "budget_burden", "budget_cost")},
    **{n: ("patient_engagement", {}) for n in ("lifecycle_cycle", "commissioning_voice", "assessment_voice",
                                               "professional_insight", "phase_cost", "need_drift",
                                               "consultation_sample")},
    # Where patients already assess the service, their voice in design adds little (quality
    # +0.004 in patient_engagement): screened in a life-cycle run by professionals' assessment.
    "design_voice": ("consultative", {"governance.lifecycle_cycle": 12}),
    **{n: ("smart_city_sensors", {}) for n in ("campaign_reach", "campaign_effect", "campaign_cost")},
    **{n: ("joined_up_services", {}) for n in ("delivery_agreements", "data_agreements", "agreement_cost")},
    # Collective choice of rules acts only where the rule is chosen (`sim.model.choice`).
    "choice_premium": ("commons_chosen_rules", {}), "choice_cycle": ("commons_chosen_rules", {}),
    "choice_council": ("commons_chosen_rules", {"governance.choice": "council"}),
    # Nested levels act only where each neighbourhood chooses its own rule (`sim.model.nested`):
    # the bounds narrow what the neighbourhoods of polycentric_commons may choose.
    "local_floor": ("polycentric_commons", {}),
    "local_ceiling": ("polycentric_commons", {}),
    "administrations": ("integrated_services", {}), "interoperability": ("integrated_services", {}),
    "austerity_response": ("austerity", {}),
    "online_share": ("consultative", {}),
    "digital_cost_gap": ("consultative", {"service.channel": "online"}),
    # Complementarity scales citizens' output by the administration's effort relative to its
    # reference: it acts only where effort departs from the reference (at production 0.05,
    # half of it) and citizens produce enough for the scaling to show (in austerity they
    # produce little: effects under 0.005).
    "complementarity": ("co_delivery", {"administration.production": 0.05}),
    "network_effect": ("open_platform", {}), "online_reference_share": ("open_platform", {}),
    "data_control": ("open_platform", {}), "data_value": ("open_platform", {}),
    "offline_capacity_share": ("traditional", {}),
}
DEFAULT_CONTEXT: tuple[str, dict] = ("consultative", {})
#: Screening ranges where a declared range reaches far beyond what scenarios use.
RANGES: dict[str, tuple[float, float]] = {
    "production": (0.05, 0.2), "effort_reference": (0.05, 0.2), "handling_cost": (0.0, 1.0),
    "monitoring_cost": (0.0, 1.0), "assignment_cost": (0.0, 0.5), "fine": (0.1, 2.0),
    "initial_quality": (0.5, 2.0), "quality_standard": (0.5, 2.0), "coproduction_efficiency": (0.5, 2.0),
    "report_value": (0.0, 2.0), "task_group_size": (2, 32), "administrations": (1, 5),
    "response_delay": (0, 6), "pb_cycle": (6, 24), "pb_projects": (10, 50), "pb_delay": (0, 12),
    "design_learning": (0.1, 3.0), "design_ceiling": (0.2, 2.0), "design_obsolescence": (0.0, 0.1),
    "monitoring_hours": (0.0, 4.0),
    "punisher_tolerance": (0.05, 1.0), "austerity_response": (0.0, 2.0), "data_value": (0.0, 0.2),
    "depreciation": (0.05, 0.2), "online_reference_share": (0.1, 1.0), "offline_capacity_share": (0.25, 1.0),
    "punishment_ratio": (0.1, 1.0), "reward": (0.0, 1.0),
}


def levers() -> list[str]:
    """Every numeric lever of the screened sections."""
    return [n for n, p in MODEL_PARAMS.items() if p.section in SECTIONS and p.choices is None]


def screen(name: str, seeds: int = 2) -> dict[str, float]:
    """Effect (high minus low) of lever `name` on each outcome, averaged over paired seeds."""
    p = MODEL_PARAMS[name]
    low, high = RANGES.get(name, (p.low or 0.0, p.high or 1.0))
    if p.kind is int:
        low, high = int(low), int(high)
    scenario, context = CONTEXT.get(name, DEFAULT_CONTEXT)
    key = f"{p.section}.{name}"
    diffs = []
    for seed in range(seeds):
        lo = steady(scenario, seed, {**context, key: low}, steps=HORIZON)
        hi = steady(scenario, seed, {**context, key: high}, steps=HORIZON)
        diffs.append({o: hi[o] - lo[o] for o in OUTCOMES})
    return {o: float(np.mean([d[o] for d in diffs])) for o in OUTCOMES}


def dead_levers(names: list[str] | None = None, seeds: int = 2) -> tuple[bool, list[str]]:
    """(every lever moves an outcome by MIN_EFFECT, one line per lever with its largest effects)."""
    lines, ok = [], True
    for name in names or levers():
        effects = screen(name, seeds)
        top = sorted(effects.items(), key=lambda kv: -abs(kv[1]))[:3]
        alive = abs(top[0][1]) >= MIN_EFFECT
        ok &= alive
        scenario = CONTEXT.get(name, DEFAULT_CONTEXT)[0]
        lines.append(f"{'ok  ' if alive else 'DEAD'} {name} ({scenario}): "
                     + ", ".join(f"{o} {v:+.3f}" for o, v in top))
    return ok, lines
