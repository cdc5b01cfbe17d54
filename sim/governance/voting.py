"""Vote aggregation rules of participatory budgeting (the *representation* condition).

Barbera, Sicilia & Steccolini (2016) name representation as one of four conditions for
participatory budgeting (PB) to work as co-production: the funded budget should reflect the
needs of the whole population, not only of its largest group. Each rule here does one job:
turn approval ballots into a set of funded projects within the budget.

Ballots come aggregated into ballot *types*: ``approvals[t, j]`` says whether ballot type
``t`` approves project ``j`` and ``counts[t]`` how many voters cast it. A PB ballot approves
the projects of a voter's one or two favourite categories, so a million voters collapse into
a few dozen types and every rule runs over types, never over voters.
"""

from __future__ import annotations

import numpy as np

from sim.governance.base import GovernanceRule

#: Relative slack on budget comparisons (costs are floats).
TOLERANCE = 1e-9


class VotingRule(GovernanceRule):
    """Base of voting rules: `allocate` returns which projects are funded."""

    family = "voting"

    def allocate(
        self,
        approvals: np.ndarray,
        counts: np.ndarray,
        costs: np.ndarray,
        budget: float,
        categories: np.ndarray | None = None,
    ) -> np.ndarray:
        """Funded-project mask of shape ``(projects,)``; total cost never exceeds `budget`.

        Args:
            approvals: Boolean ``(types, projects)``: ballot type ``t`` approves project ``j``.
            counts: Number of voters casting each ballot type, shape ``(types,)``.
            costs: Cost of each project, shape ``(projects,)``.
            budget: Money available.
            categories: Category code of each project (only `proportional` uses it).
        """
        raise NotImplementedError

    def exercise(self, ctx, rng):  # noqa: D102
        approvals = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [1, 0, 0, 1, 0, 0]], dtype=bool)
        counts = np.array([60, 40, 5])
        costs = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.5])
        categories = np.array([0, 0, 0, 1, 1, 1])
        return [self.allocate(approvals, counts, costs, b, categories) for b in (0.5, 3.0, 7.0)]


def approval_scores(approvals: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Number of voters approving each project."""
    return np.asarray(counts, dtype=np.float64) @ np.asarray(approvals, dtype=np.float64)


def greedy_fill(
    order: np.ndarray, costs: np.ndarray, budget: float, funded: np.ndarray
) -> float:
    """Fund projects in `order` that still fit (skipping those that do not); update `funded`.

    Returns:
        The budget left.
    """
    left = budget - float(costs[funded].sum())
    for j in order:
        if not funded[j] and costs[j] <= left + TOLERANCE * max(budget, 1.0):
            funded[j] = True
            left -= float(costs[j])
    return left


def by_approvals(scores: np.ndarray) -> np.ndarray:
    """Project indices by decreasing approval score; ties go to the lower index."""
    return np.argsort(-scores, kind="stable")


class Plurality(VotingRule):
    """Greedy approval voting: fund the most-approved projects until the budget runs out.

    The standard rule of most city PB programmes ("utilitarian greedy"): projects are taken
    in decreasing order of approvals and funded if they fit in what is left; one that does
    not fit is skipped and the next one tried. A majority that approves enough projects can
    take the whole budget.
    """

    name = "plurality"

    def allocate(self, approvals, counts, costs, budget, categories=None):  # noqa: D102
        costs = np.asarray(costs, dtype=np.float64)
        funded = np.zeros(costs.shape[0], dtype=bool)
        greedy_fill(by_approvals(approval_scores(approvals, counts)), costs, budget, funded)
        return funded


def equal_shares(
    approvals: np.ndarray, counts: np.ndarray, costs: np.ndarray, budget: float
) -> np.ndarray:
    """Method of Equal Shares with approval utilities, run over ballot types (no completion).

    Peters & Skowron (2020); Peters, Pierczyński & Skowron (2021, NeurIPS): every voter gets
    an equal share ``budget / voters`` of the money. A project can be bought if its
    supporters together still hold its cost; buying it at per-voter price ``rho`` charges
    each supporter ``min(money_i, rho)``, with ``rho`` the smallest price that covers the
    cost. Each round buys the affordable project with the smallest ``rho`` (ties: more
    approvals, then lower index), until none is affordable. Voters of one ballot type always
    hold the same money, so the state is one number per type.

    Returns:
        Funded-project mask (may leave money unspent; see `EqualShares` for completion).
    """
    approvals = np.asarray(approvals, dtype=bool)
    counts = np.asarray(counts, dtype=np.float64)
    costs = np.asarray(costs, dtype=np.float64)
    n_projects = costs.shape[0]
    funded = np.zeros(n_projects, dtype=bool)
    voters = counts.sum()
    if voters <= 0 or n_projects == 0:
        return funded
    money = np.full(counts.shape[0], budget / voters)  # per voter, by ballot type
    scores = approval_scores(approvals, counts)
    slack = TOLERANCE * max(budget, 1.0)
    while True:
        best, best_rho = -1, np.inf
        for j in np.flatnonzero(~funded):
            rho = _price(money, counts, approvals[:, j], costs[j], slack)
            if rho < best_rho - 1e-15 or (
                rho <= best_rho + 1e-15 and best >= 0 and scores[j] > scores[best]
            ):
                best, best_rho = int(j), rho
        if best < 0 or not np.isfinite(best_rho):
            return funded
        funded[best] = True
        payers = approvals[:, best]
        money[payers] -= np.minimum(money[payers], best_rho)


def _price(money, counts, support, cost, slack) -> float:
    """Smallest per-voter price ``rho`` with ``sum n_t min(money_t, rho) >= cost`` (or inf)."""
    held = money[support]
    n = counts[support]
    keep = n > 0
    held, n = held[keep], n[keep]
    if held.size == 0 or float(held @ n) < cost - slack:
        return np.inf
    if cost <= 0:
        return 0.0
    order = np.argsort(held, kind="stable")
    held, n = held[order], n[order]
    paid_before = np.concatenate(([0.0], np.cumsum(held * n)[:-1]))  # types poorer than k pay all
    payers_from = np.cumsum(n[::-1])[::-1]  # voters of type k and richer
    # With rho = held[k], the poorer types pay everything and the rest pay rho each.
    covers = paid_before + held * payers_from >= cost - slack
    k = int(np.argmax(covers))
    return max(0.0, (cost - paid_before[k]) / payers_from[k])


class EqualShares(VotingRule):
    """Method of Equal Shares (MES), completed greedily by approvals.

    MES (see `equal_shares`) is proportional: a group of voters with a share ``s`` of the
    votes controls about a share ``s`` of the budget, so minorities with different needs get
    projects too. Plain MES may leave money unspent; the leftover is then spent by the
    plurality rule (projects by decreasing approvals, if they fit) -- the "utilitarian
    greedy" completion used with MES in the Pabulib experiments. The completion can only
    add projects, so every project MES selects stays funded.
    """

    name = "equal_shares"

    def allocate(self, approvals, counts, costs, budget, categories=None):  # noqa: D102
        costs = np.asarray(costs, dtype=np.float64)
        funded = equal_shares(approvals, counts, costs, budget)
        greedy_fill(by_approvals(approval_scores(approvals, counts)), costs, budget, funded)
        return funded


class Proportional(VotingRule):
    """Budget split across project categories in proportion to their approvals.

    Each category's envelope is the budget times its share of all approvals; within an
    envelope projects are funded greedily by approvals. Money left in the envelopes is then
    spent greedily across all categories. Without categories it is the plurality rule.
    """

    name = "proportional"

    def allocate(self, approvals, counts, costs, budget, categories=None):  # noqa: D102
        costs = np.asarray(costs, dtype=np.float64)
        funded = np.zeros(costs.shape[0], dtype=bool)
        scores = approval_scores(approvals, counts)
        order = by_approvals(scores)
        if categories is not None and scores.sum() > 0:
            categories = np.asarray(categories)
            for cat in np.unique(categories):
                mine = categories == cat
                envelope = budget * float(scores[mine].sum() / scores.sum())
                inside = np.zeros_like(funded)
                greedy_fill(order[mine[order]], costs, envelope, inside)
                funded |= inside
        greedy_fill(order, costs, budget, funded)
        return funded
