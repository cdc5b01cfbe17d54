"""Scenario schema, files, game mapping and overrides (`sim.inputs.scenario`, `sim.run`)."""

from __future__ import annotations

import json

import pytest

from sim.cli import overrides
from sim.inputs.scenario import (
    SCENARIO_DIR,
    Scenario,
    apply_overrides,
    list_scenarios,
    load_scenario,
    scenario_names,
)
from sim.inputs.schema import GAME_PARAMS, SECTION_MODELS
from sim.model.parameters import MODEL_PARAMS, SECTIONS, defaults
from sim.model.reporters import REPORTERS
from sim.primitives.errors import InputError, Origin
from sim.run.outputs import summary, write_outputs
from sim.run.single import run_scenario

SET = Origin("set")

NAMED = {
    "traditional", "consultative", "co_delivery", "participatory_budgeting", "open_platform",
    "ostrom_commons", "austerity", "integrated_services", "lab_public_goods",
    "lab_public_goods_punishment", "community_groups", "social_care",
    "patient_engagement", "residential_care_home", "smart_city_sensors", "employment_portal",
    "joined_up_services",
    "austerity_turn", "budget_introduced", "fine_removed",
    "commons_chosen_rules", "polycentric_commons",
}


def write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(call, *args) -> str:
    with pytest.raises(InputError) as info:
        call(*args)
    assert str(info.value) == info.value.message == info.value.format()
    return info.value.message


# --- the named scenarios -----------------------------------------------------------------

def test_all_named_scenarios_exist():
    assert set(scenario_names()) == NAMED
    assert {name for name, _ in list_scenarios()} == NAMED


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
def test_every_scenario_file_loads_and_runs(name):
    scenario = load_scenario(SCENARIO_DIR / f"{name}.yaml")
    assert scenario.name == name
    assert scenario.source and len(scenario.source) > 10
    assert scenario.one_line and len(scenario.description.strip().splitlines()) >= 2
    result = run_scenario(scenario, steps=3, progress=False)
    assert list(result.frame.columns) == ["step", *REPORTERS]
    assert result.frame["step"].tolist() == [1, 2, 3]
    defined = [r for r in REPORTERS if r not in ("efficacy_heard", "efficacy_ignored")]  # NaN until heard
    assert result.frame[defined].notna().all().all()


def test_traditional_is_administration_alone():
    result = run_scenario(load_scenario("traditional"), steps=5, progress=False)
    assert (result.frame["participation_collective"] == 0).all()  # nobody is invited to co-produce
    assert (result.frame["mean_contribution"] == 0).all()
    assert (result.frame["participation"] == result.frame["participation_individual"]).all()


def test_lab_scenarios_are_the_fehr_gachter_design():
    plain, punish = load_scenario("lab_public_goods"), load_scenario("lab_public_goods_punishment")
    for sc in (plain, punish):
        assert (sc.game.group_size, sc.game.endowment, sc.game.mpcr, sc.game.rounds) == (4, 20, 0.4, 10)
        assert sc.run_steps == 10
    assert plain.model_kwargs()["sanctions"] == "none"
    kw = punish.model_kwargs()
    assert (kw["sanctions"], kw["punishment_ratio"]) == ("peer", pytest.approx(1 / 3))


# --- the schema is generated from MODEL_PARAMS --------------------------------------------

def test_schema_has_every_param_with_its_default_and_range():
    for name, p in {**MODEL_PARAMS, **GAME_PARAMS}.items():
        field = SECTION_MODELS[p.section].model_fields[name]
        assert field.default == p.default and field.description == p.doc
        schema = SECTION_MODELS[p.section].model_json_schema()["properties"][name]
        if p.choices:
            assert tuple(schema["enum"]) == p.choices
        else:
            assert schema.get("minimum") == p.low and schema.get("maximum") == p.high
    for section, model in SECTION_MODELS.items():
        declared = {n for n, p in {**MODEL_PARAMS, **GAME_PARAMS}.items() if p.section == section}
        assert set(model.model_fields) == declared
    assert set(Scenario.model_fields) == {"name", "description", "source", "steps", "seed", "events", *SECTIONS}


def test_empty_scenario_gives_the_model_defaults(tmp_path):
    assert Scenario(description="x").model_kwargs() == defaults()
    scenario = load_scenario(write(tmp_path, "description: only a description\n"))
    assert scenario.model_kwargs() == defaults()
    assert (scenario.name, scenario.run_steps, scenario.seed, scenario.game) == ("s", 240, 42, None)


def test_sections_map_to_flat_model_kwargs(tmp_path):
    text = ("description: x\npopulation: {citizens: 300}\nservice: {channel: online}\n"
            "administration: {responsiveness: 0.9, production: 0.3}\ngovernance: {sanctions: admin}\n"
            "firms:\n")
    kw = load_scenario(write(tmp_path, text)).model_kwargs()
    assert (kw["citizens"], kw["channel"], kw["responsiveness"], kw["production"], kw["sanctions"]) == (
        300, "online", 0.9, 0.3, "admin")
    assert isinstance(kw["responsiveness"], float) and isinstance(kw["citizens"], int)


# --- the game section ----------------------------------------------------------------------

def test_game_section_maps_to_a_lab_design(tmp_path):
    sc = load_scenario(write(tmp_path, "description: x\ngame: {group_size: 5, mpcr: 0.5, rounds: 7}\n"))
    kw = sc.model_kwargs()
    assert (kw["network"], kw["group_size"], kw["mpcr"], kw["sanctions"]) == ("groups", 5, 0.5, "none")
    assert (kw["response"], kw["responsiveness"], kw["response_delay"]) == ("direct", 1.0, 0)
    assert sc.run_steps == 7
    assert apply_overrides(sc, {"steps": 3}, SET).run_steps == 3


def test_game_explicit_tunings_win_and_punishment_sets_peer(tmp_path):
    text = ("description: x\ngame: {punishment: peer}\nadministration: {responsiveness: 0.5}\n"
            "governance: {sanctions: peer, response: random}\n")
    kw = load_scenario(write(tmp_path, text)).model_kwargs()
    assert (kw["sanctions"], kw["punishment_ratio"]) == ("peer", 1 / 3)
    assert (kw["response"], kw["responsiveness"], kw["response_delay"]) == ("random", 0.5, 0)


@pytest.mark.parametrize(("extra", "field"), [
    ("governance: {sanctions: admin}\n", "governance.sanctions"),
    ("population: {network: lattice}\n", "population.network"),
])
def test_game_conflicts_name_both_fields(tmp_path, extra, field):
    msg = error_of(load_scenario, write(tmp_path, "description: x\ngame: {punishment: peer}\n" + extra))
    assert field in msg and "game" in msg and "allowed:" in msg


def test_game_summary_reports_tokens(tmp_path):
    result = run_scenario(load_scenario("lab_public_goods"), steps=2, progress=False)
    tokens = summary(result)["game"]["mean_contribution_tokens"]
    assert tokens["first"] == pytest.approx(20 * result.frame["mean_contribution"].iloc[0])
    files = write_outputs(result, tmp_path / "out")
    assert json.loads(files["summary.json"].read_text())["game"]["endowment"] == 20


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("description: x\npopulation: {citizens: 0}\n",
     "s.yaml, line 2, column 14: population.citizens: value 0 is not valid; allowed: an integer in [1, 5000000]"),
    ("description: x\npopulation: {citizens: many}\n", "population.citizens: value 'many' (a string)"),
    ("description: x\nservice: {channel: web}\n", "allowed: one of: online, offline, mixed"),
    ("description: x\ngovernance: {sanctoins: peer}\n", "(did you mean 'sanctions'?)"),
    ("description: x\ncitizens: 5\n", "(did you mean 'population.citizens'?)"),
    ("description: x\npopulation: {responsiveness: 1}\n", "did you mean 'administration.responsiveness'"),
    ("population: {citizens: 5}\n", "description: missing; required: a string"),
    ("description: x\nsteps: 0\n", "steps: value 0 is not valid; allowed: an integer in [1, 100000]"),
    ("description: x\ngame: {punishment: peers}\n", "allowed: one of: none, peer (did you mean 'peer'?)"),
    ("description: x\nservice: {channel: off}\n", "YAML reads yes/no/on/off as booleans"),
    ("- a list\n", "a scenario must be a mapping of top-level keys"),
    ("description: x\npopulation:\n  citizens: 10\n   degree: 4\n", "line 4, column 10: invalid YAML"),
    ("description: x\nseed: 1\nseed: 2\n", "line 3, column 1: invalid YAML: duplicate key 'seed'"),
    ("description: x\npopulation: {share_conditional: 0.9}\n",
     "population.share_conditional: share_conditional + share_free_rider + share_hump = 1.340 is over 1"),
    ("description: x\nseed: 1e308\n", "seed: value 1e+308 is not valid; allowed: an integer"),
])
def test_bad_files_raise_clear_errors(tmp_path, text, expected):
    assert expected in error_of(load_scenario, write(tmp_path, text))


def test_several_errors_are_reported_together(tmp_path):
    msg = error_of(load_scenario, write(tmp_path, "description: x\nsteps: 0\nfirms: {firms: -1}\n"))
    assert "steps:" in msg and "firms.firms:" in msg and len(msg.splitlines()) == 2


def test_unknown_scenario_name_lists_available():
    msg = error_of(load_scenario, "traditonal")
    assert "did you mean 'traditional'" in msg and "lab_public_goods_punishment" in msg


def test_model_level_cross_field_error_is_a_scenario_error(tmp_path):
    msg = error_of(load_scenario, write(tmp_path, "description: x\npopulation: {citizens: 5}\n"))
    assert "s.yaml, line 2, column 1: " in msg  # where the population section is
    assert "population.degree: value 6 is not valid" in msg and "(citizens = 5)" in msg


# --- overrides -------------------------------------------------------------------------------

def test_overrides_validate_like_file_values():
    base = load_scenario("consultative")
    values = {"service.channel": "online", "population.citizens": 200, "seed": 7,
              "governance.monitoring": 0.25}
    sc = apply_overrides(base, values, SET)
    kw = sc.model_kwargs()
    assert (kw["channel"], kw["citizens"], sc.seed, kw["monitoring"]) == ("online", 200, 7, 0.25)
    assert kw["responsiveness"] == base.model_kwargs()["responsiveness"]  # file values kept
    assert apply_overrides(base, {}, SET) is base


def test_set_options_are_parsed_into_values_by_the_cli_only():
    assert overrides(["service.channel=online", "governance.fine=1e-05", "steps=3"]) == {
        "service.channel": "online", "governance.fine": 1e-05, "steps": 3}


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("service.channel", "web", "--set service.channel: value 'web' is not valid; allowed: one of: online"),
    ("service.chanel", "online", "--set service.chanel: unknown key; allowed: a key of service: channel"),
    ("popluation.citizens", 3, "--set popluation.citizens: not a scenario key"),
    ("population.citizens", 0, "--set population.citizens: value 0 is not valid; allowed: an integer"),
    ("a.b.c", 1, "not a scenario key"),
    ("steps.x", 1, "--set steps.x: not a scenario key"),
])
def test_bad_overrides(key, value, expected):
    assert expected in error_of(apply_overrides, load_scenario("consultative"), {key: value}, SET)


@pytest.mark.parametrize(("option", "expected"), [
    ("population.citizens", "--set: 'population.citizens' is not KEY=VALUE"),
    ("population.citizens=[1", "--set population.citizens: value '[1' is not valid YAML"),
])
def test_bad_set_options(option, expected):
    assert expected in error_of(overrides, [option])


def test_override_conflicting_with_game_names_both_fields():
    msg = error_of(apply_overrides, load_scenario("lab_public_goods"), {"governance.sanctions": "admin"}, SET)
    assert "--set governance.sanctions" in msg and "game.punishment" in msg


def test_run_arguments_are_validated():
    sc = load_scenario("consultative")
    assert "--steps: value 0 is not valid; allowed: an integer in [1, 100000]" in error_of(
        run_scenario, sc, 0)
    assert "--seed: value -1 is not valid" in error_of(run_scenario, sc, 1, -1)
