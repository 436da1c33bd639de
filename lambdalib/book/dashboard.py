"""The landing page and the "What it would take" appendix, from the claims the chapters saved.

The pages stay thin; each piece here returns something a notebook cell displays:

- :func:`load`                 every saved claim, in the book's order (``_toc.yml``), headlines first
- :func:`summary`              the counts the pages glue into their prose
- :func:`at_a_glance`          per paper: its headline verdicts and a bar of its paper claims' verdicts
- :func:`forest_plot`          our headline effects (interval) against the paper's (point)
- :func:`paper_tables`         per paper, all its claims, in a collapsible block
- :func:`checks_table`         the book's own checks, apart
- :func:`what_it_would_take`   per inconclusive paper claim, the units that would decide it

Only paper claims (``kind="paper"``) count in the headline figures; a claims file written before
claims had a kind loads as paper claims (:mod:`lambdalib.book.claims`).
"""

from __future__ import annotations

import html
import math
import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from lambdalib.book import verdicts as vd
from lambdalib.book.claims import BOOK_CLAIMS_DIR, Claim, load_claims, mean_sd_text
from lambdalib.book.display import VERDICT_STYLE, HTMLBlock, badge, claims_html

__all__ = ["load", "book_order", "summary", "duplicates", "at_a_glance", "forest_plot", "figure_output",
           "paper_tables", "checks_table", "what_it_would_take", "what_it_would_take_html", "DECIDE_WITHIN"]

ROOT = BOOK_CLAIMS_DIR.parent  # the repository
DECIDE_WITHIN = 10     # the appendix counts the claims this many units would decide
OTHER = "Other chapters"
BAR_COLOURS = {"reproduced": "#2da44e", "inconclusive": "#d4a72c", "not reproduced": "#cf222e"}  # bars, plot


def book_order(toc: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """(paper, chapter) for every chapter in ``_toc.yml``, in order; the paper is the part's
    caption up to its first colon ("LaMbDA: gait (simulated data)" -> "LaMbDA")."""
    import yaml

    parts = yaml.safe_load(Path(toc or ROOT / "_toc.yml").read_text(encoding="utf-8")).get("parts", [])
    return [(part.get("caption", OTHER).split(":")[0].strip(), Path(entry["file"]).name)
            for part in parts for entry in part.get("chapters", []) if "file" in entry]


def load(directory: str | os.PathLike | None = None, toc: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every claim in ``directory`` (default the committed ``claims/``) as a frame with columns
    ``paper``, ``chapter``, ``claim`` (the :class:`Claim`), in the book's order: chapters as in
    ``_toc.yml`` (others last, by name), within a chapter its headline claims first."""
    where = Path(directory) if directory is not None else BOOK_CLAIMS_DIR
    if not where.is_dir():
        raise FileNotFoundError(f"claims directory {where} does not exist; run a chapter first")
    order = book_order(toc)
    rank = {chapter: (i, paper) for i, (paper, chapter) in enumerate(order)}
    rows = []
    for path in sorted(where.glob("*.json")):
        for j, c in enumerate(load_claims(path)):
            i, paper = rank.get(c.chapter, (len(order), OTHER))
            rows.append(((i, c.chapter, c.level != "headline", j), {"paper": paper, "chapter": c.chapter, "claim": c}))
    return pd.DataFrame([row for _, row in sorted(rows, key=lambda r: r[0])], columns=["paper", "chapter", "claim"])


def _papers(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["paper"]))


def _paper_claims(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c.kind == "paper" for c in frame["claim"]]]


def duplicates(frame: pd.DataFrame) -> list[str]:
    """Names of paper claims that appear in more than one chapter (a claim is counted once)."""
    paper = _paper_claims(frame)
    chapters = paper.groupby(paper["claim"].map(lambda c: c.name))["chapter"].nunique()
    return sorted(chapters[chapters > 1].index)


def summary(frame: pd.DataFrame) -> dict[str, int]:
    """Counts for the pages' prose: claims, paper claims, checks, headlines, chapters, papers, and
    the paper claims per verdict (``reproduced``, ``inconclusive``, ``not_reproduced``)."""
    paper = _paper_claims(frame)
    verdicts = [c.verdict for c in paper["claim"]]
    out = {"n_claims": len(frame), "n_paper_claims": len(paper), "n_checks": len(frame) - len(paper),
           "n_headlines": sum(c.level == "headline" for c in paper["claim"]),
           "n_chapters": frame["chapter"].nunique(), "n_papers": len(_papers(frame)),
           "n_zero_spread": sum(vd.zero_spread(c.values) and not c.exact for c in paper["claim"])}
    return out | {v.replace(" ", "_"): verdicts.count(v) for v in vd.VERDICTS}


def _bar(verdicts: list[str]) -> str:
    """A stacked bar of verdict counts, and the counts in words."""
    counts = {v: verdicts.count(v) for v in vd.VERDICTS}
    total = max(len(verdicts), 1)
    segments = "".join(f'<div title="{n} {v}" style="width:{100 * n / total:.2f}%;background:{BAR_COLOURS[v]}"></div>'
                       for v, n in counts.items() if n)
    words = " · ".join(f"{n} {v}" for v, n in counts.items())
    return f'<div class="lambdabook-bar">{segments}</div><span class="sub">{words} (of {len(verdicts)})</span>'


def at_a_glance(frame: pd.DataFrame) -> HTMLBlock:
    """One row per paper: its headline claims (verdict, size reading) and a bar of the verdicts
    of all its paper claims; a warning when a claim is counted in two chapters."""
    rows = []
    for paper in _papers(frame):
        claims = list(_paper_claims(frame[frame["paper"] == paper])["claim"])
        if not claims:
            continue
        heads = [c for c in claims if c.level == "headline"]
        head = "".join(f"<div>{badge(c.verdict)} {html.escape(c.name)}"
                       f"{' <span class=sub>(' + html.escape(c.size) + ')</span>' if c.size else ''}</div>"
                       for c in heads) or "<span class='sub'>no headline claim yet</span>"
        rows.append(f"<tr><td><b>{html.escape(paper)}</b></td><td>{head}</td>"
                    f"<td>{_bar([c.verdict for c in claims])}</td></tr>")
    twice = duplicates(frame)
    warn = (f"<p>⚠ counted in more than one chapter: {html.escape('; '.join(twice))}</p>" if twice else "")
    return HTMLBlock(f'{warn}<table class="lambdabook-dash"><colgroup><col style="width:18%"><col style="width:47%">'
                     f'<col style="width:35%"></colgroup><thead><tr><th>paper</th><th>headline verdicts</th>'
                     f'<th>all its paper claims</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _headlines(frame: pd.DataFrame) -> list[tuple[str, Claim]]:
    return [(p, c) for p, c in zip(frame["paper"], frame["claim"]) if c.kind == "paper" and c.level == "headline"]


def forest_plot(frame: pd.DataFrame):
    """Per headline claim, ours against the paper's: left, the share of cells going the paper's
    way (our mean and 95% interval over units, the paper's share, 1/2 dashed); right, the
    geometric-mean factor toward the paper (log scale, 1 dashed). None without headline claims."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    heads = _headlines(frame)
    if not heads:
        return None
    fig = Figure(figsize=(7.2, 1.5 + 0.6 * len(heads)), layout="constrained")
    ax_share, ax_ratio = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(heads))[::-1]
    share_ends, ratio_ends = [0.0, 1.0], [0.8, 1.25]
    for yi, (paper, c) in zip(y, heads):
        colour = BAR_COLOURS[c.verdict]
        ax_share.plot(c.ci, [yi, yi], color=colour, lw=2.5)                     # nothing for n < 2
        ax_share.plot(c.mean, yi, "o", color=colour, ms=7)
        share_ends += [v for v in (*c.ci, c.mean) if np.isfinite(v)]
        if c.paper is not None:
            ax_share.plot(c.paper, yi, "D", mfc="white", mec="black", ms=7)
        factors = []
        if c.secondary:
            r = np.asarray(c.secondary)
            factors = [*np.exp(vd.t_interval(r)), math.exp(r.mean())]
            ax_ratio.plot(factors[:2], [yi, yi], color=colour, lw=2.5)
            ax_ratio.plot(factors[2], yi, "o", color=colour, ms=7)
        if c.paper_secondary is not None:
            factors.append(math.exp(c.paper_secondary))
            ax_ratio.plot(factors[-1], yi, "D", mfc="white", mec="black", ms=7)
        ratio_ends += [f for f in factors if np.isfinite(f)]
    labels = [textwrap.fill(f"{paper}: {c.name} (n\u00a0=\u00a0{c.n})", 30) for paper, c in heads]
    ax_share.set_yticks(y, labels)
    ax_share.axvline(0.5, color="0.4", ls="--", lw=1)
    ax_share.set_xlim(min(share_ends) - 0.05, max(share_ends) + 0.05)
    ax_share.set_xlabel("share of cells\ngoing the paper's way")
    ax_ratio.axvline(1.0, color="0.4", ls="--", lw=1)
    ax_ratio.set_xscale("log")
    ax_ratio.set_xlim(min(ratio_ends) / 1.1, max(ratio_ends) * 1.1)
    ax_ratio.xaxis.set_major_locator(FixedLocator([0.1, 0.2, 0.5, 0.8, 1, 1.25, 2, 5, 10]))
    ax_ratio.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    ax_ratio.xaxis.set_minor_locator(NullLocator())
    ax_ratio.set_xlabel("factor toward the paper\n(geometric mean, log scale)")
    for ax in (ax_share, ax_ratio):
        ax.set_ylim(-0.7, len(heads) - 0.3)
    handles = [Line2D([], [], color=BAR_COLOURS[v], marker="o", lw=2.5, label=f"ours: {v}") for v in vd.VERDICTS]
    handles.append(Line2D([], [], ls="", marker="D", mfc="white", mec="black", label="paper"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return fig


def figure_output(fig, dpi: int = 100):
    """``fig`` as a PNG image a notebook cell shows (the book stores it as a local file)."""
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return Image(data=buffer.getvalue(), format="png")


def paper_tables(frame: pd.DataFrame) -> HTMLBlock:
    """Per paper, in the book's order, a collapsible table of all its paper claims (headlines
    first in each chapter), its summary line giving the verdict counts."""
    blocks = []
    for paper in _papers(frame):
        claims = list(_paper_claims(frame[frame["paper"] == paper])["claim"])
        if not claims:
            continue
        verdicts = [c.verdict for c in claims]
        counts = ", ".join(f"{verdicts.count(v)} {v}" for v in vd.VERDICTS)
        blocks.append(f'<details class="lambdabook-paper"><summary>{html.escape(paper)}: {len(claims)} '
                      f'paper claims ({counts})</summary>\n{claims_html(claims)}</details>')
    return HTMLBlock("\n".join(blocks))


def checks_table(frame: pd.DataFrame) -> HTMLBlock:
    """The book's own checks (simulator and solver validations, targets, identities), apart."""
    checks = [c for c in frame["claim"] if c.kind == "check"]
    if not checks:
        return HTMLBlock("<p class='sub'>No check rows in the saved claims yet.</p>")
    return HTMLBlock(claims_html(checks, check=True))


def what_it_would_take(frame: pd.DataFrame) -> pd.DataFrame:
    """Per inconclusive paper claim, in the book's order: its n, the mean and sd of what the
    verdict tests, the units that would decide it at that mean and sd
    (:func:`lambdalib.book.verdicts.n_to_decide`) and the verdict it would then read."""
    rows = []
    for paper, c in zip(frame["paper"], frame["claim"]):
        if c.kind != "paper" or c.verdict != "inconclusive":
            continue
        n, would = vd.n_to_decide(c.values, direction=c.direction, reference=c.reference, margin=c.margin)
        d = np.asarray(c.values) - c.reference
        rows.append({"paper": paper, "chapter": c.chapter, "claim": c.name, "level": c.level, "n": c.n,
                     "unit": c.unit, "tested": mean_sd_text(d), "n_to_decide": n, "would_read": would})
    return pd.DataFrame(rows, columns=["paper", "chapter", "claim", "level", "n", "unit", "tested",
                                       "n_to_decide", "would_read"])


def what_it_would_take_html(table: pd.DataFrame) -> HTMLBlock:
    """:func:`what_it_would_take` as the appendix shows it."""
    def n_text(n):
        return "—" if math.isnan(n) else "never" if math.isinf(n) else f"{n:.0f}"

    rows = "".join(
        f"<tr><td>{html.escape(r.paper)}<br><span class='sub'>{html.escape(r.chapter)}</span></td>"
        f"<td>{'<b>' if r.level == 'headline' else ''}{html.escape(r.claim)}{'</b>' if r.level == 'headline' else ''}</td>"
        f"<td>{r.n}{'<br><span class=sub>' + html.escape(r.unit) + '</span>' if r.unit else ''}</td>"
        f"<td>{html.escape(r.tested)}</td>"
        f"<td><b>{n_text(r.n_to_decide)}</b></td>"
        f"<td>{badge(r.would_read) if r.would_read in VERDICT_STYLE else html.escape(r.would_read)}</td></tr>"
        for r in table.itertuples())
    head = ("<colgroup><col style='width:17%'><col style='width:31%'><col style='width:10%'><col style='width:16%'>"
            "<col style='width:10%'><col style='width:16%'></colgroup><thead><tr><th>paper</th><th>claim</th>"
            "<th>n now</th><th>tested: mean ± sd</th><th>n to decide</th><th>it would read</th></tr></thead>")
    return HTMLBlock(f'<table class="lambdabook-dash">{head}<tbody>{rows}</tbody></table>')
