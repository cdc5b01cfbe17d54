"""Monitoring and graduated sanctions, with their costs and failure modes (Ostrom 1990).

A citizen who uses the service and may contribute but gives less than the rule's *norm*
is an offender. Each month:

* **Detection makes errors** (Grechenig, Nicklisch & Thöni 2010; Ambrus & Greiner 2012):
  an offender is flagged with probability ``detection x (1 - detection_error)``, a
  citizen who complied with probability ``detection x detection_error``. A flagged
  citizen is fined ``fine * graduation ** k``, k (capped at 3) its record of earlier
  detections; a wrongly fined citizen loses trust (the model applies it).
* **Offence records decay** by ``record_decay`` a month (lenient, forgiving enforcement
  does best under noise: Fudenberg, Rand & Dreber 2012).
* **Legitimacy** of the regime starts at ``legitimacy`` and moves toward it times the
  share of fines that were deserved: wrongful fines erode it (Tyler 2006). Sanctions seen
  as illegitimate crowd out willingness (the model's ``crowding_out``; Fehr & Rockenbach
  2003), so sanctions can lower participation.
* ``peer``: pool punishment by fellow citizens (Fehr & Gächter 2000): the norm is one's
  neighbours' mean contribution; detection needs neighbours who take part *and* punish;
  punishers pay ``punishment_ratio`` per unit of fine plus ``monitoring_hours`` of their
  time, shared among them, and their propensity to punish falls as that cost grows
  (second-order free riding: the sanctioning system is itself a public good, Yamagishi
  1986).
* ``admin``: the administration monitors against a fixed minimum contribution and pays
  ``monitoring_cost`` per unit of monitoring intensity per citizen.

``fine`` and ``monitoring`` may be per-citizen arrays instead of scalars: the rule each
neighbourhood chose for itself (nested levels, `sim.model.nested`); `at` reads either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.governance.base import GovernanceRule, StepContext
from sim.primitives.params import Param
from sim.primitives.sources import FG, FUDENBERG, GRECHENIG, OSTROM, TYLER, YAMAGISHI

MAX_ESCALATION = 3
#: Monthly rate at which legitimacy follows the share of deserved fines.
LEGITIMACY_LEARNING = 0.1

MONITORING = Param("monitoring", 0.3, "Probability that an offender is detected (peer: times neighbours monitoring).", "governance", 0.0, 1.0, source=OSTROM + " (monitoring)")
FINE = Param("fine", 0.5, "Fine for a first detected offence, in units of the cost of a month's whole time budget.", "governance", 0.0, 10.0, source=FG + " (punishment points)")
GRADUATION = Param("graduation", 2.0, "Factor by which the fine grows with each earlier detection (up to 3).", "governance", 1.0, 5.0, source=OSTROM + " (graduated sanctions)")
ERROR = Param("detection_error", 0.05, "Probability that monitoring flags the wrong citizen: an offender missed, a compliant one fined.", "governance", 0.0, 0.5, source=GRECHENIG)
DECAY = Param("record_decay", 0.1, "Share of a citizen's offence record forgotten each month.", "governance", 0.0, 1.0, source=FUDENBERG, unit="per month")
LEGITIMACY = Param("legitimacy", 0.6, "Legitimacy citizens grant the sanction regime when it is introduced.", "governance", 0.0, 1.0, source=TYLER)


def at(value, who):
    """A rule parameter for citizens `who`: the scalar itself, or theirs when it is per citizen."""
    return value[who] if np.ndim(value) else value


@dataclass
class SanctionOutcome:
    """Fines imposed this step and who pays for imposing them.

    Attributes:
        fines: Fine paid by each citizen (zero for most).
        wrongful: Fined although it complied (a detection error).
        punisher_cost: Cost borne by each citizen for punishing others (peer sanctions).
        admin_cost: Per-citizen cost borne by the administration.
    """

    fines: np.ndarray
    wrongful: np.ndarray
    punisher_cost: np.ndarray | float
    admin_cost: float


class SanctionRule(GovernanceRule):
    """Base of sanction rules: norm, detection, expected fine, and enforcement."""

    family = "sanctions"
    #: Whether the rule monitors and fines at all (citizens weigh compliance only then).
    enforces: ClassVar[bool] = True
    #: Whether detection needs each citizen's share of neighbours monitoring.
    needs_neighbour_active: ClassVar[bool] = False
    params: ClassVar[tuple[Param, ...]] = (MONITORING, FINE, GRADUATION, ERROR, DECAY, LEGITIMACY)

    def setup(self, citizens, rng):  # noqa: D102
        self.perceived = self.legitimacy  # the regime's legitimacy now

    def norm(self, ctx: StepContext):
        """Contribution below which a citizen counts as an offender."""
        return 0.0

    def detection(self, ctx: StepContext):
        """Probability that an offender is detected (scalar or per citizen)."""
        return 0.0

    def fine_of(self, offences: np.ndarray, who=slice(None)) -> np.ndarray:
        """Graduated fine for the next detection of citizens `who` (whose records are `offences`)."""
        return at(self.fine, who) * self.graduation ** np.minimum(np.floor(offences), MAX_ESCALATION)

    def expected_fine(self, ctx: StepContext):
        """Detection probability times graduated fine: what a would-be offender expects."""
        return self.detection(ctx) * (1.0 - self.detection_error) * self.fine_of(ctx.citizens.offences)

    def apply(self, ctx: StepContext, offenders: np.ndarray, liable: np.ndarray, givers: np.ndarray,
              rng) -> SanctionOutcome:
        """Flag (with errors), fine and record; decay records; update legitimacy; cost it.

        Args:
            ctx: The step's observations.
            offenders: Below the norm this month.
            liable: May be sanctioned (uses the service and may contribute).
            givers: Contribute this month (peer monitors are among them, from month 1 on).
            rng: The model's random generator.
        """
        c = ctx.citizens
        n = c.n
        c.offences *= np.float32(1.0 - self.record_decay)
        idx = np.flatnonzero(liable)
        p = np.broadcast_to(self.detection(ctx), (n,))[idx]
        hit = np.where(offenders[idx], 1.0 - self.detection_error, self.detection_error)
        flagged = idx[rng.random(idx.shape[0]) < p * hit]
        fines = np.zeros(n)
        fines[flagged] = self.fine_of(c.offences[flagged], flagged)
        c.offences[flagged] += 1.0
        wrongful = np.zeros(n, dtype=bool)
        wrongful[flagged] = ~offenders[flagged]
        if flagged.size:
            deserved = 1.0 - np.count_nonzero(wrongful) / flagged.size
            self.perceived += LEGITIMACY_LEARNING * (self.legitimacy * deserved - self.perceived)
        punisher_cost, admin_cost = self.enforcement_cost(ctx, float(fines.sum()), givers)
        return SanctionOutcome(fines, wrongful, punisher_cost, admin_cost)

    def enforcement_cost(self, ctx: StepContext, total_fines: float,
                         givers: np.ndarray) -> tuple[np.ndarray | float, float]:
        """(cost to each punishing citizen, per-citizen cost to the administration)."""
        return 0.0, 0.0

    def exercise(self, ctx, rng):  # noqa: D102
        offenders = ctx.citizens.contribution < 0.3
        out = self.apply(ctx, offenders, np.ones(ctx.citizens.n, dtype=bool), ctx.citizens.contribution > 0, rng)
        return [out.fines, out.wrongful, out.punisher_cost, out.admin_cost, self.expected_fine(ctx),
                self.perceived]


class NoSanctions(SanctionRule):
    """No monitoring and no sanctions: nobody is ever fined."""

    name = "none"
    enforces = False
    params = ()

    def setup(self, citizens, rng):  # noqa: D102
        self.perceived = 1.0

    def expected_fine(self, ctx):  # noqa: D102
        return np.zeros(ctx.citizens.n)

    def apply(self, ctx, offenders, liable, givers, rng):  # noqa: D102
        n = ctx.citizens.n
        return SanctionOutcome(np.zeros(n), np.zeros(n, dtype=bool), 0.0, 0.0)


class PeerSanctions(SanctionRule):
    """Peer-run pool punishment of those below their neighbours' mean (Fehr & Gächter 2000)."""

    name = "peer"
    needs_neighbour_active = True
    params = (
        *SanctionRule.params,
        Param("punishment_ratio", 1 / 3, "Cost to punishers per unit of fine imposed.", "governance", 0.0, 2.0, source=FG + " (1:3 punishment technology)"),
        Param("monitoring_hours", 1.0, "Hours a month a punisher spends monitoring at full monitoring.", "governance", 0.0, 100.0, source=YAMAGISHI, unit="hours per month"),
        Param("punisher_tolerance", 0.2, "Punishing cost (share of a month's time-budget cost) at which the propensity to punish falls to 1/e.", "governance", 0.001, 10.0, source=YAMAGISHI),
    )

    def norm(self, ctx):  # noqa: D102
        return ctx.neighbour_mean

    def detection(self, ctx):  # noqa: D102
        return self.monitoring * ctx.neighbour_active

    def enforcement_cost(self, ctx, total_fines, givers):  # noqa: D102
        c = ctx.citizens
        punishers = givers & (c.punish > 0)  # monitoring takes part, this month
        k = int(np.count_nonzero(punishers))
        if not k:
            return 0.0, 0.0
        time_cost = self.monitoring_hours * at(self.monitoring, punishers) / np.maximum(c.time_budget[punishers], 1e-9)
        each = np.zeros(c.n)
        each[punishers] = self.punishment_ratio * total_fines / k + np.minimum(time_cost, 1.0)
        # Second-order free riding: the dearer punishing got, the less the punishers punish.
        mean_cost = float(each[punishers].mean())
        base = np.where(c.punish > 0, 1.0, 0.0)
        c.punish += LEGITIMACY_LEARNING * (base * np.exp(-mean_cost / self.punisher_tolerance) - c.punish)
        return each, 0.0


class AdminSanctions(SanctionRule):
    """Administration-run monitoring against a fixed minimum contribution."""

    name = "admin"
    params = (
        *SanctionRule.params,
        Param("sanction_threshold", 0.2, "Minimum contribution the administration requires (share of the time budget).", "governance", 0.0, 1.0),
        Param("monitoring_cost", 0.1, "Administration cost per citizen per unit of monitoring.", "administration", 0.0, 10.0),
    )

    def norm(self, ctx):  # noqa: D102
        return self.sanction_threshold

    def detection(self, ctx):  # noqa: D102
        return self.monitoring

    def enforcement_cost(self, ctx, total_fines, givers):  # noqa: D102
        return 0.0, self.monitoring_cost * float(np.mean(self.monitoring))
