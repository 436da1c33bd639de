"""The chapters as the book needs them: paired, in sync, executed, and with their claims.

Each chapter is ``chapters/<name>.md`` (the edited MyST notebook) paired with
``chapters/<name>.ipynb`` (the same cells, run by papermill at the quick profile, committed
with outputs; the book renders it). These tests read only committed files; they run nothing.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
CLAIMS = ROOT / "claims"
NAMES = sorted(p.stem for p in CHAPTERS.glob("*.md"))

PARAMETERS = {"seed", "profile", "n_seeds", "device"}
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
# Cell metadata written by running a notebook, not by editing it.
VOLATILE_METADATA = {"execution", "papermill", "ExecuteTime", "collapsed", "scrolled", "trusted"}


def toc_files() -> list[str]:
    """Every ``file:`` entry of _toc.yml (the root included), in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def read_md(name: str) -> nbformat.NotebookNode:
    return jupytext.read(CHAPTERS / f"{name}.md")


def read_ipynb(name: str) -> nbformat.NotebookNode:
    return nbformat.read(CHAPTERS / f"{name}.ipynb", as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def cell_signature(cell) -> tuple:
    """What the author wrote in a cell: its type, source and (non-volatile) metadata."""
    meta = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_METADATA}
    if not meta.get("tags"):
        meta.pop("tags", None)  # papermill adds `tags: []`
    return cell.cell_type, cell.source.strip(), json.dumps(meta, sort_keys=True)


def assigned_names(source: str) -> set[str]:
    """Names bound by plain or annotated assignments anywhere in ``source``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_toc_lists_existing_chapters():
    """A page in _toc.yml whose files are missing (a chapter needs both .md and .ipynb)."""
    missing = []
    for entry in toc_files():
        if entry.startswith("chapters/"):
            missing += [f"{entry}{ext}" for ext in (".md", ".ipynb") if not (ROOT / f"{entry}{ext}").is_file()]
        elif not any((ROOT / f"{entry}{ext}").is_file() for ext in ("", ".md", ".ipynb")):
            missing.append(entry)
    assert not missing, f"_toc.yml lists pages whose files are missing: {missing}"


def test_every_chapter_is_in_toc():
    """With only_build_toc_files, a chapter missing from _toc.yml would silently not be built."""
    listed = {e.removeprefix("chapters/") for e in toc_files() if e.startswith("chapters/")}
    assert not set(NAMES) - listed, f"chapters missing from _toc.yml: {sorted(set(NAMES) - listed)}"


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_is_paired(name):
    assert (CHAPTERS / f"{name}.ipynb").is_file(), (
        f"chapters/{name}.md has no chapters/{name}.ipynb: run `make run-{name}`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_md_header(name):
    md = read_md(name)
    fmt = md.metadata.get("jupytext", {}).get("text_representation", {}).get("format_name")
    assert fmt == "myst", f"chapters/{name}.md: jupytext format_name is {fmt!r}, not 'myst'"
    assert md.metadata.get("kernelspec", {}).get("name") == "python3", f"chapters/{name}.md: kernelspec is not python3"


@pytest.mark.parametrize("name", NAMES)
def test_md_and_ipynb_in_sync(name):
    """Same cells, in the same order, with the same sources and metadata (outputs aside)."""
    md, nb = read_md(name), read_ipynb(name)
    md_cells = [cell_signature(c) for c in md.cells]
    nb_cells = [cell_signature(c) for c in nb.cells]
    hint = f"chapters/{name}.ipynb is out of sync with its .md: run `make run-{name}`"
    assert len(md_cells) == len(nb_cells), f"{hint} ({len(md_cells)} cells in .md, {len(nb_cells)} in .ipynb)"
    for i, (a, b) in enumerate(zip(md_cells, nb_cells)):
        assert a == b, f"{hint} (cell {i} differs:\n.md:    {a}\n.ipynb: {b})"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell(name):
    cells = code_cells(read_ipynb(name))
    assert cells, f"chapters/{name}.ipynb has no code cells"
    first = cells[0]
    assert "parameters" in first.metadata.get("tags", []), "the first code cell is not tagged `parameters`"
    missing = PARAMETERS - assigned_names(first.source)
    assert not missing, f"the parameters cell does not define {sorted(missing)}"


@pytest.mark.parametrize("name", NAMES)
def test_claims_cell(name):
    last = code_cells(read_ipynb(name))[-1]
    assert last.source.startswith(CHECK_MARK), f"the last code cell does not start with {CHECK_MARK!r}"
    assert last.outputs, "the claims cell has no stored output"


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_executed_in_order_at_defaults(name):
    """One clean top-to-bottom run, without errors, at the default parameters."""
    nb = read_ipynb(name)
    counts = [c.execution_count for c in code_cells(nb)]
    assert None not in counts, f"cells {[i for i, n in enumerate(counts) if n is None]} were never executed"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), f"cells ran out of order: {counts}"
    errors = [o.get("ename") for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors, f"stored outputs hold errors: {errors}"
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert not injected, "the committed run was not at the default parameters (papermill -p)"
    assert not nb.metadata.get("papermill", {}).get("parameters"), "the committed run was made with papermill -p"


@pytest.mark.parametrize("name", NAMES)
def test_claims_json_committed(name):
    path = CLAIMS / f"{name}.json"
    assert path.is_file(), f"claims/{name}.json is missing: the chapter's last cell writes it"
    json.loads(path.read_text(encoding="utf8"))


def claims_text(cell) -> str:
    """The claims table as the cell stored it in text: the text form of the displayed table
    (claims.report as the last expression), or what it printed."""
    shown = [o.data["text/plain"] for o in cell.outputs
             if o.output_type in ("execute_result", "display_data") and "text/plain" in o.get("data", {})]
    printed = [o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.get("name") == "stdout"]
    return "".join(shown or printed)


@pytest.mark.parametrize("name", NAMES)
def test_dashboard_matches_the_notebook(name):
    """The committed claims/<name>.json (what the dashboard shows) is the claims table that the
    committed notebook showed: the two come from the same run."""
    from lambdalib.book.claims import claims_table, load_claims

    shown = claims_text(code_cells(read_ipynb(name))[-1])
    table = claims_table(load_claims(CLAIMS / f"{name}.json")).to_string(index=False)
    assert shown.strip() == table.strip(), f"claims/{name}.json and chapters/{name}.ipynb come from different runs"


@pytest.mark.parametrize("name", NAMES)
def test_claims_cell_shows_an_html_table(name):
    """The book shows the claims as an HTML table (verdict first, coloured); nbval compares its
    text form. A printed table would be a wide block of text."""
    outputs = code_cells(read_ipynb(name))[-1].outputs
    html = [o.data["text/html"] for o in outputs if o.output_type in ("execute_result", "display_data")
            and "text/html" in o.get("data", {})]
    assert any(re.search(r'<table class="[^"]*\blambdabook-claims\b', h) for h in html), (
        f"chapters/{name}.ipynb: the claims cell does not show claims.report(...)'s HTML table: end the cell "
        f"with `claims.report(...)` instead of printing it, then `make run-{name}`")
    printed = [o for o in outputs if o.output_type == "stream"]
    assert not printed, f"chapters/{name}.ipynb: the claims cell also prints: {printed[0].get('text', '')[:200]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_no_progress_or_log_output_stored(name):
    """Progress bars, warnings and logs go to the terminal (lambdalib.core.progress), not into
    the committed notebook."""
    stored = [(i, o.get("text", "")[:120]) for i, c in enumerate(read_ipynb(name).cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "stream" and o.get("name") == "stderr"]
    assert not stored, (f"chapters/{name}.ipynb stores {len(stored)} stderr outputs (progress bars, warnings, "
                        f"logs), first in cell {stored[0][0]}: {stored[0][1]!r}")


@pytest.mark.parametrize("name", NAMES)
def test_tables_show_missing_values_as_dash(name):
    """Missing values in a shown DataFrame read "—" (lambdalib.book.display.show_missing_as_dash)."""
    cells = [i for i, c in enumerate(read_ipynb(name).cells) if c.cell_type == "code"
             for o in c.outputs if "<td>NaN</td>" in o.get("data", {}).get("text/html", "")]
    assert not cells, f"chapters/{name}.ipynb shows NaN in the tables of cells {sorted(set(cells))}"


@pytest.mark.parametrize("name", NAMES)
def test_chapter_opens_with_its_headlines(name):
    """Each chapter pastes its headline table (``claims.headline_html``, glued as "headlines")
    before its parameters cell, so the reader sees the verdicts first; the committed run glued it."""
    md = (CHAPTERS / f"{name}.md").read_text(encoding="utf8")
    assert "```{glue} headlines" in md, f"chapters/{name}.md does not paste its headlines (```{{glue}} headlines```)"
    assert md.index("```{glue} headlines") < md.index(":tags: [parameters]"), f"{name}: headlines after the parameters"
    glued = {o.get("metadata", {}).get("scrapbook", {}).get("name") for c in code_cells(read_ipynb(name))
             for o in c.outputs}
    assert "headlines" in glued, f"chapters/{name}.ipynb glues no 'headlines': run `make run-{name}`"


def test_no_paper_claim_is_counted_in_two_chapters():
    """A claim belongs to one chapter: the same paper-claim name in two chapters' committed
    claims would count it twice on the landing page (lambdalib.book.dashboard.duplicates)."""
    from lambdalib.book import dashboard

    twice = dashboard.duplicates(dashboard.load())
    assert not twice, f"paper claims in more than one chapter: {twice}"
