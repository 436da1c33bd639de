"""How a chapter shows its tables: the claims table as HTML, missing values as "—".

:func:`lambdalib.book.claims.report` returns a :class:`ClaimsTable`. The book shows its HTML
(:func:`claims_html`): the verdict first and colour-coded, then the claim, the paper's value and
ours, in columns that wrap to fit the book's content column. Its text form, the plain
``claims_table(...).to_string(index=False)``, is what nbval compares when a chapter is re-run;
readers never see it (the book shows the richest form of an output). Both are deterministic: the
same claims give the same HTML and text.

:func:`show_missing_as_dash` makes a notebook show every DataFrame's missing values as "—".
"""

from __future__ import annotations

import html
import math

import pandas as pd

__all__ = ["MISSING", "VERDICT_STYLE", "ClaimsTable", "claims_html", "show_missing_as_dash"]

MISSING = "—"  # how the book shows a missing value
# Each verdict's mark (for readers who cannot tell the colours apart), text and background colour.
VERDICT_STYLE = {
    "reproduced": ("✓", "#116329", "#dafbe1"),
    "inconclusive": ("?", "#6c4400", "#fff8c5"),
    "not reproduced": ("✗", "#a40e26", "#ffebe9"),
}
# The HTML table's columns, in order: (claims-table column, header, relative width). A column the
# table lacks is left out ("chapter" is only in the dashboard); "interval" is ci_low and ci_high.
HTML_COLUMNS = (
    ("verdict", "verdict", 19),
    ("chapter", "chapter", 14),
    ("claim", "claim", 31),
    ("paper", "paper", 13),
    ("ours", "ours (mean ± sd)", 20),
    ("n", "n", 5),
    ("interval", "95% interval", 14),
)
INTERVAL_TITLE = ("95% Student-t interval of the mean of the claimed quantity (treatment - baseline, "
                  "or the value compared with the paper's bound); the verdict reads it")
# Fixed layout at the container's width: long words wrap anywhere rather than widen the table.
CSS = """table.lambdabook-claims {width: 100%; table-layout: fixed; border-collapse: collapse; font-size: 0.85em; line-height: 1.35}
table.lambdabook-claims th, table.lambdabook-claims td {text-align: left; vertical-align: top; padding: 0.3em 0.4em; white-space: normal; overflow-wrap: anywhere; border: none; border-bottom: 1px solid #d0d7de}
table.lambdabook-claims th {font-weight: 600; border-bottom: 2px solid #8c959f}
table.lambdabook-claims td.verdict {overflow-wrap: normal}
table.lambdabook-claims td.verdict span {display: inline-block; padding: 0.05em 0.4em; border-radius: 0.6em; font-size: 0.95em; font-weight: 600}
""" + "".join(f"table.lambdabook-claims td.{verdict.replace(' ', '-')} span {{color: {fg}; background: {bg}}}\n"
              for verdict, (_, fg, bg) in VERDICT_STYLE.items())


class ClaimsTable:
    """A chapter's claims table in a notebook: HTML for the book, plain text for nbval."""

    def __init__(self, table: pd.DataFrame):
        self.table = table

    def to_string(self, index: bool = False) -> str:
        """The text form: the table as ``DataFrame.to_string`` prints it (no index)."""
        return self.table.to_string(index=index)

    def __repr__(self) -> str:
        return self.to_string()

    def _repr_html_(self) -> str:
        return claims_html(self.table.drop(columns="chapter"))  # the chapter's own: one value


def _text(value) -> str:
    """A cell's text: "—" for a missing number, "->" drawn as an arrow, HTML-escaped, and a
    line break allowed after "_" (chapter names)."""
    if isinstance(value, float):
        value = MISSING if math.isnan(value) else f"{value:g}"
    return html.escape(str(value)).replace(" -&gt; ", " → ").replace("_", "_<wbr>")


def _verdict(verdict: str) -> str:
    """The verdict's cell: its label, coloured by its class (CSS)."""
    mark = VERDICT_STYLE[verdict][0]
    return (f'<td class="verdict {verdict.replace(" ", "-")}" data-verdict="{html.escape(verdict)}">'
            f"<span>{mark}\u00a0{html.escape(verdict)}</span></td>")  # no line break after the mark


def claims_html(table: pd.DataFrame) -> str:
    """A claims table (:func:`~lambdalib.book.claims.claims_table` or the dashboard) as an HTML
    table that fills its container's width and wraps its cells, the verdict column first."""
    table = table.copy()
    if {"ci_low", "ci_high"} <= set(table.columns):
        table["interval"] = [MISSING if math.isnan(lo) else f"[{lo:g}, {hi:g}]"
                             for lo, hi in zip(table["ci_low"], table["ci_high"])]
    columns = [c for c in HTML_COLUMNS if c[0] in table.columns]
    total = sum(width for _, _, width in columns)
    head, cols = [], []
    for key, header, width in columns:
        cols.append(f'<col style="width:{100 * width / total:.1f}%">')
        title = f' title="{html.escape(INTERVAL_TITLE)}"' if key == "interval" else ""
        head.append(f"<th{title}>{html.escape(header)}</th>")
    rows = ["<tr>" + "".join(_verdict(record[key]) if key == "verdict" else f"<td>{_text(record[key])}</td>"
                             for key, _, _ in columns) + "</tr>"
            for record in table.to_dict("records")]
    return (f'<style>\n{CSS}</style>\n<table class="lambdabook-claims">\n<colgroup>{"".join(cols)}</colgroup>\n'
            f'<thead><tr>{"".join(head)}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


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
