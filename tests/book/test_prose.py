"""No measured number is typed in a chapter's prose: numbers come from ``glue``.

A typed "62.9 ± 2.7" drifts from the outputs the moment a chapter is re-run. This test reads the
markdown cells of every ``chapters/*.md`` (code cells, inline code and glue roles aside) and
fails on a mean ± spread typed between two numbers ("62.9 ± 2.7", "0.5 +/- 0.1", "$3.1 \\pm 0.2$"),
printing each offending line.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))

NUMBER = r"[-−]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?\s*%?"
PLUS_MINUS = r"(?:±|\+/-|\+-|\\pm\b)"
TYPED = re.compile(rf"{NUMBER}\s*\$?\s*{PLUS_MINUS}\s*\$?\s*{NUMBER}")
INLINE_CODE = re.compile(r"`[^`]*`")           # `code` and {glue:text}`name` hold no typed number
FENCE = re.compile(r"^(```|~~~)")


def prose_lines(text: str):
    """(line, text) of the prose in markdown source: fenced blocks and inline code dropped."""
    fenced = False
    for i, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            yield i, INLINE_CODE.sub("", line)


def typed_numbers(path: Path) -> list[str]:
    """Offending lines of one chapter: "<file>, markdown cell k, line l: <text>"."""
    nb = jupytext.read(path)
    found = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for i, line in prose_lines(cell.source):
            if TYPED.search(line):
                found.append(f"{path.name}, markdown cell {k}, line {i}: {line.strip()}")
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_measured_number_typed_in_prose(path):
    found = typed_numbers(path)
    assert not found, "numbers typed in prose (use glue):\n" + "\n".join(found)


def test_the_pattern_catches_typed_numbers_and_spares_glue(tmp_path):
    md = tmp_path / "x.md"
    md.write_text("""---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

We get 62.9 ± 2.7 against 64.0 ± 3.7, or $0.41 \\pm 0.05$, or 3 +/- 1.

Ours is {glue:text}`acc` ± {glue:text}`acc_sd`, from `mean ± sd` over 5 seeds.

```{code-cell} ipython3
print("1.0 ± 0.1")
```
""", encoding="utf-8")
    found = typed_numbers(md)
    assert len(found) == 1 and "62.9 ± 2.7" in found[0]           # one line; glue, code and cells pass
    for text in ("62.9 ± 2.7", "$0.41 \\pm 0.05$", "3 +/- 1", "1e-3 ± 2e-4", "5% ± 1%"):
        assert TYPED.search(text), text
    for text in ("mean ± sd", "± 10% of the baseline", "$\\bar d \\pm t_{0.975,\\,n-1}$"):
        assert not TYPED.search(text), text
