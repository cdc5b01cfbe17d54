"""Render the pattern table of docs/ODD.md from `sim.validation.PATTERNS` (kept true to the code).

Usage: ``python -m sim.validation.reference`` prints the Markdown table, ``--write``
replaces it in docs/ODD.md (between the markers); a test checks docs/ODD.md contains it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.validation import PATTERNS
from sim.validation.evidence import KIND_NAMES

ODD_PATH = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
START, END = "<!-- pattern table: python -m sim.validation.reference --write -->", "<!-- end of pattern table -->"


def pattern_table() -> str:
    """One row per pattern: id, kind, parameters fitted or restated, each tolerance and whose."""
    lines = ["| pattern | kind | fitted / restated | tolerance (whose: why) |", "|---|---|---|---|"]
    for pid, pattern in PATTERNS.items():
        e = pattern.evidence
        fitted = ", ".join(f"`{name}`" for name in e.fitted) or "none"
        tolerances = "; ".join(f"{t.criterion}: {t.value} ({'published' if t.published else 'ours'}: {t.why})"
                               for t in e.tolerances)
        lines.append(f"| `{pid}` | {KIND_NAMES[e.kind]} | {fitted} | {tolerances} |")
    return "\n".join(lines)


def write(path: Path = ODD_PATH) -> None:
    """Replace the table between the markers in `path`."""
    text = path.read_text()
    head, tail = text[: text.index(START) + len(START)], text[text.index(END):]
    path.write_text(f"{head}\n{pattern_table()}\n{tail}")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        print(pattern_table())
