"""Docs stay true to the code."""

from pathlib import Path

from sim.odd_table import parameter_table
from sim.parameters import MODEL_PARAMS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def test_odd_parameter_table_matches_code():
    text = ODD.read_text()
    assert parameter_table() in text, "regenerate with: python -m sim.odd_table"
    for name in MODEL_PARAMS:
        assert f"`{name}`" in text
