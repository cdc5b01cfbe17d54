"""Render the parameter table of docs/ODD.md from `MODEL_PARAMS` (kept true to the code).

Usage: ``python -m sim.inputs.reference`` prints the Markdown table, ``--write`` replaces the
table at the end of docs/ODD.md; a test checks docs/ODD.md contains it verbatim.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.inputs.schema import RUN_PARAMS, SECTION_PARAMS, TEXT_FIELDS


def parameter_table() -> str:
    """Markdown table of every scenario-file field: section, name, default, allowed, source.

    Sections are the scenario schema's (model parameters plus the scenario-only game and
    run fields), so the table covers exactly what a scenario file may set.
    """
    lines = ["| section | parameter | default | allowed | meaning | source |",
             "|---|---|---|---|---|---|"]
    for name, doc in TEXT_FIELDS.items():
        lines.append(f"| (top level) | `{name}` | | text | {doc} | |")
    sections = {"(top level)": RUN_PARAMS, **SECTION_PARAMS}
    for section, params in sections.items():
        for p in params.values():
            allowed = p.allowed().replace("one of: ", "")
            lines.append(f"| {section} | `{p.name}` | `{p.default!r}` | {allowed} | "
                         f"{p.doc} | {p.source} |")
    return "\n".join(lines)


ODD_PATH = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"


def write(path: Path = ODD_PATH) -> None:
    """Replace everything from the table's header line to the end of `path`."""
    text = path.read_text()
    head = text[: text.index("| section | parameter |")]
    path.write_text(head + parameter_table() + "\n")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        print(parameter_table())
