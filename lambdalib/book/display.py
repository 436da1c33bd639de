"""How the book shows claims: HTML tables with the verdict first and colour-coded, missing values
as "—".

:func:`lambdalib.book.claims.report` returns a :class:`ClaimsTable`. The book shows its HTML: the
chapter's headline claims (one per paper table it re-runs), then its cell-level paper claims, then
its checks, each a :func:`claims_html` table (verdict, claim with its source, paper, ours with n
and unit, effect). Its text form, the plain ``claims_table(...).to_string(index=False)``, is what
nbval compares when a chapter is re-run; readers never see it (the book shows the richest form of
an output). :func:`headline_html` is the short table a chapter opens with, and the landing page
(:mod:`lambdalib.book.dashboard`) uses the same pieces. Everything is deterministic: the same
claims give the same HTML and text.

:func:`show_missing_as_dash` makes a notebook show every DataFrame's missing values as "—".
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["MISSING", "VERDICT_STYLE", "CHECK_WORDS", "CSS", "HTMLBlock", "badge", "effect_text", "claims_html",
           "headline_html", "ClaimsTable", "show_missing_as_dash"]

MISSING = "—"  # how the book shows a missing value
# Each verdict's mark (for readers who cannot tell the colours apart), text and background colour.
VERDICT_STYLE = {
    "reproduced": ("✓", "#116329", "#dafbe1"),
    "inconclusive": ("?", "#6c4400", "#fff8c5"),
    "not reproduced": ("✗", "#a40e26", "#ffebe9"),
}
CHECK_WORDS = {"reproduced": "passes", "not reproduced": "fails", "inconclusive": "inconclusive"}
# Fixed layout at the container's width: long words wrap rather than widen the table.
CSS = """table.lambdabook-dash {width: 100%; table-layout: fixed; border-collapse: collapse; font-size: 0.85em; line-height: 1.35; margin-bottom: 0.8em}
table.lambdabook-dash th, table.lambdabook-dash td {text-align: left; vertical-align: top; padding: 0.3em 0.4em; white-space: normal; overflow-wrap: anywhere; border: none; border-bottom: 1px solid #d0d7de}
table.lambdabook-dash th {font-weight: 600; border-bottom: 2px solid #8c959f}
table.lambdabook-dash .sub, p.lambdabook-sub {color: #57606a; font-size: 0.9em}
span.lambdabook-verdict {display: inline-block; padding: 0.05em 0.45em; border-radius: 0.6em; font-weight: 600; overflow-wrap: normal; word-break: keep-all}
div.lambdabook-bar {display: flex; width: 100%; height: 0.9em; border-radius: 0.3em; overflow: hidden; margin: 0.2em 0}
details.lambdabook-paper {margin: 0.4em 0} details.lambdabook-paper summary {cursor: pointer; font-weight: 600}
"""


class HTMLBlock(str):
    """HTML text that a notebook shows as HTML (and prints as its source)."""

    def _repr_html_(self) -> str:
        return f"<style>{CSS}</style>\n{self}"


def badge(verdict: str, check: bool = False) -> str:
    """A verdict as a coloured label; a check's verdict reads "passes" / "fails"."""
    mark, fg, bg = VERDICT_STYLE[verdict]
    word = CHECK_WORDS[verdict] if check else verdict
    return (f'<span class="lambdabook-verdict" data-verdict="{html.escape(verdict)}" '
            f'style="color:{fg};background:{bg}">{mark}&nbsp;{html.escape(word)}</span>')


def _arrows(text: str) -> str:
    return html.escape(text).replace(" -&gt; ", " → ")


def effect_text(x: float | None) -> str:
    """A relative change as the book writes it: "+12%", "-40%", or past +1000% a factor ("×3.4e+14")."""
    if x is None:
        return MISSING
    return f"{100 * x:+.0f}%" if x < 10 else f"×{1 + x:.2g}"


def _effect(c) -> str:
    """The effect cell: the paper's and our relative change, and the size reading."""
    if c.direction == "equal" and c.ours_effect is None:                    # values in their own units
        return f"equal within ±{c.margin:g}"
    if c.direction == "equal":                                              # values: relative changes
        return (f"tie: within ±{100 * c.margin:g}%?<br><span class='sub'>paper {effect_text(c.paper_effect)}, "
                f"ours {effect_text(c.ours_effect)}</span>")
    if c.paper_effect is None and c.ours_effect is None:
        return MISSING
    what = "toward the paper, geometric mean" if c.level == "headline" else "relative change"
    size = f"<br><b>{html.escape(c.size)}</b>" if c.size else ""
    ours = f"paper {effect_text(c.paper_effect)}, ours {effect_text(c.ours_effect)}"
    return f"{ours}{size}<br><span class='sub'>{what}</span>"


def _interval(c) -> str:
    lo, hi = c.ci
    if c.exact:
        return "exact: every value compared"
    if lo != lo:                                                            # NaN: one unit
        return MISSING
    level = "90%" if c.direction == "equal" else "95%"
    return f"{level} [{lo:.3g}, {hi:.3g}]"


def _row(c, check: bool, effect: bool, chapter: bool) -> str:
    name = html.escape(c.name)
    name = f"<b>{name}</b> <span class='sub'>(headline)</span>" if c.level == "headline" else name
    where = " · ".join(html.escape(x) for x in ((c.chapter if chapter else ""), c.source) if x)
    unit = f" ({html.escape(c.unit)})" if c.unit else ""
    n_text = f"n = {c.n}{unit}; {_interval(c)}"
    note = f"<br><span class='sub'>⚠ {html.escape(c.note)}</span>" if c.note else ""
    return (f"<tr><td>{badge(c.verdict, check)}{note}</td><td>{name}<br><span class='sub'>{where}</span></td>"
            f"<td>{_arrows(c.paper_text)}</td><td>{_arrows(c.ours_text)}<br><span class='sub'>{n_text}</span></td>"
            + (f"<td>{_effect(c)}</td>" if effect else "") + "</tr>")


def claims_html(claims, *, check: bool = False, chapter: bool = True) -> str:
    """An HTML table of ``claims`` (:class:`~lambdalib.book.claims.Claim`): verdict, claim (with
    its chapter if ``chapter``, and source), paper, ours (mean ± sd, n, unit, interval), and the
    effect column where a claim has an effect. ``check``: verdicts read passes / fails."""
    claims = list(claims)
    effect = any(c.paper_effect is not None or c.ours_effect is not None or c.margin for c in claims)
    widths = (18, 29, 14, 22, 17) if effect else (18, 36, 18, 28)
    headers = ("verdict", "claim", "paper", "ours (mean ± sd)", "effect")[:len(widths)]
    head = ("<colgroup>" + "".join(f"<col style='width:{w}%'>" for w in widths) + "</colgroup><thead><tr>"
            + "".join(f"<th>{h}</th>" for h in headers) + "</tr></thead>")
    return (f'<table class="lambdabook-dash lambdabook-claims">{head}<tbody>'
            + "".join(_row(c, check, effect, chapter) for c in claims) + "</tbody></table>")


def _counts(claims, check: bool = False) -> str:
    verdicts = [c.verdict for c in claims]
    return ", ".join(f"{verdicts.count(v)} {CHECK_WORDS[v] if check else v}" for v in VERDICT_STYLE
                     if verdicts.count(v))


def headline_html(claims) -> HTMLBlock:
    """The short table a chapter opens with: its headline claims (or, with none, its paper claims),
    and a line counting all its paper claims and checks by verdict."""
    paper = [c for c in claims if c.kind == "paper"]
    checks = [c for c in claims if c.kind == "check"]
    heads = [c for c in paper if c.level == "headline"] or paper
    parts = [claims_html(heads, chapter=False)] if heads else []
    line = [f"{len(paper)} paper claims ({_counts(paper)})"] if paper else ["no paper claim"]
    if checks:
        line.append(f"{len(checks)} checks of our own ({_counts(checks, check=True)})")
    parts.append(f"<p class='lambdabook-sub'>This chapter: {'; '.join(line)}. All of them at the end of the "
                 f"chapter.</p>")
    return HTMLBlock("\n".join(parts))


class ClaimsTable:
    """A chapter's claims in a notebook: HTML for the book (headlines, paper claims, checks), the
    plain :func:`~lambdalib.book.claims.claims_table` text for nbval (``table``)."""

    def __init__(self, claims, table: pd.DataFrame):
        self.claims, self.table = list(claims), table

    def to_string(self, index: bool = False) -> str:
        """The text form: the table as ``DataFrame.to_string`` prints it (no index)."""
        return self.table.to_string(index=index)

    def __repr__(self) -> str:
        return self.to_string()

    def _repr_html_(self) -> str:
        sections = (("Headline claims: one per paper table", lambda c: c.kind == "paper" and c.level == "headline"),
                    ("Paper claims, cell by cell", lambda c: c.kind == "paper" and c.level == "cell"),
                    ("Checks of our own (not claims of the paper)", lambda c: c.kind == "check"))
        parts = []
        for title, keep in sections:
            chosen = [c for c in self.claims if keep(c)]
            if chosen:
                parts.append(f"<p><b>{html.escape(title)}</b></p>\n"
                             + claims_html(chosen, check=chosen[0].kind == "check", chapter=False))
        return f"<style>{CSS}</style>\n" + "\n".join(parts)


def _frame_html(frame: pd.DataFrame) -> str:
    """``frame._repr_html_()`` (the same display options) with "—" for missing values."""
    option = pd.get_option
    return frame.to_html(na_rep=MISSING, notebook=True, max_rows=option("display.max_rows"),
                         max_cols=option("display.max_columns"), show_dimensions=option("display.show_dimensions"),
                         float_format=option("display.float_format"), bold_rows=True)


def show_missing_as_dash(shell=None) -> None:
    """Show missing values as "—" in this notebook's DataFrames and Stylers, not as NaN.

    pandas has an option for Stylers only, so DataFrames get an HTML formatter registered with
    IPython (``shell``, default the running one; outside IPython only the option is set). Call
    it once, in a chapter's setup cell.
    """
    pd.set_option("styler.format.na_rep", MISSING)
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _frame_html)
