"""Results of ``coprod optimize``, ``discover`` and ``explain`` for the explorer tab (no Solara).

`find` lists the output folders of those commands under a folder (by their
``experiment.json``'s ``kind``); `load` reads one into a `Result`: what was asked, the
policies found (the re-evaluated Pareto front, the discovered policy, or the two scenarios
explained) and the sentences of the report. A `Policy` turns into dashboard `Settings`
(its base scenario, the experiment's fixed values, its levers), so it can be loaded into
the live run or into one side of the A/B comparison.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.levers import label, number
from dashboards.settings import Settings
from sim.analysis.policy_report import box_sentence
from sim.inputs.schema import PATHS
from sim.primitives.errors import SetupError
from sim.sweep.store import read_manifest

KINDS = ("optimize", "discover", "explain")
#: How deep `find` looks under the folder it is given.
DEPTH = 2


@dataclass(frozen=True)
class Policy:
    """One policy a result names, as the dashboard can run it.

    Attributes:
        key: Its id in the result (``"6"`` for trial 6, ``"policy"``, ``"A"``, ``"B"``).
        title: What it is called (``"trial 6"``).
        base: The scenario it starts from (a name in ``scenarios/`` or a file).
        fixed: Values the experiment fixed for every run, dotted path -> value.
        levers: Its own lever values, dotted path -> value.
        scores: Outcome -> (mean, low, high) on fresh seeds (empty when not scored).
        steps: Months each of its runs lasted (``None``: the scenario's).
    """

    key: str
    title: str
    base: str
    fixed: dict[str, Any] = field(default_factory=dict)
    levers: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    steps: int | None = None

    def base_settings(self) -> Settings:
        """The base scenario with the fixed values: what A/B's sidebar starts from."""
        return Settings(self.base, steps=self.steps).with_overrides(flat(self.fixed))

    def settings(self) -> Settings:
        """The base settings with this policy's levers (raises `InputError` if refused)."""
        return self.base_settings().with_overrides(self.overrides())

    def overrides(self) -> dict[str, Any]:
        """The levers as flat model parameter names -> values."""
        return flat(self.levers)

    def words(self) -> str:
        """Its levers in plain words (``"sanctions admin, responsiveness 0.912"``)."""
        return ", ".join(f"{label(k).lower()} {number(v)}" for k, v in self.overrides().items()) or "as the base"


@dataclass(frozen=True)
class Result:
    """What one command's output folder holds.

    Attributes:
        folder: The output folder.
        kind: ``optimize``, ``discover`` or ``explain``.
        name: The experiment's (or comparison's) name; `description`: its description.
        policies: The policies it names, in the report's order.
        objectives: Optimize: outcome -> ``maximize`` / ``minimize``.
        trials: Optimize: every trial's lever values and search scores.
        sentences: What the report says in words (boxes, attributions).
    """

    folder: Path
    kind: str
    name: str
    description: str
    policies: tuple[Policy, ...]
    objectives: dict[str, str] = field(default_factory=dict)
    trials: pd.DataFrame = field(default_factory=pd.DataFrame)
    sentences: tuple[str, ...] = ()

    def policy(self, key: str | None) -> Policy | None:
        """The policy with `key` (``None`` if there is none)."""
        return next((p for p in self.policies if p.key == key), None)


def flat(values: dict[str, Any]) -> dict[str, Any]:
    """Dotted scenario paths -> flat model names, integers as integers (CSV reads them as floats)."""
    out = {}
    for path, value in values.items():
        p = PATHS.get(path)
        name = p.name if p is not None else path
        plain = value.item() if hasattr(value, "item") else value
        if p is not None and p.kind is int and isinstance(plain, float) and plain.is_integer():
            plain = int(plain)
        out[name] = plain
    return out


def kind_of(folder: Path) -> str | None:
    """The command that wrote `folder` (one of `KINDS`), or ``None``."""
    try:
        manifest = read_manifest(folder)
    except SetupError:
        return None
    kind = (manifest or {}).get("kind")
    return kind if kind in KINDS else None


def find(folder: str | Path) -> list[Path]:
    """Output folders of optimize, discover or explain: `folder` itself and below (sorted)."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        return []
    found = [root] if kind_of(root) else []
    level = [root]
    for _ in range(DEPTH):
        level = sorted(p for d in level for p in d.iterdir() if p.is_dir() and p.name != "runs")
        found += [p for p in level if kind_of(p)]
    return found


def _json(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    if not path.is_file():
        raise SetupError(f"{folder}: no {name} yet (the command has not finished; finish it with --resume)")
    return json.loads(path.read_text(encoding="utf-8"))


def _csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return pd.DataFrame()


def _optimize(folder: Path, manifest: dict[str, Any]) -> Result:
    s, exp = _json(folder, "optimize.json"), manifest.get("experiment", {})
    front, trials = _csv(folder / "front.csv"), _csv(folder / "trials.csv")
    base, fixed, steps = str(exp.get("base")), dict(exp.get("fixed") or {}), s.get("steps")
    policies = []
    for _, row in front.iterrows():
        scores = {n: (float(row[f"{n}/fresh"]), float(row[f"{n}/low"]), float(row[f"{n}/high"]))
                  for n in s["objectives"] if f"{n}/fresh" in row}
        policies.append(Policy(str(int(row.trial)), f"trial {int(row.trial)}", base, fixed,
                               {k: row[k] for k in s["levers"]}, scores, steps))
    return Result(folder, "optimize", manifest["name"], str(manifest.get("description", "")), tuple(policies),
                  dict(s["objectives"]), trials)


def _discover(folder: Path, manifest: dict[str, Any]) -> Result:
    s, exp = _json(folder, "discover.json"), manifest.get("experiment", {})
    policy = Policy("policy", "the policy", str(s["base"]), dict(exp.get("fixed") or {}), dict(s["policy"]),
                    steps=exp.get("steps"))
    way = "below" if s["below"] else "above"
    head = f"{s['cases']} of {s['contexts']} contexts have {s['outcome']} {way} {s['threshold']:g}."
    boxes = tuple(f"Box {i + 1}: " + box_sentence(b, s["outcome"], s["threshold"], s["below"])
                  for i, b in enumerate(s["boxes"]))
    return Result(folder, "discover", manifest["name"], str(manifest.get("description", "")), (policy,),
                  sentences=(head, *boxes))


def _explain(folder: Path, manifest: dict[str, Any]) -> Result:
    s = _json(folder, "explain.json")
    a, b = str(s["a"]), str(s["b"])
    names = [p for lever in s["levers"] for p in lever["parameters"]]
    theirs = Settings(b).values()
    b_levers = {PATHS_BY_NAME.get(n, n): theirs[n] for n in names if n in theirs}
    policies = (Policy("A", f"A: {a}", a), Policy("B", f"B: {b} (as {a} with its levers)", a, levers=b_levers))
    return Result(folder, "explain", manifest.get("name") or f"{b} against {a}",
                  f"Why {b} differs from {a}", policies, sentences=tuple(s["sentences"].values()))


#: Flat model name -> dotted scenario path.
PATHS_BY_NAME: dict[str, str] = {p.name: path for path, p in PATHS.items()}
_READERS = {"optimize": _optimize, "discover": _discover, "explain": _explain}


def load(folder: str | Path) -> Result:
    """The result in `folder`.

    Raises:
        SetupError: Not an output folder of optimize, discover or explain, or not finished.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    kind = (manifest or {}).get("kind")
    if manifest is None or kind not in _READERS:
        raise SetupError(f"{folder}: not the --out folder of coprod optimize, discover or explain")
    return _READERS[kind](folder, manifest)

