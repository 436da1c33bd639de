"""Tests for lambdalib.book.display: the claims table's HTML and text forms, and "—" for NaN."""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
from IPython.core.formatters import DisplayFormatter

from lambdalib.book.claims import Claim, claims_table, compare, threshold
from lambdalib.book.display import ClaimsTable, HTMLBlock, claims_html, headline_html, show_missing_as_dash
from lambdalib.book.headline import table_claim


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


def sectioned_claims():
    """A headline, a cell claim and a check, given out of order."""
    head = table_claim("ch", "Table 9: lower everywhere", pd.DataFrame({
        "cell": ["a", "a", "b", "b"], "unit": [0, 1, 0, 1], "baseline": [1.0, 1.1, 2.0, 2.2],
        "treatment": [0.8, 0.9, 1.5, 1.9], "direction": "lower"}), source="Paper Table 9", unit="seed")
    check = threshold("ch", "solver check", [0.1, 0.2], reference=1.0, direction="lower", kind="check", exact=True)
    return [some_claims()[0], check, head]


def test_claims_html_puts_the_verdict_first_coloured():
    html = ClaimsTable(some_claims(), claims_table(some_claims()))._repr_html_()
    assert re.findall(r"<th(?: [^>]*)?>(.*?)</th>", html) == ["verdict", "claim", "paper", "ours (mean ± sd)", "effect"]
    assert re.findall(r'data-verdict="([^"]+)"', html) == ["reproduced", "inconclusive", "not reproduced"]
    assert re.findall(r'style="color:#\w+;background:#\w+"', html)          # coloured inline: no CSS needed
    first = cells(html, 0)
    assert first[0] == "✓&nbsp;reproduced" and first[1].startswith("alignment lowers &lt;MSE&gt;")  # escaped
    assert first[2] == "0.678 → 0.425" and "n = 3" in first[3] and "95% [" in first[3]
    assert "paper -37%, ours -41%" in first[4]                                 # relative changes, both
    assert cells(html, 1)[3].endswith("n = 1; —")                              # one run: no interval


def test_chapter_html_shows_headlines_then_cells_then_checks():
    claims = sectioned_claims()
    html = ClaimsTable(claims, claims_table(claims))._repr_html_()
    titles = re.findall(r"<p><b>(.*?)</b></p>", html)
    assert [t.split(":")[0].split(",")[0] for t in titles] == ["Headline claims", "Paper claims", "Checks of our own (not claims of the paper)"]
    assert html.index("Table 9") < html.index("alignment lowers") < html.index("solver check")
    assert "✓&nbsp;passes" in html and "exact: every value compared" in html   # a check's words
    top = headline_html(claims)
    assert "Table 9" in top and "alignment lowers" not in top                   # headlines only
    assert "2 paper claims (2 reproduced)" in top and "1 checks of our own (1 passes)" in top


def test_claims_html_fits_its_container():
    """Fixed layout at 100% width, column widths adding up to 100%, words allowed to wrap."""
    html = HTMLBlock(claims_html(some_claims()))._repr_html_()
    assert "table-layout: fixed" in html and "width: 100%" in html and "overflow-wrap: anywhere" in html
    widths = [float(w) for w in re.findall(r"<col style='width:([\d.]+)%'>", html)]
    assert len(widths) == 5 and abs(sum(widths) - 100) < 0.5


def test_claims_table_text_form_is_the_plain_table_and_both_forms_are_stable():
    shown = ClaimsTable(some_claims(), claims_table(some_claims()))
    assert repr(shown) == claims_table(some_claims()).to_string(index=False) == shown.to_string(index=False)
    again = ClaimsTable(some_claims(), claims_table(some_claims()))
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


def test_effects_read_as_percent_or_as_a_factor_when_huge():
    from lambdalib.book.display import effect_text

    assert [effect_text(x) for x in (None, -0.4, 0.123, 9.0, 3.7e14)] == ["—", "-40%", "+12%", "+900%", "×3.7e+14"]
