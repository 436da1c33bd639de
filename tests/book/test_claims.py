"""Tests for lambdalib.book.claims: the verdict rule, the constructors, the tables and the JSON files."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import lambdalib
from lambdalib.book import claims as claims_module
from lambdalib.book.claims import (
    BOOK_CLAIMS_DIR,
    DASHBOARD_COLUMNS,
    TABLE_COLUMNS,
    Claim,
    claims_dir,
    claims_table,
    collect,
    compare,
    format_sig,
    load_claims,
    report,
    round_sig,
    threshold,
    verdict_counts,
)


def scipy_ci(values):
    x = np.asarray(values, dtype=float)
    return stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=x.std(ddof=1) / math.sqrt(x.size))


# (direction, values, reference, expected verdict, where the interval of values lies vs reference)
VERDICT_CASES = [
    ("lower", (-1.0, -1.2, -0.8, -1.1), 0.0, "reproduced", "below"),
    ("lower", (0.9, 1.1, 1.0, 1.2), 0.0, "not reproduced", "above"),
    ("lower", (-0.5, -0.1, 0.2), 0.0, "inconclusive", "covers"),  # mean < 0, but not significant
    ("higher", (18.0, 19.5, 17.2, 18.8), 15.0, "reproduced", "above"),  # speed-up >= 15x
    ("higher", (11.0, 12.5, 10.9), 15.0, "not reproduced", "below"),
    ("higher", (14.0, 16.5, 15.8), 15.0, "inconclusive", "covers"),  # mean > 15, not significant
]


@pytest.mark.parametrize("direction, values, reference, expected, where", VERDICT_CASES)
def test_verdict_follows_the_t_interval(direction, values, reference, expected, where):
    c = Claim("ch", "claim", values, direction, reference=reference)
    lo, hi = scipy_ci(values)
    assert c.ci == pytest.approx((lo, hi), rel=1e-12)
    # the hand-made values really sit where the case says, so the verdict is the rule's
    assert {"below": hi < reference, "above": lo > reference, "covers": lo < reference < hi}[where]
    assert c.n == len(values)
    assert c.mean == pytest.approx(np.mean(values))
    assert c.spread == pytest.approx(np.std(values, ddof=1))
    assert c.verdict == expected


def test_one_value_is_inconclusive_whatever_its_size():
    for direction in ("lower", "higher"):
        c = Claim("ch", "claim", (-100.0,), direction)
        assert c.verdict == "inconclusive"
        assert math.isnan(c.spread)
        assert all(math.isnan(v) for v in c.ci)


def test_zero_spread_is_decided_by_the_sign():
    assert Claim("ch", "c", (0.1, 0.1, 0.1), "higher").verdict == "reproduced"
    assert Claim("ch", "c", (0.1, 0.1, 0.1), "lower").verdict == "not reproduced"
    c = Claim("ch", "c", (0.1, 0.1, 0.1), "lower", reference=0.1)  # exactly at the reference
    assert c.spread == 0.0 and c.ci == (0.1, 0.1)
    assert c.verdict == "inconclusive"


def test_compare_values_paper_delta_and_texts():
    baseline, treatment = [0.70, 0.73, 0.69], [0.65, 0.69, 0.64]
    c = compare("lorenz", "Lorenz X|Y: alignment lowers MSE", baseline, treatment,
                direction="lower", paper_baseline=0.678, paper_treatment=0.425)
    assert c.values == tuple(np.subtract(treatment, baseline))
    assert c.reference == 0.0
    assert c.paper == pytest.approx(0.425 - 0.678)
    assert c.paper_text == "0.678 -> 0.425"
    sd_b, sd_t = np.std(baseline, ddof=1), np.std(treatment, ddof=1)
    assert c.ours_text == f"0.707 ± {sd_b:.3g} -> 0.66 ± {sd_t:.3g}"
    assert c.verdict == "reproduced"
    assert compare("ch", "c", [1.0, 2.0], [0.0, 1.5], direction="lower", paper_baseline=1.0).paper is None
    assert compare("ch", "c", [1.0, 2.0], [0.0, 1.5], direction="lower").paper_text == "—"


def test_threshold_keeps_the_bound():
    c = threshold("ddim", "DDIM speed-up over DDPM >= 15x", [18.2, 19.0], reference=15.0,
                  direction="higher", paper=20.0, paper_text=">= 15x")
    assert c.values == (18.2, 19.0) and c.reference == 15.0 and c.paper == 20.0
    assert c.paper_text == ">= 15x" and c.ours_text == f"18.6 ± {np.std([18.2, 19.0], ddof=1):.3g}"
    assert threshold("ch", "c", [3.0], reference=1.0, direction="higher", paper=2.5).paper_text == "2.5"


def test_bad_inputs_raise_naming_the_parameter():
    with pytest.raises(ValueError, match="baseline and treatment"):
        compare("ch", "c", [1.0, 2.0, 3.0], [1.0, 2.0], direction="lower")
    with pytest.raises(ValueError, match=r"direction must be one of \('lower', 'higher', 'equal'\)"):
        Claim("ch", "c", (1.0, 2.0), "smaller")
    with pytest.raises(ValueError, match="values of claim 'my claim'.*finite"):
        Claim("ch", "my claim", (1.0, float("nan")), "lower")
    with pytest.raises(ValueError, match="values of claim 'my claim'.*finite"):
        threshold("ch", "my claim", [1.0, np.inf], reference=0.0, direction="higher")
    with pytest.raises(ValueError, match="values of claim 'my claim': treatment must be finite"):
        compare("ch", "my claim", [1.0, 2.0], [1.0, np.nan], direction="lower")
    with pytest.raises(ValueError, match="values of claim 'empty'.*empty"):
        Claim("ch", "empty", (), "lower")


def test_round_sig_and_format_sig():
    assert round_sig(0.123456) == 0.123
    assert round_sig(1234.5) == 1230.0
    assert round_sig(-0.0098765) == -0.00988
    assert round_sig(0.0) == 0.0 and math.isnan(round_sig(float("nan")))
    np.testing.assert_array_equal(round_sig([0.123456, np.nan]), [0.123, np.nan])
    assert [format_sig(x) for x in (1234.5, 0.02, 0.678, 9.9996, None)] == ["1230", "0.02", "0.678", "10", "—"]


def test_claims_table_rounds_and_prints_stably():
    claims = [Claim("ch", "small", (0.123456, 0.123456), "higher"),
              Claim("ch", "big", (1234.5,), "lower"),
              Claim("ch", "noisy", (1.234567, 2.345678, 3.456789), "higher")]
    table = claims_table(claims)
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table["mean"].tolist()[:2] == [0.123, 1230.0]
    assert math.isnan(table.loc[1, "ci_low"]) and math.isnan(table.loc[1, "spread"])
    lo, hi = scipy_ci(claims[2].values)
    assert (table.loc[2, "ci_low"], table.loc[2, "ci_high"]) == (round_sig(lo), round_sig(hi))
    assert lo < 0.0 < hi and table["verdict"].tolist() == ["reproduced", "inconclusive", "inconclusive"]
    text = table.to_string(index=False)
    assert text == claims_table(claims).to_string(index=False)
    assert "1.23456" not in text and "0.123456" not in text


def test_report_and_load_claims_round_trip(tmp_path):
    claims = [compare("lorenz", "alignment lowers MSE", [0.1 + 0.2, 0.7], [0.2, 0.6],
                      direction="lower", paper_baseline=0.678, paper_treatment=0.425),
              threshold("lorenz", "one run", [1.0 / 3.0], reference=0.0, direction="higher")]
    shown = report(claims, "lorenz", directory=tmp_path)
    pd.testing.assert_frame_equal(shown.table, claims_table(claims))
    assert repr(shown) == shown.to_string(index=False) == claims_table(claims).to_string(index=False)
    path = tmp_path / "lorenz.json"
    assert json.loads(path.read_text(encoding="utf-8"))["lambdalib_version"] == lambdalib.__version__
    assert load_claims(path) == claims  # exact: floats, None, tuples and texts survive
    with pytest.raises(ValueError, match="chapter"):
        report(claims, "pendulum", directory=tmp_path)


def test_report_uses_the_env_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMBDABOOK_CLAIMS_DIR", str(tmp_path / "claims"))
    report([Claim("ch", "c", (1.0, 2.0), "higher")], "ch")
    assert (tmp_path / "claims" / "ch.json").is_file()


def test_claims_dir_is_runs_claims_and_relative_to_the_repository(tmp_path, monkeypatch):
    """A chapter run from any working directory (papermill with or without --cwd) writes to the
    same folder, and never to the committed claims/ unless told to (the Makefile does)."""
    root = BOOK_CLAIMS_DIR.parent
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAMBDABOOK_CLAIMS_DIR", raising=False)
    assert claims_dir() == root / "runs" / "claims"
    monkeypatch.setenv("LAMBDABOOK_CLAIMS_DIR", "runs/elsewhere")
    assert claims_dir() == root / "runs" / "elsewhere"
    assert claims_dir("some/dir") == root / "some" / "dir"
    assert claims_dir(tmp_path) == tmp_path


def test_collect_reads_the_committed_claims_whatever_the_env(tmp_path, monkeypatch):
    """The dashboard shows the book's own runs, not the claims of the last papermill run."""
    monkeypatch.setenv("LAMBDABOOK_CLAIMS_DIR", str(tmp_path))
    report([Claim("lorenz", "l1", (-1.0, -1.1), "higher")], "lorenz")
    pd.testing.assert_frame_equal(collect(), collect(BOOK_CLAIMS_DIR))
    assert (tmp_path / "lorenz.json").is_file() and len(collect()) > 1


def test_makefile_book_runs_write_the_committed_claims():
    """make run-<chapter> and make sweep point report at claims/; nothing else in the Makefile does."""
    root = BOOK_CLAIMS_DIR.parent
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert f"BOOK_CLAIMS := {claims_module.ENV_DIR}=$(CURDIR)/claims" in makefile
    papermill_lines = [line for line in makefile.splitlines() if "$(BIN)/papermill" in line]
    assert len(papermill_lines) == 2 and all(line.strip().startswith("$(BOOK_CLAIMS) ") for line in papermill_lines)


def test_collect_gathers_chapters_sorted(tmp_path):
    report([Claim("pendulum", "p1", (1.0, 1.1, 0.9), "higher"),
            Claim("pendulum", "p2", (1.0, -1.0), "higher")], "pendulum", directory=tmp_path)
    report([Claim("lorenz", "l1", (-1.0, -1.1), "higher")], "lorenz", directory=tmp_path)
    dash = collect(tmp_path)
    assert tuple(dash.columns) == DASHBOARD_COLUMNS
    assert dash["chapter"].tolist() == ["lorenz", "pendulum", "pendulum"]
    assert dash["claim"].tolist() == ["l1", "p1", "p2"]
    counts = verdict_counts(dash)
    assert counts.to_dict() == {"reproduced": 1, "inconclusive": 1, "not reproduced": 1}
    assert verdict_counts(dash.iloc[:1]).to_dict() == {"reproduced": 0, "inconclusive": 0, "not reproduced": 1}
