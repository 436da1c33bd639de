"""Claims beyond one comparison: a tie in the paper (:func:`equivalence`), the headline claim of
a whole paper table or figure (:func:`table_claim`) and its cells' claims (:func:`cell_claims`).
They return :class:`~lambdalib.book.claims.Claim` objects for
:func:`~lambdalib.book.claims.report`; the statistics are in :mod:`lambdalib.book.verdicts`.

A chapter's claims helper, per paper table it re-runs::

    cells = frame.assign(direction=...)   # cell, unit, baseline, treatment, direction [, paper_*]
    # (or cells_frame([(name, baseline per unit, treatment per unit, direction, paper b, paper t), ...]))
    claims = [table_claim(chapter, "Table 1: LaMbDA lowers every metric", cells,
                          source="LaMbDA-long Table 1", unit="held-out subject"),
              *cell_claims(chapter, cells, source="LaMbDA-long Table 1", unit="held-out subject")]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lambdalib.book import verdicts as vd
from lambdalib.book.claims import MISSING, Claim, _as_values, compare, format_sig, mean_sd_text
from lambdalib.book.display import effect_text

__all__ = ["equivalence", "table_claim", "cells_frame", "cell_claims", "headline_facts"]


def equivalence(chapter: str, name: str, baseline: Sequence[float], treatment: Sequence[float], *,
                margin: float, paper_baseline: float | None = None, paper_treatment: float | None = None,
                units: Sequence | None = None, digits: int = 3, **fields) -> Claim:
    """A tie in the paper ("w/o covariance 0.07 -> LaMbDA 0.07"): treatment equals baseline within
    ``margin``, a fraction of the baseline (0.1 = +-10%), by two one-sided tests.

    values are the per-unit relative changes (t - b) / b (after averaging within ``units``), and
    the claim is reproduced when their 90% t-interval lies inside (-margin, margin), not reproduced
    when it lies wholly outside, else inconclusive. Baselines must be > 0. ``fields`` go to
    :class:`~lambdalib.book.claims.Claim` (``kind``, ``source``, ``unit``).
    """
    b, t = _as_values(baseline, "baseline", name), _as_values(treatment, "treatment", name)
    if b.size != t.size:
        raise ValueError(f"baseline and treatment must be paired (same length), got {b.size} and {t.size} "
                         f"(claim {name!r})")
    if not (isinstance(margin, (int, float)) and 0 < margin < math.inf):
        raise ValueError(f"margin of claim {name!r} must be a number > 0 (a fraction of the baseline), got {margin!r}")
    if units is not None:
        b, t = vd.unit_means(b, units).to_numpy(), vd.unit_means(t, units).to_numpy()
    if np.any(b <= 0):
        raise ValueError(f"baseline of claim {name!r} must be > 0 for a relative margin, got {b.tolist()}")
    both = paper_baseline is not None and paper_treatment is not None
    paper_text = (f"{format_sig(paper_baseline, digits)} -> {format_sig(paper_treatment, digits)}"
                  if both else MISSING)
    return Claim(
        chapter=chapter, name=name, values=tuple((t - b) / b), direction="equal", reference=0.0,
        margin=float(margin), paper=vd.relative_change(paper_baseline, paper_treatment), paper_text=paper_text,
        ours_text=f"{mean_sd_text(b, digits)} -> {mean_sd_text(t, digits)}",
        paper_effect=vd.relative_change(paper_baseline, paper_treatment),
        ours_effect=vd.relative_change(float(np.mean(b)), float(np.mean(t))), **fields,
    )


def table_claim(chapter: str, name: str, cells: pd.DataFrame, *, source: str, unit: str,
                margin: float | None = None, digits: int = 3) -> Claim:
    """The headline claim of one paper table or figure, pooled within each replication unit.

    ``cells``: tidy, one row per (cell, unit[, repeat]) with columns ``cell``, ``unit``,
    ``baseline``, ``treatment``, ``direction`` (the paper's, per cell: "lower", "higher", or
    "equal" for a tie, which needs ``margin``) and, for the paper's own point, ``paper_baseline``
    and ``paper_treatment`` (see :func:`lambdalib.book.verdicts.pool_table`).

    The claim's values are the per-unit shares of cells going the paper's way
    (:data:`~lambdalib.book.verdicts.PRIMARY_STATISTIC`), tested against 1/2 with the t-interval
    over units; ``secondary`` holds the per-unit mean log-ratio toward the paper, ``count`` the
    cell-by-unit differences going the paper's way and their total, ``paper`` the paper's share,
    and the effects the geometric-mean relative change toward the paper (exp(mean log-ratio) - 1).
    """
    by_unit, s = vd.pool_table(cells, margin=margin)
    shares, ratios = by_unit["share"].to_numpy(), by_unit["log_ratio"].to_numpy()
    has_ratio = bool(np.all(np.isfinite(ratios)))
    ties = f", {s['ties']} tied" if s["ties"] else ""
    if s["paper_share"] is None:
        paper_text = MISSING
    else:
        paper_text = f"{s['paper_count']} of {s['cells']} cells"
    return Claim(
        chapter=chapter, name=name, values=tuple(shares), direction="higher", reference=0.5,
        paper=s["paper_share"], paper_text=paper_text,
        ours_text=(f"share {mean_sd_text(shares, digits)} per {unit}; "
                   f"{s['count']} of {s['total']} cell × {unit} differences{ties}"),
        kind="paper", source=source, level="headline", unit=unit,
        secondary=tuple(ratios) if has_ratio else (),
        paper_secondary=s["paper_log_ratio"],
        paper_effect=None if s["paper_log_ratio"] is None else math.expm1(s["paper_log_ratio"]),
        ours_effect=math.expm1(float(np.mean(ratios))) if has_ratio else None,
        count=(s["count"], s["total"]),
    )


def cells_frame(rows: Sequence[tuple]) -> pd.DataFrame:
    """The tidy frame of :func:`table_claim` and :func:`cell_claims` from one tuple per cell:
    (name, baseline, treatment, direction, paper baseline, paper treatment), the values one per
    unit, in the same unit order in every cell (units are labelled 0, 1, ...). The paper's
    columns are kept only when the paper gives every cell's values."""
    frame = pd.concat([pd.DataFrame({"cell": name, "unit": np.arange(len(np.asarray(b))), "baseline": np.asarray(b),
                                     "treatment": np.asarray(t), "direction": d, "paper_baseline": pb,
                                     "paper_treatment": pt}) for name, b, t, d, pb, pt in rows], ignore_index=True)
    has_paper = all(pb is not None and pt is not None for *_, pb, pt in rows)
    return frame if has_paper else frame.drop(columns=["paper_baseline", "paper_treatment"])


def cell_claims(chapter: str, cells: pd.DataFrame, *, source: str, unit: str, what: str | None = None,
                margin: float | None = None, kind: str = "paper") -> list[Claim]:
    """One claim per cell of the tidy ``cells`` (:func:`table_claim`'s frame), in order, paired
    within each unit: a comparison in the cell's direction, or for an "equal" cell (a tie in the
    paper) :func:`equivalence` within ``margin``. The claim is named after the cell, followed by
    ": ``what``" when given, with "{dir}" in ``what`` read as "lowers", "raises" or "matches"."""
    out = []
    for cell, rows in cells.groupby("cell", sort=False):
        first = rows.iloc[0]
        word = {"lower": "lowers", "higher": "raises", "equal": "matches"}[first.direction]
        name = cell if what is None else f"{cell}: {what.replace('{dir}', word)}"
        args = (rows["baseline"].to_numpy(), rows["treatment"].to_numpy())
        fields = dict(paper_baseline=first.get("paper_baseline"), paper_treatment=first.get("paper_treatment"),
                      units=rows["unit"].to_numpy(), kind=kind, source=source, unit=unit)
        if first.direction == "equal":
            if margin is None:
                raise ValueError(f"cell {cell!r} is a tie in the paper: cell_claims needs a margin")
            out.append(equivalence(chapter, f"{name} (a tie, ±{margin:.0%})", *args, margin=margin, **fields))
        else:
            out.append(compare(chapter, name, *args, direction=first.direction, **fields))
    return out


def headline_facts(claim: Claim) -> dict[str, str]:
    """What a chapter's prose says of a headline claim, as text to glue: ``verdict``, ``share``
    (mean ± sd of the per-unit shares), ``count`` ("4 of 54"), ``paper_count`` (the paper's
    cells going its own way, e.g. "17 of 18 cells"), ``effect`` and ``paper_effect`` (geometric
    mean relative change toward the paper, "+12%"), ``n`` and ``decide`` (for an inconclusive
    verdict, how many units would decide it at the observed mean and spread, else "")."""
    decide = ""
    if claim.verdict == "inconclusive":
        n, would = vd.n_to_decide(claim.values, direction=claim.direction, reference=claim.reference,
                                  margin=claim.margin)
        decide = ("no number of units would decide it at this mean" if math.isinf(n) or math.isnan(n)
                  else f"about {n:.0f} {claim.unit}s at this mean and spread would decide it ({would})")
    count = MISSING if claim.count is None else f"{claim.count[0]} of {claim.count[1]}"
    return {"verdict": claim.verdict, "share": mean_sd_text(claim.values), "count": count,
            "paper_count": claim.paper_text, "effect": effect_text(claim.ours_effect),
            "paper_effect": effect_text(claim.paper_effect),
            "n": str(claim.n), "decide": decide}
