"""Docs stay true to the code."""


from sim.inputs.reference import parameter_table
from sim.inputs.schema import RUN_PARAMS, SECTION_PARAMS, TEXT_FIELDS
from sim.model.parameters import MODEL_PARAMS
from sim.validation.reference import pattern_table
from tests.helpers import ROOT

ODD = ROOT / "docs" / "ODD.md"


def test_odd_parameter_table_matches_code():
    text = ODD.read_text()
    assert parameter_table() in text, "regenerate with: python -m sim.inputs.reference"
    for name in MODEL_PARAMS:
        assert f"`{name}`" in text


def test_odd_pattern_table_matches_code():
    assert pattern_table() in ODD.read_text(), "regenerate with: python -m sim.validation.reference --write"


def test_every_scenario_schema_field_is_documented():
    text = ODD.read_text()
    fields = [*TEXT_FIELDS, *RUN_PARAMS] + [n for params in SECTION_PARAMS.values() for n in params]
    missing = [name for name in fields if f"`{name}`" not in text]
    assert not missing, missing


def test_odd_has_the_seven_elements_in_order_and_odd_d():
    text = ODD.read_text()
    elements = ["Purpose and patterns", "Entities, state variables and scales",
                "Process overview and scheduling", "Design concepts", "Initialization",
                "Input data", "Submodels"]
    positions = [text.index(f"## {i}. {e}") for i, e in enumerate(elements, start=1)]
    assert positions == sorted(positions)
    assert "Individual decision making (ODD+D)" in text
