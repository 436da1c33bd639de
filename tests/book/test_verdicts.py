"""lambdalib.book.verdicts: the direction and equivalence rules, zero spread, effect sizes, unit
averaging and the number of units that would decide a claim. Each case is built so that the
rule under test, and only it, decides the answer."""

import math

import numpy as np
import pytest
from scipy import stats

from lambdalib.book import verdicts as vd
from lambdalib.book.claims import Claim, compare, threshold


def half_width(x, confidence):
    x = np.asarray(x, dtype=float)
    return stats.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)


# ---- the t-interval path, with real spread -------------------------------------------------
def test_t_interval_with_spread_is_the_textbook_one():
    x = np.array([0.21, -0.05, 0.33, 0.12, 0.08])
    lo, hi = vd.t_interval(x)
    assert (lo, hi) == pytest.approx((x.mean() - half_width(x, 0.95), x.mean() + half_width(x, 0.95)), rel=1e-12)
    assert stats.t.ppf(0.975, 4) == pytest.approx(2.7764451, rel=1e-6)      # the quantile, not 1.96
    lo90, hi90 = vd.t_interval(x, 0.90)
    assert lo < lo90 < hi90 < hi


@pytest.mark.parametrize("values, direction, expected, where", [
    ([-0.30, -0.10, -0.22, -0.18], "lower", "reproduced", "below"),
    ([-0.30, 0.25, -0.22, 0.05], "lower", "inconclusive", "covers"),    # mean < 0, not significant
    ([0.30, 0.10, 0.22, 0.18], "lower", "not reproduced", "above"),
    ([0.30, 0.10, 0.22, 0.18], "higher", "reproduced", "above"),
])
def test_direction_verdict_reads_the_interval(values, direction, expected, where):
    lo, hi = vd.t_interval(values)
    assert np.std(values, ddof=1) > 0.05                            # real spread, not a point
    assert {"below": hi < 0, "above": lo > 0, "covers": lo < 0 < hi}[where]
    assert vd.verdict(values, direction) == expected


def test_two_units_cannot_decide_what_three_do():
    """t(0.975, 1) = 12.7: two units at a consistent effect stay inconclusive, five do not."""
    assert vd.verdict([-1.0, -1.5], "lower") == "inconclusive"
    assert vd.verdict([-1.0, -1.5, -1.2, -1.3, -1.1], "lower") == "reproduced"


# ---- equivalence: a tie in the paper ---------------------------------------------------------
def test_equivalence_inside_outside_and_straddling():
    inside = [0.02, -0.03, 0.01, 0.00, -0.01]                       # 90% interval well within +-10%
    outside = [0.31, 0.25, 0.40, 0.28, 0.35]                        # wholly above +10%
    straddle = [0.02, 0.15, -0.05, 0.22, 0.09]                      # covers +10%
    for values, expected in ((inside, "reproduced"), (outside, "not reproduced"), (straddle, "inconclusive")):
        lo, hi = vd.t_interval(values, 0.90)
        assert vd.verdict(values, "equal", margin=0.10) == expected, (values, lo, hi)
    lo, hi = vd.t_interval(straddle, 0.90)
    assert lo < 0.10 < hi


def test_equivalence_uses_the_90_percent_interval():
    """Two one-sided tests at 5% are the 90% interval: a case inside it but not inside the 95%."""
    x = np.array([0.05, 0.00, 0.07, 0.02, 0.06, 0.01])
    margin = x.mean() + 0.5 * (half_width(x, 0.90) + half_width(x, 0.95))
    assert x.mean() + half_width(x, 0.90) < margin < x.mean() + half_width(x, 0.95)
    assert vd.verdict(x, "equal", margin=margin) == "reproduced"
    c = Claim("ch", "tie", tuple(x), "equal", margin=margin)
    assert c.ci == pytest.approx(vd.t_interval(x, 0.90)) and c.verdict == "reproduced"


def test_equivalence_needs_its_margin():
    with pytest.raises(ValueError, match="margin"):
        vd.verdict([0.0, 0.1], "equal")
    with pytest.raises(ValueError, match="margin"):
        Claim("ch", "tie", (0.0, 0.1), "equal")
    with pytest.raises(ValueError, match="margin"):
        Claim("ch", "not a tie", (0.0, 0.1), "lower", margin=0.1)


# ---- zero spread and exact checks ------------------------------------------------------------
def test_zero_spread_is_flagged_and_said():
    c = Claim("ch", "flops", (2.23, 2.23, 2.23), "lower", reference=1.32)
    assert vd.zero_spread(c.values) and c.ci == (2.23, 2.23)
    assert c.verdict == "not reproduced"                               # decided by the sign ...
    assert "zero spread" in c.note and "n = 3" in c.note              # ... and never silently
    assert Claim("ch", "c", (1.0, 1.1), "higher").note == ""
    assert not vd.zero_spread([1.0])                                   # one unit is not zero spread
    assert Claim("ch", "c", (1.0,), "higher").note == "one unit: no interval"


def test_exact_check_compares_every_value_without_an_interval():
    ok = threshold("ch", "identity", [1e-15, 2e-15, 0.0], reference=1e-10, direction="lower",
                   kind="check", exact=True)
    assert ok.kind == "check" and ok.verdict == "reproduced" and all(map(math.isnan, ok.ci)) and ok.note == ""
    one_bad = threshold("ch", "identity", [1e-15, 2e-9], reference=1e-10, direction="lower", kind="check", exact=True)
    assert one_bad.verdict == "not reproduced"                         # the mean would pass; one value fails
    assert threshold("ch", "one", [0.5], reference=1.0, direction="lower", exact=True).verdict == "reproduced"


# ---- effect sizes ----------------------------------------------------------------------------
@pytest.mark.parametrize("paper, ours, reading", [
    (-0.37, -0.30, "within 2x of the paper's"), (-0.37, -0.10, "smaller"), (-0.10, -0.37, "larger"),
    (-0.37, 0.05, "opposite"), (-0.37, 0.0, "none"), (0.0, 0.2, ""), (None, 0.2, ""), (0.2, None, ""),
])
def test_size_reading(paper, ours, reading):
    assert vd.size_reading(paper, ours) == reading


def test_compare_keeps_both_relative_effects():
    c = compare("ch", "MSE", [0.70, 0.74, 0.72], [0.65, 0.70, 0.66], direction="lower",
                paper_baseline=0.678, paper_treatment=0.425, kind="paper", source="LaMbDA-long Table 2")
    assert c.paper_effect == pytest.approx((0.425 - 0.678) / 0.678)
    assert c.ours_effect == pytest.approx((np.mean([0.65, 0.70, 0.66]) - 0.72) / 0.72)
    assert c.size == "smaller" and c.source == "LaMbDA-long Table 2"
    assert vd.relative_change(-14.7, 0.08) is None                      # no relative change of a log value


# ---- averaging within a replication unit -----------------------------------------------------
def test_unit_means_average_within_the_unit_in_order():
    means = vd.unit_means([1.0, 3.0, 10.0, 5.0, 7.0], ["S2", "S2", "S1", "S3", "S3"])
    assert means.index.tolist() == ["S2", "S1", "S3"] and means.tolist() == [2.0, 10.0, 6.0]
    with pytest.raises(ValueError, match="same length"):
        vd.unit_means([1.0, 2.0], ["a"])


def test_compare_with_units_counts_units_not_rows():
    """Two seeds per held-out subject: the claim has one value per subject, the mean of its seeds."""
    units = ["S1", "S1", "S2", "S2", "S3", "S3"]
    base = np.array([1.0, 1.2, 2.0, 2.2, 3.0, 3.2])
    treat = base + np.array([-0.1, -0.3, -0.2, -0.2, 0.1, -0.3])
    c = compare("ch", "c", base, treat, direction="lower", units=units, unit="held-out subject")
    assert c.n == 3 and c.values == pytest.approx((-0.2, -0.2, -0.1))
    assert c.unit == "held-out subject"
    rows = compare("ch", "c", base, treat, direction="lower")                 # rows as if independent
    assert rows.n == 6


# ---- what it would take ----------------------------------------------------------------------
def slow_n(values, direction="lower", margin=None):
    """The smallest n at this mean and sd that decides the claim, by walking n up."""
    d = np.asarray(values, dtype=float)
    m, s = d.mean(), d.std(ddof=1)
    for n in range(2, 100_000):
        if margin is None:
            if stats.t.ppf(0.975, n - 1) * s / math.sqrt(n) < abs(m):
                return n
        else:
            h = stats.t.ppf(0.95, n - 1) * s / math.sqrt(n)
            if (abs(m) < margin and abs(m) + h < margin) or (abs(m) > margin and abs(m) - h > margin):
                return n
    return math.inf


@pytest.mark.parametrize("values", [[-0.5, 0.2, -0.9], [0.0096, 0.19, 0.08], [-1.0, 1.1, -0.05, 0.02]])
def test_n_to_decide_matches_a_slow_walk(values):
    n, would = vd.n_to_decide(values, direction="lower")
    assert n == slow_n(values)
    assert would == ("reproduced" if np.mean(values) < 0 else "not reproduced")
    # at that n the interval (same mean, same sd) does exclude 0, one fewer does not
    m, s = np.mean(values), np.std(values, ddof=1)
    for k, decided in ((int(n), True), (int(n) - 1, False)):
        if k >= 2:
            assert (stats.t.ppf(0.975, k - 1) * s / math.sqrt(k) < abs(m)) == decided


def test_n_to_decide_equivalence_and_edge_cases():
    inside = [0.04, -0.06, 0.09, -0.02]
    n, would = vd.n_to_decide(inside, direction="equal", margin=0.10)
    assert (n, would) == (slow_n(inside, margin=0.10), "reproduced")
    outside = [0.30, 0.05, 0.21]
    assert vd.n_to_decide(outside, direction="equal", margin=0.10) == (slow_n(outside, margin=0.10), "not reproduced")
    assert vd.n_to_decide([1.0, -1.0], direction="lower") == (math.inf, "never")      # mean exactly 0
    n, would = vd.n_to_decide([0.3], direction="lower")
    assert math.isnan(n) and would == "unknown"
    assert vd.n_to_decide([2.0, 2.0], direction="higher", reference=1.0) == (2.0, "reproduced")
