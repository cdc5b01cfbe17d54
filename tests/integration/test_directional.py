"""Directional effects of the levers, each over several seeds."""

from __future__ import annotations

import numpy as np

from sim import CoProductionModel

SEEDS = range(5)


def tail_mean(steps=40, tail=10, **params) -> np.ndarray:
    """Per-seed means of the outcome columns over the last `tail` steps."""
    out = []
    for seed in SEEDS:
        model = CoProductionModel(rng=seed, citizens=600, **params)
        for _ in range(steps):
            model.step()
        out.append(model.datacollector.get_model_vars_dataframe().tail(tail).mean())
    return out


def test_sanctions_lower_free_riding():
    none = [r.free_rider_share for r in tail_mean(sanctions="none")]
    for rule in ("peer", "admin"):
        sanctioned = [r.free_rider_share for r in tail_mean(sanctions=rule)]
        assert all(s < n for s, n in zip(sanctioned, none, strict=True)), rule
        assert np.mean(sanctioned) < np.mean(none) - 0.1, rule


def test_responsiveness_raises_participation_and_trust():
    low = tail_mean(responsiveness=0.1)
    high = tail_mean(responsiveness=0.9)
    for outcome in ("participation", "trust"):
        lo = [r[outcome] for r in low]
        hi = [r[outcome] for r in high]
        assert all(h > lo_ for h, lo_ in zip(hi, lo, strict=True)), outcome
        assert np.mean(hi) > np.mean(lo) + 0.1, outcome


def per_user_quality(citizens: int, channel: str, seed: int) -> float:
    model = CoProductionModel(rng=seed, citizens=citizens, channel=channel, offline_capacity=1000.0)
    for _ in range(30):
        model.step()
    return model.quality_per_user


def test_online_quality_per_user_rises_with_population_offline_congests():
    sizes = (250, 1000, 4000)
    for seed in range(3):
        online = [per_user_quality(n, "online", seed) for n in sizes]
        offline = [per_user_quality(n, "offline", seed) for n in sizes]
        assert online[0] < online[1] < online[2]
        assert offline[2] < 0.5 * offline[1]  # 4x past capacity
        assert abs(offline[0] - offline[1]) < 0.25 * offline[1]  # flat below capacity
