"""Exact tests of appeals against fines (`sim.governance.appeals`), inputs chosen so the answer is certain."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.governance.appeals import Arbiter
from sim.governance.sanctions import AdminSanctions
from tests.helpers import small_context

N = 2_000


def _fined(error: float = 0.5, legitimacy: float = 0.8, **appeal):
    """Admin sanctions that flag everyone (half wrongly, at error 0.5), heard by an arbiter."""
    ctx = small_context(n=N)
    c = ctx.citizens
    c.offences[:] = 0
    c.trust[:] = 0.5
    c.time_budget[:] = 10.0
    rule = AdminSanctions(monitoring=1.0, fine=0.5, graduation=2.0, detection_error=error, record_decay=0.0,
                          legitimacy=legitimacy)
    rule.setup(c, None)
    offenders = np.zeros(N, dtype=bool)
    offenders[: N // 2] = True
    everyone = np.ones(N, dtype=bool)
    arbiter = Arbiter(**appeal)
    out = rule.apply(ctx, offenders, everyone, everyone, np.random.default_rng(1), appeals=arbiter,
                     appeal_rng=np.random.default_rng(2))
    return ctx, rule, offenders, out


def test_an_accurate_free_arbiter_refunds_every_wrongful_fine_and_only_those():
    ctx, rule, offenders, out = _fined(appeal_cost=0.0, resolution_accuracy=1.0)
    heard = out.appeals
    assert heard is not None
    wrongly = heard.filed & ~offenders
    assert wrongly.sum() > 300  # about half the compliant are flagged at error 0.5
    np.testing.assert_array_equal(heard.filed, wrongly)  # offenders expect nothing: no frivolous appeals
    np.testing.assert_array_equal(heard.upheld, wrongly)
    assert not out.wrongful.any() and not out.fines[~offenders].any()  # every wrongful fine refunded
    assert (out.fines[offenders] > 0).sum() > 300  # deserved fines stand
    assert not ctx.citizens.offences[~offenders].any()  # and the wrongful detections are struck
    assert rule.perceived == rule.legitimacy  # every fine that stands was deserved
    assert (heard.citizen_cost == 0).all()
    assert out.admin_cost == pytest.approx(0.1 + 0.5 * wrongly.sum() / N)  # monitoring + hearings


def test_an_arbiter_who_always_errs_hears_only_offenders_and_refunds_them_all():
    ctx, rule, offenders, out = _fined(appeal_cost=0.0, resolution_accuracy=0.0, legitimacy=0.8)
    heard = out.appeals
    fined_offenders = offenders & (ctx.citizens.offences == 0) & heard.filed
    np.testing.assert_array_equal(heard.filed, heard.upheld)  # every appeal (all frivolous) wins
    assert not (heard.filed & ~offenders).any()  # the wrongly fined expect nothing from it
    assert not out.fines[offenders].any() and fined_offenders.sum() > 300
    assert out.wrongful.sum() > 300 and (out.fines[out.wrongful] == 0.5).all()  # wrongful fines stand
    assert rule.perceived == pytest.approx(0.8 * (1 - 0.1))  # toward 0.8 x 0 deserved, at rate 0.1


def test_who_appeals_weighs_trust_times_the_refund_against_the_cost():
    ctx = small_context(n=3)
    c = ctx.citizens
    c.trust[:] = [0.0, 0.5, 1.0]
    c.time_budget[:] = 10.0
    fines = np.full(3, 0.5)
    wrongful = np.ones(3, dtype=bool)
    # expected refund 0, 0.25, 0.5 against 2 hours of 10 (0.2)
    appeal = Arbiter(appeal_cost=2.0, resolution_accuracy=1.0, resolution_cost=1.5)
    out = appeal.hear(ctx, fines, wrongful, np.arange(3), np.random.default_rng(0))
    np.testing.assert_array_equal(out.filed, [False, True, True])
    np.testing.assert_allclose(out.citizen_cost, [0.0, 0.2, 0.2])
    np.testing.assert_allclose(fines, [0.5, 0.0, 0.0])
    assert out.admin_cost == pytest.approx(1.5 * 2 / 3)
    assert out.outcomes() == {"appeals_filed": pytest.approx(2 / 3), "appeals_upheld": pytest.approx(2 / 3)}


def test_a_dear_arena_hears_nothing_and_changes_nothing():
    _, rule_a, _, out_a = _fined(appeal_cost=40.0)
    ctx = small_context(n=N)
    ctx.citizens.offences[:] = 0
    assert not out_a.appeals.filed.any()
    # the same fines as with no arena at all
    rule = AdminSanctions(monitoring=1.0, fine=0.5, graduation=2.0, detection_error=0.5, record_decay=0.0,
                          legitimacy=0.8)
    rule.setup(ctx.citizens, None)
    offenders = np.zeros(N, dtype=bool)
    offenders[: N // 2] = True
    out = rule.apply(ctx, offenders, np.ones(N, dtype=bool), np.ones(N, dtype=bool), np.random.default_rng(1))
    np.testing.assert_array_equal(out.fines, out_a.fines)
    assert out.admin_cost == out_a.admin_cost and rule.perceived == rule_a.perceived


def test_in_the_model_refunded_wrongful_fines_cost_neither_trust_nor_legitimacy():
    kw = {"citizens": 300, "sanctions": "admin", "monitoring": 1.0, "detection_error": 0.4, "legitimacy": 0.6,
          "appeal_cost": 0.0, "resolution_accuracy": 1.0}
    heard, unheard = CoProductionModel(rng=5, appeals="arbiter", **kw), CoProductionModel(rng=5, **kw)
    for _ in range(24):
        heard.step()
        unheard.step()
    a = heard.datacollector.get_model_vars_dataframe()
    b = unheard.datacollector.get_model_vars_dataframe()
    assert (a["legitimacy"] == 0.6).all() and (b["legitimacy"] < 0.6).all()  # every fine standing is deserved
    assert (a["appeals_upheld"] > 0).all() and (b["appeals_filed"] == 0).all()
    assert a["trust"].iloc[-1] > b["trust"].iloc[-1] + 0.05


def test_without_sanctions_an_arbiter_changes_nothing():
    runs = []
    for appeals in ("none", "arbiter"):
        model = CoProductionModel(rng=3, citizens=200, appeals=appeals, resolution_cost=5.0)
        for _ in range(12):
            model.step()
        runs.append(model.datacollector.get_model_vars_dataframe())
    assert runs[0].equals(runs[1])
