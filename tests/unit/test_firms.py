"""The firm sector: exact entry/exit, agreements, outsourcing, free riding, direction."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.model.firms import FIRM_PARAMS, FirmSector
from sim.model.parameters import MODEL_PARAMS
from sim.primitives.errors import InputError
from sim.primitives.params import resolve

DECLARED = {p.name: p for p in FIRM_PARAMS}
SEEDS = range(8)


def params(**given) -> dict:
    return resolve(DECLARED, given, what="firm parameter")


def sector(seed: int = 0, **given) -> FirmSector:
    return FirmSector(params(**given), np.random.default_rng(seed))


def hand_made(cost, quality=None, substitutive=None, reciprocal=None, **given) -> FirmSector:
    """A sector whose firms have exactly the given costs (and qualities, kinds)."""
    n = len(cost)
    given = {"firm_entry_rate": 1.0, "data_openness": 1.0, "firm_value": 1.0, **given}
    s = sector(firms=n, **given)
    s.cost = np.asarray(cost, dtype=float)
    s.quality = np.ones(n) if quality is None else np.asarray(quality, dtype=float)
    s.substitutive = np.zeros(n, bool) if substitutive is None else np.asarray(substitutive)
    s.reciprocal = np.ones(n, bool) if reciprocal is None else np.asarray(reciprocal)
    return s


# --- exact -----------------------------------------------------------------------------

def test_enter_when_return_exceeds_cost_and_exit_when_below():
    s = hand_made([0.1, 0.25, 0.6, 0.9, 0.3])
    out = s.step(online_users=50, citizens_n=100, public_quality_per_user=1.0, rng=np.random.default_rng(0))
    # return = 1 * 1 * 0.5 - cost
    np.testing.assert_array_equal(s.active, [True, True, False, False, True])
    assert out.active == 3
    s.step(online_users=20, citizens_n=100, public_quality_per_user=1.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(s.active, [True, False, False, False, False])  # return 0.2 - cost


def test_substitutive_firm_shares_its_market_with_the_public_channel():
    # market = q / (q + public) = 1 / (1 + 1) = 0.5, so reach 0.5 is worth 0.25
    s = hand_made([0.2, 0.3, 0.2, 0.3], substitutive=[True, True, False, False])
    s.step(50, 100, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(s.active, [True, False, True, True])


@pytest.mark.parametrize("firm_cost", [0.0, 0.3])
def test_no_firm_active_without_data_openness(firm_cost):
    for seed in SEEDS:
        s = sector(seed, firms=500, data_openness=0.0, firm_cost=firm_cost, firm_entry_rate=1.0)
        rng = np.random.default_rng(seed)
        for _ in range(5):
            out = s.step(1000, 1000, 1.0, rng)
        assert out.active == 0 and not s.active.any()
        assert out.complements == out.substitute_value == out.data_back == 0.0


def test_entry_is_gradual():
    s = sector(1, firms=20_000, firm_cost=0.0001, firm_entry_rate=0.2, substitutive_share=0.0)
    rng = np.random.default_rng(1)
    counts = [s.step(1000, 1000, 1.0, rng).active for _ in range(30)]
    assert 0.17 < counts[0] / 20_000 < 0.23
    assert (np.diff(counts) >= 0).all()
    assert counts[-1] > 0.99 * 20_000


def test_sla_exclusion_removes_exactly_the_below_floor_firms():
    quality = np.array([0.5, 1.2, 0.99, 1.0, 2.0, 0.1])
    s = hand_made(np.full(6, 0.1), quality=quality, sla_floor=1.0, sla_penalty="exclusion")
    out = s.step(100, 100, 1.0, np.random.default_rng(0))
    below = quality < 1.0
    np.testing.assert_array_equal(s.excluded, below)
    np.testing.assert_array_equal(s.active, ~below)
    assert out.breaches == below.sum() and out.active == (~below).sum()
    for _ in range(3):  # access is lost for good, although their return stays positive
        out = s.step(100, 100, 1.0, np.random.default_rng(0))
        np.testing.assert_array_equal(s.active, ~below)
        assert out.breaches == 0


def test_sla_fine_drives_out_marginal_breachers_only():
    # return 0.5 - 0.3 = 0.2 before the fine; the fine 0.25 makes it negative below the floor
    s = hand_made(np.full(4, 0.3), quality=[0.5, 1.5, 0.8, 1.0], sla_floor=1.0, sla_fine=0.25)
    out = s.step(50, 100, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(s.active, [False, True, False, True])
    assert out.breaches == 0 and not s.excluded.any()
    cheap = hand_made([0.1, 0.1], quality=[0.5, 1.5], sla_floor=1.0, sla_fine=0.25)
    out = cheap.step(100, 100, 1.0, np.random.default_rng(0))  # 1 - 0.1 - 0.25 > 0: stays
    assert out.breaches == 1 and cheap.active.all()


def test_no_agreement_means_no_breach():
    s = hand_made([0.1, 0.1], quality=[0.0, 0.5])
    assert s.step(100, 100, 1.0, np.random.default_rng(0)).breaches == 0


def test_outsourcing_share_zero_returns_production_unchanged():
    s = hand_made([0.1, 0.1], quality=[0.3, 2.0], outsourcing=0.0, outsourcing_efficiency=3.0)
    s.step(100, 100, 1.0, np.random.default_rng(0))
    assert s.active.all()
    assert s.outsourced_production(0.1234) == (0.1234, 0.0)


def test_outsourcing_without_contractors_stays_in_house():
    s = hand_made([0.1, 0.1], outsourcing=0.6)
    assert s.outsourced_production(0.5) == (0.5, 0.0)


def test_outsourcing_delivers_by_contractors_quality_and_efficiency():
    s = hand_made([0.1, 0.1, 5.0], quality=[1.0, 0.5, 4.0], outsourcing=0.5,
                  outsourcing_efficiency=2.0)
    s.step(100, 100, 1.0, np.random.default_rng(0))  # the third firm cannot cover its cost
    public, firms = s.outsourced_production(0.4)
    assert public == pytest.approx(0.2) and firms == pytest.approx(0.2 * 2.0 * 0.75)


def test_contribution_and_free_rider_share_on_a_hand_made_state():
    s = hand_made(
        np.zeros(5), quality=[1.0, 2.0, 0.5, 9.0, 3.0],
        substitutive=np.array([False, True, False, False, True]),
        reciprocal=np.array([True, False, False, False, True]),
        firm_complement=0.1, firm_data_back=0.01,
    )
    s.active = np.array([True, True, True, False, True])
    out = s.contribution()
    assert out.active == 4
    assert out.firm_free_rider_share == 0.5  # firms 1 and 2 do not contribute back
    assert out.complements == pytest.approx(0.1 * (1.0 + 0.5))
    assert out.substitute_value == pytest.approx(0.1 * (2.0 + 3.0))
    assert out.data_back == pytest.approx(0.02)
    s.active[:] = False
    assert s.contribution().firm_free_rider_share == 0.0


def test_no_firms_draws_nothing_and_contributes_nothing():
    rng = np.random.default_rng(5)
    s = FirmSector(params(firms=0), rng)
    out = s.step(10, 10, 1.0, rng)
    assert (out.active, out.complements, out.firm_free_rider_share) == (0, 0.0, 0.0)
    assert s.outsourced_production(1.0) == (1.0, 0.0)
    assert rng.random() == np.random.default_rng(5).random()


# --- directional -----------------------------------------------------------------------

def use_share(substitutive_share: float, seed: int, n: int = 2000, steps: int = 40) -> float:
    """Public-channel use when citizens compare public quality with outside + substitutes."""
    rng = np.random.default_rng(seed)
    outside = rng.uniform(0.0, 2.0, n)
    s = FirmSector(params(firms=200, substitutive_share=substitutive_share), rng)
    public_q, substitute, uses = 1.0, 0.0, []
    for _ in range(steps):
        using = public_q >= outside + substitute
        uses.append(using.mean())
        substitute = s.step(using.sum(), n, public_q, rng).substitute_value
    return float(np.mean(uses[steps // 2 :]))


@pytest.mark.parametrize("seed", SEEDS)
def test_substitutive_firms_lower_public_channel_use(seed):
    assert use_share(0.8, seed) < use_share(0.0, seed)


def test_more_substitutive_firms_shift_value_from_complements_to_substitutes():
    for seed in SEEDS:
        outs = {}
        for share in (0.0, 0.8):
            s, rng = sector(seed, firms=500, substitutive_share=share), np.random.default_rng(seed)
            for _ in range(20):
                outs[share] = s.step(600, 1000, 1.0, rng)
        assert outs[0.8].substitute_value > outs[0.0].substitute_value == 0.0
        assert outs[0.8].complements < outs[0.0].complements


def test_developers_prefer_complementary_services():
    s, rng = sector(2, firms=20_000, substitutive_share=0.5), np.random.default_rng(2)
    for _ in range(30):
        s.step(600, 1000, 1.0, rng)
    assert s.active[~s.substitutive].mean() > s.active[s.substitutive].mean()


def test_more_openness_and_users_more_firms():
    def active(openness, users):
        s, rng = sector(3, firms=5000, data_openness=openness), np.random.default_rng(3)
        return [s.step(users, 1000, 1.0, rng) for _ in range(20)][-1].active

    assert active(0.2, 500) < active(0.8, 500)
    assert active(0.5, 200) < active(0.5, 900)


def test_model_substitutive_firms_lower_public_channel_use():
    def use(share, seed):
        model = CoProductionModel(rng=seed, citizens=400, firms=50, outside_option=2.0,
                                  channel="online", substitutive_share=share)
        uses = []
        for _ in range(40):
            model.step()
            uses.append(model.citizens.uses.mean())
        return np.mean(uses[20:])

    for seed in range(5):
        assert use(0.8, seed) < use(0.0, seed)


# --- determinism and contract ------------------------------------------------------------

def test_same_seed_same_arrays():
    def run(seed):
        s, rng = sector(seed, firms=300, sla_floor=0.9, sla_penalty="exclusion"), np.random.default_rng(seed)
        outs = [s.step(400 + 20 * t, 1000, 1.0, rng) for t in range(10)]
        return s, outs

    (a, oa), (b, ob) = run(7), run(7)
    for name in ("cost", "active", "substitutive", "reciprocal", "quality", "excluded",
                 "expected_return"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert oa == ob
    assert not np.array_equal(run(8)[0].quality, a.quality)


def test_firm_params_declared_with_section_doc_and_source():
    assert len({p.name for p in FIRM_PARAMS}) == len(FIRM_PARAMS)
    assert all(MODEL_PARAMS[p.name] is p for p in FIRM_PARAMS)
    for p in FIRM_PARAMS:
        assert p.section == "firms" and p.doc and p.source
        assert p.validate(p.default) == p.default


@pytest.mark.parametrize("p", [p for p in FIRM_PARAMS if p.choices is None], ids=lambda p: p.name)
def test_out_of_range_values_raise_naming_the_field(p):
    for bad in (p.low - 1, p.high + 1, float("nan"), "x"):
        with pytest.raises(InputError) as err:
            params(**{p.name: bad})
        assert p.name in str(err.value) and "allowed" in str(err.value)


def test_bad_choice_and_unknown_name_raise():
    with pytest.raises(InputError, match=r"sla_penalty: value 'expel' is not valid; allowed: one of: fine, exclusion"):
        params(sla_penalty="expel")
    with pytest.raises(InputError, match=r"sla_flor: unknown key.*did you mean 'sla_floor'"):
        params(sla_flor=1.0)
