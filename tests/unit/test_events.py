"""Timed policy changes (`sim.model.events`, `sim.inputs.events`): exact behaviour and checks."""

from __future__ import annotations

import pandas as pd
import pytest

from sim import CoProductionModel
from sim.inputs.events import event_path, events_of
from sim.inputs.scenario import apply_overrides, load_scenario, validate_scenario
from sim.primitives.errors import InputError, Origin

SET = Origin("set")
SMALL = {"citizens": 150, "sanctions": "admin", "monitoring": 0.5, "fine": 0.4}


def frame(model: CoProductionModel, steps: int) -> pd.DataFrame:
    for _ in range(steps):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def test_an_event_is_set_levers_at_the_start_of_its_month():
    events = [{"month": 5, "set": {"fine": 0.0, "interaction": "co_design"}, "label": "x"},
              {"month": 9, "set": {"pb_share": 0.3, "pb_cycle": 3}}]
    scheduled = frame(CoProductionModel(rng=3, events=events, **SMALL), 14)
    by_hand = CoProductionModel(rng=3, **SMALL)
    for month in range(1, 15):
        if month == 5:
            by_hand.set_levers(fine=0.0, interaction="co_design")
        if month == 9:
            by_hand.set_levers(pb_share=0.3, pb_cycle=3)
        by_hand.step()
    pd.testing.assert_frame_equal(scheduled, by_hand.datacollector.get_model_vars_dataframe())
    unchanged = frame(CoProductionModel(rng=3, **SMALL), 14)
    pd.testing.assert_frame_equal(scheduled.iloc[:4], unchanged.iloc[:4])  # the same until month 5
    assert not scheduled.iloc[4:].equals(unchanged.iloc[4:])


def test_no_events_changes_nothing_and_values_hold_from_their_month():
    plain = frame(CoProductionModel(rng=5, **SMALL), 10)
    pd.testing.assert_frame_equal(plain, frame(CoProductionModel(rng=5, events=[], **SMALL), 10))
    model = CoProductionModel(rng=5, events=[{"month": 4, "set": {"fine": 0.0}}], **SMALL)
    fines = []
    for _ in range(6):
        model.step()
        fines.append(model.p["fine"])
    assert fines == [0.4, 0.4, 0.4, 0.0, 0.0, 0.0]
    assert model.policy_events.applied == [(4, "fine=0.0", {"fine": 0.0})]
    pd.testing.assert_frame_equal(frame(model, 0).iloc[:3], plain.iloc[:3])  # same until month 4


def test_a_participatory_budget_introduced_votes_from_its_first_cycle():
    model = CoProductionModel(rng=2, citizens=200, events=[{"month": 13, "set": {"pb_share": 0.3}}])
    frame(model, 40)
    votes = model.datacollector.get_table_dataframe("budgeting")
    assert len(votes) == 2  # voted in months 24 and 36, implemented one month later
    abolished = CoProductionModel(rng=2, citizens=200, pb_share=0.3, events=[{"month": 20, "set": {"pb_share": 0.0}}])
    frame(abolished, 40)
    assert len(abolished.datacollector.get_table_dataframe("budgeting")) == 1  # only the vote of month 12
    assert not abolished.budgeting.pending


@pytest.mark.parametrize(("events", "expected"), [
    ([{"month": 0, "set": {"fine": 0.0}}], "events[0].month: value 0 is not valid"),
    ([{"month": 2, "set": {"fien": 0.0}}], "events[0].set.fien: unknown key"),
    ([{"month": 2, "set": {"fine": 20.0}}], "events[0].set.fine: value 20.0 is not valid; allowed: a number in [0, 10]"),
    ([{"month": 2, "set": {"citizens": 10}}], "events[0].set.citizens: cannot change during a run"),
    ([{"month": 2, "set": {}}], "events[0].set: missing"),
])
def test_the_model_refuses_a_bad_schedule_before_the_first_month(events, expected):
    with pytest.raises(InputError) as info:
        CoProductionModel(rng=1, citizens=50, events=events)
    assert expected in info.value.message and "CoProductionModel" in info.value.message


TEXT = """\
description: x
steps: 36
governance: {sanctions: admin, fine: 0.5}
events:
{events}
"""


def load(tmp_path, events: str):
    path = tmp_path / "ev.yaml"
    path.write_text(TEXT.replace("{events}", events))
    return load_scenario(path)


def error(tmp_path, events: str) -> str:
    with pytest.raises(InputError) as info:
        load(tmp_path, events)
    return info.value.message


@pytest.mark.parametrize(("events", "expected"), [
    ("  - {month: 0, set: {governance.fine: 0}}", ("line 5, column 6: events[0].month: value 0 is not valid; "
     "allowed: an integer in [1, 36] (a month of the run)")),
    ("  - {month: 40, set: {governance.fine: 0}}", ("line 5, column 6: events[0].month: is after the run's last "
     "month (36)")),
    ("  - {month: soon, set: {governance.fine: 0}}", "events[0].month: value 'soon' (a string) is not valid"),
    ("  - {month: 3, set: {governance.fien: 0}}", ("line 5, column 22: events[0].set.governance.fien: unknown key; "
     "allowed: a dotted scenario path section.key of a lever (did you mean 'governance.fine'?)")),
    ("  - {month: 3, set: {fine: 0}}", ("events[0].set.fine: unknown key; allowed: a dotted scenario path section.key "
     "of a lever (did you mean 'governance.fine'?)")),
    ("  - {month: 3, set: {governance: {fine: 0}}}", "(write the dotted path, e.g. governance.fine)"),
    ("  - {month: 3, set: {governance.fine: 0}}\n  - {month: 4, set: {governance.fine: 11}}",
     "line 6, column 22: events[1].set.governance.fine: value 11 is not valid; allowed: a number in [0, 10]"),
    ("  - {month: 3, set: {governance.sanctions: fines}}", ("events[0].set.governance.sanctions: value 'fines' is "
     "not valid; allowed: one of: none, peer, admin")),
    ("  - {month: 3, set: {population.citizens: 10}}", "events[0].set.population.citizens: cannot change during a run"),
    ("  - {month: 3, set: {governance.fine: 0}, when: 3}", ("events[0].when: unknown key; allowed: a key of an event: "
     "month, set, label")),
    ("  - {month: 3}", "events[0].set: missing"),
    ("  - {month: 3, set: 0.5}", "events[0].set: value 0.5 is not valid"),
    ("  - 7", "events[0]: value 7 is not valid; allowed: a mapping of month, set and label"),
    ("  - {month: 3, set: {governance.fine: 0}, label: 4}", "events[0].label: value 4 is not valid; allowed: a string"),
])
def test_bad_events_name_the_dotted_field_and_line(tmp_path, events, expected):
    msg = error(tmp_path, events)
    assert expected in msg and msg.startswith(str(tmp_path / "ev.yaml"))


def test_events_are_checked_with_what_is_in_force_before_them(tmp_path):
    # degree 8 needs 9+ citizens; a later event's value is checked with the earlier ones applied
    good = load(tmp_path, "  - {month: 3, set: {governance.sanctions: peer}}\n"
                          "  - {month: 5, set: {governance.monitoring: 0.2}}")
    assert [e["set"] for e in good.model_kwargs()["events"]] == [{"sanctions": "peer"}, {"monitoring": 0.2}]
    msg = error(tmp_path, "  - {month: 2, set: {governance.fine: 0}}\n  - {month: 0, set: {governance.fine: 1}}\n"
                          "  - {month: 3, set: {governance.fien: 1}}")
    assert len(msg.splitlines()) == 2  # every problem at once


def test_events_of_and_default_labels(tmp_path):
    sc = load(tmp_path, "  - {month: 24, set: {administration.austerity_response: 1.0}}\n"
                        "  - {month: 13, set: {governance.fine: 0}, label: fine removed}")
    assert events_of(sc) == [(13, "fine removed"), (24, "administration.austerity_response=1.0")]
    assert events_of(load_scenario("consultative")) == []


def test_overrides_reach_inside_events():
    base = load_scenario("fine_removed")
    assert event_path("events.0.set.governance.fine") == (0, ("set", "governance.fine"))
    assert event_path("events.0.label") == (0, ("label",)) and event_path("events.x.month") is None
    moved = apply_overrides(base, {"events.0.month": 25, "events.0.set.governance.monitoring": 0.1}, SET)
    assert moved.model_kwargs()["events"] == [{"month": 25, "set": {"fine": 0.0, "monitoring": 0.1},
                                               "label": "fine removed"}]
    with pytest.raises(InputError) as info:
        apply_overrides(base, {"events.3.month": 5}, SET)
    assert "--set events.3.month: names no event of the scenario; allowed: the scenario has events 0 to 0" in str(info.value)
    with pytest.raises(InputError) as info:
        apply_overrides(base, {"events.0.set.governance.fine": -1}, SET)
    assert "--set events[0].set.governance.fine: value -1 is not valid" in str(info.value)
    assert base.with_events([]).model_kwargs().get("events") is None
    assert events_of(base.with_events([{"month": 2, "set": {"governance.fine": 0.1}, "label": "cut"}])) == [(2, "cut")]


def test_a_scenario_built_in_python_takes_events():
    sc = validate_scenario({"description": "x", "events": [{"month": 2, "set": {"governance.reward": 0.3}}]},
                           "script", lambda loc: Origin("option", "script"))
    assert sc.model_kwargs()["events"] == [{"month": 2, "set": {"reward": 0.3}, "label": "governance.reward=0.3"}]
