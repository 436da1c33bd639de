"""Tests for lambdalib.book.display: the claims table's HTML and text forms, and "—" for NaN."""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
from IPython.core.formatters import DisplayFormatter

from lambdalib.book.claims import Claim, claims_table, compare, threshold
from lambdalib.book.display import ClaimsTable, claims_html, show_missing_as_dash


def some_claims():
    return [compare("ch", "alignment lowers <MSE>", [0.5, 0.6, 0.55], [0.3, 0.35, 0.32], direction="lower",
                    paper_baseline=0.678, paper_treatment=0.425),
            threshold("ch", "one run", [1.0], reference=0.0, direction="higher"),
            Claim("ch", "wrong way", (1.0, 1.2, 1.1), "lower")]


def cells(html, row):
    """The text of each cell of body row ``row`` (tags stripped)."""
    body = html.split("<tbody>")[1]
    tr = re.findall(r"<tr>(.*?)</tr>", body)[row]
    return [re.sub(r"<[^>]+>", "", td) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr)]


def test_claims_html_puts_the_verdict_first_coloured():
    html = ClaimsTable(claims_table(some_claims()))._repr_html_()
    assert re.findall(r"<th(?: [^>]*)?>(.*?)</th>", html) == ["verdict", "claim", "paper", "ours (mean ± sd)", "n",
                                                       "95% interval"]
    assert re.findall(r'data-verdict="([^"]+)"', html) == ["reproduced", "inconclusive", "not reproduced"]
    for verdict in ("reproduced", "inconclusive", "not-reproduced"):
        assert re.search(rf"td\.{verdict} span {{color: #\w+; background: #\w+}}", html)
    first = cells(html, 0)
    assert first[0] == "✓\u00a0reproduced" and first[1] == "alignment lowers &lt;MSE&gt;"  # escaped
    assert first[2] == "0.678 → 0.425" and first[4] == "3"
    assert cells(html, 1)[-1] == "—"  # one run: no interval


def test_claims_html_fits_its_container():
    """Fixed layout at 100% width, column widths adding up to 100%, words allowed to wrap."""
    html = claims_html(claims_table(some_claims()))  # with the chapter column (the dashboard)
    assert "table-layout: fixed" in html and "width: 100%" in html and "overflow-wrap: anywhere" in html
    widths = [float(w) for w in re.findall(r'<col style="width:([\d.]+)%">', html)]
    assert len(widths) == 7 and abs(sum(widths) - 100) < 0.5


def test_claims_table_text_form_is_the_plain_table_and_both_forms_are_stable():
    shown = ClaimsTable(claims_table(some_claims()))
    assert repr(shown) == claims_table(some_claims()).to_string(index=False) == shown.to_string(index=False)
    again = ClaimsTable(claims_table(some_claims()))
    assert shown._repr_html_() == again._repr_html_() and " id=" not in shown._repr_html_()


def test_show_missing_as_dash_changes_only_missing_values():
    formatter = DisplayFormatter()
    with pd.option_context("styler.format.na_rep", None):
        show_missing_as_dash(SimpleNamespace(display_formatter=formatter))
        full = pd.DataFrame({"a": [1.5, 2.0], "b": ["x", "y"]})
        assert formatter.format(full)[0]["text/html"] == full._repr_html_()
        gaps = pd.DataFrame({"a": [1.5, np.nan], "b": ["x", None]})
        html = formatter.format(gaps)[0]["text/html"]
        assert "NaN" not in html and "None" not in html and html.count("<td>—</td>") == 2
        assert pd.get_option("styler.format.na_rep") == "—"
