"""Administration responsiveness: the share of citizen input acted on, and its delay.

Input is what a citizen hands in in a month: collective effort (share of its time budget)
and reports. The administration acts on a citizen's matured input as a whole with
probability ``responsiveness``, ``response_delay`` months later. Input acted on becomes
service quality and tells the contributor it mattered; input ignored is wasted and erodes
the contributor's efficacy (Sjoberg, Mellon & Peixoto 2017: FixMyStreet users whose first
report was fixed were ~57 % more likely to report again).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np

from sim.governance.base import GovernanceRule
from sim.primitives.params import Param
from sim.primitives.sources import BSS, SJOBERG
from sim.primitives.threads import fill_uniform


@dataclass(frozen=True)
class Response:
    """Input that matured this month and which of it was acted on.

    Attributes:
        effort: Matured collective effort, per citizen (float32).
        reports: Matured reports, per citizen (float32 counts).
        acted: Whether the citizen's matured input was acted on (bool).
    """

    effort: np.ndarray
    reports: np.ndarray
    acted: np.ndarray

    @cached_property
    def heard(self) -> np.ndarray:
        """Citizens who had input mature this month (they learn from the response)."""
        heard = np.greater(self.effort, 0)
        heard |= self.reports > 0
        return heard

    def acted_share(self) -> float | None:
        """Share of the citizens with matured input whose input was acted on (None if none)."""
        heard = self.heard
        k = int(np.count_nonzero(heard))
        return float(np.count_nonzero(self.acted & heard)) / k if k else None


class ResponseRule(GovernanceRule):
    """Base of response rules: `apply` returns matured input and which was acted on."""

    family = "response"
    #: Whether an administration stands between input and the service (so citizens'
    #: efficacy and trust in it learn from its responses and the service's quality).
    administered: ClassVar[bool] = True

    def apply(self, effort: np.ndarray, reports: np.ndarray, rng: np.random.Generator) -> Response | None:
        """Take this month's input; return the input that matured (None if none yet).

        The returned arrays hold until the next call (a rule may reuse their memory then).
        """
        raise NotImplementedError

    def exercise(self, ctx, rng):  # noqa: D102
        c = ctx.citizens
        reports = (c.contribution > 0.3).astype(np.float64)
        outs = []
        for k in (1.0, 0.5, 0.2, 0.1):
            if (o := self.apply(c.contribution * k, reports, rng)) is not None:  # copied: they hold until the next
                outs += [o.effort.copy(), o.reports.copy(), o.acted.copy()]
        return outs


class RandomResponse(ResponseRule):
    """Each citizen's input is acted on with probability `responsiveness`, after a delay."""

    name = "random"
    params = (
        Param("responsiveness", 0.5, "Share of citizens' input the administration acts on.", "administration", 0.0, 1.0, source=SJOBERG),
        Param("response_delay", 1, "Months between an input and the administration's response.", "administration", 0, 20, source=BSS + " (responsiveness)", unit="months"),
    )

    def setup(self, citizens, rng):  # noqa: D102
        self.queue: deque[np.ndarray] = deque()
        self.draws = np.empty(0, dtype=np.float32)  # reused each month (sized on first use)
        # The block last month's answer came from, refilled with this month's input: memory
        # touched for the first time is what costs most at a million citizens.
        self.spare: np.ndarray | None = None

    def replace(self, idx):  # noqa: D102 (inputs pending for a resident who left are void)
        for pending in self.queue:
            pending[:, idx] = 0.0

    def apply(self, effort, reports, rng):  # noqa: D102
        shape = (2, effort.shape[0])  # input as float32, in one block
        queued = self.spare if self.spare is not None and self.spare.shape == shape else np.empty(shape, np.float32)
        self.spare = None
        queued[0] = effort
        queued[1] = reports
        self.queue.append(queued)
        if len(self.queue) <= self.response_delay:
            return None
        matured = self.spare = self.queue.popleft()  # (its Response holds until the next `apply`)
        if self.draws.shape[0] != matured.shape[1]:
            self.draws = np.empty(matured.shape[1], dtype=np.float32)
        acted = fill_uniform(rng, self.draws) < self.responsiveness
        return Response(matured[0], matured[1], acted)


class DirectResponse(ResponseRule):
    """No administration in between: every input reaches the public good at once.

    The design of lab public-goods games (Fehr & Gächter 2000): tokens go straight to the
    pot, so there is no administration to trust or distrust, and nothing to learn about it.
    """

    name = "direct"
    administered = False

    def apply(self, effort, reports, rng):  # noqa: D102
        n = effort.shape[0]
        return Response(effort.astype(np.float32), reports.astype(np.float32), np.ones(n, dtype=bool))
