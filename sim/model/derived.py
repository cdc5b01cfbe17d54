"""Per-citizen terms a step reads but does not change: computed once, kept on the model.

The decision rule's motivation of a collective task, the need the service is measured
against, the participation threshold, the trust and report propensity a citizen started
with, and the strata outcomes are broken down by depend only on the levers and on who the
citizens are, so they are computed when the model is built or a lever changes
(`sim.model.levers.derive`) and, for the newcomers only, when residents are replaced
(`sim.model.turnover`) -- not once a month. The values are the ones the step would compute.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model import behaviour
from sim.model.reporters import Strata


def citizen_terms(model: Any, idx: np.ndarray | None = None) -> None:
    """Compute the terms for every citizen, or recompute them for the citizens `idx`."""
    p, c = model.p, model.citizens
    if idx is None:
        model.motive = behaviour.loafing_factor(p["task_group_size"], c.assigned, p["loafing"])
        model.need_standard = c.need * p["quality_standard"]
        model.threshold = p["min_hours"] / np.maximum(c.time_budget, 1e-9)
        model.able = c.time_budget >= p["min_hours"]
        model.trust_then = _trust_then(model, c.trust_prior)
        model.half_propensity_then = 0.5 * (p["report_propensity"] * model.trust_then)
        model.strata = Strata.of(c, p["groups"])
    else:  # newcomers took these homes (named tasks stay with the home: motive unchanged)
        model.need_standard[idx] = c.need[idx] * p["quality_standard"]
        model.threshold[idx] = p["min_hours"] / np.maximum(c.time_budget[idx], 1e-9)
        model.able = model.able.copy()  # earlier step records keep theirs
        model.able[idx] = c.time_budget[idx] >= p["min_hours"]
        model.trust_then[idx] = _trust_then(model, c.trust_prior[idx])
        model.half_propensity_then[idx] = 0.5 * (p["report_propensity"] * model.trust_then[idx])
        model.strata = model.strata.moved(c, idx)
    # Nobody gains privately from giving (the usual case): the decision rule then skips the
    # term (adding zero to a non-negative product changes nothing).
    model.gains = model.private_gain if np.any(model.private_gain) else None


def _trust_then(model: Any, trust_prior: np.ndarray) -> np.ndarray:
    """The trust factor of the trust citizens started with (1 in a lab game: no administration)."""
    p = model.p
    if model.rules.response.administered:
        return behaviour.factor(trust_prior, p["trust_weight"], p["trust_reference"])
    return np.ones(trust_prior.shape[0])
