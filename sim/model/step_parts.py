"""Two parts of the model's month: citizens' decisions, and the administration's response.

`decide` turns what citizens believe and feel into collective effort (`sim.model.behaviour`)
and report propensities, applies sanctions' deterrence and the access rule, and marks who
*lost* the motivation it started with (the `exited` classification). `respond` passes the
month's input to the response rule, lets those heard learn, and turns acted-on input into
the citizens' share of quality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.governance import StepContext
from sim.model import behaviour, learning
from sim.model.record import StepRecord


@dataclass(frozen=True)
class Decision:
    """What citizens chose this month.

    Attributes:
        contribution: Collective effort after sanctions and access (share of time budget).
        willing: Wanted to give at least ``min_hours`` of collective effort.
        admitted: Admitted by the access rule.
        norm: The sanction rule's norm (scalar or per citizen).
        report_propensity: Probability of reporting what one meets.
        lost: Would take part with the trust and efficacy it started with, does not now.
    """

    contribution: np.ndarray
    willing: np.ndarray
    admitted: np.ndarray
    norm: Any
    report_propensity: np.ndarray
    lost: np.ndarray


def decide(model: Any, ctx: StepContext) -> Decision:
    """Collective effort, report propensity and access for this month (all citizens at once)."""
    c, p, rules = model.citizens, model.p, model.rules
    sanctions = rules.sanctions
    tau = behaviour.schedule(c.slope, c.level, model.hump, c.belief)
    motive = behaviour.loafing_factor(p["task_group_size"], c.assigned, p["loafing"])
    if sanctions.enforces:  # sanctions seen as illegitimate crowd out willingness
        motive = motive * (1.0 - p["crowding_out"] * (1.0 - sanctions.perceived))
    if rules.response.administered:
        shortfall = 1.0 - model.quality_per_user / (c.need * p["quality_standard"])
        np.clip(shortfall, 0.0, 1.0, out=shortfall)
        context = motive * (1.0 + p["need_weight"] * shortfall)
        trust_now = behaviour.factor(c.trust, p["trust_weight"], p["trust_reference"])
        trust_then = behaviour.factor(c.trust_prior, p["trust_weight"], p["trust_reference"])
        efficacy_now = behaviour.factor(c.efficacy, p["efficacy_weight"], p["initial_efficacy"])
    else:  # a lab game: no administration to trust, no service to need
        context = motive
        trust_now = trust_then = efficacy_now = np.ones(c.n)
    institutions = model.institutions
    if (mobilised := institutions.motivation()) is not None:  # organisations, campaigns
        context = context * mobilised
    want = behaviour.willingness(tau, context * trust_now * efficacy_now, model.cost_factor, model.private_gain)
    then = behaviour.willingness(tau, context * trust_then, model.cost_factor, model.private_gain)
    behaviour.add_noise(want, p["decision_noise"], model.rng)
    norm = sanctions.norm(ctx)
    if sanctions.enforces:
        liable = c.uses & c.eligible  # only they can be fined, so only they comply
        behaviour.comply(want, norm, sanctions.expected_fine(ctx) * liable, model.compliance_cost)
    threshold = p["min_hours"] / np.maximum(c.time_budget, 1e-9)
    own = institutions.self_organised()  # members give through their organisation
    if own is not None:
        institutions.decided(want >= threshold)
    if not rules.interaction.collective:  # no collective channel (organisations are their own)
        want[:] = 0.0 if own is None else np.where(own, want, 0.0)
        then[:] = 0.0
    willing = want >= threshold
    admitted = rules.access.admit(c, willing, model.rng)
    if own is not None:  # an organisation's boundary, not the access rule, admits its members
        admitted = admitted | (own & willing)
    want *= admitted
    propensity = np.minimum(p["report_propensity"] * trust_now * efficacy_now, 1.0)
    if (informed := institutions.informed()) is not None:  # an information campaign
        propensity = np.minimum(propensity * informed, 1.0)
    propensity_then = p["report_propensity"] * trust_then
    lost = ((then >= threshold) & ~willing) | (propensity < 0.5 * propensity_then)
    return Decision(want, willing, admitted, norm, propensity, lost)


def respond(model: Any, record: StepRecord, support: float) -> tuple[float, float]:
    """Act on matured input; those heard learn. Returns (citizens' quality, input handled).

    Fills the record's ``heard`` and ``acted``; updates the published share acted on.
    """
    c, p, rules = model.citizens, model.p, model.rules
    # Members of civil-society organisations deliver through them (`sim.model.civil_society`).
    effort = model.institutions.administered(record.contribution)
    response = rules.response.apply(effort, record.reports, model.rng)
    acted_effort = np.zeros(c.n)
    fixed = 0.0
    if response is not None:
        heard = response.heard
        record.heard, record.acted = heard, response.acted
        if rules.response.administered:
            learning.learn_from_feedback(c.efficacy, heard, response.acted, p["efficacy_learning"])
            c.feedback[heard] = response.acted[heard]
        if (share := response.acted_share()) is not None:
            model.published = share
        np.multiply(response.effort, response.acted, out=acted_effort)
        fixed = float(response.reports[response.acted].sum()) / c.n
    raw = rules.interaction.coproduce(effort, acted_effort, c.skill)
    coproduced = p["coproduction_efficiency"] * raw * support + p["report_value"] * fixed
    model.coproduced = coproduced
    return coproduced, float(acted_effort.sum()) / max(c.n, 1) + fixed
