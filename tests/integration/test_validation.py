"""The calibrated model against the published patterns, in CI's reduced form.

Reduced replications, tolerances unchanged. Run alone with ``pytest -m validation``.
"""

from __future__ import annotations

import json

import pytest

from sim.validation import PATTERNS
from sim.validation.report import JSON_KEYS, run_validation, table, write

pytestmark = pytest.mark.validation


@pytest.fixture(scope="module")
def results():
    return run_validation(quick=True)


def test_every_pattern_passes(results):
    assert [r.id for r in results] == list(PATTERNS)
    failed = [r.id for r in results if not r.passed]
    assert not failed, "\n" + table(results)


def test_outputs(results, tmp_path):
    path = write(results, tmp_path)
    records = json.loads(path.read_text())
    assert [r["id"] for r in records] == list(PATTERNS)
    for record in records:
        assert set(JSON_KEYS) <= set(record)
        assert record["ci_low"] <= record["value"] <= record["ci_high"]
        png = tmp_path / f"{record['id']}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    text = table(results)
    assert all(pid in text for pid in PATTERNS) and "PASS" in text
