"""The paper's numbers agree with each other where the two papers report the same thing."""

import numpy as np

from lambdalib.papers.lambda_ts import paper_values as pv
from lambdalib.papers.lambda_ts.gait import PAIRS


def test_short_table3_is_the_mean_of_long_table3():
    for objective, averages in pv.TABLE3_AVERAGES.items():
        for k, probe in enumerate(("linear", "mlp")):
            mean = np.mean([pv.TABLE3[(probe, objective, c)] for c in pv.TABLE3_COLUMNS])
            assert round(mean, 3) == averages[k], (probe, objective)


def test_gait_tables_name_our_pairs_directions_and_variants():
    for table in (pv.TABLE1, pv.TABLE4, pv.TABLE5):
        for pair, direction, metric in table:
            assert pair in PAIRS and direction in ("X|Y", "Y|X") and metric in ("mse", "fd", "pred")
    assert len(pv.TABLE1) == 18 and len(pv.TABLE3) == len(pv.TABLE3_SD) == 60
    assert all(0 < sd < 0.2 for sd in pv.TABLE3_SD.values())
    cell = ("angles-moments", "X|Y", "mse")
    assert pv.TABLE4[cell]["LaMbDA"] == pv.TABLE1[cell]["LaMbDA"] == pv.TABLE5[cell]["LaMbDA"]
