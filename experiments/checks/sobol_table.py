"""Print the Sobol table of docs/ODD.md from a report of experiments/sobol_behaviour.yaml.

Usage::

    coprod sweep experiments/sobol_behaviour.yaml --out runs/sobol_behaviour
    coprod report runs/sobol_behaviour
    python experiments/checks/sobol_table.py runs/sobol_behaviour

One row per input, its total-order index ST (and first-order S1) for each headline
outcome with the 95 % half-widths, sorted by the largest ST; levers are marked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

LEVER_SECTIONS = ("administration.", "governance.", "service.")


def table(folder: Path) -> str:
    """The Markdown table from `folder`/sensitivity.csv."""
    s = pd.read_csv(folder / "sensitivity.csv")
    outcomes = list(dict.fromkeys(s.outcome))
    wide = {o: s[s.outcome == o].set_index("parameter") for o in outcomes}
    order = pd.concat([w.ST for w in wide.values()], axis=1).max(axis=1).sort_values(ascending=False).index
    head = "| input | kind | " + " | ".join(f"{o}: ST (S1)" for o in outcomes) + " |"
    lines = [head, "|---|---|" + "---|" * len(outcomes)]
    for name in order:
        kind = "lever" if name.startswith(LEVER_SECTIONS) else "behavioural"
        cells = [f"{wide[o].ST[name]:.2f} ± {wide[o].ST_conf[name]:.2f} ({wide[o].S1[name]:.2f})" for o in outcomes]
        lines.append(f"| `{name}` | {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/sobol_behaviour")))
