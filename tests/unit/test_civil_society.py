"""Civil-society organisations: founding, joining, leaving, folding; members deliver themselves."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.model.agents import Organisation
from sim.model.streams import CIVIL_SOCIETY, own_stream
from sim.model.turnover import move
from sim.primitives.stats import STEADY_WINDOW


def _with_organisations(k: int, size: int, age: int, **params) -> CoProductionModel:
    """A model whose civil society holds `k` organisations of `size` members, `age` months old."""
    params.setdefault("cso_founding", 1.0)
    model = CoProductionModel(rng=4, citizens=k * size, degree=2, **params)
    cs = model.civil_society
    cs.alive = np.ones(k, dtype=bool)
    cs.age = np.full(k, age, dtype=np.int32)
    cs.size = np.full(k, size, dtype=np.int32)
    cs.founded = np.zeros(k, dtype=np.int32)
    cs.funding_draw = np.ones(k)
    cs.member[:] = np.repeat(np.arange(k), size)
    for j in range(k):
        cs.agents[j] = Organisation(model, j)
    return model


def test_off_by_default_draws_nothing_and_holds_no_citizen_state():
    model = CoProductionModel(rng=1, citizens=200)
    assert not model.civil_society.active and model.civil_society.member.size == 0
    for _ in range(5):
        model.step()
    assert model.last_step.outcomes["organisations"] == 0.0
    assert not model.agents_by_type.get(Organisation)


def test_own_stream_leaves_the_model_generator_untouched_and_ignores_order():
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    first = own_stream(a, CIVIL_SOCIETY).random(3)
    own_stream(b, 7)  # another mechanism's stream built first
    np.testing.assert_array_equal(own_stream(b, CIVIL_SOCIETY).random(3), first)
    assert a.random() == np.random.default_rng(9).random()


def test_established_funded_organisations_fold_at_the_cited_rate():
    # 4,000 funded ten-member organisations (no liability of newness), 96 months: the
    # hazard 0.0023 a month is Bielefeld's 20 % over eight years.
    model = _with_organisations(4000, 10, 120, cso_support=1.0)
    cs = model.civil_society
    for _ in range(96):
        cs._fold()
    gone = 1.0 - cs.alive.mean()
    expected = 1.0 - (1.0 - 0.0023) ** 96
    assert expected == pytest.approx(0.198, abs=0.001)
    assert gone == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / 4000))
    assert len(model.agents_by_type[Organisation]) == int(cs.alive.sum())


def test_young_small_unfunded_organisations_fold_faster():
    model = _with_organisations(4000, 2, 0, cso_hazard=0.01)
    cs = model.civil_society
    cs._fold()  # hazard 0.01 x (1 + 2) x (10 / 2) ** 0.5 = 0.067
    assert 1.0 - cs.alive.mean() == pytest.approx(0.03 * np.sqrt(5), abs=0.015)


def test_an_organisation_whose_last_member_left_folds_and_its_agent_goes():
    model = _with_organisations(3, 4, 50, cso_leave=1.0)
    cs = model.civil_society
    cs.keen = np.ones(12, dtype=bool)
    cs.keen[:4] = False  # nobody in organisation 0 wants to give any more
    cs.member[:4] = -1  # ... and all have left
    cs._count()
    assert cs._fold_empty() == 1
    assert not cs.alive[0] and cs.alive[1:].all()
    assert [a.index for a in model.agents_by_type[Organisation]] == [1, 2]
    assert model.civil_society.agents[1].members[0].index == 4


def test_leaving_is_held_back_by_ties_inside_the_organisation():
    # A ring with degree 2: inside a block of 4 members, the two in the middle have both
    # ties inside, the two at the ends one. With cso_leave 1 nobody with all ties inside
    # leaves and everyone with none does.
    model = _with_organisations(5, 4, 50, cso_leave=1.0)
    cs = model.civil_society
    cs.keen = np.zeros(20, dtype=bool)
    adj = model.adjacency
    inside = np.array([np.mean(cs.member[adj.indices[adj.indptr[i]:adj.indptr[i + 1]]] == cs.member[i])
                       for i in range(20)])
    cs._leave()
    assert (cs.member[inside == 1.0] >= 0).all()
    assert (cs.member[inside == 0.0] == -1).all()


def test_founding_is_density_dependent_and_needs_a_willing_founder():
    model = CoProductionModel(rng=2, citizens=1000, cso_founding=2.0, cso_capacity=4.0)
    cs = model.civil_society
    assert cs.founding_rate(1000) == pytest.approx(2.0)  # no organisations: low-density rate
    cs.alive = np.ones(2, dtype=bool)  # half the capacity: the peak, exp(1/4)
    assert cs.founding_rate(1000) == pytest.approx(2.0 * np.exp(0.25))
    cs.alive = np.ones(4, dtype=bool)  # at the capacity: back to the low-density rate
    assert cs.founding_rate(1000) == pytest.approx(2.0)
    cs.alive = np.zeros(0, dtype=bool)
    cs.keen[:] = False
    assert cs._found(1) == 0
    cs.keen[:10] = True
    assert cs._found(1) <= 10 and set(np.flatnonzero(cs.members)) <= set(range(10))


def test_willing_citizens_join_and_movers_leave():
    model = _with_organisations(10, 5, 50, cso_join=1.0)
    cs = model.civil_society
    cs.member[::5] = -1  # one in five not a member, all of them keen
    cs.keen[:] = True
    cs._count()
    cs._join()
    assert cs.members.all()
    model.p["turnover"] = 1.0
    idx = move(model)
    assert idx.size and not cs.members[idx].any()


def test_members_deliver_where_the_administration_offers_no_collective_channel():
    off = CoProductionModel(rng=5, citizens=500, interaction="reporting")
    on = CoProductionModel(rng=5, citizens=500, interaction="reporting", cso_founding=2.0)
    for _ in range(36):
        off.step()
        on.step()
    assert off.last_step.outcomes["participation_collective"] == 0.0
    assert on.last_step.outcomes["cso_members"] > 0.0
    assert on.last_step.outcomes["participation_collective"] > 0.0
    assert on.last_step.outcomes["cso_output"] > 0.0


def _steady(seed: int, **params) -> dict[str, float]:
    model = CoProductionModel(rng=seed, citizens=500, **params)
    for _ in range(120):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    return {k: float(df[k].iloc[-STEADY_WINDOW:].mean()) for k in ("participation_collective", "quality", "organisations")}


@pytest.mark.parametrize("interaction", ["consultation", "reporting", "co_delivery"])
def test_civil_society_raises_collective_participation_and_quality(interaction):
    for seed in (1, 2, 3):
        off = _steady(seed, interaction=interaction)
        on = _steady(seed, interaction=interaction, cso_founding=1.0)
        assert on["participation_collective"] > off["participation_collective"]
        assert on["quality"] > off["quality"]
        assert on["organisations"] > 0


def test_funding_keeps_more_organisations_alive():
    alive = [[_steady(seed, cso_founding=0.5, cso_hazard=0.02, cso_support=s)["organisations"]
              for seed in (1, 2, 3, 4)] for s in (0.0, 1.0)]
    assert np.mean(alive[1]) > np.mean(alive[0])
