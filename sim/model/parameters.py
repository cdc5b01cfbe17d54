"""Every model parameter, declared once: default, allowed range, section and source.

`MODEL_PARAMS` is the single list the model constructor (its signature included), the
governance registry, the docs and later the scenario schema read. Governance rule
parameters are declared on the rule classes and gathered here from the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.governance import REGISTRY, family_params
from sim.model.budgeting import PB_PARAMS
from sim.model.firms import FIRM_PARAMS
from sim.model.network import NETWORK_KINDS, network_problems
from sim.model.population import type_shares
from sim.primitives.errors import InputError, Problem
from sim.primitives.params import Param, resolve
from sim.primitives.sources import FGF, INGOV, SCOPING

_POPULATION = (
    Param("citizens", 1000, "Number of citizens.", "population", 1, 5_000_000),
    Param("share_conditional", 0.50, "Share of conditional cooperators.", "population", 0, 1, source=FGF),
    Param("share_free_rider", 0.30, "Share of free riders.", "population", 0, 1, source=FGF),
    Param("share_hump", 0.14, "Share of hump-shaped contributors (rest: unconditional).", "population", 0, 1, source=FGF),
    Param("cc_slope", 0.95, "Mean slope of conditional cooperators' own on others' contribution.", "population", 0, 1.5, source=FGF + " (below the diagonal)"),
    Param("cc_slope_sd", 0.15, "Spread of conditional cooperators' slopes.", "population", 0, 1),
    Param("initial_belief", 0.75, "Initial belief about others' mean contribution (share of capacity).", "population", 0, 1, source="Fischbacher & Gächter 2010 (first-round beliefs)"),
    Param("groups", 3, "Number of socio-economic groups.", "population", 1, 10),
    Param("group_skill_gap", 0.3, "Digital-literacy gap between the most and least deprived group.", "population", 0, 1, source="Fugini & Teimourikia 2016 (ICT and co-production)"),
    Param("effort_cost_sd", 0.3, "Spread of the marginal cost of effort (time budget); mean 1.", "population", 0, 3),
    Param("trust", 0.5, "Mean initial trust in the administration.", "population", 0, 1),
    Param("trust_sd", 0.15, "Spread of initial trust.", "population", 0, 1),
    Param("engagement_sigma", 2.8, "Spread (lognormal sigma) of how often citizens meet something to report.", "population", 0, 4, source="Nielsen 2006 (participation inequality); calibrated to the 1-9-90 pattern"),
    Param("outside_option", 0.0, "Mean value of the private alternative; users leave below it.", "population", 0, 100),
    Param("network", "small_world", "Social network kind.", "population", choices=NETWORK_KINDS),
    Param("degree", 6, "Mean number of social ties (lattice: 4 or 8).", "population", 2, 100, source="Watts & Strogatz 1998"),
    Param("rewire", 0.1, "Rewiring probability of the small-world network.", "population", 0, 1),
    Param("neighbour_weight", 0.7, "Weight of neighbours (vs the visible aggregate) in beliefs.", "population", 0, 1),
    Param("belief_learning", 0.5, "Rate at which beliefs move toward observed contributions.", "population", 0, 1, source="Fischbacher & Gächter 2010 (belief updating)"),
    Param("trust_learning", 0.5, "Rate at which trust moves toward whether one's input was acted on.", "population", 0, 1, source="Sjoberg, Mellon & Peixoto 2017"),
    Param("trust_weight", 2.0, "How strongly trust scales the disposition to contribute.", "population", 0, 5, source="Fledderus, Brandsen & Honingh 2014"),
    Param("trust_reference", 0.5, "Trust at which the disposition equals the lab schedule.", "population", 0, 1),
    Param("trust_effort_weight", 0.5, "How strongly trust follows the growth of the administration's own effort.", "population", 0, 5, source="Bracci, Fugini & Sicilia 2016 (co-production as cost cutting)"),
    Param("incentive_sensitivity", 0.5, "Elasticity of the disposition to give w.r.t. the net cost of giving.", "population", 0, 5),
    Param("decision_noise", 0.1, "Standard deviation of multiplicative decision noise.", "population", 0, 1),
)

_GAME = (  # the public-goods game every citizen plays; lab designs set these directly
    Param("mpcr", 0.4, "Marginal per-capita return: own return of a unit contributed.", "game", 0, 2, source="Ledyard 1995 (typical MPCR 0.3-0.75); Fehr & Gächter 2000 (0.4)"),
    Param("group_size", 4, "Group size of the `groups` network (lab designs).", "game", 2, 1000, source="Fehr & Gächter 2000"),
)

_SERVICE = (
    Param("channel", "mixed", "Delivery channel.", "service", choices=("online", "offline", "mixed"), source=SCOPING),
    Param("online_share", 0.5, "Share of users served online when the channel is mixed.", "service", 0, 1),
    Param("depreciation", 0.1, "Share of service quality lost each step.", "service", 0, 1),
    Param("coproduction_efficiency", 1.0, "Quality added per unit of acted-on, skill-weighted input.", "service", 0, 10),
    Param("network_effect", 0.3, "Elasticity of online quality per user to online users.", "service", 0, 1, source=SCOPING),
    Param("reference_users", 1000.0, "Online users at which the network effect multiplier is 1.", "service", 1, 1e8),
    Param("offline_capacity", 1000.0, "Users the offline channel serves before congesting.", "service", 1, 1e8, source=SCOPING),
    Param("initial_quality", 1.0, "Service quality at the start.", "service", 0, 1e6),
    Param("digital_cost_gap", 0.5, "How much the online channel lowers effort cost for the digitally literate and raises it for others.", "service", 0, 2, source="Fugini & Teimourikia 2016 (ICT lowers the cost of taking part)"),
    Param("data_control", 0.5, "Degree to which citizens control the data they contribute as sensors.", "service", 0, 1, source="Castelnovo 2016 (citizens as sensors)"),
    Param("data_value", 0.05, "Quality added per citizen-share of users contributing data (0: no data platform, nobody is asked).", "service", 0, 10, source="Castelnovo 2016"),
)

_ADMINISTRATION = (
    Param("production", 0.1, "Administration's own quality production per step.", "administration", 0, 100),
    Param("handling_cost", 0.2, "Administration cost per unit of citizen input acted on.", "administration", 0, 10),
    Param("administrations", 1, "Number of administrations jointly delivering the service.", "administration", 1, 20, source=INGOV + " (interoperability agreements)"),
    Param("interoperability", 0.5, "Interoperability agreements between administrations (0 = silos).", "administration", 0, 1, source=INGOV + " (interoperability agreements)"),
    Param("austerity_response", 0.0, "Own production cut per unit of quality citizens co-produced.", "administration", 0, 5, source="Bracci, Fugini & Sicilia 2016 (co-production and austerity)"),
)

_FIRMS = (
    Param("firms", 0, "Number of potential firms (civic-tech developers).", "firms", 0, 100_000),
    Param("data_openness", 0.5, "Openness of the administration's data and platform.", "firms", 0, 1, source=SCOPING),
    Param("firm_cost", 0.3, "Mean cost of running a complementary service.", "firms", 0, 10),
    Param("firm_complement", 0.02, "Quality added per active firm per step.", "firms", 0, 10),
)


def _governance() -> tuple[Param, ...]:
    choices = tuple(
        Param(family, next(iter(rules)), f"{family.capitalize()} rule.", "governance", choices=tuple(rules))
        for family, rules in REGISTRY.items()
    )
    rule_params = tuple(p for family in REGISTRY for p in family_params(family).values())
    return choices + rule_params


MODEL_PARAMS: dict[str, Param] = {
    p.name: p for p in (*_POPULATION, *_SERVICE, *_ADMINISTRATION, *_FIRMS, *FIRM_PARAMS, *_governance(), *PB_PARAMS, *_GAME)
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
    problems = network_problems(p["network"], p["citizens"], p["degree"])
    shares = type_shares(p)[:3]
    if shares.sum() > 1.0 + 1e-9:
        total = f"{' + '.join(TYPE_SHARES)} = {shares.sum():.3f} is over 1"
        problems.append(Problem(TYPE_SHARES[0], total, allowed="type shares that sum to at most 1 "
                                "(the rest are unconditional contributors)"))
    if problems:
        raise InputError(problems)
    return p
