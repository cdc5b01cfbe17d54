"""Stakeholder engagement (inGov): information campaigns and consultation.

The OECD's *Citizens as Partners* (2001) distinguishes information (one-way, from the
administration to citizens), consultation (two-way: the administration asks for citizens'
views) and active participation (partnership); inGov's holistic framework makes
stakeholder-engagement mechanisms one of its dimensions. Active participation is the
interaction rule and the phases of the life-cycle (`sim.model.lifecycle`); the other two
are levers here:

* **Information campaign**: each month a share ``campaign_reach`` of citizens is reached
  (at random, from a stream of its own) and learns what it can do and how; a citizen just
  reached wants to give, and reports what it meets, ``1 + campaign_effect`` times as much,
  fading by ``campaign_memory`` a month. Campaigns work modestly and briefly: door-to-door
  canvassing raised recycling, less three months later (Cotterill, John, Liu & Nomura
  2009); a leaflet of encouragement and advice had limited effects on parents'
  co-production (Thomsen & Jakobsen 2015). Each citizen reached costs the administration
  ``campaign_cost``. The size of the effect is our judgement (0.2: a leaflet; canvassing
  more).
* **Consultation**: a random sample ``consultation_sample`` of citizens is invited to each
  phase of the service's life-cycle that is open to citizens (a citizens' panel), so the
  phase hears people who would not have come forward; what it does is in
  `sim.model.lifecycle` (with no life-cycle there is nothing to consult on).
"""

from __future__ import annotations

import numpy as np

from sim.primitives.params import Param
from sim.primitives.sources import COTTERILL, OECD_PARTNERS, THOMSEN

ENGAGEMENT_PARAMS: tuple[Param, ...] = (
    Param("campaign_reach", 0.0, "Share of citizens an information campaign reaches a month (0: no campaign).", "governance", 0, 1, source=OECD_PARTNERS + " (information)", unit="per month"),
    Param("campaign_effect", 0.2, "Rise in the wish to take part (and to report) of a citizen just reached by the campaign.", "governance", 0, 5, source=f"{COTTERILL}; {THOMSEN} (limited effects of leaflets); value our judgement"),
    Param("campaign_memory", 0.3, "Share of a campaign's effect on a citizen that fades each month.", "population", 0, 1, source=COTTERILL + " (the effect declined within three months)", unit="per month"),
    Param("campaign_cost", 0.01, "Administration cost per citizen reached by the campaign.", "administration", 0, 10),
    Param("consultation_sample", 0.0, "Share of citizens invited at random to each life-cycle phase open to citizens (0: only those who come forward).", "governance", 0, 1, source=OECD_PARTNERS + " (consultation); sortition practice (under 10 % of those invited accept)"),
)


class Engagement:
    """Who the information campaign has reached, and how much of it they still remember."""

    def __init__(self, p: dict, n: int, rng: np.random.Generator):
        """No campaign yet (nothing is allocated or drawn until one runs)."""
        self.p, self.n, self.rng = p, n, rng
        self.awareness: np.ndarray | None = None
        self.reached = 0

    def run(self) -> float:
        """This month's campaign; its cost per citizen."""
        reach = self.p["campaign_reach"]
        self.reached = 0
        if self.awareness is None:
            if reach <= 0:
                return 0.0
            self.awareness = np.zeros(self.n, dtype=np.float32)
        self.awareness *= np.float32(1.0 - self.p["campaign_memory"])
        if reach > 0:
            hit = self.rng.random(self.n, dtype=np.float32) < reach
            self.awareness[hit] = 1.0
            self.reached = int(np.count_nonzero(hit))
        return self.p["campaign_cost"] * self.reached / self.n

    def factor(self) -> np.ndarray | None:
        """Factor on each citizen's wish to take part (None: no campaign has run)."""
        if self.awareness is None:
            return None
        return 1.0 + self.p["campaign_effect"] * self.awareness.astype(np.float64)

    def replace(self, idx: np.ndarray) -> None:
        """Newcomers have not seen the campaign."""
        if self.awareness is not None:
            self.awareness[idx] = 0.0

    def outcomes(self) -> dict[str, float]:
        """Mean awareness of the campaign (1: everyone just reached)."""
        return {"campaign_awareness": 0.0 if self.awareness is None else float(self.awareness.mean())}
