"""lambdalib.book.headline: the table-level headline claim (cells pooled within each unit, then the
t-interval over units) and the equivalence claim of a tie."""

import math

import numpy as np
import pandas as pd
import pytest

from lambdalib.book import verdicts as vd
from lambdalib.book.claims import compare, load_claims, report
from lambdalib.book.headline import equivalence, table_claim

N_CELLS, UNITS = 6, ("S1", "S2", "S3", "S4")
AGAINST = {0: "S1", 1: "S2", 2: "S3", 3: "S4", 4: "S1", 5: "S3"}  # the one unit where each cell goes wrong


def made_up_table(seeds: int = 2) -> pd.DataFrame:
    """6 cells x 4 held-out subjects x ``seeds`` seeds, every cell claimed "lower". In each cell one
    subject goes against the paper by a lot, the other three its way by a little; the seeds of a
    subject scatter symmetrically around that subject's difference."""
    rows = []
    for cell in range(N_CELLS):
        base = 1.0 + 0.1 * cell
        for unit in UNITS:
            d = 0.5 if AGAINST[cell] == unit else -0.1 - 0.02 * cell
            for k in range(seeds):
                jitter = 0.05 * (k - (seeds - 1) / 2)
                rows.append({"cell": f"c{cell}", "unit": unit, "seed": k, "baseline": base,
                             "treatment": base + d + jitter, "direction": "lower",
                             "paper_baseline": base, "paper_treatment": base if cell == 5 else 0.8 * base})
    return pd.DataFrame(rows)


def test_per_unit_share_decides_where_no_cell_does():
    cells = made_up_table()
    per_cell = [compare("ch", f"cell {c}", g["baseline"], g["treatment"], direction="lower", units=g["unit"])
                for c, g in cells.groupby("cell")]
    assert all(c.n == len(UNITS) for c in per_cell)                          # seeds averaged within units
    assert {c.verdict for c in per_cell} == {"inconclusive"}                 # no cell decides alone
    head = table_claim("ch", "Table X: the treatment lowers every cell", cells, source="Paper Table X",
                       unit="held-out subject")
    against = pd.Series(AGAINST).value_counts()
    expected = [1 - against.get(u, 0) / N_CELLS for u in UNITS]               # 4/6, 5/6, 4/6, 5/6
    assert head.values == pytest.approx(expected)
    assert head.n == len(UNITS) and head.reference == 0.5 and head.direction == "higher"
    lo, hi = head.ci
    assert lo > 0.5 and head.verdict == "reproduced"                          # the pooled claim decides
    assert (head.kind, head.level, head.source, head.unit) == ("paper", "headline", "Paper Table X", "held-out subject")
    assert head.count == (N_CELLS * len(UNITS) - N_CELLS, N_CELLS * len(UNITS))
    assert "18 of 24 cell × held-out subject differences" in head.ours_text


def test_rows_sharing_a_unit_are_averaged_before_the_share():
    """One subject's two seeds differ by -0.3 and +0.1: their mean (-0.1) goes the paper's way,
    so that subject counts the cell once, fully, not as half a cell per seed."""
    cells = pd.DataFrame({"cell": ["a", "a", "a", "a", "b", "b", "b", "b"],
                          "unit": ["S1", "S1", "S2", "S2", "S1", "S1", "S2", "S2"],
                          "baseline": 1.0, "treatment": [0.7, 1.1, 0.9, 0.9, 0.8, 0.8, 1.2, 1.2],
                          "direction": "lower"})
    by_unit, summary = vd.pool_table(cells)
    assert by_unit["share"].tolist() == [1.0, 0.5] and by_unit["cells"].tolist() == [2, 2]
    assert (summary["count"], summary["total"]) == (3, 4)
    lr_s1 = np.mean([np.log(1.0 / 0.9), np.log(1.0 / 0.8)])                  # toward the paper: log(b / t)
    assert by_unit.loc["S1", "log_ratio"] == pytest.approx(lr_s1)


def test_paper_point_ties_and_secondary_statistic():
    head = table_claim("ch", "t", made_up_table(seeds=1), source="s", unit="seed")
    assert head.paper == pytest.approx(5.5 / 6)                                # cell 5 is a tie in the paper
    assert head.paper_text == "5 of 6 cells"
    assert head.paper_secondary == pytest.approx(np.mean([np.log(1 / 0.8)] * 5 + [0.0]))  # the tie: log 1
    assert head.paper_effect == pytest.approx(math.expm1(head.paper_secondary))
    assert len(head.secondary) == len(UNITS) and head.ours_effect == pytest.approx(math.expm1(np.mean(head.secondary)))
    assert head.size in {"smaller", "larger", "opposite", "within 2x of the paper's"}


def test_equal_cells_need_a_margin_and_count_inside_it():
    cells = pd.DataFrame({"cell": ["tie", "tie", "down", "down"], "unit": ["S1", "S2", "S1", "S2"],
                          "baseline": [1.0, 1.0, 1.0, 1.0], "treatment": [1.05, 1.3, 0.8, 0.9],
                          "direction": ["equal", "equal", "lower", "lower"]})
    with pytest.raises(ValueError, match="margin"):
        vd.pool_table(cells)
    by_unit, _ = vd.pool_table(cells, margin=0.1)
    assert by_unit["share"].tolist() == [1.0, 0.5]                           # 5% inside, 30% outside
    with pytest.raises(ValueError, match="one paper direction"):
        vd.pool_table(cells.assign(direction=["equal", "lower", "lower", "lower"]))


def test_headline_survives_the_json_round_trip(tmp_path):
    head = table_claim("ch", "t", made_up_table(), source="s", unit="held-out subject")
    report([head], "ch", directory=tmp_path)
    (back,) = load_claims(tmp_path / "ch.json")
    assert back == head and back.count == head.count and back.secondary == head.secondary


def test_equivalence_claim_of_a_tie():
    base = [0.0025, 0.0026, 0.0024, 0.0025]
    near = [0.00252, 0.00258, 0.00243, 0.00249]                               # within +-10%, tight
    claim = equivalence("pendulum", "X|Y: LaMbDA ties w/o align", base, near, margin=0.10,
                        paper_baseline=0.0025, paper_treatment=0.0025, source="LaMbDA-long Table 2")
    assert claim.direction == "equal" and claim.margin == 0.10
    assert claim.values == pytest.approx(tuple((np.array(near) - base) / base))
    assert claim.verdict == "reproduced" and claim.paper == 0.0 and claim.paper_effect == 0.0
    far = equivalence("pendulum", "x", base, [0.0075, 0.0070, 0.0081, 0.0072], margin=0.10)
    assert far.verdict == "not reproduced"                                   # our 3x is no tie
    with pytest.raises(ValueError, match="margin"):
        equivalence("p", "x", base, near, margin=0)
    with pytest.raises(ValueError, match="> 0"):
        equivalence("p", "x", [0.0, 1.0], [0.0, 1.0], margin=0.1)


def test_headline_facts_say_what_would_decide_an_inconclusive_headline():
    from lambdalib.book.headline import headline_facts

    cells = pd.DataFrame({"cell": ["a", "b"] * 3, "unit": [0, 0, 1, 1, 2, 2], "direction": "lower",
                          "baseline": [1.0] * 6, "treatment": [0.9, 0.8, 1.1, 0.9, 0.95, 1.05],
                          "paper_baseline": 1.0, "paper_treatment": 0.5})
    head = table_claim("ch", "t", cells, source="s", unit="held-out subject")
    facts = headline_facts(head)
    assert head.verdict == "inconclusive" and facts["count"] == "4 of 6" and facts["paper_count"] == "2 of 2 cells"
    assert facts["share"] == "0.667 ± 0.289" and facts["paper_effect"] == "+100%"   # toward the paper: 1 / 0.5
    assert facts["decide"].startswith("about ") and "held-out subjects" in facts["decide"]
    decided = headline_facts(table_claim("ch", "t", cells.assign(treatment=0.5), source="s", unit="seed"))
    assert decided["decide"] == "" and decided["verdict"] == "reproduced"


def test_cell_claims_compare_each_cell_and_test_a_tie_for_equivalence():
    from lambdalib.book.headline import cell_claims, cells_frame

    cells = cells_frame([("a", [1.0, 2.0], [0.5, 1.0], "lower", 1.0, 0.5),
                         ("b", [1.0, 2.0], [1.02, 1.98], "equal", 1.0, 1.0)])
    assert list(cells["unit"]) == [0, 1, 0, 1] and "paper_baseline" in cells
    low, tie = cell_claims("ch", cells, source="s", unit="seed", what="X {dir} it", margin=0.1)
    assert low.name == "a: X lowers it" and low.values == (-0.5, -1.0) and low.paper_text == "1 -> 0.5"
    assert tie.name == "b: X matches it (a tie, ±10%)" and tie.direction == "equal" and tie.margin == 0.1
    with pytest.raises(ValueError, match="needs a margin"):
        cell_claims("ch", cells, source="s", unit="seed")
    no_paper = cells_frame([("a", [1.0], [2.0], "higher", None, None)])
    assert "paper_baseline" not in no_paper and cell_claims("ch", no_paper, source="s", unit="u")[0].paper is None
