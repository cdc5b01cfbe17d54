"""Civil-society organisations: community groups and NGOs that citizens found, join and leave.

Collaborative public services "are created and run by government, civil society or by
private sector" (Szkuta, Pizzicannella & Osimo 2014). Here citizens found organisations,
join them and leave them; members give their collective effort through their
organisation, which delivers it itself (skill-weighted, ``cso_efficiency`` per unit): it
needs neither the administration's response nor its effort, and its members work under
their organisation's boundary, not the access rule, even where the administration offers
no collective channel. Organisations ask and coordinate, so members want to give
``cso_mobilisation`` times what they would alone (a factor that is our judgement). Each
month, vectorised over citizens and looping over nothing:

* **Founding** is density dependent (Hannan & Freeman 1989; Hannan & Carroll 1992:
  legitimation raises founding rates as a population of organisations grows, competition
  lowers them, an inverted U in density): ``cso_founding x citizens / 1000 x exp(x - x^2)``
  a month, ``x`` the organisations alive over ``cso_capacity`` per 1,000 citizens, so the
  rate peaks at half the capacity and is back at its low-density level at the capacity
  (the curvature is our judgement). A founder is a citizen who wants to give and belongs to
  no organisation; with nobody willing, nothing is founded.
* **Joining** follows the two routes of the volunteer survey (BLS 2006: 43 % of volunteers
  joined their main organisation when asked, 27 % by someone in it and 14 % by a relative,
  friend or co-worker; 41 % approached it themselves): a willing non-member is asked by one
  of its ties who is a member, and joins with probability ``cso_join``, or else approaches
  an organisation itself with the same probability, choosing one in proportion to its size
  (larger organisations are better known).
* **Leaving**: a member who no longer wants to give leaves with probability ``cso_leave x
  (1 - share of its ties in the same organisation)``: ties inside a group reduce exit
  (McPherson, Popielarz & Drobnič 1992).
* **Folding** (population ecology of organisations): an organisation folds with monthly
  hazard ``cso_hazard x (1 + 2 exp(-age / 36 months)) x (10 / members) ** 0.5``: the
  liability of newness and of smallness (Singh & Lumsden 1990; Bielefeld 1994: the
  nonprofits of a Minneapolis-St Paul panel that ceased in 1980-88, 20 % of the panel,
  were younger and smaller); ``cso_hazard`` 0.0023 a month is that 20 % over eight years
  (the Charity Commission's register loses about 2.5 % a year). Organisations the
  administration funds (a share ``cso_support``, a grant of ``cso_grant`` per member a
  month) have no liability of newness: government funding removes the age effect (Hager,
  Galaskiewicz & Larson 2004). An organisation whose last member left folds at once. The
  size of the newness and smallness terms is our judgement.

The organisations are `sim.model.agents.Organisation` Mesa agents (views over these
arrays), created when founded and removed when they fold. Draws come from a stream of
their own (`sim.model.streams`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.agents import Organisation
from sim.primitives.numeric import dot
from sim.primitives.params import Param
from sim.primitives.sources import BIELEFELD, BLS_JOINING, HAGER, HANNAN, MCPHERSON, SCOPING

CSO_PARAMS: tuple[Param, ...] = (
    Param("cso_founding", 0.0, "Civil-society organisations founded a month per 1,000 citizens at low density (0: none).", "population", 0, 10, source=HANNAN + " (founding rates); rate our judgement", unit="per 1,000 citizens a month"),
    Param("cso_capacity", 4.0, "Organisations per 1,000 citizens at which founding is back at its low-density rate (competition).", "population", 0.1, 100, source=HANNAN + " (density dependence)", unit="per 1,000 citizens"),
    Param("cso_hazard", 0.0023, "Monthly rate at which an established organisation of ten members folds.", "population", 0, 1, source=BIELEFELD + " (20 % of a panel ceased in 8 years)", unit="per month"),
    Param("cso_join", 0.2, "Monthly probability that a willing citizen joins an organisation by each route (asked by a member it knows, or on its own initiative).", "population", 0, 1, source=BLS_JOINING),
    Param("cso_leave", 0.2, "Monthly probability that a member who no longer wants to give leaves, when none of its ties belong to its organisation.", "population", 0, 1, source=MCPHERSON),
    Param("cso_mobilisation", 1.5, "Factor on members' wish to give: organisations ask, plan and coordinate.", "population", 1, 5, source=BLS_JOINING + " (being asked); factor our judgement"),
    Param("cso_support", 0.0, "Share of civil-society organisations the administration funds.", "administration", 0, 1, source=HAGER),
    Param("cso_grant", 0.2, "Administration cost a month per member of a funded organisation.", "administration", 0, 10),
    Param("cso_efficiency", 1.0, "Quality added per unit of skill-weighted effort members give through their organisation.", "service", 0, 10, source=SCOPING + " (services run by civil society)"),
)
NEWNESS, NEWNESS_MONTHS = 2.0, 36.0  # hazard at founding is 1 + 2 = 3 times an established one's
SIZE_REFERENCE, SMALLNESS = 10.0, 0.5
PER = 1000.0  # densities and rates are per 1,000 citizens


@dataclass(frozen=True)
class CivilStep:
    """What civil society did this month.

    Attributes:
        quality: Quality its members delivered, per citizen.
        grant_cost: Administration cost of grants, per citizen.
        founded: Organisations founded.
        folded: Organisations that folded.
    """

    quality: float
    grant_cost: float
    founded: int
    folded: int


class CivilSociety:
    """Organisations as a struct of arrays (index = organisation number), and membership.

    Attributes:
        member: Each citizen's organisation, -1 for none.
        keen: Citizens who want to give collective effort this month (set by the decision).
        alive: Whether each organisation still exists.
        age: Months since each was founded.
        size: Members of each.
        founded: Month each was founded.
        funding_draw: Uniform draw: funded while below ``cso_support``.
    """

    def __init__(self, model: Any, rng: np.random.Generator):
        """No organisations yet; nothing is drawn when civil society is off."""
        self.model, self.p, self.rng = model, model.p, rng
        self.active = self.p["cso_founding"] > 0  # a population parameter: fixed for the run
        n = model.citizens.n if self.active else 0
        self.member = np.full(n, -1, dtype=np.int32)
        self.keen = np.zeros(n, dtype=bool)
        self.alive = np.zeros(0, dtype=bool)
        self.age = np.zeros(0, dtype=np.int32)
        self.size = np.zeros(0, dtype=np.int32)
        self.founded = np.zeros(0, dtype=np.int32)
        self.funding_draw = np.zeros(0)
        self.agents: dict[int, Organisation] = {}

    @property
    def members(self) -> np.ndarray:
        """Citizens who belong to an organisation."""
        return self.member >= 0

    def funded(self) -> np.ndarray:
        """Organisations the administration funds (the first ``cso_support`` share of draws)."""
        return self.funding_draw < self.p["cso_support"]

    def replace(self, idx: np.ndarray) -> None:
        """Residents who moved away leave their organisations (newcomers belong to none)."""
        if self.active:
            self.member[idx] = -1
            self.keen[idx] = False

    def mobilisation(self) -> np.ndarray:
        """Factor on each citizen's wish to give: ``cso_mobilisation`` for members, else 1."""
        return np.where(self.members, self.p["cso_mobilisation"], 1.0)

    def step(self, contribution: np.ndarray, skill: np.ndarray, month: int) -> CivilStep:
        """Members' output this month, then folding, leaving, joining and founding."""
        n = contribution.shape[0]
        inside = self.members
        quality = self.p["cso_efficiency"] * dot(np.where(inside, contribution, 0.0), skill) / n
        funded = self.funded() & self.alive
        grant = self.p["cso_grant"] * float(self.size[funded].sum()) / n
        self.age[self.alive] += 1
        folded = self._fold()
        self._leave()
        self._join()
        founded = self._found(month)
        self._count()
        folded += self._fold_empty()
        return CivilStep(quality, grant, founded, folded)

    def _count(self) -> None:
        inside = self.member[self.member >= 0]
        self.size = np.bincount(inside, minlength=self.alive.shape[0]).astype(np.int32)

    def _close(self, ids: np.ndarray) -> int:
        if ids.size:
            self.alive[ids] = False
            self.size[ids] = 0
            self.member[np.isin(self.member, ids)] = -1
            for j in ids.tolist():
                self.agents.pop(j).remove()
        return int(ids.size)

    def _fold(self) -> int:
        ids = np.flatnonzero(self.alive)
        if not ids.size:
            return 0
        newness = NEWNESS * np.exp(-self.age[ids] / NEWNESS_MONTHS) * ~self.funded()[ids]
        small = (SIZE_REFERENCE / np.maximum(self.size[ids], 1)) ** SMALLNESS
        hazard = self.p["cso_hazard"] * (1.0 + newness) * small
        return self._close(ids[self.rng.random(ids.size) < hazard])

    def _fold_empty(self) -> int:
        return self._close(np.flatnonzero(self.alive & (self.size == 0)))

    def _leave(self) -> None:
        idx = np.flatnonzero(self.members & ~self.keen)
        if not idx.size:
            return
        adj = self.model.adjacency
        counts = np.diff(adj.indptr)[idx]
        rows = np.repeat(np.arange(idx.size), counts)
        starts = np.repeat(adj.indptr[idx] - np.cumsum(counts) + counts, counts)
        neighbours = adj.indices[starts + np.arange(rows.size)]
        same = self.member[neighbours] == self.member[idx][rows]
        share_inside = np.bincount(rows, weights=same, minlength=idx.size) / np.maximum(counts, 1)
        go = self.rng.random(idx.size) < self.p["cso_leave"] * (1.0 - share_inside)
        self.member[idx[go]] = -1

    def _join(self) -> None:
        idx = np.flatnonzero(self.keen & ~self.members)
        if not idx.size or not self.alive.any():
            return
        adj, rate = self.model.adjacency, self.p["cso_join"]
        degree = np.diff(adj.indptr)[idx]
        pick = adj.indptr[idx] + (self.rng.random(idx.size) * degree).astype(np.int64)
        asked_by = np.where(degree > 0, self.member[adj.indices[np.minimum(pick, adj.indices.size - 1)]], -1)
        asked = (asked_by >= 0) & (self.rng.random(idx.size) < rate)
        self.member[idx[asked]] = asked_by[asked]
        rest = idx[~asked]
        own = rest[self.rng.random(rest.size) < rate]
        alive = np.flatnonzero(self.alive)
        weights = np.maximum(self.size[alive], 1).astype(np.float64)
        cumulative = np.cumsum(weights)
        chosen = np.searchsorted(cumulative, self.rng.random(own.size) * cumulative[-1], side="right")
        self.member[own] = alive[np.minimum(chosen, alive.size - 1)]

    def founding_rate(self, n: int) -> float:
        """Expected foundings this month: density dependent (legitimation, then competition)."""
        x = float(np.count_nonzero(self.alive)) / (self.p["cso_capacity"] * n / PER)
        return self.p["cso_founding"] * n / PER * float(np.exp(x - x * x))

    def _found(self, month: int) -> int:
        n = self.member.shape[0]
        k = int(self.rng.poisson(self.founding_rate(n)))
        free = np.flatnonzero(self.keen & ~self.members)
        k = min(k, free.size)
        if not k:
            return 0
        founders = self.rng.choice(free, k, replace=False)
        first = self.alive.shape[0]
        ids = np.arange(first, first + k)
        self.alive = np.concatenate([self.alive, np.ones(k, dtype=bool)])
        self.age = np.concatenate([self.age, np.zeros(k, dtype=np.int32)])
        self.size = np.concatenate([self.size, np.ones(k, dtype=np.int32)])
        self.founded = np.concatenate([self.founded, np.full(k, month, dtype=np.int32)])
        self.funding_draw = np.concatenate([self.funding_draw, self.rng.random(k)])
        self.member[founders] = ids
        for j in ids.tolist():
            self.agents[j] = Organisation(self.model, j)
        return k

    def outcomes(self, n: int) -> dict[str, float]:
        """Organisations alive per 1,000 citizens and the share of citizens who are members."""
        if not self.active:
            return {"organisations": 0.0, "cso_members": 0.0}
        return {"organisations": float(np.count_nonzero(self.alive)) * PER / n,
                "cso_members": float(np.count_nonzero(self.members)) / n}
