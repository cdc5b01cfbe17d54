"""Changing levers during a run (timed policy changes): validated, applied, derived state kept.

`apply_levers(model, values)` validates ``values`` (flat parameter names) together with
the model's current parameters, exactly as the constructor does, and applies them from
the next step on: a rule family set to another rule gets a new rule (set up on the
population), a rule parameter is set on the running rule, a model parameter in ``model.p``;
what the constructor derived from parameters (incentive factors, the data-sharing base,
integration efficiency, the online share) is derived again. What the population and the
network were drawn from cannot change during a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.governance import REGISTRY, make_rule
from sim.model import behaviour
from sim.model.administration import integration_efficiency
from sim.model.agreements import agreement_efficiency, partners
from sim.model.budgeting import PB_PARAMS
from sim.model.derived import citizen_terms
from sim.model.parameters import MODEL_PARAMS, resolve_model_params
from sim.model.service import online_share_of
from sim.primitives.errors import InputError, Problem

#: Parameters fixed for a run: the population, its network, and the actors drawn at start.
STRUCTURAL: frozenset[str] = frozenset(
    name for name, p in MODEL_PARAMS.items() if p.section == "population"
) | {"groups", "group_size", "firms", "administrations", "initial_quality"}
#: The participatory budget's levers (it follows a change of them, `ParticipatoryBudget.relever`).
PB_NAMES: frozenset[str] = frozenset(p.name for p in PB_PARAMS)


def derive(model: Any) -> None:
    """(Re)compute what the model derives from its parameters once per setting.

    With the incentive factors and the like, the per-citizen terms of the decision rule
    and the outcomes' strata (`sim.model.derived`), so a step computes them once per
    setting rather than once a month.
    """
    p, c = model.p, model.citizens
    reward = model.rules.rewards.rate()
    model.cost_factor, model.private_gain = behaviour.incentive_factors(
        c.cost, p["mpcr"], reward, p["incentive_sensitivity"])
    model.compliance_cost = np.maximum(c.cost - p["mpcr"] - reward, 0.0)
    model.data_base = 1.0 - c.privacy * (1.0 - p["data_control"])
    k, interoperable = p["administrations"], p["interoperability"]
    model.integration = integration_efficiency(k, interoperable)
    # Bilateral agreements (`sim.model.agreements`): shared delivery for the administrations'
    # production, data sharing for what citizens' input yields.
    model.citizen_integration = model.integration
    if p["data_agreements"] > 0:
        model.citizen_integration = agreement_efficiency(k, interoperable, p["data_agreements"])
    if p["delivery_agreements"] > 0:
        model.integration = agreement_efficiency(k, interoperable, p["delivery_agreements"])
    for admin, theirs in zip(getattr(model, "administrations", ()), partners(k, p["delivery_agreements"]),
                             strict=False):
        admin.partners = theirs
    model.share_online = online_share_of(p["channel"], p["online_share"])
    citizen_terms(model)


def apply_levers(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and apply lever values from the next step on; the values as resolved.

    Raises:
        InputError: An unknown name, a bad value, a cross-field constraint, or a parameter
            that is fixed for the run (`STRUCTURAL`).
    """
    fixed = [Problem(name, "cannot change during a run", allowed="a lever of the governance, "
                     "administration, service or firms sections") for name in values if name in STRUCTURAL]
    if fixed:
        raise InputError(fixed)
    new = resolve_model_params({**model.p, **values})
    changed = {k: new[k] for k in values if new[k] != model.p[k]}
    model.p.update(changed)
    for family in REGISTRY:
        rule = model.rules[family]
        if family in changed:
            fresh = make_rule(family, new[family], new)
            fresh.setup(model.citizens, model.rng)
            setattr(model.rules, family, fresh)
        else:
            for p in type(rule).params:
                if p.name in changed:
                    rule.values[p.name] = changed[p.name]
                    setattr(rule, p.name, changed[p.name])
    if "responsibility" in changed:
        model.citizens.assigned = model.rules.responsibility.assigned
    if changed.keys() & (PB_NAMES | {"production"}):  # the budget follows production
        model.budgeting.relever(model.citizens, model.rng)
    derive(model)
    return changed
