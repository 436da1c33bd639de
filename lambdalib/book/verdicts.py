"""The statistics behind every verdict: intervals, the direction and equivalence rules, effect
sizes, averaging within a replication unit, the table-level (headline) statistic, and the number
of units it would take to decide an inconclusive claim. Arrays in, numbers and words out;
:mod:`lambdalib.book.claims` builds its ``Claim`` on these functions.

Rules
-----
- Direction (``"lower"`` / ``"higher"``): the 95% two-sided Student-t interval of the mean of
  ``d = values - reference`` over the ``n`` units (``df = n - 1``). Reproduced when it excludes 0
  on the paper's side, not reproduced when it lies wholly on the other side, else inconclusive;
  ``n < 2`` is inconclusive.
- Equivalence (``"equal"``, a tie in the paper): two one-sided tests at the caller's ``margin``,
  i.e. the 90% t-interval of the mean. Reproduced when it lies inside ``(-margin, margin)``, not
  reproduced when it lies wholly outside ``[-margin, margin]``, else inconclusive.
- Exact (a deterministic check): every value is compared with the reference, no interval.
  Reproduced when all are on the claimed side (inside the margin for ``"equal"``).
- Zero spread (``n >= 2`` identical values): the interval collapses to the point and the sign
  decides; :func:`zero_spread` flags it so that the book says so beside the verdict.

Primary statistic of a headline claim
-------------------------------------
:data:`PRIMARY_STATISTIC`: for one paper table or figure, per replication unit, the **share of
the table's cells in which our treatment-baseline difference goes the paper's way** (a tie counts
one half; for a cell where the paper reports a tie, "the paper's way" is a relative difference
within the margin). The headline verdict applies the direction rule to these per-unit shares
against 1/2. A share is scale-free and bounded, so one wild cell cannot dominate it.
:data:`SECONDARY_STATISTIC`: per unit, the mean over the table's directional cells of the
log-ratio log(treatment / baseline), oriented so that > 0 is the paper's way (log(b / t) for a
"lower" cell). Both are shown, with the plain count of cell-by-unit differences that go the
paper's way (:func:`pool_table`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "CONFIDENCE", "EQUIVALENCE_CONFIDENCE", "PRIMARY_STATISTIC", "SECONDARY_STATISTIC", "SIZE_FACTOR",
    "VERDICTS", "DIRECTIONS", "t_interval", "interval", "verdict", "zero_spread", "relative_change",
    "size_reading", "unit_means", "n_to_decide", "paper_way", "pool_table",
]

CONFIDENCE = 0.95              # two-sided level of the direction rule's t-interval
EQUIVALENCE_CONFIDENCE = 0.90  # two one-sided tests at 5% each = the 90% two-sided interval
PRIMARY_STATISTIC = "share of cells going the paper's way, per unit, against 1/2"
SECONDARY_STATISTIC = "mean log-ratio toward the paper, per unit"
SIZE_FACTOR = 2.0              # "within 2x of the paper's": our relative effect / the paper's in [1/2, 2]
VERDICTS = ("reproduced", "inconclusive", "not reproduced")
DIRECTIONS = ("lower", "higher", "equal")


def t_interval(x, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Two-sided Student-t interval of the mean of ``x`` (df = n - 1); (nan, nan) for n < 2, the
    point itself for identical values."""
    x = np.asarray(x, dtype=float).ravel()
    if x.size < 2:
        return (math.nan, math.nan)
    if np.all(x == x[0]):                                  # zero spread: collapses to the point
        return (float(x[0]), float(x[0]))
    sem = float(np.std(x, ddof=1)) / math.sqrt(x.size)
    lo, hi = stats.t.interval(confidence, x.size - 1, loc=float(np.mean(x)), scale=sem)
    return (float(lo), float(hi))


def interval(values, direction: str, *, exact: bool = False) -> tuple[float, float]:
    """The interval a verdict reads: 95% for a direction, 90% for ``"equal"``, none when exact."""
    if exact:
        return (math.nan, math.nan)
    return t_interval(values, EQUIVALENCE_CONFIDENCE if direction == "equal" else CONFIDENCE)


def zero_spread(values) -> bool:
    """n >= 2 identical values: the interval has no width and the verdict is the sign alone."""
    x = np.asarray(values, dtype=float).ravel()
    return x.size >= 2 and bool(np.all(x == x[0]))


def verdict(values, direction: str, reference: float = 0.0, *, margin: float | None = None,
            exact: bool = False) -> str:
    """"reproduced", "inconclusive" or "not reproduced" by the module's rules."""
    d = np.asarray(values, dtype=float).ravel() - reference
    if direction == "equal":
        if margin is None or not margin > 0:
            raise ValueError(f"an equivalence verdict needs a margin > 0, got {margin!r}")
        if exact:
            return "reproduced" if np.all(np.abs(d) < margin) else "not reproduced"
        if d.size < 2:
            return "inconclusive"
        lo, hi = t_interval(d, EQUIVALENCE_CONFIDENCE)
        if -margin < lo and hi < margin:
            return "reproduced"
        return "not reproduced" if lo > margin or hi < -margin else "inconclusive"
    if direction not in ("lower", "higher"):
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    sign = -1.0 if direction == "lower" else 1.0
    if exact:
        return "reproduced" if np.all(sign * d > 0.0) else "not reproduced"
    if d.size < 2:
        return "inconclusive"
    lo, hi = t_interval(d, CONFIDENCE)
    if (lo > 0.0 or hi < 0.0) and sign * float(np.mean(d)) > 0.0:
        return "reproduced"
    return "not reproduced" if sign * lo < 0.0 and sign * hi < 0.0 else "inconclusive"


def relative_change(baseline: float | None, treatment: float | None) -> float | None:
    """(treatment - baseline) / baseline, or None where it has no meaning (a value missing, or a
    baseline <= 0: a relative change of a quantity that can be negative has no sign to read)."""
    if baseline is None or treatment is None or not baseline > 0:
        return None
    return (float(treatment) - float(baseline)) / float(baseline)


def size_reading(paper_effect: float | None, ours_effect: float | None, factor: float = SIZE_FACTOR) -> str:
    """Our relative effect against the paper's: "within 2x of the paper's", "smaller", "larger",
    "opposite" or "none" (ours exactly 0); "" when either is missing or the paper reports a tie."""
    if paper_effect is None or ours_effect is None or paper_effect == 0.0:
        return ""
    if ours_effect == 0.0:
        return "none"
    ratio = ours_effect / paper_effect
    if ratio < 0.0:
        return "opposite"
    if ratio > factor:
        return "larger"
    return "smaller" if ratio < 1.0 / factor else f"within {factor:g}x of the paper's"


def unit_means(values: Sequence[float], units: Sequence) -> pd.Series:
    """``values`` averaged within each replication unit (e.g. the seeds of one held-out subject,
    or the X|Y and Y|X models of one run), indexed by unit in order of first appearance."""
    v = np.asarray(values, dtype=float).ravel()
    u = pd.Index(np.asarray(units, dtype=object).ravel())
    if v.size != u.size:
        raise ValueError(f"values and units must have the same length, got {v.size} and {u.size}")
    return pd.Series(v).groupby(u, sort=False).mean().rename_axis("unit")


def _decides(n: int, mean: float, sd: float, *, margin: float | None, side: str) -> bool:
    """Whether ``n`` units at this mean and sd decide the claim the way ``side`` names."""
    if margin is None:                                     # the interval excludes 0
        return stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * sd / math.sqrt(n) < abs(mean)
    half = stats.t.ppf(0.5 + EQUIVALENCE_CONFIDENCE / 2, n - 1) * sd / math.sqrt(n)
    return abs(mean) + half < margin if side == "inside" else abs(mean) - half > margin


def n_to_decide(values, *, direction: str, reference: float = 0.0, margin: float | None = None,
                max_n: int = 1_000_000) -> tuple[float, str]:
    """The smallest number of units that would decide the claim at the observed mean and sample
    sd of ``values - reference``, and the verdict it would then read. (inf, "never") when no
    number would (the mean at the reference, or at the margin); (nan, "unknown") for one unit."""
    d = np.asarray(values, dtype=float).ravel() - reference
    if d.size < 2:
        return (math.nan, "unknown")
    mean, sd = float(np.mean(d)), 0.0 if zero_spread(d) else float(np.std(d, ddof=1))
    if direction == "equal":
        if abs(mean) == margin:
            return (math.inf, "never")
        side, would = ("inside", "reproduced") if abs(mean) < margin else ("outside", "not reproduced")
        margin_ = margin
    else:
        if mean == 0.0:
            return (math.inf, "never")
        side, margin_ = "", None
        would = "reproduced" if (mean < 0) == (direction == "lower") else "not reproduced"
    if sd == 0.0:
        return (2.0, would)
    if not _decides(max_n, mean, sd, margin=margin_, side=side):
        return (math.inf, "never")
    lo, hi = 2, max_n                                      # the half-width shrinks with n: bisect
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _decides(mid, mean, sd, margin=margin_, side=side) else (mid + 1, hi)
    return (float(lo), would)


def paper_way(baseline, treatment, direction, margin: float | None = None) -> np.ndarray:
    """Per element, 1 where treatment vs baseline goes the paper's way, 1/2 for an exact tie in a
    "lower" / "higher" cell, else 0; an "equal" cell goes the paper's way when the relative
    difference |t - b| / |b| is within ``margin``."""
    b, t = np.asarray(baseline, dtype=float), np.asarray(treatment, dtype=float)
    direction = np.broadcast_to(np.asarray(direction, dtype=object), b.shape)
    sign = np.where(direction == "lower", -1.0, 1.0)
    way = np.where(sign * (t - b) > 0, 1.0, np.where(t == b, 0.5, 0.0))
    equal = direction == "equal"
    if equal.any():
        if margin is None or not margin > 0:
            raise ValueError("cells with direction 'equal' need a margin > 0")
        way = np.where(equal, (np.abs(t - b) <= margin * np.abs(b)).astype(float), way)
    return way


def _oriented_log_ratio(baseline, treatment, direction) -> np.ndarray:
    """log(t / b) for "higher" cells, log(b / t) for "lower", NaN for "equal" or a value <= 0."""
    b, t = np.asarray(baseline, dtype=float), np.asarray(treatment, dtype=float)
    ok = (b > 0) & (t > 0) & (np.asarray(direction, dtype=object) != "equal")
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.log(np.where(ok, t, 1.0) / np.where(ok, b, 1.0))
    return np.where(ok, np.where(np.asarray(direction, dtype=object) == "lower", -lr, lr), np.nan)


def pool_table(cells: pd.DataFrame, *, margin: float | None = None) -> tuple[pd.DataFrame, dict]:
    """The table-level statistics of one paper table or figure.

    ``cells`` is tidy: one row per (cell, unit[, repeat]) with columns ``cell``, ``unit``,
    ``baseline``, ``treatment``, ``direction`` (the paper's, per cell: "lower", "higher" or
    "equal"), and optionally ``paper_baseline`` / ``paper_treatment`` (the paper's values, one per
    cell). Rows sharing (cell, unit) are averaged first. Returns

    - per unit (in order of first appearance): ``share`` (:data:`PRIMARY_STATISTIC`),
      ``log_ratio`` (:data:`SECONDARY_STATISTIC`; NaN if no cell has positive values),
      ``paper_way`` (cells going the paper's way, ties not counted), ``ties``, ``cells``;
    - a summary dict: ``count`` / ``total`` / ``ties`` over all cell-by-unit differences, and the
      paper's own ``paper_share``, ``paper_count``, ``paper_log_ratio`` (None without paper values).
    """
    need = {"cell", "unit", "baseline", "treatment", "direction"}
    if missing := need - set(cells.columns):
        raise ValueError(f"cells is missing the columns {sorted(missing)}")
    bad = set(cells["direction"]) - set(DIRECTIONS)
    if bad:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {sorted(bad)}")
    if cells.groupby("cell")["direction"].nunique().max() > 1:
        raise ValueError("each cell must have one paper direction")
    numeric = cells[["baseline", "treatment"]].to_numpy(dtype=float)
    if not np.all(np.isfinite(numeric)):
        raise ValueError("baseline and treatment must be finite")
    per = (cells.groupby(["unit", "cell"], sort=False)
           .agg(baseline=("baseline", "mean"), treatment=("treatment", "mean"), direction=("direction", "first"))
           .reset_index())                                 # one row per (unit, cell): averaged within the unit
    per["way"] = paper_way(per["baseline"], per["treatment"], per["direction"], margin)
    per["log_ratio"] = _oriented_log_ratio(per["baseline"], per["treatment"], per["direction"])
    by_unit = per.groupby("unit", sort=False).agg(
        share=("way", "mean"), log_ratio=("log_ratio", "mean"),
        paper_way=("way", lambda w: int((w == 1.0).sum())), ties=("way", lambda w: int((w == 0.5).sum())),
        cells=("way", "size"))
    summary = {"count": int(by_unit["paper_way"].sum()), "total": int(by_unit["cells"].sum()),
               "ties": int(by_unit["ties"].sum()), "paper_share": None, "paper_count": None,
               "paper_log_ratio": None, "cells": int(per["cell"].nunique())}
    if {"paper_baseline", "paper_treatment"} <= set(cells.columns):
        paper = cells.groupby("cell", sort=False)[["paper_baseline", "paper_treatment", "direction"]].first()
        way = paper_way(paper["paper_baseline"], paper["paper_treatment"], paper["direction"], margin)
        lr = _oriented_log_ratio(paper["paper_baseline"], paper["paper_treatment"], paper["direction"])
        summary |= {"paper_share": float(way.mean()), "paper_count": int((way == 1.0).sum()),
                    "paper_log_ratio": float(np.nanmean(lr)) if np.isfinite(lr).any() else None}
    return by_unit, summary
