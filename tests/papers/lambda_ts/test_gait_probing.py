"""Table 3 bookkeeping: columns, ranking, and the "best or second" margins behind the claims."""

import numpy as np
import pandas as pd
import pytest

from lambdalib.papers.lambda_ts import gait_probing as gp
from lambdalib.papers.lambda_ts.claims import table3_claims
from lambdalib.papers.lambda_ts.gait import PAIRS


def probes_with(score, folds=("S1", "S2", "S3")):
    """A probes frame like gait_runs.probes_frame's: score(objective, column, fold index) -> accuracy."""
    rows = []
    for pair, (x, y) in PAIRS.items():
        for side, name in (("X|Y", x), ("Y|X", y)):
            for objective in gp.OBJECTIVES:
                for i, fold in enumerate(folds):
                    for probe in ("linear", "mlp"):
                        rows.append({"pair": pair, "variant": objective, "held_out": fold, "seed": 0,
                                     "model": f"{side} ({name})", "probe": probe,
                                     "accuracy": score(objective, f"{pair} {side}", i)})
    return pd.DataFrame(rows)


BASE = {"LaMbDA": 0.5, "SimCLR": 0.4, "MSE": 0.3, "Barlow": 0.2, "VICReg": 0.1}


def test_column_of_and_ranking_follow_the_means():
    probes = probes_with(lambda o, c, i: BASE[o] + 0.01 * i)
    assert set(gp.column_of(probes)) == set(gp.COLUMNS)
    assert gp.COLUMNS == tuple(f"{pair} {d}" for pair in PAIRS for d in ("X|Y", "Y|X"))   # the paper's order
    rank = gp.ranking(probes, "linear")
    assert rank.loc["ours"].loc["LaMbDA"].eq(1).all() and rank.loc["ours"].loc["VICReg"].eq(5).all()
    assert rank.loc["paper"].loc["LaMbDA", "angles-moments X|Y"] == 1     # 0.86, the paper's best
    table = gp.table3(probes, "linear")
    assert table.loc["LaMbDA", "angles-moments X|Y"] == "0.51 ± 0.01 (0.86)"


@pytest.mark.parametrize("lambda_score, verdict", [(0.5, "reproduced"),     # best in every fold
                                                   (0.35, "reproduced"),    # second: margin 0.05 > 0
                                                   (0.05, "not reproduced")])  # last
def test_best_or_second_margins_give_the_verdict(lambda_score, verdict):
    noise = np.array([0.0, 0.004, -0.003])
    probes = probes_with(lambda o, c, i: (lambda_score if o == "LaMbDA" else BASE[o]) + noise[i])
    claims = table3_claims("probing", probes)
    columns = [c for c in claims if "best or second" in c.name]
    assert len(columns) == 12 and len(claims) == 2 + 12 + 8            # 2 headlines, long and short Table 3
    assert {c.verdict for c in columns} == {verdict}
    expected = lambda_score - BASE["MSE"]                                   # the second-best other is MSE
    np.testing.assert_allclose(columns[0].values, expected, atol=1e-12)


def test_table3_headlines_follow_the_papers_order_per_cell():
    """Long Table 3: each (probe, column, other objective) cell goes the paper's way when LaMbDA is
    on the paper's side of that objective; a tie in the paper (within the margin) when ours is within it."""
    probes = probes_with(lambda o, c, i: BASE[o] + 0.01 * i)          # LaMbDA best everywhere, as in most cells
    long, short = table3_claims("probing", probes)[:2]
    assert long.count[1] == 2 * 6 * 4 * 3 and short.count == (2 * 4 * 3, 2 * 4 * 3)   # cells x subjects
    assert long.paper == 1.0                  # the paper's direction per cell is read from the paper itself
    assert long.count[0] < long.count[1]      # cells where the paper has LaMbDA behind (SimCLR, MSE) go against
    assert short.verdict == "reproduced" and short.unit == "held-out subject"


def test_one_fold_is_inconclusive():
    probes = probes_with(lambda o, c, i: BASE[o], folds=("S1",))
    assert {c.verdict for c in table3_claims("probing", probes)} == {"inconclusive"}
