"""Every sweep design prints a terminal summary: a table (grid), ranked parameters (Morris, Sobol), ranges (LHS)."""

from __future__ import annotations

import pytest

from tests.helpers import coprod, write

VARY = "vary: {governance.monitoring: [0.0, 1.0], administration.responsiveness: [0.1, 1.0]}"


@pytest.mark.parametrize(("design", "expected"), [
    ("morris", "Most influential parameters (Morris mu*"),
    ("lhs", "Across the 4 design points (mean over replications): lowest, median, highest"),
])
def test_a_sweep_prints_what_it_found(tmp_path, design, expected):
    path = write(tmp_path / f"{design}.yaml", f"""\
description: a tiny {design} sweep
design: {design}
samples: {2 if design == "morris" else 4}
base: consultative
fixed: {{population.citizens: 80, governance.sanctions: peer}}
{VARY}
replications: 1
steps: 12
seed: 4
""")
    done = coprod("sweep", path, "--out", tmp_path / "out", "--workers", "1", timeout=300)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout, done.stdout
    summary = done.stdout.split(expected)[1]
    for outcome in ("participation", "quality", "free_rider_share"):
        assert f"  {outcome}" in summary, summary
    if design == "morris":
        assert "governance.monitoring" in summary and "administration.responsiveness" in summary
    assert "Report: " in done.stdout
