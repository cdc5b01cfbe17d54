"""Check that a change left results bit-identical: every named scenario against a commit.

Run from the project root::

    python experiments/bench/check_identical.py 24c193e        # against that commit
    python experiments/bench/check_identical.py main --seeds 1 2 3
    python experiments/bench/check_identical.py main --citizens 300000 --steps 12 --only consultative


For every named scenario (``scenarios/*.yaml``), every seed given (default 1 and 2) and a
few extra settings that the named scenarios do not exercise (admin sanctions, individual
responsibility, a capped access rule, published feedback), ``coprod run`` is run once with
the working tree's code and once with the code of ``REV`` (exported with ``git archive``
into a temporary folder, imported from there: the check fails if the import resolves
elsewhere), and the two ``timeseries.csv`` files are compared byte for byte. The outputs
of ``REV`` are cached per commit hash under ``--cache`` so that repeated checks only run
the working tree. Exit status 1 if any file differs. With ``--except COLUMN`` the files
must be byte-identical once that column is left out, and the largest relative difference
in the column is printed (for a change known to touch one outcome only). With
``--citizens N`` (and ``--steps K``) every run has N citizens (K months): the code paths
used only at scale (`sim.model.neighbourhood.COMPILED_ROWS`) are compared too.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Settings beyond the named scenarios: (label, base scenario, --set overrides).
EXTRA: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin_sanctions", "consultative", ("governance.sanctions=admin",)),
    ("individual_responsibility", "co_delivery", ("governance.responsibility=individual",)),
    ("capped_registered", "consultative",
     ("governance.access=registered", "governance.access_capacity=0.05", "governance.rewards=recognition")),
    ("published_feedback", "consultative", ("administration.feedback_publicity=0.5",)),
    ("direct_lab", "lab_public_goods_punishment", ()),
)
RUNNER = """
import sys
root = sys.argv[1]
sys.path.insert(0, root)
import sim
from pathlib import Path
assert Path(sim.__file__).resolve().is_relative_to(Path(root).resolve()), sim.__file__
from sim.cli import main
sys.exit(main(sys.argv[2:]))
"""


def scenario_names(root: Path) -> list[str]:
    """Named scenarios of a source tree."""
    return sorted(p.stem for p in (root / "scenarios").glob("*.yaml"))


def runs(root: Path, seeds: list[int]) -> list[tuple[str, str, tuple[str, ...], int]]:
    """(label, scenario, overrides, seed) of every run to compare."""
    cases = [(name, name, ()) for name in scenario_names(root)]
    cases += [case for case in EXTRA if case[1] in scenario_names(root)]
    return [(label, scen, sets, seed) for label, scen, sets in cases for seed in seeds]


def run_all(root: Path, out: Path, cases, python: str, extra: tuple[str, ...] = ()) -> None:
    """Run every case with the code under `root`, outputs under `out/LABEL-seedS`.

    `extra` are further ``coprod run`` arguments for every case (size, steps).
    """
    for label, scenario, sets, seed in cases:
        folder = out / f"{label}-seed{seed}"
        if (folder / "timeseries.csv").exists():
            continue
        cmd = [python, "-c", RUNNER, str(root), "run", scenario, "--seed", str(seed), "--quiet",
               "--progress", "never", "--out", str(folder), *extra]
        for item in sets:
            cmd += ["--set", item]
        subprocess.run(cmd, check=True, cwd=root)
        print(f"  ran {root.name}: {label} seed {seed}", flush=True)


def without(path: Path, columns: list[str]) -> tuple[list[list[str]], dict[str, list[str]]]:
    """The CSV's rows without `columns` (as text), and those columns' values."""
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    drop = [i for i, name in enumerate(rows[0]) if name in columns]
    kept = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    return kept, {rows[0][i]: [row[i] for row in rows[1:]] for i in drop}


def relative(a: list[str], b: list[str]) -> float:
    """Largest relative difference between two columns of numbers given as text."""
    worst = 0.0
    for x, y in zip(a, b, strict=True):
        if x != y:
            fx, fy = float(x), float(y)
            worst = max(worst, abs(fx - fy) / max(abs(fx), abs(fy), 1e-300))
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="git revision to compare with (e.g. the commit you started from)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "coprod_identical")
    parser.add_argument("--except", dest="excepted", action="append", default=[], metavar="COLUMN",
                        help="compare without this column; print its largest relative difference")
    parser.add_argument("--citizens", type=int, help="run every case with this many citizens")
    parser.add_argument("--steps", type=int, help="run every case for this many months")
    parser.add_argument("--only", nargs="+", metavar="LABEL", help="only these cases (scenario or extra labels)")
    args = parser.parse_args(argv)
    extra: tuple[str, ...] = ()
    if args.citizens:
        extra += ("--set", f"population.citizens={args.citizens}")
    if args.steps:
        extra += ("--steps", str(args.steps))
    variant = "".join(f"-{a.lstrip('-').split('=')[-1]}" for a in extra)
    sha = subprocess.run(["git", "rev-parse", args.rev], check=True, capture_output=True, text=True,
                         cwd=ROOT).stdout.strip()
    base_src = args.cache / f"src-{sha}"
    if not base_src.exists():
        base_src.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], check=True, capture_output=True, cwd=ROOT)
        subprocess.run(["tar", "-x", "-C", str(base_src)], input=archive.stdout, check=True)
    cases = [case for case in runs(base_src, args.seeds) if not args.only or case[0] in args.only]
    print(f"{len(cases)} runs: {args.rev} ({sha[:10]}) vs the working tree", flush=True)
    base_out = args.cache / f"out-{sha}{variant}"
    run_all(base_src, base_out, cases, sys.executable, extra)
    with tempfile.TemporaryDirectory() as tmp:
        run_all(ROOT, Path(tmp), cases, sys.executable, extra)
        differ, worst = [], dict.fromkeys(args.excepted, 0.0)
        for label, _, _, seed in cases:
            name = f"{label}-seed{seed}/timeseries.csv"
            before, after = base_out / name, Path(tmp) / name
            if not args.excepted:
                if not filecmp.cmp(before, after, shallow=False):
                    differ.append(name)
                continue
            (rows_a, cols_a), (rows_b, cols_b) = without(before, args.excepted), without(after, args.excepted)
            if rows_a != rows_b:
                differ.append(name)
            for column in cols_a:
                worst[column] = max(worst[column], relative(cols_a[column], cols_b[column]))
    for name in differ:
        print(f"DIFFERS  {name}")
    left_out = f" without {', '.join(args.excepted)}" if args.excepted else ""
    print(f"{len(cases) - len(differ)}/{len(cases)} timeseries.csv byte-identical to {args.rev}{left_out}")
    for column, value in worst.items():
        print(f"  {column}: largest relative difference {value:.3g}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
