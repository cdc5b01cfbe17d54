"""Every model parameter, declared once: default, allowed range, section, unit and source.

Each mechanism declares its own parameters next to its code (`POPULATION_PARAMS` in
`sim.model.population`, `DECISION_PARAMS` in `sim.model.behaviour`, ...; governance rule
parameters on the rule classes). `MODEL_PARAMS` gathers them: the one list the model
constructor (its signature included), the scenario schema, the dashboard's controls and
the docs read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.governance import REGISTRY, family_params
from sim.model.acts import ACT_PARAMS
from sim.model.administration import ADMINISTRATION_PARAMS
from sim.model.agreements import AGREEMENT_PARAMS
from sim.model.behaviour import DECISION_PARAMS
from sim.model.budgeting import PB_PARAMS
from sim.model.choice import CHOICE_PARAMS
from sim.model.firms import FIRM_PARAMS
from sim.model.institutions import INSTITUTION_PARAMS
from sim.model.learning import LEARNING_PARAMS
from sim.model.nested import NESTED_PARAMS, nested_problems
from sim.model.network import NETWORK_PARAMS, network_problems
from sim.model.population import POPULATION_PARAMS, type_shares
from sim.model.record import RECORD_PARAMS
from sim.model.service import SERVICE_PARAMS
from sim.model.turnover import TURNOVER
from sim.primitives.errors import InputError, Problem
from sim.primitives.params import Param, resolve

_GAME = (  # the public-goods game every citizen plays; lab designs set these directly
    Param("mpcr", 0.0, "Marginal per-capita return: own return of a unit contributed (in a city, one's own share of what one co-produces is negligible; lab designs set 0.4).", "game", 0, 2, source="Ledyard 1995 (lab MPCR 0.3-0.75); Isaac & Walker 1988 (contributions fall with the MPCR)"),
    Param("group_size", 4, "Group size of the `groups` network (lab designs).", "game", 2, 1000, source="Fehr & Gächter 2000"),
)


def _governance() -> tuple[Param, ...]:
    choices = tuple(
        Param(family, next(iter(rules)), f"{family.capitalize()} rule.", "governance", choices=tuple(rules))
        for family, rules in REGISTRY.items()
    )
    rule_params = tuple(p for family in REGISTRY for p in family_params(family).values())
    return choices + rule_params


MODEL_PARAMS: dict[str, Param] = {
    p.name: p for p in (
        *POPULATION_PARAMS, TURNOVER, *NETWORK_PARAMS, *DECISION_PARAMS, *LEARNING_PARAMS, *ACT_PARAMS,
        *RECORD_PARAMS, *SERVICE_PARAMS, *ADMINISTRATION_PARAMS, *AGREEMENT_PARAMS, *FIRM_PARAMS, *_governance(),
        *PB_PARAMS, *CHOICE_PARAMS, *NESTED_PARAMS, *INSTITUTION_PARAMS, *_GAME,
    )
}
TYPE_SHARES = ("share_conditional", "share_free_rider", "share_hump")
SECTIONS: tuple[str, ...] = ("population", "service", "administration", "governance", "firms", "game")


def defaults() -> dict[str, Any]:
    """Default value of every model parameter."""
    return {name: p.default for name, p in MODEL_PARAMS.items()}


def resolve_model_params(given: Mapping[str, Any]) -> dict[str, Any]:
    """Validate model keyword arguments, fill defaults, and check cross-field constraints.

    Raises:
        InputError: Unknown names (with the valid ones), bad values, type shares over 1,
            or a network degree that does not fit the network kind and size. Problems
            name the flat parameter names; callers add where the values came from.
    """
    p = resolve(MODEL_PARAMS, given, what="model parameter")
    problems = network_problems(p["network"], p["citizens"], p["degree"]) + nested_problems(p)
    shares = type_shares(p)[:3]
    if shares.sum() > 1.0 + 1e-9:
        total = f"{' + '.join(TYPE_SHARES)} = {shares.sum():.3f} is over 1"
        problems.append(Problem(TYPE_SHARES[0], total, allowed="type shares that sum to at most 1 "
                                "(the rest are unconditional contributors)"))
    if problems:
        raise InputError(problems)
    return p
