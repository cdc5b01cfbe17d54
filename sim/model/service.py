"""The public service: quality stocks by source and the two delivery channels (pure functions).

Quality is the sum of four stocks, one per source -- the administration (its own and
outsourced-in-house production, participatory-budget projects), citizens (acted-on
collective input and fixed reports), firms (complementary services, data and fixes given
back, outsourced delivery) and citizens' data -- each depreciating at the same rate, so
the decomposition sums exactly to ``quality``. Citizens' co-production yields more where
the administration supports it: its output is scaled by ``(1 - c) + c x effort ratio``
(complementarity; Jakobsen 2013: government provision of resources raised co-production;
Andersen, Nielsen & Thomsen 2020: users' input complements public input by design).

What a user receives depends on the channel (Szkuta, Pizzicannella & Osimo 2014): online,
quality per user rises with the *share* of citizens online, ``(online share /
online_reference_share) ** network_effect``; offline, it is flat up to a capacity
(a share of the population) and then congests as ``capacity / users``. Both references are
per capita, so at fixed shares the outcomes do not depend on the number of citizens.
"""

from __future__ import annotations

import numpy as np

from sim.primitives.params import Param
from sim.primitives.sources import ANDERSEN, CASTELNOVO, FUGINI_ICT, JAKOBSEN, SCOPING

CHANNEL_SHARES = {"online": 1.0, "offline": 0.0}
#: Quality sources, in the order of `Quality.stocks`.
SOURCES: tuple[str, ...] = ("administration", "citizens", "firms", "data")

SERVICE_PARAMS: tuple[Param, ...] = (
    Param("channel", "mixed", "Delivery channel.", "service", choices=("online", "offline", "mixed"), source=SCOPING),
    Param("online_share", 0.5, "Share of users served online when the channel is mixed.", "service", 0, 1),
    Param("depreciation", 0.1, "Share of service quality lost each month.", "service", 0, 1, unit="per month"),
    Param("coproduction_efficiency", 1.0, "Quality added per unit of acted-on, skill-weighted collective input.", "service", 0, 10),
    Param("report_value", 1.0, "Quality added by fixing reported problems, per citizen-share of fixed reports.", "service", 0, 10, source="Sjoberg, Mellon & Peixoto 2017 (reports fixed)"),
    Param("complementarity", 0.5, "How much citizens' co-production output depends on the administration's effort.", "service", 0, 1, source=f"{JAKOBSEN}; {ANDERSEN}"),
    Param("network_effect", 0.3, "Elasticity of online quality per user to the share of citizens online.", "service", 0, 1, source=SCOPING),
    Param("online_reference_share", 0.5, "Share of citizens online at which the network-effect multiplier is 1.", "service", 0.001, 1, unit="share of citizens"),
    Param("offline_capacity_share", 1.0, "Share of citizens the offline channel serves before congesting.", "service", 0.001, 10, source=SCOPING, unit="share of citizens"),
    Param("initial_quality", 1.0, "Service quality at the start (all of it the administration's).", "service", 0, 1e6),
    Param("quality_standard", 1.0, "Quality citizens consider adequate (the administration alone at default effort reaches it).", "service", 0.01, 100, source="Van Ryzin 2004 (performance against a standard)"),
    Param("task_group_size", 8, "People who share one pooled collective task (a volunteering group).", "service", 1, 10_000, source="Latané, Williams & Harkins 1979"),
    Param("digital_cost_gap", 0.5, "How much the online channel lowers effort cost for the digitally literate and raises it for others.", "service", 0, 2, source=FUGINI_ICT + " (ICT lowers the cost of taking part)"),
    Param("data_control", 0.5, "Degree to which citizens control the data they contribute as sensors.", "service", 0, 1, source=CASTELNOVO + " (citizens as sensors)"),
    Param("data_value", 0.05, "Quality added per citizen-share of users sharing data (0: no data platform, nobody is asked).", "service", 0, 10, source=CASTELNOVO),
)


def online_share_of(channel: str, online_share: float) -> float:
    """Share of users served online for a channel setting (`mixed` uses `online_share`)."""
    return CHANNEL_SHARES.get(channel, online_share)


def online_factor(users_share: float, network_effect: float, reference_share: float) -> float:
    """Quality multiplier per online user: rises with the share of citizens online."""
    return (max(users_share, 1e-6) / reference_share) ** network_effect


def offline_factor(users_share: float, capacity_share: float) -> float:
    """Quality multiplier per offline user: 1 up to capacity, then capacity / users."""
    return 1.0 if users_share <= capacity_share else capacity_share / users_share


def quality_per_user(quality: float, users_share: float, share_online: float, p: dict) -> float:
    """Quality a user receives, blending the channels by their share of users.

    Args:
        quality: The service's quality (all stocks).
        users_share: Users as a share of all citizens.
        share_online: Share of users served online.
        p: Resolved model parameters.
    """
    on = share_online * online_factor(users_share * share_online, p["network_effect"],
                                      p["online_reference_share"])
    off = (1.0 - share_online) * offline_factor(users_share * (1.0 - share_online),
                                                p["offline_capacity_share"])
    return quality * (on + off)


def digital_cost_factor(skill: np.ndarray, share_online: float, gap: float) -> np.ndarray:
    """Effort-cost multiplier of the channel (ICT lowers the cost of taking part, for some).

    Online delivery lowers effort cost for the digitally literate (skill > 0.5) and raises
    it for others, in proportion to the online share of the service.
    """
    return np.maximum(0.1, 1.0 + gap * share_online * (1.0 - 2.0 * skill))


def support(effort_ratio: float, complementarity: float) -> float:
    """Multiplier of citizens' co-production output from the administration's effort."""
    return (1.0 - complementarity) + complementarity * min(max(effort_ratio, 0.0), 3.0)


class Quality:
    """The service's quality as four stocks by source (`SOURCES`), depreciating alike."""

    def __init__(self, initial: float):
        """Start with `initial` quality, all of it the administration's."""
        self.stocks = np.array([initial, 0.0, 0.0, 0.0])

    @property
    def total(self) -> float:
        """Service quality: the sum of the stocks."""
        return float(self.stocks.sum())

    def step(self, depreciation: float, inflows: np.ndarray) -> float:
        """Depreciate every stock and add this month's inflows (never negative); the total."""
        self.stocks *= 1.0 - depreciation
        self.stocks += inflows
        np.maximum(self.stocks, 0.0, out=self.stocks)
        return self.total

    def by_source(self) -> dict[str, float]:
        """Each source's stock, by name."""
        return {f"quality_{name}": float(v) for name, v in zip(SOURCES, self.stocks, strict=True)}
