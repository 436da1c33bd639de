"""lambdalib.book.dashboard: the landing page and the appendix, from old and new claims files."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lambdalib.book import dashboard
from lambdalib.book.claims import compare, load_claims, report, threshold
from lambdalib.book.headline import equivalence, table_claim

ROOT = Path(__file__).resolve().parents[2]

# A claims file as the chapters wrote it before claims had a kind, a source or a level.
OLD_FILE = {
    "lambdalib_version": "0.1.0", "chapter": "diffcrossgait",
    "claims": [
        {"chapter": "diffcrossgait", "name": "full tri-phase vs Base: cross-modal rank-1 (%)",
         "values": [-2.1, 0.4, -3.5], "direction": "higher", "reference": 0.0, "paper": 9.1,
         "paper_text": "54.7 -> 63.8", "ours_text": "29.7 ± 3.18 -> 28 ± 3.03"},
        {"chapter": "diffcrossgait", "name": "inference cost Full / Base <= 1 (counted FLOPs per sequence)",
         "values": [1.0, 1.0, 1.0], "direction": "lower", "reference": 1.001, "paper": None,
         "paper_text": "equal (diffusion dropped)", "ours_text": "1 ± 0"},
    ],
}

TOC = """format: jb-book
root: index
parts:
  - caption: "Alpha: first paper"
    chapters:
      - file: chapters/zeta
      - file: chapters/alpha
  - caption: "Beta"
    chapters:
      - file: chapters/beta
"""


def test_an_old_claims_file_loads_as_cell_level_paper_claims(tmp_path):
    path = tmp_path / "diffcrossgait.json"
    path.write_text(json.dumps(OLD_FILE), encoding="utf-8")
    full, flops = load_claims(path)
    for c in (full, flops):
        assert (c.kind, c.level, c.source, c.margin, c.exact, c.count) == ("paper", "cell", "", None, False, None)
    assert full.verdict == "inconclusive" and flops.verdict == "reproduced"     # the old rule, unchanged
    assert "zero spread" in flops.note                                          # now said beside it


@pytest.mark.parametrize("path", sorted((ROOT / "claims").glob("*.json")), ids=lambda p: p.stem)
def test_every_committed_claims_file_still_loads(path):
    assert load_claims(path)


def new_format_claims(directory: Path) -> None:
    """Three chapters in the new format: headline, cell claims, a tie, checks, a duplicate."""
    rng = np.random.default_rng(0)
    cells = pd.DataFrame([{"cell": c, "unit": u, "baseline": 1.0 + c, "treatment": 1.0 + c + rng.normal(-0.1, 0.1),
                           "direction": "lower", "paper_baseline": 1.0 + c, "paper_treatment": 0.8 * (1.0 + c)}
                          for c in range(4) for u in ("S1", "S2", "S3")])
    report([table_claim("alpha", "Table 1: lower everywhere", cells, source="Alpha Table 1", unit="subject"),
            compare("alpha", "cell 0 lower", [1.0, 1.1, 0.9], [0.9, 1.2, 0.7], direction="lower",
                    paper_baseline=1.0, paper_treatment=0.8, source="Alpha Table 1"),
            equivalence("alpha", "cell 9 ties", [1.0, 1.0, 1.0], [1.01, 0.99, 1.02], margin=0.1,
                        paper_baseline=1.0, paper_treatment=1.0, source="Alpha Table 1"),
            threshold("alpha", "simulator: stance within range", [0.01, 0.02], reference=0.025,
                      direction="lower", kind="check")], "alpha", directory=directory)
    report([compare("zeta", "shared claim", [1.0, 2.0], [2.0, 3.0], direction="higher"),
            threshold("zeta", "identity", [0.0, 0.0], reference=1e-10, direction="lower", kind="check", exact=True)],
           "zeta", directory=directory)
    report([compare("beta", "shared claim", [1.0, 2.0, 1.5], [2.0, 3.0, 2.6], direction="higher")],
           "beta", directory=directory)


def test_load_follows_the_toc_with_headlines_first(tmp_path):
    new_format_claims(tmp_path / "claims")
    (tmp_path / "_toc.yml").write_text(TOC, encoding="utf-8")
    frame = dashboard.load(tmp_path / "claims", toc=tmp_path / "_toc.yml")
    assert frame["chapter"].tolist() == ["zeta", "zeta", "alpha", "alpha", "alpha", "alpha", "beta"]
    assert frame["paper"].tolist()[:2] == ["Alpha", "Alpha"] and frame["paper"].iloc[-1] == "Beta"
    assert frame["claim"].iloc[2].level == "headline"
    s = dashboard.summary(frame)
    assert (s["n_claims"], s["n_paper_claims"], s["n_checks"], s["n_headlines"]) == (7, 5, 2, 1)
    assert dashboard.duplicates(frame) == ["shared claim"]


def verdict_marks(block: str) -> list[str]:
    return re.findall(r'data-verdict="([^"]+)"', block)


def test_pages_render_checks_apart_and_count_paper_claims_only(tmp_path):
    new_format_claims(tmp_path / "claims")
    (tmp_path / "_toc.yml").write_text(TOC, encoding="utf-8")
    frame = dashboard.load(tmp_path / "claims", toc=tmp_path / "_toc.yml")
    glance = dashboard.at_a_glance(frame)
    assert "counted in more than one chapter: shared claim" in glance
    assert "Table 1: lower everywhere" in glance and "(of 4)" in glance and "(of 1)" in glance
    tables = dashboard.paper_tables(frame)
    assert tables.count("<details") == 2 and "simulator" not in tables and "identity" not in tables
    assert len(verdict_marks(tables)) == 5
    checks = dashboard.checks_table(frame)
    assert "simulator: stance within range" in checks and "passes" in checks and "exact" in checks
    assert "tie: within ±10%" in tables and "(headline)" in tables
    fig = dashboard.forest_plot(frame)
    assert len(fig.axes) == 2 and len(fig.axes[0].get_yticklabels()) == 1
    assert dashboard.figure_output(fig).data[:4] == b"\x89PNG"


def test_pages_render_from_the_committed_claims():
    frame = dashboard.load()
    s = dashboard.summary(frame)
    assert s["n_paper_claims"] + s["n_checks"] == s["n_claims"] == len(frame)
    assert s["reproduced"] + s["inconclusive"] + s["not_reproduced"] == s["n_paper_claims"]
    papers = list(dict.fromkeys(frame["paper"]))
    toc_papers = list(dict.fromkeys(p for p, _ in dashboard.book_order()))
    assert papers == [p for p in toc_papers if p in papers]                   # the book's order
    for block in (dashboard.at_a_glance(frame), dashboard.paper_tables(frame), dashboard.checks_table(frame)):
        assert block._repr_html_().startswith("<style>")
    if s["n_headlines"] == 0:
        assert dashboard.forest_plot(frame) is None


def test_what_it_would_take_lists_inconclusive_paper_claims_only(tmp_path):
    report([compare("c", "undecided", [1.0, 2.0, 1.5], [0.9, 2.05, 1.3], direction="lower"),
            compare("c", "decided", [1.0, 1.1, 1.2], [0.5, 0.6, 0.7], direction="lower"),
            threshold("c", "a check", [0.9, 1.2], reference=1.0, direction="lower", kind="check")],
           "c", directory=tmp_path)
    table = dashboard.what_it_would_take(dashboard.load(tmp_path))
    assert table["claim"].tolist() == ["undecided"]
    row = table.iloc[0]
    assert row.n == 3 and row.n_to_decide > 3 and row.would_read == "reproduced"
    html = dashboard.what_it_would_take_html(table)
    assert f"<b>{row.n_to_decide:.0f}</b>" in html
