"""Participatory budgeting (PB) as a form of co-production, vectorised over citizens.

Barbera, Sicilia & Steccolini (2016, "The Participatory Budgeting as a Form of
Co-production", in Fugini, Bracci & Sicilia (eds.), *Co-production in the Public Sector*)
name four conditions for PB to work; each is a lever here with a measured effect:

* **Inclusiveness** -- who votes. Turnout rises with trust; ``pb_inclusion`` sets the
  channel: ``digital`` (online only: turnout scales with digital skill, so deprived groups
  vote less), ``mixed`` (online and paper: half of that), ``outreach`` (offline outreach
  brings every group's expected turnout to the population mean). Measured: turnout, by
  group, and the gap between groups.
* **Interaction** -- deliberation on the social network. With weight ``pb_deliberation`` a
  voter's category scores mix in the share of its neighbours who favour each category, so
  ballots move toward local consensus. Measured: share of ballots changed.
* **Representation** -- how votes become a budget: the ``voting`` governance rule family
  (`sim.governance.voting`: plurality, equal shares, proportional). Measured: the
  preference gap, half the L1 distance between the funded budget's split over categories
  and the population's favourite-category shares (0 = mirror image, 1 = disjoint).
* **Responsiveness** -- a share ``pb_implementation`` of funded projects is implemented,
  ``pb_delay`` months after the vote. Implemented projects add service quality; voters
  whose approved project was implemented learn that their input is acted on, those whose
  approved funded projects were all dropped that it is not (their efficacy moves toward 1
  or 0 at rate ``efficacy_learning``). Voting is an individual co-production act.

Each cycle (every ``pb_cycle`` steps) voters propose ``pb_projects`` projects in their favourite category, asking
for ``DEMAND_RATIO`` times the PB budget (money: the production of one cycle, ``pb_share`` of it for PB).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.population import Citizens, group_position
from sim.primitives.params import Param
from sim.primitives.sources import BSS

PB_CATEGORIES: tuple[str, ...] = ("streets", "green", "social_care", "youth", "digital", "safety")
#: How each category's appeal shifts from the most deprived (-) to the least deprived (+)
#: group: deprived groups need social care, youth work and safety more (stylised).
NEEDS_TILT = np.array([0.0, 1.0, -1.0, -0.5, 1.0, -0.5])
#: Total cost of the proposals over the PB budget.
DEMAND_RATIO = 2.2

PB_PARAMS: tuple[Param, ...] = (
    Param("pb_share", 0.0, "Share of the administration's budget allocated by participatory budgeting (0 = off).", "governance", 0.0, 1.0, source=BSS),
    Param("pb_cycle", 12, "Months between participatory-budgeting votes (a yearly cycle).", "governance", 1, 100),
    Param("pb_projects", 24, "Projects proposed per participatory-budgeting cycle.", "governance", 1, 500),
    Param("pb_turnout", 0.04, "Turnout per cycle of a citizen with trust 0.5 and mean digital skill.", "governance", 0.0, 1.0, source=BSS + "; Paris 2016 (4 % of residents voted)"),
    Param("pb_inclusion", "mixed", "Voting channel: online only, online and paper, or offline outreach that equalises groups.", "governance", choices=("mixed", "digital", "outreach"), source=BSS + " (inclusiveness)"),
    Param("pb_deliberation", 0.2, "Weight of neighbours' favourite categories in a voter's ballot.", "governance", 0.0, 1.0, source=BSS + " (interaction)"),
    Param("pb_implementation", 0.8, "Share of funded projects the administration implements.", "administration", 0.0, 1.0, source=BSS + " (responsiveness)"),
    Param("pb_delay", 2, "Months between a vote and the implementation of its projects.", "administration", 0, 50, source=BSS + " (responsiveness)"),
    Param("pb_needs_gap", 1.0, "How much socio-economic groups differ in the categories they need.", "population", 0.0, 3.0, source=BSS + " (representation)"),
)
PB_TABLE_COLUMNS: tuple[str, ...] = (
    "step", "turnout", "turnout_gap", "deliberation_shift", "proposed", "funded",
    "implemented", "spent", "implemented_spent", "preference_gap", "voters_served",
    "efficacy_gained", "efficacy_lost",
)


def pb_table_columns(groups: int) -> tuple[str, ...]:
    """Columns of the ``budgeting`` table: `PB_TABLE_COLUMNS` plus turnout per group."""
    return (*PB_TABLE_COLUMNS[:2], *(f"turnout_g{g}" for g in range(groups)), *PB_TABLE_COLUMNS[2:])


@dataclass
class PBResult:
    """What a completed PB cycle returns to the model.

    Attributes:
        quality_added: Service quality added by the implemented projects.
        index: Citizens whose efficacy changes (voters with an outcome), int32.
        delta: Their efficacy change, same length (already bounded to keep [0, 1]).
        row: One ``budgeting`` table row (see `pb_table_columns`).
    """

    quality_added: float
    index: np.ndarray
    delta: np.ndarray
    row: dict

    def apply_feedback(self, efficacy: np.ndarray) -> None:
        """Add the efficacy deltas to `efficacy` in place."""
        efficacy[self.index] += self.delta


def group_preferences(groups: int, needs_gap: float) -> np.ndarray:
    """Mean favourite-category distribution of each group, shape ``(groups, categories)``."""
    weights = np.exp(2.0 * needs_gap * np.outer(group_position(np.arange(groups), groups), NEEDS_TILT))
    return weights / weights.sum(axis=1, keepdims=True)


def draw_preferences(group: np.ndarray, groups: int, needs_gap: float, rng):
    """Each citizen's category weights and first and second favourite category.

    Random-utility draws around the group's mean (Gumbel keys on the log of the mean): the
    first choice is distributed as the group mean, individuals differ by the Gumbel noise.
    The weights are the softmax of the keys (a distribution over categories).

    Returns:
        ``(weights, top)``: weights quantised to uint8 ``(n, categories)`` (255 = all on one
        category) and the first and second choices, int8 ``(n, 2)``.
    """
    n, k = group.shape[0], len(PB_CATEGORIES)
    keys = rng.random((n, k), dtype=np.float32)
    np.maximum(keys, np.float32(1e-30), out=keys)
    np.log(keys, out=keys)
    np.negative(keys, out=keys)
    np.log(keys, out=keys)
    np.negative(keys, out=keys)  # standard Gumbel
    keys += np.log(group_preferences(groups, needs_gap)).astype(np.float32)[group]
    keys -= keys.max(axis=1, keepdims=True)
    np.exp(keys, out=keys)
    keys /= keys.sum(axis=1, keepdims=True)
    weights = np.rint(keys * np.float32(255)).astype(np.uint8)
    return weights, top_two(keys)


def top_two(scores: np.ndarray) -> np.ndarray:
    """Column indices of the largest and second-largest score of each row, int8 ``(n, 2)``."""
    rows = np.arange(scores.shape[0])
    out = np.empty((scores.shape[0], 2), dtype=np.int8)
    out[:, 0] = scores.argmax(axis=1)
    scores[rows, out[:, 0]] = -np.inf
    out[:, 1] = scores.argmax(axis=1)
    return out


class ParticipatoryBudget:
    """PB cycles over a population: turnout, deliberation, proposals, vote, implementation."""

    def __init__(self, p: dict, citizens: Citizens, rng: np.random.Generator):
        """Draw citizens' category preferences (no random draws when ``pb_share`` is 0).

        Args:
            p: Resolved model parameters (`PB_PARAMS`, ``groups``, ``production``,
                ``efficacy_learning``).
            citizens: The population.
            rng: The model's random generator.
        """
        self.p = p
        self.groups = p["groups"]
        self.columns = pb_table_columns(self.groups)
        self.active = p["pb_share"] > 0
        self.pending: list[dict] = []
        #: Citizens who voted this month (indices), or None.
        self.voters: np.ndarray | None = None
        self.quality_per_budget = p["production"] * p["pb_cycle"]
        if self.active:
            self._draw(citizens, rng)

    def _draw(self, citizens: Citizens, rng: np.random.Generator) -> None:
        """Draw citizens' category preferences (once, when PB is first on)."""
        self.weights, self.prefs = draw_preferences(
            citizens.group, self.groups, self.p["pb_needs_gap"], rng
        )
        k = len(PB_CATEGORIES)
        self.population_shares = np.bincount(self.prefs[:, 0], minlength=k) / max(citizens.n, 1)
        self.group_size = np.bincount(citizens.group, minlength=self.groups)

    def relever(self, citizens: Citizens, rng: np.random.Generator) -> None:
        """Follow a change of its levers during a run (`sim.model.levers.apply_levers`).

        Introduced (``pb_share`` from 0), it draws the preferences it lacks and votes at the
        next cycle month; abolished, it holds no more votes and drops projects not yet
        implemented; the budget follows the administration's production.
        """
        self.quality_per_budget = self.p["production"] * self.p["pb_cycle"]
        self.active = self.p["pb_share"] > 0
        if self.active and not hasattr(self, "prefs"):
            self._draw(citizens, rng)
        if not self.active:
            self.pending.clear()

    def step(self, step, citizens, adjacency, voting_rule, rng) -> PBResult | None:
        """Vote on cycle steps; return a `PBResult` when a cycle's projects are implemented.

        Args:
            step: The model's step number (votes when ``step % pb_cycle == 0``).
            citizens: The population.
            adjacency: CSR adjacency of the social network.
            voting_rule: A ``voting`` governance rule.
            rng: The model's random generator.
        """
        self.voters = None
        if not self.active:
            return None
        if step % self.p["pb_cycle"] == 0:
            self.pending.append(self.vote(step, citizens, adjacency, voting_rule, rng))
            self.voters = self.pending[-1]["voters"]
        if self.pending and self.pending[0]["due"] <= step:
            return self.implement(self.pending.pop(0), citizens.efficacy, rng)
        return None

    def turnout_probability(self, citizens: Citizens) -> np.ndarray:
        """Each citizen's probability of voting under the ``pb_inclusion`` channel."""
        prob = 2.0 * citizens.trust  # 1 at trust 0.5
        channel = self.p["pb_inclusion"]
        if channel == "outreach":  # every group's expected turnout brought to the mean
            by_group = np.bincount(citizens.group, weights=prob, minlength=self.groups)
            mean_g = by_group / np.maximum(self.group_size, 1)
            prob *= float(prob.mean()) / np.maximum(mean_g, 1e-12)[citizens.group]
        else:
            skill = citizens.skill / max(float(citizens.skill.mean()), 1e-12)
            prob *= skill if channel == "digital" else 0.5 * (1.0 + skill)
        prob *= self.p["pb_turnout"]
        return np.clip(prob, 0.0, 1.0, out=prob)

    def ballots(self, voters: np.ndarray, adjacency) -> np.ndarray:
        """Voters' approved categories (first, second) after deliberation, int8 ``(v, 2)``."""
        own = self.prefs[voters]
        w = self.p["pb_deliberation"]
        if w == 0 or voters.size == 0:
            return own.copy()
        k = len(PB_CATEGORIES)
        rows = np.arange(voters.size)
        sub = adjacency[voters]  # CSR rows of the voters
        counts = np.diff(sub.indptr)
        keys = np.repeat(rows * k, counts) + self.prefs[sub.indices, 0]
        shares = np.bincount(keys, minlength=voters.size * k).reshape(voters.size, k)
        scores = shares.astype(np.float32) * np.float32(w) / np.maximum(counts, 1)[:, None]
        scores += self.weights[voters] * np.float32((1.0 - w) / 255.0)
        # The own ranking breaks ties (also when w = 1).
        scores[rows, own[:, 0]] += np.float32(2e-4)
        scores[rows, own[:, 1]] += np.float32(1e-4)
        return top_two(scores)

    def vote(self, step, citizens, adjacency, voting_rule, rng) -> dict:
        """Run one cycle's turnout, proposals and vote; return the pending cycle."""
        p, k, g = self.p, len(PB_CATEGORIES), self.groups
        voters = np.flatnonzero(rng.random(citizens.n) < self.turnout_probability(citizens))
        by_group = np.bincount(citizens.group[voters], minlength=g) / np.maximum(self.group_size, 1)
        ballot = self.ballots(voters, adjacency)
        shift = np.any(np.sort(ballot, axis=1) != np.sort(self.prefs[voters], axis=1), axis=1)
        budget = p["pb_share"]
        n_projects = p["pb_projects"] if voters.size else 0
        proposers = rng.integers(0, max(voters.size, 1), n_projects)
        categories = self.prefs[voters[proposers], 0].astype(np.int64)
        costs = budget * DEMAND_RATIO / max(n_projects, 1) * rng.uniform(0.5, 1.5, n_projects)
        # Ballot types: the unordered pair of approved categories.
        pair = np.sort(ballot, axis=1).astype(np.int64)
        type_id = pair[:, 0] * k + pair[:, 1]
        type_counts = np.bincount(type_id, minlength=k * k)
        present = np.flatnonzero(type_counts)
        lookup = np.full(k * k, -1, dtype=np.int16)
        lookup[present] = np.arange(present.size)
        first, second = present // k, present % k
        approvals = (categories == first[:, None]) | (categories == second[:, None])
        counts = type_counts[present]
        funded = np.asarray(
            voting_rule.allocate(approvals, counts, costs, budget, categories), dtype=bool
        )
        spent = float(costs[funded].sum())
        if spent > 0:
            funded_shares = np.bincount(categories[funded], weights=costs[funded], minlength=k)
            gap = 0.5 * float(np.abs(funded_shares / spent - self.population_shares).sum())
        else:
            gap = float("nan")
        served = approvals[:, funded].any(axis=1)
        row = {
            "step": step,
            "turnout": voters.size / max(citizens.n, 1),
            **{f"turnout_g{i}": float(by_group[i]) for i in range(g)},
            "turnout_gap": float(by_group.max() - by_group.min()) if g > 1 else 0.0,
            "deliberation_shift": float(shift.mean()) if voters.size else 0.0,
            "proposed": n_projects,
            "funded": int(funded.sum()),
            "spent": spent / budget,
            "preference_gap": gap,
            "voters_served": float(counts[served].sum() / counts.sum()) if voters.size else 0.0,
        }
        return {
            "due": step + p["pb_delay"], "voters": voters.astype(np.int32),
            "voter_type": lookup[type_id], "approvals": approvals, "funded": funded,
            "costs": costs, "row": row,
        }

    def implement(self, cycle: dict, efficacy: np.ndarray, rng) -> PBResult:
        """Implement a share of a cycle's funded projects; voters' efficacy learns from it."""
        funded, approvals, costs = cycle["funded"], cycle["approvals"], cycle["costs"]
        implemented = funded & (rng.random(funded.shape[0]) < self.p["pb_implementation"])
        gained_t = approvals[:, implemented].any(axis=1)
        lost_t = ~gained_t & approvals[:, funded & ~implemented].any(axis=1)
        target_t = np.where(gained_t, 1.0, 0.0)
        moved = (gained_t | lost_t)[cycle["voter_type"]]
        index = cycle["voters"][moved]
        target = target_t[cycle["voter_type"][moved]]
        delta = self.p["efficacy_learning"] * (target - efficacy[index])
        n_voters = max(cycle["voters"].size, 1)
        done = float(costs[implemented].sum())
        row = cycle["row"] | {
            "implemented": int(implemented.sum()),
            "implemented_spent": done / self.p["pb_share"],
            "efficacy_gained": float(np.count_nonzero(gained_t[cycle["voter_type"]])) / n_voters,
            "efficacy_lost": float(np.count_nonzero(lost_t[cycle["voter_type"]])) / n_voters,
        }
        return PBResult(done * self.quality_per_budget, index, delta, row)
