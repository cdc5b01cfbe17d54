"""Experiment files for policy design: levers, uncertainties, constraints, crossed designs."""

from __future__ import annotations

import pytest

from sim.inputs.experiment import load_experiment_file
from sim.primitives.errors import InputError
from sim.sweep.coordinator import run_sweep
from sim.sweep.experiment import load_experiment
from tests.helpers import ROOT, table, write

SHARES = ("population.share_conditional", "population.share_free_rider", "population.share_hump")


def _shares(point: dict, base: dict) -> float:
    return sum(point.get(s, base[s.split(".")[1]]) for s in SHARES)


@pytest.mark.parametrize("design", ["lhs", "sobol", "morris"])
def test_categorical_levers_in_sampled_designs_and_shares_repaired(tmp_path, design):
    path = write(tmp_path / "e.yaml", f"""\
description: categorical and constrained
base: ostrom_commons
design: {design}
samples: 8
vary:
  governance.sanctions: [none, peer, admin]
  population.share_free_rider: [0.1, 0.6]
  population.share_conditional: [0.3, 0.8]
fixed: {{population.citizens: 120}}
replications: 1
steps: 3
""")
    exp = load_experiment(path)
    base = exp.scenarios["ostrom_commons"].model_kwargs()
    assert {p["governance.sanctions"] for p in exp.points} == {"none", "peer", "admin"}
    assert all(_shares(p, base) <= 1 + 1e-9 for p in exp.points)
    assert any(abs(_shares(p, base) - 1) < 1e-9 for p in exp.points), "some points needed repair"
    run_sweep(exp, tmp_path / "out", progress="never")  # no run fails on the constraint
    assert len(table(tmp_path / "out").run_id.unique()) == exp.n_runs


def test_a_grid_leaves_out_the_combinations_that_break_a_constraint(tmp_path):
    path = write(tmp_path / "g.yaml", """\
description: grid over shares
base: consultative
vary:
  population.share_conditional: [0.4, 0.6]
  population.share_free_rider: [0.2, 0.3]
constraints: ["population.share_conditional + population.share_free_rider <= 0.75"]
""")
    exp = load_experiment(path)  # (0.6, 0.2) breaks the file's; (0.6, 0.3) also the model's (+ 0.14 hump)
    assert exp.n_points == 2 and exp.dropped == 2
    assert [(p["population.share_conditional"], p["population.share_free_rider"]) for p in exp.points] == \
        [(0.4, 0.2), (0.4, 0.3)]
    assert len(exp.space.constraints) == 2


def test_crossed_design_is_every_policy_in_every_context(tmp_path):
    path = write(tmp_path / "c.yaml", """\
description: crossed
base: ostrom_commons
design: crossed
levers: {governance.monitoring: [0.0, 1.0], governance.sanctions: [none, peer]}
uncertainties: {population.trust: [0.2, 0.8], population.share_free_rider: [0.2, 0.7]}
policies: 3
contexts: 4
""")
    exp = load_experiment(path)
    assert exp.n_points == 12 and exp.varied[:2] == ["policy", "context"]
    contexts = [tuple(p[k] for k in ("population.trust", "population.share_free_rider")) for p in exp.points]
    assert contexts[:4] == contexts[4:8] == contexts[8:]  # the same contexts for every policy
    assert len({p["governance.monitoring"] for p in exp.points}) == 3
    named = write(tmp_path / "n.yaml", path.read_text().replace(
        "policies: 3", "policies: {strict: {governance.sanctions: admin, governance.fine: 1.0}, lenient: {}}"))
    exp = load_experiment(named)
    assert [p["policy"] for p in exp.points[::4]] == ["strict", "lenient"]
    assert exp.points[4]["governance.fine"] == exp.scenarios["ostrom_commons"].model_kwargs()["fine"]


@pytest.mark.parametrize(("text", "expected"), [
    ("levers: {governance.monitorin: [0, 1]}", "levers.governance.monitorin: unknown parameter"),
    ("levers: {governance.monitoring: [0, 2]}", "levers.governance.monitoring[1]: value 2 is not valid; allowed: a number in [0, 1]"),
    ("levers: {governance.sanctions: [none, pear]}", "levers.governance.sanctions[1]: value 'pear' is not valid"),
    ("uncertainties: {population.trust: [0.2, 0.8]}\nlevers: {population.trust: [0, 1]}", "uncertainties.population.trust: is also a lever"),
    ("constraints: [population.trust + 1]", "constraints[0]: value 'population.trust + 1' is not valid; allowed: 'a.x + b.y"),
    ("constraints: ['service.channel + population.trust <= 1']", "constraints[0]: service.channel is not a share"),
    ("design: crossed\npolicies: 2\ncontexts: 3", "policies: value 2 is not valid; allowed: at least 1 policy sampled"),
    ("design: crossed\nlevers: {governance.fine: [0, 1]}\npolicies: 2", "contexts: missing; required"),
    ("optimize: {objectives: {quality: maximize}}", "levers: missing; required: at least one lever"),
    ("levers: {governance.fine: [0, 1]}\noptimize: {objectives: {qualty: maximize}}", "optimize.objectives.qualty: unknown outcome 'qualty'"),
    ("levers: {governance.fine: [0, 1]}\noptimize: {objectives: {quality: best}}", "optimize.objectives.quality: value 'best' is not valid"),
    ("levers: {governance.fine: [0, 1]}\noptimize: {objectives: {quality: maximize}, trials: 0}", "optimize.trials: value 0 is not valid; allowed: an integer in [1, 100000]"),
    ("levers: {governance.fine: [0, 1]}\noptimize: {objectives: {quality: maximize}, subject_to: [participation > 1]}", "optimize.subject_to[0]: value 'participation > 1' is not valid"),
    ("levers: {governance.fine: [0, 1]}\noptimize: {objectives: {quality: maximize}, robustness: quantile}", "optimize.robustness: value 'quantile' needs contexts"),
    ("levers: {governance.fine: [0, 1]}\noptimize: {objectives: {quality: maximize}, trails: 5}", "optimize.trails: unknown key; allowed: a key of optimize"),
    ("uncertainties: {population.trust: [0, 1]}\ndiscover: {outcome: participation}", "discover: needs a threshold"),
    ("uncertainties: {population.trust: [0, 1]}\ndiscover: {outcome: participation, below: 0.5, policy: {governance.fine: -1}}", "discover.policy.governance.fine: value -1 is not valid"),
    ("discover: {outcome: participation, below: 0.5}", "uncertainties: missing"),
])
def test_policy_fields_errors_name_the_file_line_and_field(tmp_path, text, expected):
    path = write(tmp_path / "bad.yaml", f"description: bad\nbase: consultative\n{text}\n")
    with pytest.raises(InputError) as err:
        load_experiment_file(path)
    assert expected in err.value.message, err.value.message
    assert err.value.message.startswith(f"{path}, line " if "contexts: missing" not in expected else str(path))


def test_sections_read_as_plain_values(tmp_path):
    path = write(tmp_path / "ok.yaml", """\
description: ok
base: consultative
levers: {governance.fine: [0, 1], governance.sanctions: [none, peer]}
uncertainties: {population.trust: [0.2, 0.8]}
optimize:
  objectives: {participation: maximize, admin_cost: minimize}
  subject_to: ["participation >= 0.3"]
  contexts: 4
  robustness: quantile
discover: {outcome: participation, below: 0.4, policy: {governance.fine: 0.5}}
""")
    spec = load_experiment_file(path)
    assert spec.optimize.objectives == {"participation": "maximize", "admin_cost": "minimize"}
    assert str(spec.optimize.subject_to[0]) == "participation >= 0.3" and spec.optimize.quantile == 0.1
    assert spec.discover.below and spec.discover.threshold == 0.4 and spec.discover.policy == {"governance.fine": 0.5}
    assert [f.choices for f in spec.space.levers] == [None, ("none", "peer")]


def test_docs_list_every_policy_key():
    from sim.inputs.experiment_sections import DISCOVER_KEYS, OPTIMIZE_KEYS  # noqa: PLC0415

    text = (ROOT / "docs" / "policy.md").read_text()
    for key in ("levers", "uncertainties", "constraints", "policies", "contexts"):
        assert f"| `{key}`" in text, key
    for section, keys in (("optimize", OPTIMIZE_KEYS), ("discover", DISCOVER_KEYS)):
        for key in keys:
            assert f"| `{section}.{key}`" in text, f"{section}.{key}"
