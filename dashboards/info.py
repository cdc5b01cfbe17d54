"""The Info tab, NetLogo style, generated from the project's docs so it cannot drift.

Each section is taken verbatim from a section of a doc file (`SECTIONS`): what the model is
and how it works from the README, how to use the dashboard and what to notice and try
from docs/dashboard.md. The sources are the works the parameter declarations cite. The
Markdown is turned into HTML here (links become plain text: the tab loads nothing and links
nowhere), so the page needs no Markdown component (Solara's loads KaTeX).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import markdown

from sim.model.parameters import MODEL_PARAMS
from sim.primitives import sources as citations

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Section:
    """One Info section: its title, the doc it comes from, and that doc's heading."""

    title: str
    doc: str
    heading: str | None  # None: the text before the first "## " heading


SECTIONS: tuple[Section, ...] = (
    Section("What is it?", "README.md", None),
    Section("How it works", "README.md", "What the model does, and what its outcomes mean"),
    Section("How to use it", "docs/dashboard.md", "What is on the page"),
    Section("Things to notice", "docs/dashboard.md", "Things to notice"),
    Section("Things to try", "docs/dashboard.md", "Things to try"),
)


def doc_section(text: str, heading: str | None) -> str:
    """The Markdown of one ``## heading`` section of `text` (None: before the first one).

    Raises:
        KeyError: No such heading (a doc was reorganised: the Info tab must follow).
    """
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    if heading is None:
        lines = parts[0].splitlines()
        return "\n".join(line for line in lines if not line.startswith("# ")).strip()
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        if title.strip() == heading:
            return body.strip()
    raise KeyError(f"no section '## {heading}'")


def _plain_links(text: str) -> str:
    """Markdown links as their text (the tab links nowhere; nothing is fetched)."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def to_html(text: str) -> str:
    """Markdown to HTML (tables and fenced code), links as plain text (the docs are the project's own)."""
    return markdown.markdown(_plain_links(text), extensions=["tables", "fenced_code"])


#: "Author, Author & Author 2001" (or "2004, 2013") in a declaration's source.
_AUTHOR_YEAR = re.compile(r"(?:[A-Z][\w'\-]+(?:, | & | and ))*[A-Z][\w'\-]+(?: et al\.)? \d{4}(?:, \d{4})?")


def sources() -> list[str]:
    """The works the parameter declarations cite, once each, sorted.

    The project's citation constants (`sim.primitives.sources`) that a declaration uses,
    and any "Author year" a declaration names; a work found inside another is dropped.
    """
    cited = " ".join(p.source for p in MODEL_PARAMS.values())
    constants = [v for k, v in vars(citations).items() if k.isupper() and isinstance(v, str)]
    works = {re.sub(r"\s*\(.*\)", "", c).strip() for c in constants}
    works = {w for w in works if w in cited} | set(_AUTHOR_YEAR.findall(cited))
    return sorted(w for w in works if not any(o != w and w in o for o in works))


@functools.lru_cache(maxsize=1)
def sections() -> tuple[tuple[str, str, str], ...]:
    """``(title, markdown, html)`` of every Info section, the sources last."""
    out = []
    for section in SECTIONS:
        text = doc_section((ROOT / section.doc).read_text(encoding="utf-8"), section.heading)
        out.append((section.title, text, to_html(text)))
    cited = sources()
    text = ("The works the model's parameters and mechanisms come from, as the parameter "
            "declarations cite them (the full table, with what each value uses, is in docs/ODD.md):\n\n"
            + "\n".join(f"- {work}" for work in cited))
    out.append(("Sources", text, to_html(text)))
    return tuple(out)
