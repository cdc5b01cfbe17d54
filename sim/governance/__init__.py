"""Registry of governance rules, by family and name.

Eight families: ``access``, ``sanctions``, ``rewards``, ``response``, ``interaction``,
``responsibility``, ``voting`` and ``appeals``. ``make_rule("sanctions", "peer", values)`` builds a rule from a flat mapping of
model parameters, taking only those the rule declares; a misspelt family or rule name fails
with the list of valid ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sim.governance.access import AccessRule, InvitedAccess, OpenAccess, RegisteredAccess
from sim.governance.appeals import AppealOutcome, AppealRule, Arbiter, NoAppeals
from sim.governance.base import GovernanceRule, StepContext
from sim.governance.interaction import (
    CoDelivery,
    CoDesign,
    Consultation,
    InteractionRule,
    Reporting,
)
from sim.governance.response import DirectResponse, RandomResponse, Response, ResponseRule
from sim.governance.responsibility import (
    CollectiveResponsibility,
    IndividualResponsibility,
    ResponsibilityRule,
)
from sim.governance.rewards import NoRewards, Recognition, RewardRule
from sim.governance.sanctions import (
    AdminSanctions,
    NoSanctions,
    PeerSanctions,
    SanctionOutcome,
    SanctionRule,
)
from sim.governance.voting import EqualShares, Plurality, Proportional, VotingRule
from sim.primitives.errors import InputError, Problem, did_you_mean
from sim.primitives.params import Param

#: family -> rule name -> class; the first rule of each family is its default.
REGISTRY: dict[str, dict[str, type[GovernanceRule]]] = {
    family: {cls.name: cls for cls in classes}
    for family, classes in {
        "access": (OpenAccess, RegisteredAccess, InvitedAccess),
        "sanctions": (NoSanctions, PeerSanctions, AdminSanctions),
        "rewards": (NoRewards, Recognition),
        "response": (RandomResponse, DirectResponse),
        "interaction": (Consultation, CoDelivery, CoDesign, Reporting),
        "responsibility": (CollectiveResponsibility, IndividualResponsibility),
        "voting": (Plurality, EqualShares, Proportional),
        "appeals": (NoAppeals, Arbiter),
    }.items()
}


def all_rules() -> list[type[GovernanceRule]]:
    """Every registered rule class."""
    return [cls for rules in REGISTRY.values() for cls in rules.values()]


def rule_class(family: str, name: str) -> type[GovernanceRule]:
    """The rule class registered as `name` in `family`, or an `InputError` naming the family."""
    if family not in REGISTRY:
        raise InputError(Problem("governance", f"unknown rule family {family!r}",
                                 allowed="one of: " + ", ".join(REGISTRY),
                                 hint=did_you_mean(family, REGISTRY)))
    rules = REGISTRY[family]
    if name not in rules:
        raise InputError(Problem(family, "invalid", name, "one of: " + ", ".join(rules),
                                 did_you_mean(name, rules)))
    return rules[name]


def family_params(family: str) -> dict[str, Param]:
    """Union of the parameters declared by the rules of `family` (shared ones declared once)."""
    out: dict[str, Param] = {}
    for cls in REGISTRY[family].values():
        for p in cls.params:
            if out.setdefault(p.name, p) != p:
                raise TypeError(f"{family} rules declare {p.name!r} differently")
    return out


def make_rule(family: str, name: str, values: Mapping[str, Any]) -> GovernanceRule:
    """Build rule `name` of `family`, taking its declared parameters from `values`."""
    cls = rule_class(family, name)
    return cls(**{p.name: values[p.name] for p in cls.params if p.name in values})


@dataclass
class Rules:
    """The rule of every family a model runs with (typed, one attribute per family)."""

    access: AccessRule
    sanctions: SanctionRule
    rewards: RewardRule
    response: ResponseRule
    interaction: InteractionRule
    responsibility: ResponsibilityRule
    voting: VotingRule
    appeals: AppealRule

    @classmethod
    def build(cls, values: Mapping[str, Any]) -> Rules:
        """Every family's rule named in `values` (resolved model parameters)."""
        rules: dict[str, Any] = {f: make_rule(f, values[f], values) for f in REGISTRY}
        return cls(**rules)

    def __getitem__(self, family: str) -> GovernanceRule:
        return getattr(self, family)

    def __iter__(self) -> Iterator[GovernanceRule]:
        return (getattr(self, family) for family in REGISTRY)


__all__ = [
    "REGISTRY",
    "AccessRule",
    "AppealOutcome",
    "AppealRule",
    "GovernanceRule",
    "InteractionRule",
    "Response",
    "ResponseRule",
    "ResponsibilityRule",
    "RewardRule",
    "Rules",
    "SanctionOutcome",
    "SanctionRule",
    "StepContext",
    "VotingRule",
    "all_rules",
    "family_params",
    "make_rule",
    "rule_class",
]
