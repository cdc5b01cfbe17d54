"""Make observed.csv: the synthetic city's data, from known parameters.

Run from the project root: ``python experiments/calibration/make_observed.py``. It runs
the targets file's base scenario with its ``fixed`` values and its ``truth`` values (the
"true" parameters) once, with seed `SEED`, for `MONTHS` months, and writes the monthly
values of four outcomes, rounded to 4 decimals like published figures; trust is kept
only every third month (a quarterly survey), the other months left empty. The file is
synthetic: no real city's data.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.calibration.simulate import run_model  # noqa: E402
from sim.inputs.scenario import apply_overrides, load_scenario  # noqa: E402
from sim.primitives.errors import Origin  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED, MONTHS = 20240601, 48
OUTCOMES = ("participation_individual", "participation_collective", "efficacy", "trust")
QUARTERLY = ("trust",)


def main() -> int:
    """Run the true parameters once and write observed.csv; 0 when done."""
    spec = yaml.safe_load((HERE / "synthetic_city.yaml").read_text())
    values = {**spec["fixed"], **spec["truth"]}
    scenario = apply_overrides(load_scenario(spec["base"]), values, Origin("option", "make_observed.py"))
    series = run_model(scenario.model_kwargs(), SEED, MONTHS)
    with open(HERE / "observed.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["month", *OUTCOMES])
        for m in range(MONTHS):
            writer.writerow([m + 1, *("" if o in QUARTERLY and (m + 1) % 3 else f"{series[o][m]:.4f}"
                                      for o in OUTCOMES)])
    print(f"wrote {HERE / 'observed.csv'}: {MONTHS} months of {', '.join(OUTCOMES)} "
          f"({', '.join(f'{k} = {v}' for k, v in spec['truth'].items())}; seed {SEED})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
