"""The public service: quality dynamics and the two delivery channels (pure functions).

Quality is a stock that depreciates and is replenished by the administration's own
production, by citizens' co-production that the administration acts on, and by firms'
complementary services. What a user receives depends on the channel (Szkuta, Pizzicannella
& Osimo 2014, collaborative public services scoping study):

* online, quality per user *rises* with the number of users (network effect: more users,
  more reports, reviews and data) as ``(users / reference_users) ** network_effect``;
* offline, quality per user is flat up to ``offline_capacity`` users and then congests as
  ``offline_capacity / users``;
* a mixed service sends a share ``online_share`` of users online and blends the two.
"""

from __future__ import annotations

import numpy as np

CHANNEL_SHARES = {"online": 1.0, "offline": 0.0}


def online_share_of(channel: str, online_share: float) -> float:
    """Share of users served online for a channel setting (`mixed` uses `online_share`)."""
    return CHANNEL_SHARES.get(channel, online_share)


def online_factor(users: float, network_effect: float, reference_users: float) -> float:
    """Quality multiplier per online user: rises with the number of online users."""
    return (max(users, 1.0) / reference_users) ** network_effect


def offline_factor(users: float, capacity: float) -> float:
    """Quality multiplier per offline user: 1 up to capacity, then capacity / users."""
    return 1.0 if users <= capacity else capacity / users


def quality_per_user(quality: float, users: float, share_online: float, p: dict) -> float:
    """Quality a user receives, blending the channels by their share of users."""
    on = share_online * online_factor(users * share_online, p["network_effect"], p["reference_users"])
    off = (1.0 - share_online) * offline_factor(users * (1.0 - share_online), p["offline_capacity"])
    return quality * (on + off)


def digital_cost_factor(skill: np.ndarray, share_online: float, gap: float) -> np.ndarray:
    """Effort-cost multiplier of the channel (ICT lowers the cost of taking part, for some).

    Online delivery lowers effort cost for the digitally literate (skill > 0.5) and raises
    it for others, in proportion to the online share of the service.
    """
    return np.maximum(0.1, 1.0 + gap * share_online * (1.0 - 2.0 * skill))


def next_quality(quality: float, depreciation: float, production: float, coproduced: float,
                 complements: float = 0.0) -> float:
    """Quality next step: depreciated stock plus this step's inflows (never negative)."""
    return max(0.0, (1.0 - depreciation) * quality + production + coproduced + complements)
