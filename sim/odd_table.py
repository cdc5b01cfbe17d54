"""Render the parameter table of docs/ODD.md from `MODEL_PARAMS` (kept true to the code).

Usage: ``python -m sim.odd_table`` prints the Markdown table; a test checks docs/ODD.md
contains it verbatim.
"""

from __future__ import annotations

from sim.parameters import MODEL_PARAMS, SECTIONS


def parameter_table() -> str:
    """Markdown table of every model parameter: section, name, default, allowed, source."""
    lines = ["| section | parameter | default | allowed | meaning | source |",
             "|---|---|---|---|---|---|"]
    for section in SECTIONS:
        for p in MODEL_PARAMS.values():
            if p.section == section:
                allowed = p.allowed().replace("one of: ", "")
                lines.append(f"| {section} | `{p.name}` | `{p.default!r}` | {allowed} | "
                             f"{p.doc} | {p.source} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(parameter_table())
