"""Citizens, firms, civil-society organisations and administrations as real Mesa agents.

Each agent is a `mesa.Agent` registered with its model (so `model.agents` and
`model.agents_by_type` work as usual), but its state lives in the model's struct of arrays:
reading ``citizen.trust`` reads ``model.citizens.trust[citizen.index]`` and assigning it
writes there. The properties look up *this agent's model* on every access, so two live
models never share state (the trap of class-level array views noted in PERFORMANCE_NOTES).
The model steps all citizens at once in `sim.model.coproduction`; these objects are for inspection,
visualisation and per-agent tools such as Mesa's DataCollector agent reporters.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.model.population import TYPE_NAMES, Citizens


def _view(store: str, name: str) -> property:
    def get(self):
        return getattr(self.model, store).__dict__[name][self.index].item()

    def set_(self, value):
        getattr(self.model, store).__dict__[name][self.index] = value

    return property(get, set_, doc=f"View of ``model.{store}.{name}[index]``.")


class ArrayAgent(mesa.Agent):
    """A Mesa agent whose attributes are views of row `index` of a model-level store."""

    store: str = ""

    def __init__(self, model: mesa.Model, index: int):
        """Create the agent for row `index` of the model's arrays and register it."""
        super().__init__(model)
        self.index = index


class Citizen(ArrayAgent):
    """A citizen: contributes effort, data and reports; uses the service; learns.

    Its behaviour is the vectorised decision rule of `sim.model.behaviour`, applied to all
    citizens at once by `CoProductionModel.step`.
    """

    store = "citizens"

    @property
    def kind(self) -> str:
        """Contributor type name (conditional, free_rider, hump, unconditional)."""
        return TYPE_NAMES[self.ctype]

    @property
    def neighbours(self) -> list[Citizen]:
        """Citizens this one is tied to in the social network."""
        adj = self.model.adjacency
        idx = adj.indices[adj.indptr[self.index] : adj.indptr[self.index + 1]]
        return [self.model.citizen_agents[i] for i in idx.tolist()]


for _name in Citizens.names():
    setattr(Citizen, _name, _view("citizens", _name))


class Firm(ArrayAgent):
    """A firm (company or civic-tech developer) offering a service on the public platform.

    Its behaviour (`sim.model.firms.FirmSector`, vectorised over firms): enter or exit by expected
    return, which grows with online users and data openness; offer a complementary or a
    substitutive service; contribute back or free-ride; be bound by a service-level agreement.
    """

    store = "firms"


for _name in ("cost", "active", "substitutive", "reciprocal", "quality", "excluded",
              "expected_return"):
    setattr(Firm, _name, _view("firms", _name))


class Organisation(ArrayAgent):
    """A civil-society organisation (community group, NGO) that citizens found, join and leave.

    Its behaviour (`sim.model.civil_society.CivilSociety`, vectorised over citizens): founded
    by a willing citizen at a density-dependent rate, grows as willing citizens join (asked
    by a member or on their own initiative), delivers its members' effort itself, and folds
    with a hazard that falls with age and size. The agent exists while the organisation does.
    """

    store = "civil_society"

    @property
    def members(self) -> list[Citizen]:
        """Citizens who belong to this organisation."""
        idx = np.flatnonzero(self.model.civil_society.member == self.index)
        return [self.model.citizen_agents[i] for i in idx.tolist()]

    @property
    def funded(self) -> bool:
        """Whether the administration funds it."""
        return bool(self.model.civil_society.funded()[self.index])


for _name in ("alive", "age", "size", "founded"):
    setattr(Organisation, _name, _view("civil_society", _name))


class Administration(mesa.Agent):
    """The public administration: produces quality, responds to input, enforces rules.

    Attributes:
        production: Own quality production per step.
        cost: Per-citizen cost it bore in the last step.
        partners: Indices of the administrations it has a bilateral agreement with.
    """

    def __init__(self, model: mesa.Model, production: float):
        """Create the administration with its own production per step."""
        super().__init__(model)
        self.production = production
        self.cost = 0.0
        self.partners: list[int] = []
