"""Paper-vs-ours claims, their verdicts, and the book's dashboard.

Each chapter ends with one cell, ``report(claims, chapter)``: it shows what the paper reported,
what our run produced, and a verdict per claim (a :class:`~lambdalib.book.display.ClaimsTable`),
and saves the claims to ``<claims dir>/<chapter>.json``. The book's own re-runs (``make
run-<chapter>``, ``make chapters``, ``make sweep``) write the committed ``claims/``, which the
dashboard reads (:func:`collect`); any other run writes ``runs/claims/`` (:func:`claims_dir`). Chapters never build a
:class:`Claim` by hand; they call :func:`compare` (treatment vs baseline, paired over seeds) or
:func:`threshold` (per-seed values vs a fixed bound).

Verdict rule (the book's contract)
----------------------------------
A claim holds our per-seed (or per-fold) values of the claimed quantity, the ``reference`` the
paper compares it with, and the ``direction`` the paper claims: ``"lower"`` (the quantity is
below ``reference``) or ``"higher"`` (above). Let ``d = values - reference``; the paper claims
``d < 0`` for ``"lower"`` and ``d > 0`` for ``"higher"``. With the 95% two-sided Student-t
interval of the mean of ``d`` (``df = n - 1``):

- ``"reproduced"``      the mean of ``d`` has the paper's sign and the interval excludes 0;
- ``"not reproduced"``  the whole interval lies on the wrong side of 0;
- ``"inconclusive"``    the interval covers 0 (an end point at exactly 0 counts as covering),
  or ``n < 2`` (one run gives no interval, so we say inconclusive and never guess).

When all values are identical (``n >= 2``, spread 0) the interval collapses to that point and
the verdict is decided by its sign (a point at exactly 0 is inconclusive), and :attr:`Claim.note`
says so. Ties (``direction="equal"``), exact checks and headline claims: :mod:`lambdalib.book.verdicts`.
A ``kind="paper"`` claim is a statement of one paper (``source``: paper and table / figure), a
``"check"`` the book's own (a simulator or solver validation, a target, an identity); only paper
claims count in headline figures. Files without these fields load as cell-level paper claims.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from lambdalib.book import verdicts as vd
from lambdalib.book.display import MISSING, ClaimsTable, headline_html

__all__ = [
    "Claim", "compare", "threshold", "claims_table", "report", "headline_html", "load_claims", "collect",
    "verdict_counts", "round_sig", "format_sig", "mean_sd_text", "claims_dir", "BOOK_CLAIMS_DIR",
    "CONFIDENCE", "DIRECTIONS", "VERDICTS", "TABLE_COLUMNS", "DASHBOARD_COLUMNS", "KINDS", "LEVELS",
]

CONFIDENCE = vd.CONFIDENCE  # two-sided level of the t-interval behind every direction verdict
DIRECTIONS = vd.DIRECTIONS  # "equal": a tie in the paper, tested for equivalence within a margin
VERDICTS = vd.VERDICTS
KINDS = ("paper", "check")
LEVELS = ("cell", "headline")  # a headline claim pools a whole paper table (lambdalib.book.headline)
TABLE_COLUMNS = ("chapter", "claim", "kind", "paper", "ours", "mean", "spread", "n", "ci_low", "ci_high", "verdict",
                 "size")
DASHBOARD_COLUMNS = ("chapter", "claim", "paper", "ours", "n", "verdict")
ENV_DIR = "LAMBDABOOK_CLAIMS_DIR"  # where report writes, if set (relative: to the repository root)
ROOT = Path(__file__).resolve().parents[2]  # the repository (lambdalib is installed editable)
BOOK_CLAIMS_DIR = ROOT / "claims"  # the committed claims: the book's own runs write them, the dashboard reads them
RUNS_CLAIMS_DIR = ROOT / "runs" / "claims"  # any other run's (git-ignored)


def round_sig(x, digits: int = 3):
    """Round ``x`` (a number or an array) to ``digits`` significant digits; NaN/inf and 0 stay.

    ``round_sig(0.123456) == 0.123``, ``round_sig(1234.5) == 1230.0``. Arrays give arrays.
    """
    if not isinstance(digits, (int, np.integer)) or digits < 1:
        raise ValueError(f"digits must be an int >= 1, got {digits!r}")
    if np.ndim(x) > 0:
        arr = np.asarray(x, dtype=float)
        return np.array([round_sig(v, digits) for v in arr.ravel()]).reshape(arr.shape)
    x = float(x)
    if not math.isfinite(x) or x == 0.0:
        return x
    return float(round(x, int(digits - 1 - math.floor(math.log10(abs(x))))))


def format_sig(x: float | None, digits: int = 3) -> str:
    """``x`` as text with ``digits`` significant digits, trailing zeros dropped, no exponent
    for 1e-4 <= |x| < 1e6 (``1234.5 -> "1230"``, ``0.02 -> "0.02"``); None gives "—"."""
    if x is None:
        return MISSING
    r = round_sig(x, digits)
    if not math.isfinite(r):
        return str(r)
    if r == 0.0:
        return "0"
    e = math.floor(math.log10(abs(r)))
    if not -4 <= e < 6:
        return f"{r:.{digits}g}"
    text = f"{r:.{max(digits - 1 - e, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclasses.dataclass(frozen=True)
class Claim:
    """One claim of a paper, with our per-seed values of the claimed quantity.

    ``values`` are compared with ``reference`` in ``direction`` (see the module docstring for
    the verdict rule). ``paper`` is the paper's value of the same quantity (None if it gives
    none); ``paper_text`` / ``ours_text`` are how the two read in the table.
    """

    chapter: str
    name: str
    values: tuple[float, ...]
    direction: str
    reference: float = 0.0
    paper: float | None = None
    paper_text: str = MISSING
    ours_text: str = ""
    kind: str = "paper"                # "paper" or "check" (KINDS)
    source: str = ""                   # where the paper says it: "LaMbDA-long Table 2"
    level: str = "cell"                # "cell" or "headline" (LEVELS)
    unit: str = ""                     # the replication unit of values: "seed", "held-out subject"
    margin: float | None = None        # direction "equal": |values - reference| within it (same units)
    exact: bool = False                # a deterministic check: every value compared, no interval
    paper_effect: float | None = None  # relative change (t - b) / b, the paper's and ours
    ours_effect: float | None = None
    secondary: tuple[float, ...] = ()  # headline: per-unit mean log-ratio toward the paper
    paper_secondary: float | None = None
    count: tuple[int, int] | None = None  # headline: cell-by-unit differences the paper's way, of all

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {self.direction!r} (claim {self.name!r})")
        if self.kind not in KINDS or self.level not in LEVELS or (self.level, self.kind) == ("headline", "check"):
            raise ValueError(f"claim {self.name!r}: kind in {KINDS}, level in {LEVELS}, a headline is a paper claim")
        if (self.direction == "equal") != (self.margin is not None):
            raise ValueError(f"claim {self.name!r}: a margin goes with direction 'equal' and only with it")
        values = tuple(float(v) for v in np.asarray(self.values, dtype=float).ravel())
        if not values:
            raise ValueError(f"values of claim {self.name!r} ({self.chapter}) are empty")
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"values of claim {self.name!r} ({self.chapter}) must be finite, got {values}")
        if not math.isfinite(float(self.reference)):
            raise ValueError(f"reference of claim {self.name!r} must be finite, got {self.reference!r}")
        if self.paper is not None and not math.isfinite(float(self.paper)):
            raise ValueError(f"paper of claim {self.name!r} must be finite or None, got {self.paper!r}")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "reference", float(self.reference))
        object.__setattr__(self, "paper", None if self.paper is None else float(self.paper))
        object.__setattr__(self, "secondary", tuple(float(v) for v in self.secondary))  # JSON lists
        object.__setattr__(self, "count", None if self.count is None else tuple(int(v) for v in self.count))

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def spread(self) -> float:
        """Sample standard deviation (ddof=1); NaN for n < 2, exactly 0 for identical values."""
        if self.n < 2:
            return math.nan
        x = np.asarray(self.values)
        return 0.0 if np.all(x == x[0]) else float(np.std(x, ddof=1))

    @property
    def ci(self) -> tuple[float, float]:
        """The interval the verdict reads (95% t-interval of the mean of ``values``, 90% for
        "equal"); (nan, nan) for n < 2 or an exact check."""
        return vd.interval(self.values, self.direction, exact=self.exact)

    @property
    def verdict(self) -> str:
        """"reproduced", "not reproduced" or "inconclusive" (rules in :mod:`lambdalib.book.verdicts`)."""
        return vd.verdict(self.values, self.direction, self.reference, margin=self.margin, exact=self.exact)

    @property
    def size(self) -> str:
        """Our relative effect against the paper's (:func:`lambdalib.book.verdicts.size_reading`)."""
        return vd.size_reading(self.paper_effect, self.ours_effect)

    @property
    def note(self) -> str:
        """What the reader must know beside the verdict ("" when nothing)."""
        if not self.exact and vd.zero_spread(self.values):
            return f"zero spread over n = {self.n}: identical values, decided by their sign alone"
        return "one unit: no interval" if self.n < 2 and not self.exact else ""


def mean_sd_text(values, digits: int = 3) -> str:
    """"mean ± sd" of ``values`` (sd with ddof = 1), each to ``digits`` significant digits
    (:func:`format_sig`); just "mean" for one value, "" for none. The book's one such format."""
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        return ""
    if x.size < 2:
        return format_sig(float(np.mean(x)), digits)
    return f"{format_sig(float(np.mean(x)), digits)} ± {format_sig(float(np.std(x, ddof=1)), digits)}"


def _as_values(x, what: str, name: str) -> np.ndarray:
    """``x`` as a 1-d float array of finite per-seed values (``what`` names the parameter)."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{what} of claim {name!r} must be one value per seed (1-d), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"values of claim {name!r}: {what} must be finite, got {arr.tolist()}")
    return arr


def compare(chapter: str, name: str, baseline: Sequence[float], treatment: Sequence[float], *,
            direction: str, paper_baseline: float | None = None, paper_treatment: float | None = None,
            digits: int = 3, units: Sequence | None = None, **fields) -> Claim:
    """Treatment vs baseline, paired over seeds: values = treatment - baseline, reference 0.

    ``direction="lower"`` claims the treatment lowers the quantity (e.g. alignment lowers MSE).
    ``paper`` is ``paper_treatment - paper_baseline`` when both are given; the paper's and our
    relative changes ((t - b) / b) are kept for the size reading. ``units`` (a label per pair):
    average within units first. ``fields`` go to :class:`Claim` (``kind``, ``source``, ``unit``).
    """
    b, t = _as_values(baseline, "baseline", name), _as_values(treatment, "treatment", name)
    if b.size != t.size:
        raise ValueError(f"baseline and treatment must be paired over seeds (same length), "
                         f"got {b.size} and {t.size} (claim {name!r})")
    if units is not None:
        b, t = vd.unit_means(b, units).to_numpy(), vd.unit_means(t, units).to_numpy()
    both = paper_baseline is not None and paper_treatment is not None
    if paper_baseline is None and paper_treatment is None:
        paper_text = MISSING
    else:
        paper_text = f"{format_sig(paper_baseline, digits)} -> {format_sig(paper_treatment, digits)}"
    return Claim(
        chapter=chapter, name=name, values=tuple(t - b), direction=direction, reference=0.0,
        paper=float(paper_treatment) - float(paper_baseline) if both else None,
        paper_text=paper_text,
        ours_text=f"{mean_sd_text(b, digits)} -> {mean_sd_text(t, digits)}",
        paper_effect=vd.relative_change(paper_baseline, paper_treatment),
        ours_effect=vd.relative_change(float(np.mean(b)), float(np.mean(t))), **fields,
    )


def threshold(chapter: str, name: str, values: Sequence[float], *, reference: float, direction: str,
              paper: float | None = None, paper_text: str | None = None, digits: int = 3,
              units: Sequence | None = None, **fields) -> Claim:
    """Per-seed values vs a fixed bound, e.g. "DDIM speed-up over DDPM >= 15x"
    (``reference=15, direction="higher"``). ``paper_text`` defaults to ``paper`` formatted.
    ``units`` and ``fields`` as in :func:`compare`; a deterministic check passes ``kind="check",
    exact=True``."""
    v = _as_values(values, "values", name)
    v = v if units is None else vd.unit_means(v, units).to_numpy()
    return Claim(
        chapter=chapter, name=name, values=tuple(v), direction=direction, reference=reference,
        paper=paper, paper_text=format_sig(paper, digits) if paper_text is None else paper_text,
        ours_text=mean_sd_text(v, digits), **fields,
    )


def claims_table(claims: Iterable[Claim], digits: int = 3) -> pd.DataFrame:
    """One row per claim (columns ``TABLE_COLUMNS``), numbers rounded to ``digits``
    significant digits so ``print(df.to_string(index=False))`` is stable run to run."""
    rows = []
    for c in claims:
        lo, hi = c.ci
        rows.append({
            "chapter": c.chapter, "claim": c.name, "kind": f"{c.kind}, {c.level}" if c.kind == "paper" else c.kind,
            "paper": c.paper_text, "ours": c.ours_text,
            "mean": round_sig(c.mean, digits), "spread": round_sig(c.spread, digits), "n": c.n,
            "ci_low": round_sig(lo, digits), "ci_high": round_sig(hi, digits), "verdict": c.verdict,
            "size": c.size or MISSING,
        })
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return table.astype({"mean": float, "spread": float, "n": int, "ci_low": float, "ci_high": float})


def claims_dir(directory: str | os.PathLike | None = None) -> Path:
    """Where :func:`report` writes: ``directory`` if given, else ``$LAMBDABOOK_CLAIMS_DIR``, else
    ``<repository>/runs/claims``. A relative path is taken from the repository root, never from
    the working directory, so a chapter run from anywhere writes to the same place. Only the
    book's own re-runs (the Makefile) point it at the committed ``<repository>/claims``."""
    if directory is None:
        directory = os.environ.get(ENV_DIR) or RUNS_CLAIMS_DIR
    return ROOT / directory  # an absolute path stays as it is


def report(claims: Sequence[Claim], chapter: str, *, directory: str | os.PathLike | None = None,
           digits: int = 3) -> ClaimsTable:
    """A chapter's last cell: save ``claims`` to ``<claims dir>/<chapter>.json`` (:func:`claims_dir`)
    and return them as a :class:`~lambdalib.book.display.ClaimsTable`, which the notebook shows as
    HTML (headlines, paper claims, checks) and nbval reads as text (its ``.table``, the
    :func:`claims_table`). A chapter opens with :func:`headline_html` of the same claims (glued)."""
    from lambdalib import __version__

    claims = list(claims)
    if not claims:
        raise ValueError(f"report for chapter {chapter!r} got no claims")
    if not chapter or Path(chapter).name != chapter:
        raise ValueError(f"chapter must be a plain file name, got {chapter!r}")
    others = sorted({c.chapter for c in claims} - {chapter})
    if others:
        raise ValueError(f"report for chapter {chapter!r} got claims of chapter(s) {others}")
    table = claims_table(claims, digits)
    out = claims_dir(directory)
    out.mkdir(parents=True, exist_ok=True)
    payload = {"lambdalib_version": __version__, "chapter": chapter,
               "claims": [dataclasses.asdict(c) for c in claims]}  # values: a list of floats
    path = out / f"{chapter}.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)  # a reader never sees a half-written file
    return ClaimsTable(claims, table)


def load_claims(path: str | os.PathLike) -> list[Claim]:
    """The claims saved by :func:`report`, exactly as they were."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Claim(**{**c, "values": tuple(c["values"])}) for c in payload["claims"]]


def collect(directory: str | os.PathLike | None = None, digits: int = 3) -> pd.DataFrame:
    """The dashboard: every ``*.json`` in ``directory`` (default the committed claims,
    ``BOOK_CLAIMS_DIR``, whatever ``$LAMBDABOOK_CLAIMS_DIR`` says), sorted by chapter (claims
    keep their order within a chapter), as one table with columns ``DASHBOARD_COLUMNS``."""
    where = BOOK_CLAIMS_DIR if directory is None else ROOT / directory
    if not where.is_dir():
        raise FileNotFoundError(f"claims directory {where} does not exist; run a chapter first")
    claims = [c for p in sorted(where.glob("*.json")) for c in load_claims(p)]
    claims.sort(key=lambda c: c.chapter)  # stable
    return claims_table(claims, digits)[list(DASHBOARD_COLUMNS)]


def verdict_counts(table: pd.DataFrame) -> pd.Series:
    """How many claims are reproduced / inconclusive / not reproduced (all three, zeros kept)."""
    return table["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0).astype(int).rename("claims")
