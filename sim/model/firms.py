"""The firm sector: entry and exit, complementary vs substitutive services, agreements.

Firms (companies, civic-tech developers) build services on the administration's platform
and data. All firm state lives in arrays of one `FirmSector` (index = firm number); the
`sim.model.agents.Firm` Mesa agents are views over them. One step is vectorised over firms:

* **Expected return** of firm j grows with the service's online user base and with the
  administration's data openness, minus its cost (Szkuta, Pizzicannella & Osimo 2014:
  online services gain quality with users; developers re-use government data)::

      return_j = firm_value * data_openness * reach * market_j - cost_j - fine_j

  where ``reach`` is online users over citizens, ``market_j = 1`` for a complementary
  service and ``q_j / (q_j + public quality per user)`` for a substitutive one (it shares
  its users with the public channel, so developers prefer complements), and ``fine_j`` is
  the SLA fine a firm below the quality floor expects.
* **Entry and exit are gradual**: each step an inactive firm with positive return enters,
  and an active firm with negative return exits, with probability ``firm_entry_rate``.
* **Complementary** active firms add ``firm_complement * q_j`` to the service's quality;
  **substitutive** ones instead offer a private alternative worth
  ``firm_complement * sum(q_j)``, which the model adds to citizens' outside option.
* **Reciprocal** firms contribute back (data, fixes: ``firm_data_back`` each); the others
  free-ride on the platform (`FirmStep.firm_free_rider_share`).
* **Agreements** (inGov IPS framework): a service-level agreement binds active firms to a
  quality floor ``sla_floor`` (0 = none); a breach is fined (``sla_fine``, anticipated in
  the return, so marginal breachers exit) or ends platform access for good
  (``exclusion``). A share ``outsourcing`` of the administration's production is
  delivered by active firms, in proportion to their quality (so firms below the floor
  deliver less), times ``outsourcing_efficiency``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.primitives.numeric import log_variance, lognormal_mean_one
from sim.primitives.params import Param
from sim.primitives.sources import INGOV, SCOPING

SLA_PENALTIES: tuple[str, ...] = ("fine", "exclusion")

FIRM_PARAMS: tuple[Param, ...] = (
    Param("firms", 0, "Number of potential firms (civic-tech developers).", "firms", 0, 100_000),
    Param("data_openness", 0.5, "Openness of the administration's data and platform.", "firms", 0, 1, source=SCOPING),
    Param("firm_cost", 0.3, "Mean cost of running a complementary service.", "firms", 0, 10),
    Param("firm_complement", 0.02, "Quality added per active firm per month.", "firms", 0, 10),
    Param("substitutive_share", 0.2, "Share of firms whose service substitutes the public channel (rest: complementary).", "firms", 0, 1, source=SCOPING + " (developers prefer complementary services)"),
    Param("firm_reciprocity", 0.5, "Share of firms that contribute data and fixes back to the platform.", "firms", 0, 1),
    Param("firm_entry_rate", 0.2, "Probability per step that a firm acts on a positive (enter) or negative (exit) return.", "firms", 0, 1),
    Param("firm_value", 1.0, "Revenue per unit of data openness and of reachable online user share.", "firms", 0, 100, source=SCOPING + " (services gain with users and data re-use)"),
    Param("firm_quality_sd", 0.3, "Spread of firms' service quality (mean 1).", "firms", 0, 3),
    Param("firm_data_back", 0.005, "Quality added per step by each active firm that contributes back.", "firms", 0, 10),
    Param("sla_floor", 0.0, "Quality floor of the service-level agreement binding firms (0 = no agreement).", "firms", 0, 10, source=INGOV + " (formal agreements: SLA, outsourcing)"),
    Param("sla_penalty", "fine", "What a firm below the SLA floor suffers.", "firms", choices=SLA_PENALTIES, source=INGOV + " (formal agreements: SLA, outsourcing)"),
    Param("sla_fine", 0.1, "Fine per step on a firm breaching the SLA floor (penalty 'fine').", "firms", 0, 10),
    Param("outsourcing", 0.0, "Share of the administration's own production delivered by firms.", "firms", 0, 1, source=INGOV + " (formal agreements: SLA, outsourcing)"),
    Param("outsourcing_efficiency", 1.0, "Quality firms deliver per unit of outsourced production (at quality 1).", "firms", 0, 5),
)


@dataclass(frozen=True)
class FirmStep:
    """What the firm sector contributes in one step.

    Attributes:
        complements: Quality added by active complementary firms.
        substitute_value: Value of the private alternative offered by active substitutive
            firms, to be added to every citizen's outside option.
        data_back: Quality added by active firms contributing data and fixes back.
        active: Number of active firms.
        firm_free_rider_share: Share of active firms that do not contribute back (0 if none).
        breaches: Number of active firms below the SLA floor this step.
    """

    complements: float
    substitute_value: float
    data_back: float
    active: int
    firm_free_rider_share: float
    breaches: int


class FirmSector:
    """Struct of arrays for firms, stepped all at once.

    Attributes:
        cost: Cost per step of running the firm's service (exponential, mean ``firm_cost``).
        active: Whether the firm operates this step.
        substitutive: Whether its service substitutes (else complements) the public one.
        reciprocal: Whether it contributes data and fixes back to the platform.
        quality: Quality of its service (lognormal, mean 1, sd ``firm_quality_sd``).
        excluded: Whether it lost platform access under an SLA with exclusion (for good).
        expected_return: Its expected return in the last step.
    """

    def __init__(self, p: dict, rng: np.random.Generator):
        """Draw ``p["firms"]`` potential firms, all inactive, from resolved parameters `p`.

        Args:
            p: Resolved model parameters: ``firms``, ``firm_cost``, ``data_openness``,
                ``firm_complement`` and every name in `FIRM_PARAMS`.
            rng: Random generator (draws nothing when there are no firms).
        """
        self.p = p
        n = p["firms"]
        mean_cost = p["firm_cost"]
        self.cost = rng.exponential(mean_cost, n) if mean_cost > 0 else np.zeros(n)
        self.active = np.zeros(n, dtype=bool)
        self.substitutive = rng.random(n) < p["substitutive_share"]
        self.reciprocal = rng.random(n) < p["firm_reciprocity"]
        self.quality = lognormal_mean_one(rng, log_variance(p["firm_quality_sd"]), n)
        self.excluded = np.zeros(n, dtype=bool)
        self.expected_return = np.zeros(n)

    @property
    def n(self) -> int:
        """Number of potential firms."""
        return self.cost.shape[0]

    def below_floor(self) -> np.ndarray:
        """Firms whose quality is below the SLA floor (none when there is no agreement)."""
        return self.quality < self.p["sla_floor"]

    def expected_returns(self, online_users: float, citizens_n: int,
                         public_quality_per_user: float) -> np.ndarray:
        """Each firm's expected return if active this step (see the module docstring).

        Args:
            online_users: Citizens using the service online.
            citizens_n: Number of citizens.
            public_quality_per_user: Quality a user gets from the public channel.
        """
        p = self.p
        reach = online_users / max(citizens_n, 1)
        value = p["firm_value"] * p["data_openness"] * reach
        total = self.quality + max(public_quality_per_user, 0.0)
        market = np.divide(self.quality, total, out=np.ones(self.n), where=total > 0)
        market[~self.substitutive] = 1.0
        ret = value * market - self.cost
        if p["sla_penalty"] == "fine" and p["sla_fine"] > 0:
            ret[self.below_floor()] -= p["sla_fine"]
        return ret

    def step(self, online_users: float, citizens_n: int, public_quality_per_user: float,
             rng: np.random.Generator) -> FirmStep:
        """Firms enter or exit by expected return, then agreements are enforced.

        Args:
            online_users: Citizens using the service online (sets the firms' reach).
            citizens_n: Number of citizens.
            public_quality_per_user: Quality a user gets from the public channel.
            rng: Random generator for gradual entry and exit.

        Returns:
            The sector's contribution this step (a `FirmStep`).
        """
        p = self.p
        if self.n == 0:
            return FirmStep(0.0, 0.0, 0.0, 0, 0.0, 0)
        ret = self.expected_returns(online_users, citizens_n, public_quality_per_user)
        self.expected_return = ret
        rate = p["firm_entry_rate"]
        moves = np.ones(self.n, dtype=bool) if rate >= 1.0 else rng.random(self.n) < rate
        enter = ~self.active & ~self.excluded & (ret > 0.0) & moves
        leave = self.active & (ret < 0.0) & moves
        self.active = (self.active | enter) & ~leave
        breach = self.active & self.below_floor()
        breaches = int(np.count_nonzero(breach))
        if p["sla_penalty"] == "exclusion":
            self.excluded |= breach
            self.active &= ~breach
        return self.contribution(breaches)

    def contribution(self, breaches: int = 0) -> FirmStep:
        """What the currently active firms contribute (quality, outside option, data)."""
        p = self.p
        active = self.active
        q = np.where(active, self.quality, 0.0)
        subs = self.substitutive
        n_active = int(np.count_nonzero(active))
        givers = int(np.count_nonzero(active & self.reciprocal))
        return FirmStep(
            complements=p["firm_complement"] * float(q[~subs].sum()),
            substitute_value=p["firm_complement"] * float(q[subs].sum()),
            data_back=p["firm_data_back"] * givers,
            active=n_active,
            firm_free_rider_share=(n_active - givers) / n_active if n_active else 0.0,
            breaches=breaches,
        )

    def outsourced_production(self, production: float) -> tuple[float, float]:
        """Split the administration's production into (in-house part, firms' part).

        A share ``outsourcing`` is delivered by the active firms: each unit becomes
        ``outsourcing_efficiency`` x the contractors' mean quality (firms below the SLA
        floor deliver less; exclusion removes them). With no active firm, or no
        outsourcing, the administration produces everything itself.

        Args:
            production: The administration's own production this step.

        Returns:
            ``(public_part, firm_part)``; their sum is the effective production.
        """
        share = self.p["outsourcing"]
        if share <= 0.0 or not self.active.any():
            return production, 0.0
        delivered = float(self.quality[self.active].mean()) * self.p["outsourcing_efficiency"]
        return (1.0 - share) * production, share * production * delivered
