"""Two parts of the model's month: citizens' decisions, and the administration's response.

`decide` turns what citizens believe and feel into collective effort (`sim.model.behaviour`)
and report propensities, applies sanctions' deterrence and the access rule, and marks who
*lost* the motivation it started with (the `exited` classification). `enforce` fines the
offenders, hears their appeals and takes trust from the wrongly fined whose fine stands.
`respond` passes the
month's input to the response rule, lets those heard learn, and turns acted-on input into
the citizens' share of quality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.governance import Response, SanctionOutcome, StepContext
from sim.model import behaviour, learning
from sim.model.neighbourhood import COMPILED_ROWS
from sim.model.population import HUMP
from sim.model.record import StepRecord
from sim.model.streams import APPEALS, own_stream
from sim.primitives.numeric import clip
from sim.primitives.threads import worker_threads


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
    """Collective effort, report propensity and access for this month (all citizens at once).

    The terms that do not change while the levers do (motivation, need, threshold, the
    trust a citizen started with) come from `sim.model.levers.derive`; the intermediate
    terms are computed in place, in the model's work arrays (`model.scratch`).
    """
    c, p, rules, work = model.citizens, model.p, model.rules, model.scratch
    sanctions = rules.sanctions
    motive = model.motive
    if sanctions.enforces:  # sanctions seen as illegitimate crowd out willingness
        motive = motive * (1.0 - p["crowding_out"] * (1.0 - sanctions.perceived))
    institutions = model.institutions
    mobilised = institutions.motivation()  # organisations, campaigns
    if (c.n >= COMPILED_ROWS and rules.response.administered and mobilised is None
            and np.ndim(model.quality_per_user) == 0 and np.ndim(motive) == 1):
        want, then, propensity = _compiled_terms(model, motive)
    else:
        want, then, propensity = _terms(model, motive, mobilised)
        behaviour.add_noise(want, p["decision_noise"], model.rng, work=work("noise"))
    norm = sanctions.norm(ctx)
    if sanctions.enforces:
        liable = c.uses & c.eligible  # only they can be fined, so only they comply
        behaviour.comply(want, norm, sanctions.expected_fine(ctx) * liable, model.compliance_cost)
    threshold = model.threshold
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
    if (informed := institutions.informed()) is not None:  # an information campaign
        propensity *= informed
        np.minimum(propensity, 1.0, out=propensity)
    if c.n >= COMPILED_ROWS:  # the three passes below in one (`sim.model.fused`)
        from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

        lost = np.empty(c.n, dtype=bool)
        fused.lost_motivation(then, threshold, willing, propensity, model.half_propensity_then, lost)
    else:
        lost = then >= threshold
        lost &= ~willing
        lost |= np.less(propensity, model.half_propensity_then, out=work("lost_reports", bool))
    return Decision(want, willing, admitted, norm, propensity, lost)


def enforce(model: Any, ctx: StepContext, d: Decision, liable: np.ndarray) -> SanctionOutcome:
    """Fine this month's offenders, hear their appeals, and cost the wrongful fines that stand in trust.

    The appeals draw from a stream of their own (made when first needed), so an arena for
    appeals shifts no other draw of the run.
    """
    c, rules = model.citizens, model.rules
    enforces = rules.sanctions.enforces
    # With no rule there is no norm: nobody offends.
    offenders = liable & (d.contribution < d.norm) if enforces else np.zeros(c.n, dtype=bool)
    arena = rules.appeals if enforces and rules.appeals.hears else None
    if arena is not None and model.appeal_rng is None:
        model.appeal_rng = own_stream(model.rng, APPEALS)
    sanction = rules.sanctions.apply(ctx, offenders, liable, d.contribution > 0, model.rng,
                                     appeals=arena, appeal_rng=model.appeal_rng)
    if enforces:
        c.trust[sanction.wrongful] *= 1.0 - model.p["wrongful_trust_loss"]
    return sanction


def _terms(model: Any, motive, mobilised) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(willingness before noise, the same with the trust one started with, report propensity)."""
    c, p, rules, work = model.citizens, model.p, model.rules, model.scratch
    tau = behaviour.schedule(c.slope, c.level, model.hump_index(), c.belief, out=work("tau"))
    if rules.response.administered:
        # context = motive x (1 + need weight x shortfall of the service below one's need)
        context = np.divide(model.quality_per_user, model.need_standard)
        np.subtract(1.0, context, out=context)
        clip(context, 0.0, 1.0, out=context)
        context *= p["need_weight"]
        context += 1.0
        context *= motive
        trust_now = behaviour.factor(c.trust, p["trust_weight"], p["trust_reference"], out=work("trust_now"))
        efficacy_now = behaviour.factor(c.efficacy, p["efficacy_weight"], p["initial_efficacy"],
                                        out=work("efficacy_now"))
    else:  # a lab game: no administration to trust, no service to need
        context = np.array(motive)
        trust_now, efficacy_now = np.ones(c.n), np.ones(c.n)
    if mobilised is not None:
        context = context * mobilised
    then = np.multiply(context, model.trust_then, out=work("then"))
    behaviour.willingness(tau, then, model.cost_factor, model.gains, out=then)
    context *= trust_now
    context *= efficacy_now
    want = behaviour.willingness(tau, context, model.cost_factor, model.gains, out=context)
    propensity = trust_now  # report propensity x trust factor x efficacy factor, at most 1
    propensity *= p["report_propensity"]
    propensity *= efficacy_now
    np.minimum(propensity, 1.0, out=propensity)
    return want, then, propensity


def _compiled_terms(model: Any, motive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_terms` and the decision noise in two compiled passes (`sim.model.kernels.decide`): the same numbers.

    The noise's uniform draws are the month's next draws either way; they are made in the
    second thread while the first computes the terms (which draw nothing).
    """
    from sim.model import fused, kernels  # noqa: PLC0415  (Numba only at scale)

    c, p, work = model.citizens, model.p, model.scratch
    sigma = p["decision_noise"]
    noise = work("noise")
    drawn = worker_threads().submit(model.rng.random, out=noise) if sigma > 0 else None
    want = np.empty(c.n)  # kept: it becomes the month's contribution
    then, propensity = work("then"), work("trust_now")
    gains = np.zeros(0) if model.gains is None else model.gains
    kernels.decide(c.slope, c.level, c.ctype, HUMP, c.belief, float(model.quality_per_user), model.need_standard,
                   p["need_weight"], motive, c.trust, p["trust_weight"], p["trust_reference"], c.efficacy,
                   p["efficacy_weight"], p["initial_efficacy"], model.trust_then,
                   np.atleast_1d(np.asarray(model.cost_factor, dtype=np.float64)), gains,
                   p["report_propensity"], want, then, propensity)
    if drawn is not None:
        drawn.result()
        fused.apply_noise(want, noise, sigma * np.sqrt(12.0))
    return want, then, propensity


def respond(model: Any, record: StepRecord, support: float) -> tuple[float, float]:
    """Act on matured input; those heard learn. Returns (citizens' quality, input handled).

    Fills the record's ``heard`` and ``acted``; updates the published share acted on.
    """
    c, p, rules, work = model.citizens, model.p, model.rules, model.scratch
    # Members of civil-society organisations deliver through them (`sim.model.civil_society`).
    effort = model.institutions.administered(record.contribution)
    response = rules.response.apply(effort, record.reports, model.rng)
    acted_effort = work("acted_effort")
    fixed = 0.0
    if response is not None and rules.response.administered and c.n >= COMPILED_ROWS:
        fixed = _compiled_answer(model, record, response, acted_effort) / c.n
    elif response is not None:
        heard = response.heard
        record.heard, record.acted = heard, response.acted
        if rules.response.administered:
            learning.learn_from_feedback(c.efficacy, heard, response.acted, p["efficacy_learning"], c.feedback)
        if (share := response.acted_share()) is not None:
            model.published = share
        np.multiply(response.effort, response.acted, out=acted_effort)
        fixed = fixed_reports(response, work) / c.n
    else:
        acted_effort.fill(0.0)
    raw = rules.interaction.coproduce(effort, acted_effort, c.skill)
    coproduced = p["coproduction_efficiency"] * raw * support + p["report_value"] * fixed
    model.coproduced = coproduced
    return coproduced, float(acted_effort.sum()) / max(c.n, 1) + fixed


def _compiled_answer(model: Any, record: StepRecord, response: Response, acted_effort: np.ndarray) -> float:
    """`respond`'s learning and input acted on in one pass (`sim.model.fused.answer`); the reports fixed."""
    from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

    c, work = model.citizens, model.scratch
    heard = np.empty(c.n, dtype=bool)
    acted_reports = work("acted_reports", np.float32)
    k, m = fused.answer(response.effort, response.reports, response.acted, c.efficacy, c.feedback,
                        model.p["efficacy_learning"], heard, acted_effort, acted_reports)
    response.__dict__["heard"] = heard  # (the cached property, computed here)
    record.heard, record.acted = heard, response.acted
    if k:
        model.published = float(m) / k
    return fixed_reports(response, work, acted_reports)


#: Largest integer up to which every integer is exact in float32.
FLOAT32_EXACT = 2.0**24


def fixed_reports(response: Response, work: Any, acted_reports: np.ndarray | None = None) -> float:
    """Matured reports acted on: ``response.reports[response.acted].sum()``, computed faster.

    Reports are counts (whole numbers in float32): while their total stays below 2**24
    every partial sum is exact, so summing them over all citizens (zero where not acted
    on) gives the same number as summing the acted-on ones, in any order; beyond that
    the original order is used. `acted_reports`, if given, already holds ``reports x acted``.
    """
    if acted_reports is None:
        acted_reports = np.multiply(response.reports, response.acted, out=work("acted_reports", np.float32))
    total = float(np.add.reduce(acted_reports))
    if total >= FLOAT32_EXACT:
        total = float(response.reports[response.acted].sum())
    return total


def citizen_payoff(c: Any, received, contribution: np.ndarray, sanction: SanctionOutcome | None,  # noqa: PLR0917
                   reward_paid, work: Any) -> np.ndarray:
    """Each citizen's payoff this month (into ``c.payoff``): service or outside option, less costs, fines.

    ``uses x received + outside x ~uses - cost x contribution - fines ... + reward``. Non-users
    have their private alternative (finite and >= 0, so the second term is exactly
    ``np.where(uses, 0, outside)``). `sanction` is None when no rule enforces (subtracting no
    fines is the identity).
    """
    payoff = c.payoff
    if c.n >= COMPILED_ROWS and np.ndim(received) == 0:  # one pass (`sim.model.fused`)
        from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

        reward = np.zeros(0) if sanction is not None else np.atleast_1d(np.asarray(reward_paid, dtype=np.float64))
        fused.payoff(c.uses, float(received), c.outside, c.cost, contribution, reward, payoff)
        if sanction is None:
            return payoff
    else:
        term = work("payoff_term")
        np.multiply(c.uses, received, out=payoff)
        payoff += np.multiply(c.outside, ~c.uses, out=term)
        payoff -= np.multiply(c.cost, contribution, out=term)
    if sanction is not None:
        payoff -= sanction.fines
        payoff -= sanction.punisher_cost
        if sanction.appeals is not None:
            payoff -= sanction.appeals.citizen_cost
    payoff += reward_paid
    return payoff
