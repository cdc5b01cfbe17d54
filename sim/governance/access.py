"""Access management: who may take part (INTERLINK D2.1 ground rules: open, registered, invited).

Each rule admits, among the citizens who want to contribute this step, those allowed to;
`access_capacity` caps the share of the population that can be admitted at once (seats in a
co-design workshop, moderation capacity of a platform), chosen at random when oversubscribed.
"""

from __future__ import annotations

import numpy as np

from sim.governance.base import CitizenState, GovernanceRule
from sim.primitives.params import Param

CAPACITY = Param(
    "access_capacity", 1.0, "Largest share of citizens whose contributions can be taken in one step.",
    "governance", 0.0, 1.0, source="INTERLINK D2.1 (management of access)",
)


class AccessRule(GovernanceRule):
    """Base of access rules: `admit` returns who may contribute this step."""

    family = "access"
    params = (CAPACITY,)

    def eligible(self, citizens: CitizenState) -> np.ndarray:
        """CitizenState who may take part at all (not contributing then counts as free riding)."""
        return np.ones(citizens.n, dtype=bool)

    def admit(self, citizens: CitizenState, willing: np.ndarray, rng: np.random.Generator):
        """Boolean mask of citizens whose contribution is taken this step."""
        return self._cap(willing & self.allowed(citizens, willing, rng), rng)

    def allowed(self, citizens: CitizenState, willing: np.ndarray, rng: np.random.Generator):
        """CitizenState allowed to take part at all (before the capacity cap)."""
        raise NotImplementedError

    def exercise(self, ctx, rng):  # noqa: D102
        c = ctx.citizens
        willing = c.contribution > 0.05
        return [self.admit(c, willing, rng) for _ in range(3)] + [self.eligible(c)]

    def _cap(self, admitted: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        seats = int(self.access_capacity * admitted.shape[0])
        if seats >= admitted.shape[0]:  # a seat for everybody: nobody can be rationed out
            return admitted
        idx = np.flatnonzero(admitted)
        if idx.shape[0] > seats:  # oversubscribed: a random subset gets the seats
            admitted = np.zeros_like(admitted)
            admitted[rng.choice(idx, seats, replace=False)] = True
        return admitted


class OpenAccess(AccessRule):
    """Open: anyone may contribute."""

    name = "open"

    def admit(self, citizens, willing, rng):  # noqa: D102
        return self._cap(willing.copy(), rng)  # everybody is allowed

    def allowed(self, citizens, willing, rng):  # noqa: D102
        return np.ones(citizens.n, dtype=bool)


class RegisteredAccess(AccessRule):
    """Registered: contributing needs a one-off registration.

    Registration succeeds with probability equal to the citizen's digital literacy in each
    step it tries: a barrier that falls hardest on the least skilled (Fugini & Teimourikia
    2016).
    """

    name = "registered"

    def setup(self, citizens, rng):  # noqa: D102
        self.registered = np.zeros(citizens.n, dtype=bool)

    def allowed(self, citizens, willing, rng):  # noqa: D102
        trying = np.flatnonzero(willing & ~self.registered)
        done = rng.random(trying.shape[0]) < citizens.skill[trying]
        self.registered[trying[done]] = True
        return self.registered

    def replace(self, idx):  # noqa: D102 (a newcomer registers itself)
        self.registered[idx] = False


class InvitedAccess(AccessRule):
    """Invited: only invitees may contribute.

    The administration invites a random `access_capacity` share of citizens once, at setup.
    """

    name = "invited"

    def setup(self, citizens, rng):  # noqa: D102
        self.invited = np.zeros(citizens.n, dtype=bool)
        k = int(self.access_capacity * citizens.n)
        self.invited[rng.choice(citizens.n, k, replace=False)] = True

    def eligible(self, citizens):  # noqa: D102
        return self.invited.copy()

    def allowed(self, citizens, willing, rng):  # noqa: D102
        return self.invited
