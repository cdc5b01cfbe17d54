"""The dashboard's logic without a browser: generated controls, validation, drawing, runs.

The browser itself is tested end to end in `test_dashboard_e2e.py` (``-m dashboard``).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dashboards import charts, render, server, teaching
from dashboards.ab import compare
from dashboards.layout import compute_layout, network_layout
from dashboards.runs import Run, build_model, timeseries, to_csv
from dashboards.settings import (
    CONTROLS,
    SECTION_ORDER,
    Settings,
    controls,
    format_value,
    scenarios,
    try_value,
)
from sim.inputs.scenario import load_scenario
from sim.model.coproduction import CoProductionModel
from sim.model.parameters import MODEL_PARAMS, SECTIONS
from sim.model.reporters import REPORTERS
from sim.primitives.errors import InputError
from sim.run.single import run_scenario
from tests.helpers import ROOT

DASHBOARDS = ROOT / "dashboards"


def _field_scenario() -> str:
    """A named scenario that is not a lab game (games fix the network and sanctions)."""
    return next(name for name, _ in scenarios() if not load_scenario(name).is_game)


def _game_scenario() -> str | None:
    return next((name for name, _ in scenarios() if load_scenario(name).is_game), None)


def _png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


# --------------------------------------------------------------------------------------------
# controls are generated from MODEL_PARAMS


def test_one_control_per_declared_parameter_in_its_section():
    generated = controls()
    names = [c.name for cs in generated.values() for c in cs]
    assert sorted(names) == sorted(MODEL_PARAMS)
    assert len(names) == len(set(names))
    for section, cs in generated.items():
        for c in cs:
            p = MODEL_PARAMS[c.name]
            assert c.param is p and p.section == section
            assert c.key == f"{section}.{c.name}"
            expected = "select" if p.choices is not None else ("int" if p.kind is int else "float")
            assert c.widget == expected
    assert set(SECTION_ORDER) == set(SECTIONS) and SECTION_ORDER[0] == "governance"


def test_no_second_parameter_list_in_the_dashboard():
    """No parameter name is spelt out in the app: controls come from MODEL_PARAMS."""
    views = ("app.py", "controls.py", "state.py", "ab_view.py", "teaching_view.py", "live_view.py",
             "teaching_panel.py", "info_view.py", "runs.py", "charts.py")
    app = "\n".join((DASHBOARDS / name).read_text() for name in views)
    ignore = {"seed", "steps", "citizens", "network", "rewards", "response", "interaction", "quality",
              "trust", "access", "voting", "firms", "production"}
    quoted = set(re.findall(r"""["']([a-z_]+)["']""", app))
    listed = sorted((quoted & set(MODEL_PARAMS)) - ignore)
    assert listed == [], f"parameter names written out in dashboards/app.py: {listed}"


# --------------------------------------------------------------------------------------------
# validation: inline messages, never a crash


def test_bad_number_gives_field_and_allowed_values():
    settings = Settings(_field_scenario())
    same, message = try_value(settings, "monitoring", "2")
    assert same is settings
    assert message == "value 2 is not valid; allowed: a number in [0, 1]"
    _, message = try_value(settings, "trust", "abc")
    assert "'abc'" in message and "a number in [0, 1]" in message
    _, message = try_value(settings, "degree", "4.5")
    assert "an integer" in message
    _, message = try_value(settings, "trust", "")
    assert "not valid" in message


def test_cross_field_constraint_is_reported_not_raised():
    settings = Settings(_field_scenario())
    _, message = try_value(settings, "share_free_rider", "0.95")
    assert message and "at most 1" in message
    assert "--set" not in message and ".yaml" not in message


def test_game_scenario_conflict_is_reported():
    name = _game_scenario()
    if name is None:
        pytest.skip("no lab game scenario")
    _, message = try_value(Settings(name), "sanctions", "admin")
    assert message and "game" in message


def test_valid_edits_are_typed_and_kept():
    settings = Settings(_field_scenario())
    new, message = try_value(settings, "sanctions", "peer")
    assert message is None and dict(new.overrides) == {"sanctions": "peer"}
    new, message = try_value(new, "monitoring", " 1e-5 ")  # number-like text is a number
    assert message is None and new.values()["monitoring"] == pytest.approx(1e-5)
    new, message = try_value(new, "degree", "4")
    assert message is None and new.values()["degree"] == 4 and isinstance(new.values()["degree"], int)
    assert new.model_kwargs()["sanctions"] == "peer"


def test_every_value_round_trips_through_its_text():
    settings = Settings(_field_scenario())
    values = settings.values()
    locked = settings.locked()
    for name, value in values.items():
        if name in locked:
            continue
        new, message = try_value(settings, name, format_value(value))
        assert message is None, (name, message)
        assert new.values() == values, name


def test_game_parameters_are_locked_outside_lab_designs():
    locked = Settings(_field_scenario()).locked()
    assert set(locked) == {n for n, p in MODEL_PARAMS.items() if p.section == "game"}
    name = _game_scenario()
    if name is not None:
        assert Settings(name).locked() == {}


def test_seed_validation():
    settings = Settings(_field_scenario())
    assert settings.with_seed("7").run_seed() == 7
    for bad in ("-1", "x", "1.5", ""):
        with pytest.raises(InputError):
            settings.with_seed(bad)
    assert settings.run_seed() == load_scenario(settings.scenario).seed


def test_messages_come_from_the_structured_error_not_from_text():
    """A control shows its own problem without origin or field: never text rewritten."""
    settings = Settings(_field_scenario())
    _, message = try_value(settings, "trust", "2")
    assert message == "value 2 is not valid; allowed: a number in [0, 1]"
    _, message = try_value(settings, "degree", "2000")
    assert message.startswith("value 2000 is not valid; allowed:") or "population.degree" in message


def test_model_level_rejection_is_a_run_error():
    settings = Settings(_field_scenario())
    try:
        bad = settings.with_overrides({"citizens": 5, "degree": 8})
    except InputError:
        return  # rejected when the value is set: also an inline message
    with pytest.raises(InputError):
        build_model(bad)


# --------------------------------------------------------------------------------------------
# runs: same as the command line, CSV, A/B


def test_live_run_matches_coprod_run_and_csv_has_reporters():
    name = _field_scenario()
    run = Run.start(Settings(name))
    run.step(5)
    ours = run.frame()
    cli = run_scenario(load_scenario(name), steps=5, progress=False).frame
    pd.testing.assert_frame_equal(ours, cli)
    text = to_csv(ours).decode()
    assert text.splitlines()[0].split(",") == ["step", *REPORTERS]
    assert len(text.splitlines()) == 6


def test_every_scenario_runs_and_draws():
    for name, _ in scenarios():
        run = Run.start(Settings(name))
        first = {view: _png(png) for view, png in run.draw(("outcomes", "mechanisms", "network")).items()}
        run.step(2)
        assert run.steps == 2
        frames = {view: _png(png) for view, png in run.draw(("outcomes", "mechanisms", "network")).items()}
        for view, image in frames.items():
            assert image.size[0] > 300, (name, view)
            assert len(image.convert("RGB").getcolors(1 << 20)) > 10, (name, view)
            assert image.tobytes() != first[view].tobytes(), (name, view)
        assert set(run.latest()) == set(REPORTERS)
        run.close()


def test_ab_same_seed_same_settings_same_series_and_differences_listed():
    base = Settings(_field_scenario())
    same = compare(base, base, 12, 3)
    pd.testing.assert_frame_equal(same.a, same.b)
    assert same.differences == ()
    a, b = base.with_value("sanctions", "none"), base.with_value("sanctions", "peer")
    result = compare(a, b, 12, 3)
    assert result.seed == 3 and result.steps == 12
    assert ("sanctions", "none", "peer") in result.differences
    assert not result.a["participation"].equals(result.b["participation"])
    rows = result.summary(("participation", "trust"))
    assert rows[0]["B - A"] == pytest.approx(rows[0]["steady B"] - rows[0]["steady A"])
    assert rows[0]["steady A"] == pytest.approx(result.a["participation"].iloc[-12:].mean())
    svg = charts.ab_svg(result.a, result.b)
    assert svg.startswith("<svg")
    for panel in charts.OUTCOMES:
        name = panel.reporters[0]
        assert f'id="ab-A-{name}"' in svg and f'id="ab-B-{name}"' in svg
    assert "% of all citizens" in svg and "month" in svg  # labelled axes with units
    assert not re.search(r"(?:href|src)=\"https?:", svg)


# --------------------------------------------------------------------------------------------
# drawing: behaviour classes, layout, speed


@pytest.mark.parametrize("name", [name for name, _ in scenarios()])
def test_behaviour_classes_match_the_models_outcomes(name):
    model, _ = build_model(Settings(name))
    for _ in range(3):
        model.step()
    cls = render.classify(model)
    outcomes = model.last_step.outcomes
    for code, reporter in ((render.CONTRIBUTING, "participation"), (render.FREE_RIDING, "free_rider_share"),
                           (render.EXITED, "exit_share"), (render.EXCLUDED, "excluded_share")):
        assert np.mean(cls == code) == pytest.approx(outcomes[reporter]), reporter
    users = model.citizens.uses & model.citizens.eligible
    assert not np.any(cls[~users] == render.FREE_RIDING)  # free riding needs using the service


def test_layout_is_in_the_unit_square_and_cached():
    model = CoProductionModel(rng=1, citizens=300)
    layout = network_layout(model.adjacency)
    assert layout.pos.shape == (300, 2) and not layout.sampled
    assert layout.pos.min() >= 0 and layout.pos.max() <= 1
    assert len(layout.segments) == model.adjacency.nnz // 2
    assert network_layout(model.adjacency.copy()) is layout


def test_layout_of_a_large_population_draws_connected_neighbourhoods():
    model = CoProductionModel(rng=1, citizens=6000)
    layout = compute_layout(model.adjacency, max_nodes=1500)
    assert layout.sampled and len(layout.nodes) == 1500 and layout.total == 6000
    assert len(np.unique(layout.nodes)) == 1500
    sub = model.adjacency[layout.nodes][:, layout.nodes]
    assert sub.nnz > 1500  # neighbourhoods, not scattered citizens


def test_groups_network_gets_one_circle_per_group():
    model = CoProductionModel(rng=1, citizens=40, network="groups", group_size=4)
    layout = compute_layout(model.adjacency)
    assert layout.pos.shape == (40, 2)
    assert len({tuple(np.round(p, 6)) for p in layout.pos}) == 40


def test_frames_draw_charts_and_network_every_step():
    """Charts + network at 1,000 citizens, step after step (speed: experiments/bench/bench_frames.py)."""
    model = CoProductionModel(rng=2, citizens=1000)
    network = render.NetworkFigure(model)
    outcomes, mechanisms = charts.outcomes_figure(100), charts.mechanisms_figure(100)
    frames = []
    for _ in range(5):
        model.step()
        series = model.datacollector.model_vars
        frames.append((outcomes.frame(series), mechanisms.frame(series), network.frame(model)))
    assert all(_png(png).size[0] > 300 for frame in frames for png in frame)
    assert frames[0][0] != frames[-1][0] and frames[0][1] != frames[-1][1]  # the charts move


def test_timelines_extend_past_the_horizon_and_mark_events():
    model = CoProductionModel(rng=2, citizens=200)
    figure = charts.outcomes_figure(10)
    for _ in range(12):
        model.step()
    plain = figure.frame(model.datacollector.model_vars)
    assert figure.horizon >= 12 * 1.5 - 1  # the x axis grew by half when the run passed it
    marked = figure.frame(model.datacollector.model_vars, [(6, "fine 1")])
    assert marked != plain and figure.events == ((6, "fine 1"),)
    assert figure.frame(model.datacollector.model_vars, []) == plain  # and the mark goes again


# --------------------------------------------------------------------------------------------
# teaching mode


@pytest.mark.parametrize("lesson", teaching.LESSONS, ids=lambda lesson: lesson.title)
def test_lesson_is_valid_and_its_paragraph_holds(lesson):
    assert lesson.text and len(lesson.text.split()) > 30

    def steady_run(overrides):
        settings = Settings(lesson.scenario).with_overrides(overrides)
        model, _ = build_model(settings)
        for _ in range(settings.loaded().run_steps):
            model.step()
        return timeseries(model)

    ran, base = steady_run(lesson.overrides), steady_run(lesson.baseline)
    for reporter, claim in lesson.expect:
        mine, theirs = teaching.steady_state(ran, reporter), teaching.steady_state(base, reporter)
        assert teaching.claim_holds(claim, mine, theirs), (reporter, claim, mine, theirs)


def test_sanctions_lesson_is_in_the_sequence():
    texts = " ".join(lesson.text for lesson in teaching.LESSONS)
    assert "conditional cooperators give up" in texts and "Sanctions can fail" in texts
    assert 3 <= len(teaching.LESSONS) <= 8


# --------------------------------------------------------------------------------------------
# serving offline


def test_offline_assets_are_installed():
    server.check_assets()
    assert (server.asset_dir() / "@widgetti/solara-vuetify-app@10.1.1/dist").is_dir()


def test_no_cdn_url_in_the_dashboard_code():
    for path in DASHBOARDS.glob("*.py"):
        code = path.read_text()
        assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|\{)", code), path


def test_server_rejects_bad_port(capsys):
    assert server.main(["--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_app_imports_with_controls_from_the_registry():
    from dashboards import app  # noqa: PLC0415

    assert app.settings.value.scenario in [name for name, _ in scenarios()]
    assert set(CONTROLS) == set(MODEL_PARAMS)


def test_coprod_dashboard_subcommand_has_the_same_options():
    import sim.cli  # noqa: PLC0415

    if "dashboard" not in sim.cli.COMMANDS:
        pytest.skip("`coprod dashboard` is not registered in sim/cli.py yet")
    args = sim.cli.build_parser().parse_args(["dashboard", "--port", "9001", "--host", "0.0.0.0"])
    assert (args.port, args.host) == (9001, "0.0.0.0")
    defaults = sim.cli.build_parser().parse_args(["dashboard"])
    assert (defaults.port, defaults.host) == (server.DEFAULT_PORT, server.DEFAULT_HOST)
    assert sim.cli.main(["dashboard", "--port", "0"]) == 2
